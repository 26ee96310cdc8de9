#!/usr/bin/env bash
# The deployment shape, measured: two reference_site instances over one PostgreSQL and
# one Redis against the DRF reference in the same shape (two instances of
# ../shared/reference/drf/serve, REFSITE_JOIN=1 for the second, each gunicorn with 2
# workers) over the same PostgreSQL server (another database) and Redis (another db).
#
#   throughput   wrk on the token-authenticated GET /api/profile/ (a token lookup in
#                PostgreSQL per request), half the connections on each instance; server
#                CPU per request (the instances' process trees) and PostgreSQL's CPU per
#                request (the postmaster's tree) read from /proc, apart
#   exactness    BURSTS times, with the counters reset: 24 concurrent anonymous GET
#                /api/throttled/ spread over both instances, against a 3/minute limit;
#                how many each lets through
#
# Prints the table and writes $WARDEN_BENCH_OUT/cluster.json. Starts a private
# PostgreSQL and Redis (scripts/services.sh) and stops everything it started.
#
#   benchmarks/cluster.sh   (environment: CLUSTER_DURATION=10 CLUSTER_CONNECTIONS=32
#                            CLUSTER_ROUNDS=3 SERVER_THREADS=2 BURSTS=5)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${WARDEN_BENCH_BUILD:-$ROOT/build-bench}
OUT=${WARDEN_BENCH_OUT:-$BUILD/bench-results}
DURATION=${CLUSTER_DURATION:-10}
CONNECTIONS=${CLUSTER_CONNECTIONS:-32}
ROUNDS=${CLUSTER_ROUNDS:-3}
SERVER_THREADS=${SERVER_THREADS:-2}
BURSTS=${BURSTS:-5}
DRF_SERVE=${DRF_SERVE:-$ROOT/../shared/reference/drf/serve}
PY=/usr/bin/python3
mkdir -p "$OUT"

source "$ROOT/scripts/lib.sh"
ensure_packages wrk curl "${WARDEN_SERVICE_PACKAGES[@]}" python3-psycopg2 python3-django-redis gunicorn \
    python3-djangorestframework python3-djangorestframework-simplejwt
[ -x "$DRF_SERVE" ] || { echo "cluster: the DRF reference ($DRF_SERVE) is missing" >&2; exit 1; }
if [ "${CLUSTER_SKIP_BUILD:-0}" != 1 ]; then
    WARDEN_BUILD=$BUILD configure -DWARDEN_BUILD_EXAMPLES=ON -DWARDEN_BUILD_BENCHMARKS=ON
    cmake --build "$BUILD" --target reference_site -j 2 >/dev/null
fi
SITE=$(find "$BUILD" -name reference_site -type f -perm -u+x | head -1)

SERVICES=$(service_dir)
cleanup() {
    stop_servers
    pg_stop "$SERVICES"
    redis_stop "$SERVICES"
    rm -rf "$SERVICES"
}
trap cleanup EXIT
PG_PORT=$(free_port)
REDIS_PORT=$(free_port)
pg_start "$SERVICES" "$PG_PORT"
redis_start "$SERVICES" "$REDIS_PORT"
"$PGBIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -qc "CREATE DATABASE refsite" >/dev/null
POSTMASTER=$(head -1 "$SERVICES/pg/postmaster.pid")

# --- warden: two instances ------------------------------------------------------------
W_DB="postgresql://postgres@127.0.0.1:$PG_PORT/warden"
W_REDIS="redis://127.0.0.1:$REDIS_PORT/0"
W_PORTS=("$(free_port)" "$(free_port)")
W_PIDS=()
for port in "${W_PORTS[@]}"; do
    WARDEN_PASSWORD_ITERATIONS=1000 WARDEN_SECRET_KEY=cluster-bench-secret \
        "$SITE" --port "$port" --threads "$SERVER_THREADS" --db "$W_DB" --redis "$W_REDIS" \
        >"$SERVICES/warden-$port.out" 2>"$SERVICES/warden-$port.log" &
    PIDS+=($!)
    W_PIDS+=($!)
done
for i in 0 1; do wait_until "${W_PIDS[$i]}" "warden $i" http_up "${W_PORTS[$i]}" /api/notes/; done
W_TOKEN=$(obtain_token "${W_PORTS[0]}")

# --- DRF: two instances in the same shape -------------------------------------------
D_PG="dbname=refsite host=127.0.0.1 port=$PG_PORT user=postgres"
D_REDIS="redis://127.0.0.1:$REDIS_PORT/1"
D_PORTS=("$(free_port)" "$(free_port)")
D_PIDS=()
REFSITE_PG="$D_PG" REFSITE_REDIS="$D_REDIS" REFSITE_PORT=${D_PORTS[0]} REFSITE_WORKERS=$SERVER_THREADS \
    "$DRF_SERVE" >"$SERVICES/drf-a.out" 2>"$SERVICES/drf-a.log" &
PIDS+=($!)
D_PIDS+=($!)
wait_until "${D_PIDS[0]}" "DRF 0" http_up "${D_PORTS[0]}" /api/notes/
REFSITE_JOIN=1 REFSITE_PG="$D_PG" REFSITE_REDIS="$D_REDIS" REFSITE_PORT=${D_PORTS[1]} REFSITE_WORKERS=$SERVER_THREADS \
    "$DRF_SERVE" >"$SERVICES/drf-b.out" 2>"$SERVICES/drf-b.log" &
PIDS+=($!)
D_PIDS+=($!)
wait_until "${D_PIDS[1]}" "DRF 1" http_up "${D_PORTS[1]}" /api/notes/
D_TOKEN=$(awk '/^token alice/ {print $3}' "$SERVICES/drf-a.out")

for sys in warden drf; do
    if [ $sys = warden ]; then ports=("${W_PORTS[@]}"); tok=$W_TOKEN; else ports=("${D_PORTS[@]}"); tok=$D_TOKEN; fi
    for port in "${ports[@]}"; do
        body=$(curl -s -H "Authorization: Token $tok" "http://127.0.0.1:$port/api/profile/")
        [ "$body" = '{"username":"alice","email":"alice@example.com"}' ] ||
            { echo "cluster: $sys on $port answered: $body" >&2; exit 1; }
    done
done

tree_ticks() {   # CPU ticks of a process and its descendants
    local sum c
    sum=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | awk '{print $12 + $13}')
    sum=${sum:-0}
    for c in $(pgrep -P "$1"); do sum=$((sum + $(tree_ticks "$c"))); done
    echo "$sum"
}
HZ=$(getconf CLK_TCK)

# --- throughput ---------------------------------------------------------------------
: >"$SERVICES/runs.txt"
half=$((CONNECTIONS / 2))
for round in $(seq "$ROUNDS"); do
    for sys in warden drf; do
        if [ $sys = warden ]; then ports=("${W_PORTS[@]}"); tok=$W_TOKEN; pids=("${W_PIDS[@]}")
        else ports=("${D_PORTS[@]}"); tok=$D_TOKEN; pids=("${D_PIDS[@]}"); fi
        for port in "${ports[@]}"; do
            wrk -t1 -c "$half" -d 2s -H "Authorization: Token $tok" "http://127.0.0.1:$port/api/profile/" >/dev/null
        done
        s0=0; for p in "${pids[@]}"; do s0=$((s0 + $(tree_ticks "$p"))); done
        g0=$(tree_ticks "$POSTMASTER")
        wrks=()
        for i in 0 1; do
            wrk -t1 -c "$half" -d "${DURATION}s" --timeout 10s -H "Authorization: Token $tok" \
                "http://127.0.0.1:${ports[$i]}/api/profile/" >"$SERVICES/wrk-$i.txt" &
            wrks+=($!)
        done
        wait "${wrks[@]}"
        s1=0; for p in "${pids[@]}"; do s1=$((s1 + $(tree_ticks "$p"))); done
        g1=$(tree_ticks "$POSTMASTER")
        req=$(cat "$SERVICES"/wrk-0.txt "$SERVICES"/wrk-1.txt | awk '/requests in/ {n += $1} END {print n}')
        rps=$(cat "$SERVICES"/wrk-0.txt "$SERVICES"/wrk-1.txt | awk '/^Requests\/sec:/ {n += $2} END {print n}')
        bad=$(cat "$SERVICES"/wrk-0.txt "$SERVICES"/wrk-1.txt | awk '/Non-2xx|Socket errors/ {print}' | tr '\n' ' ')
        echo "$round $sys $rps $req $((s1 - s0)) $((g1 - g0)) $(cut -d' ' -f1 /proc/loadavg) $bad" | tee -a "$SERVICES/runs.txt"
    done
done

# --- burst exactness ----------------------------------------------------------------
burst() {   # burst PORT_A PORT_B: statuses of 24 concurrent requests spread over both
    $PY - "$1" "$2" <<'PYEOF'
import concurrent.futures, sys, urllib.request, urllib.error
ports = sys.argv[1:3]
def get(i):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{ports[i % 2]}/api/throttled/", timeout=30) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code
with concurrent.futures.ThreadPoolExecutor(max_workers=24) as pool:
    statuses = list(pool.map(get, range(24)))
print(statuses.count(200))
PYEOF
}
: >"$SERVICES/bursts.txt"
for b in $(seq "$BURSTS"); do
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" -n 0 FLUSHDB >/dev/null
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" -n 1 FLUSHDB >/dev/null
    w=$(burst "${W_PORTS[0]}" "${W_PORTS[1]}")
    d=$(burst "${D_PORTS[0]}" "${D_PORTS[1]}")
    echo "$b $w $d" | tee -a "$SERVICES/bursts.txt"
done

# --- report -------------------------------------------------------------------------
$PY - "$SERVICES/runs.txt" "$SERVICES/bursts.txt" "$OUT/cluster.json" "$HZ" "$DURATION" "$CONNECTIONS" "$SERVER_THREADS" <<'PYEOF'
import json, statistics, sys
runs_file, bursts_file, out_file, hz, duration, conns, threads = sys.argv[1:8]
hz = float(hz)
runs = {}
loads = []
for line in open(runs_file):
    p = line.split()
    if len(p) < 7:
        continue
    _, sysname, rps, req, server_ticks, pg_ticks, load = p[:7]
    req = float(req)
    runs.setdefault(sysname, []).append({
        "rps": float(rps), "server_us": float(server_ticks) / hz * 1e6 / req if req else 0,
        "pg_us": float(pg_ticks) / hz * 1e6 / req if req else 0, "errors": " ".join(p[7:])})
    loads.append(float(load))
res = {"duration_s": int(duration), "connections": int(conns), "server_threads_or_workers": int(threads),
       "load_avg_1min": loads, "systems": {}, "bursts": []}
for name, rs in runs.items():
    res["systems"][name] = {k + "_median": statistics.median(r[k] for r in rs) for k in ("rps", "server_us", "pg_us")}
    res["systems"][name]["rps_runs"] = [r["rps"] for r in rs]
    res["systems"][name]["errors"] = [r["errors"] for r in rs if r["errors"]]
for line in open(bursts_file):
    p = line.split()
    if len(p) == 3:
        res["bursts"].append({"warden": int(p[1]), "drf": int(p[2])})
w, d = res["systems"]["warden"], res["systems"]["drf"]
res["ratios"] = {"throughput": w["rps_median"] / d["rps_median"], "server_cpu": d["server_us_median"] / w["server_us_median"],
                 "pg_cpu": d["pg_us_median"] / w["pg_us_median"] if w["pg_us_median"] else None}
json.dump(res, open(out_file, "w"), indent=2)
print("\n| | req/s (median of %d) | server CPU µs/req | PostgreSQL CPU µs/req |" % len(runs["warden"]))
print("|---|---|---|---|")
for name in ("warden", "drf"):
    s = res["systems"][name]
    print("| %s | %.0f | %.0f | %.0f |" % (name, s["rps_median"], s["server_us_median"], s["pg_us_median"]))
r = res["ratios"]
print("| warden / DRF | %.1f × | %.1f × less | %s |" % (r["throughput"], r["server_cpu"],
                                                     "%.1f × less" % r["pg_cpu"] if r["pg_cpu"] else "-"))
print("\nburst of 24 concurrent anonymous requests, 3/minute limit, over two instances:")
print("| burst | warden lets through | DRF lets through |")
print("|---|---|---|")
for i, b in enumerate(res["bursts"], 1):
    print("| %d | %d | %d |" % (i, b["warden"], b["drf"]))
PYEOF

#!/usr/bin/env bash
# End-to-end throughput: wrk with keep-alive on 127.0.0.1 against the token-authenticated
# GET /api/profile/ of
#   reference_site   warden's reference site (SQLite store: the token lookup runs on the
#                    I/O thread when a connection is idle), on a fresh database in a
#                    temporary folder
#   reference_site_pool  the same with --no-inline-reads: every request handed to the
#                    blocking pool and back (what inline reads save)
#   reference_site_cached  the same with --token-cache 1000: token lookups cached per
#                    thread for at most a second (off by default; docs/stores.md)
#   bench_site       the same route on a memory_store (benchmarks/bench_site.cpp), with
#                    the access log as reference_site writes it; bench_site_nolog without
#   drf              the project's DRF reference (tests/conformance/drf_site) under
#                    gunicorn with 2 workers
#   bare_beast       a minimal Beast server answering the same JSON without auth: the
#                    ceiling
# Every server gets the same wrk settings; the rounds are interleaved and the medians
# reported. Prints throughput, p99 latency and the ratios; writes JSON to
# $WARDEN_BENCH_OUT/e2e_LAYOUT.json. Stops everything it started.
#
# Two layouts of the machine's cores (E2E_LAYOUT):
#   pinned (default)  each server runs one I/O thread on core 0 (taskset; DRF one gunicorn
#                     worker) and wrk one thread on core 1: the load generator never takes
#                     the server's CPU, as when it runs on another machine. Needs 2 cores.
#   shared            servers with 2 threads (DRF 2 workers) and wrk with 2 threads, all
#                     scheduled freely over the cores: the server competes with wrk.
#
#   benchmarks/e2e.sh            (environment: E2E_LAYOUT=pinned E2E_DURATION=5
#                                 E2E_CONNECTIONS=32 E2E_ROUNDS=5; E2E_THREADS and
#                                 SERVER_THREADS default to 1 pinned, 2 shared)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${WARDEN_BENCH_BUILD:-$ROOT/build-bench}
OUT=${WARDEN_BENCH_OUT:-$BUILD/bench-results}
DURATION=${E2E_DURATION:-5}
CONNECTIONS=${E2E_CONNECTIONS:-32}
ROUNDS=${E2E_ROUNDS:-5}
LAYOUT=${E2E_LAYOUT:-pinned}
case $LAYOUT in
pinned)
    if [ "$(nproc)" -lt 2 ]; then
        echo "e2e: E2E_LAYOUT=pinned needs 2 cores (one for the server, one for wrk); use E2E_LAYOUT=shared" >&2
        exit 2
    fi
    THREADS=${E2E_THREADS:-1}
    SERVER_THREADS=${SERVER_THREADS:-1}
    ON_SERVER=(taskset -c 0)
    ON_CLIENT=(taskset -c 1)
    ;;
shared)
    THREADS=${E2E_THREADS:-2}
    SERVER_THREADS=${SERVER_THREADS:-2}
    ON_SERVER=()
    ON_CLIENT=()
    ;;
*)
    echo "e2e: E2E_LAYOUT must be pinned or shared, not '$LAYOUT'" >&2
    exit 2
    ;;
esac
PY=/usr/bin/python3   # Debian's Python: Django, DRF, gunicorn
mkdir -p "$OUT"

# Packages this script needs, and the helpers for the servers it starts (scripts/services.sh, through lib.sh).
source "$ROOT/scripts/lib.sh"
ensure_packages wrk curl gunicorn python3-djangorestframework python3-djangorestframework-simplejwt

if [ "${E2E_SKIP_BUILD:-0}" != 1 ]; then
    WARDEN_BUILD=$BUILD configure -DWARDEN_BUILD_EXAMPLES=ON -DWARDEN_BUILD_BENCHMARKS=ON
    cmake --build "$BUILD" --target reference_site bench_site bare_beast -j 2 >/dev/null
fi
REF_BIN=$(find "$BUILD" -name reference_site -type f -perm -u+x | head -1)
SITE_BIN=$BUILD/benchmarks/bench_site
BARE_BIN=$BUILD/benchmarks/bare_beast

TMP=$(mktemp -d)
cleanup() {
    stop_servers
    rm -rf "$TMP"
}
trap cleanup EXIT

# --- start the servers --------------------------------------------------------------
# start_reference NAME [FLAGS...]: a reference_site on a fresh database, alice's token
# obtained; sets NAME_PORT and NAME_TOKEN.
start_reference() {
    local name=$1 port
    shift
    port=$(free_port)
    WARDEN_PASSWORD_ITERATIONS=1000 "${ON_SERVER[@]}" "$REF_BIN" --port "$port" --threads "$SERVER_THREADS" --db "$TMP/$name.db" "$@" \
        >"$TMP/$name.out" 2>"$TMP/$name.log" &
    PIDS+=($!)
    wait_until $! "$name" http_up "$port"
    printf -v "${name}_PORT" '%s' "$port"
    printf -v "${name}_TOKEN" '%s' "$(obtain_token "$port")"
}
start_reference REF
start_reference POOL --no-inline-reads
start_reference CACHED --token-cache 1000

SITE_PORT=$(free_port)
"${ON_SERVER[@]}" "$SITE_BIN" --port "$SITE_PORT" --threads "$SERVER_THREADS" >"$TMP/site.out" 2>"$TMP/site.log" &
PIDS+=($!)
wait_until $! bench_site http_up "$SITE_PORT"
SITE_TOKEN=$(awk '/^token alice/ {print $3}' "$TMP/site.out")

# The same without the access log (one line, one write(2) to stderr, per request), to
# show what logging costs.
NOLOG_PORT=$(free_port)
"${ON_SERVER[@]}" "$SITE_BIN" --port "$NOLOG_PORT" --threads "$SERVER_THREADS" --no-access-log >"$TMP/nolog.out" 2>"$TMP/nolog.log" &
PIDS+=($!)
wait_until $! bench_site_nolog http_up "$NOLOG_PORT"
NOLOG_TOKEN=$(awk '/^token alice/ {print $3}' "$TMP/nolog.out")

DRF_PORT=$(free_port)
"${ON_SERVER[@]}" "$PY" "$ROOT/tests/conformance/drf_site/serve.py" --port "$DRF_PORT" --db "$TMP/drf.sqlite3" --fresh \
    --workers "$SERVER_THREADS" \
    >"$TMP/drf.out" 2>"$TMP/drf.log" &
PIDS+=($!)
wait_until $! drf http_up "$DRF_PORT"
wait_until $! drf grep -q '^token alice' "$TMP/drf.out"
DRF_TOKEN=$(awk '/^token alice/ {print $3}' "$TMP/drf.out")

BARE_PORT=$(free_port)
"${ON_SERVER[@]}" "$BARE_BIN" --port "$BARE_PORT" --threads "$SERVER_THREADS" 2>"$TMP/bare.log" &
PIDS+=($!)
wait_until $! bare_beast http_up "$BARE_PORT"

# The servers' process ids, in the order started (gunicorn's workers are its children).
declare -A SPID=([reference_site]=${PIDS[0]} [reference_site_pool]=${PIDS[1]} [reference_site_cached]=${PIDS[2]}
                 [bench_site]=${PIDS[3]} [bench_site_nolog]=${PIDS[4]} [drf]=${PIDS[5]} [bare_beast]=${PIDS[6]})
declare -A PORT=([reference_site]=$REF_PORT [reference_site_pool]=$POOL_PORT [reference_site_cached]=$CACHED_PORT
                 [bench_site]=$SITE_PORT [bench_site_nolog]=$NOLOG_PORT [drf]=$DRF_PORT [bare_beast]=$BARE_PORT)
declare -A TOKEN=([reference_site]=$REF_TOKEN [reference_site_pool]=$POOL_TOKEN [reference_site_cached]=$CACHED_TOKEN
                  [bench_site]=$SITE_TOKEN [bench_site_nolog]=$NOLOG_TOKEN [drf]=$DRF_TOKEN [bare_beast]=unused)
NAMES=(reference_site reference_site_pool reference_site_cached bench_site bench_site_nolog drf bare_beast)

# Every server must answer alice's profile before it is measured.
for n in "${NAMES[@]}"; do
    body=$(curl -s -H "Authorization: Token ${TOKEN[$n]}" "http://127.0.0.1:${PORT[$n]}/api/profile/")
    if [ "$body" != '{"username":"alice","email":"alice@example.com"}' ]; then
        echo "e2e: $n answered: $body" >&2
        exit 1
    fi
done

# CPU time (user + system, clock ticks) of a process and its descendants: what the
# server spent, whatever else the shared machine was doing.
tree_ticks() {
    local sum c
    sum=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | awk '{print $12 + $13}')
    sum=${sum:-0}
    for c in $(pgrep -P "$1"); do sum=$((sum + $(tree_ticks "$c"))); done
    echo "$sum"
}
HZ=$(getconf CLK_TCK)

# --- measure ------------------------------------------------------------------------
: >"$TMP/runs.txt"
for round in $(seq "$ROUNDS"); do
    for n in "${NAMES[@]}"; do
        url="http://127.0.0.1:${PORT[$n]}/api/profile/"
        hdr="Authorization: Token ${TOKEN[$n]}"
        "${ON_CLIENT[@]}" wrk -t "$THREADS" -c "$CONNECTIONS" -d 2s -H "$hdr" "$url" >/dev/null   # warm-up
        load=$(cut -d' ' -f1 /proc/loadavg)
        t0=$(tree_ticks "${SPID[$n]}")
        "${ON_CLIENT[@]}" wrk -t "$THREADS" -c "$CONNECTIONS" -d "${DURATION}s" --timeout 10s --latency -H "$hdr" "$url" >"$TMP/wrk.txt"
        t1=$(tree_ticks "${SPID[$n]}")
        requests=$(awk '/requests in/ {print $1}' "$TMP/wrk.txt")
        cpu_us=$(awk -v d=$((t1 - t0)) -v hz="$HZ" -v r="$requests" 'BEGIN {printf "%.2f", (r > 0 ? d / hz * 1e6 / r : 0)}')
        rps=$(awk '/^Requests\/sec:/ {print $2}' "$TMP/wrk.txt")
        p99=$(awk '$1 == "99%" {print $2}' "$TMP/wrk.txt")
        errors=$(awk '/Non-2xx|Socket errors/ {print}' "$TMP/wrk.txt" | tr '\n' ' ')
        echo "$round $n $rps $p99 $load $cpu_us $errors" | tee -a "$TMP/runs.txt"
    done
done

# --- report ---------------------------------------------------------------------------
$PY - "$TMP/runs.txt" "$OUT/e2e_$LAYOUT.json" "$DURATION" "$CONNECTIONS" "$THREADS" "$SERVER_THREADS" "$LAYOUT" <<'PYEOF'
import json, statistics, sys
runs_file, out_file, duration, conns, threads, server_threads, layout = sys.argv[1:8]

def seconds(text):
    for unit, scale in (("us", 1e-6), ("ms", 1e-3), ("s", 1.0)):
        if text.endswith(unit):
            return float(text[: -len(unit)]) * scale
    return float(text)

runs = {}
loads = []
for line in open(runs_file):
    parts = line.split()
    if len(parts) < 5:
        continue
    _, name, rps, p99, load, cpu_us = parts[:6]
    runs.setdefault(name, []).append((float(rps), seconds(p99), " ".join(parts[6:]), float(cpu_us)))
    loads.append(float(load))
res = {"layout": layout, "duration_s": int(duration), "connections": int(conns), "wrk_threads": int(threads),
       "server_threads": int(server_threads), "load_avg_1min": loads, "servers": {}}
for name, rs in runs.items():
    res["servers"][name] = {
        "rps_median": statistics.median(r[0] for r in rs),
        "p99_ms_median": statistics.median(r[1] for r in rs) * 1e3,
        "rps_runs": [r[0] for r in rs],
        "cpu_us_per_request_median": statistics.median(r[3] for r in rs),
        "cpu_us_runs": [r[3] for r in rs],
        "errors": [r[2] for r in rs if r[2]],
    }
s = res["servers"]
def ratio(a, b):
    return s[a]["rps_median"] / s[b]["rps_median"] if a in s and b in s and s[b]["rps_median"] else None
res["ratios"] = {
    "reference_site/drf": ratio("reference_site", "drf"),
    "bench_site/drf": ratio("bench_site", "drf"),
    "reference_site/bare_beast": ratio("reference_site", "bare_beast"),
    "reference_site_pool/bare_beast": ratio("reference_site_pool", "bare_beast"),
    "reference_site/reference_site_pool": ratio("reference_site", "reference_site_pool"),
    "reference_site_cached/bare_beast": ratio("reference_site_cached", "bare_beast"),
    "reference_site_cached/drf": ratio("reference_site_cached", "drf"),
    "bench_site/bare_beast": ratio("bench_site", "bare_beast"),
    "bench_site_nolog/bare_beast": ratio("bench_site_nolog", "bare_beast"),
}
# The same comparisons on server CPU time per request (steadier on a shared machine):
# baseline CPU per request / server CPU per request, so higher is better, as throughput.
def cpu_ratio(a, b):
    if a in s and b in s and s[a]["cpu_us_per_request_median"]:
        return s[b]["cpu_us_per_request_median"] / s[a]["cpu_us_per_request_median"]
    return None
res["cpu_ratios"] = {k: cpu_ratio(*k.split("/")) for k in res["ratios"]}
json.dump(res, open(out_file, "w"), indent=2)
print("\n%-18s %12s %10s %16s" % ("server", "req/s", "p99 ms", "server CPU us/req"))
for name in ("reference_site", "reference_site_pool", "reference_site_cached", "bench_site", "bench_site_nolog", "drf", "bare_beast"):
    if name in s:
        print("%-18s %12.0f %10.2f %16.1f" % (name, s[name]["rps_median"], s[name]["p99_ms_median"],
                                             s[name]["cpu_us_per_request_median"]))
print()
targets = {"reference_site/drf": 50, "bench_site/drf": 50, "reference_site/bare_beast": 0.75, "bench_site/bare_beast": 0.9,
           "bench_site_nolog/bare_beast": 0.9}
print("%-36s %10s %10s" % ("ratio", "req/s", "CPU/req"))
for k, v in res["ratios"].items():
    c = res["cpu_ratios"].get(k)
    if v is not None and k not in targets:   # informational: no goal
        print("%-36s %10.2f %10s" % (k, v, "-" if c is None else "%.2f" % c))
    elif v is not None:
        print("%-36s %10.2f %10s   target >= %g: %s (throughput), %s (CPU)" % (
            k, v, "-" if c is None else "%.2f" % c, targets[k], "met" if v >= targets[k] else "MISSED",
            "-" if c is None else ("met" if c >= targets[k] else "MISSED")))
PYEOF

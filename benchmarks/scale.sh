#!/usr/bin/env bash
# Memory and scale, on 127.0.0.1:
#
#   memory   resident memory per idle keep-alive connection. For each server and each
#            connection count, a fresh server process; a small client (below) opens a
#            few warm-up connections that stay open, reads the server's VmRSS and RssAnon
#            from /proc/PID/status, then opens N connections in batches, sends one
#            complete keep-alive request on each (token-authenticated GET /api/profile/),
#            reads the whole response and keeps the socket open; after a settle pause it
#            reads the server's memory again and counts the connections the server still
#            holds. KB per connection = (VmRSS after - VmRSS before) / connections held.
#            Servers: reference_site (SQLite) and bare_beast (benchmarks/bare_beast.cpp,
#            the ceiling), in the same run.
#   p99      the p99 latency of the token-authenticated GET /api/profile/ against the
#            number of connections, with wrk --latency (as e2e.sh), for reference_site,
#            the DRF reference (gunicorn, 2 sync workers) and bare_beast (the ceiling;
#            it answers without auth).
#
# Opening stops after 25 s (warden closes a connection idle for 30 s, server_options::timeout).
# Writes $WARDEN_BENCH_OUT/scale.json; stops everything it started on any exit.
# reference_site refuses connections past server_options::max_connections (8192 by
# default, warm-up connections included; it has no command-line flag for it), so at
# 10,000 it holds 8,192 less the warm-up ones: the client counts what is held and the
# figures are per held connection.
#
#   benchmarks/scale.sh     (environment: SCALE_CONNECTIONS="1000 10000"
#                            SCALE_CONCURRENCY="1 4 16 64 256" SCALE_DURATION=5
#                            SCALE_ROUNDS=1 SCALE_SETTLE=1 SCALE_P99_SERVERS="reference_site drf bare_beast"
#                            SERVER_THREADS=2 SCALE_SKIP_BUILD=1 to use the binaries in
#                            $WARDEN_BENCH_BUILD as they are)
# About 2 minutes with the defaults (p99 points of 5 s, 1 round: single readings, noisy).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${WARDEN_BENCH_BUILD:-$ROOT/build-bench}
OUT=${WARDEN_BENCH_OUT:-$BUILD/bench-results}
CONN_COUNTS=${SCALE_CONNECTIONS:-1000 10000}
CONCURRENCY=${SCALE_CONCURRENCY:-1 4 16 64 256}
DURATION=${SCALE_DURATION:-5}
ROUNDS=${SCALE_ROUNDS:-1}
SETTLE=${SCALE_SETTLE:-1}
P99_SERVERS=${SCALE_P99_SERVERS:-reference_site drf bare_beast}
SERVER_THREADS=${SERVER_THREADS:-2}
WARMUP_CONNECTIONS=8
PY=/usr/bin/python3   # Debian's Python: Django, DRF, gunicorn; the client uses the standard library only
mkdir -p "$OUT"

source "$ROOT/scripts/lib.sh"
ensure_packages wrk curl gunicorn python3 python3-djangorestframework python3-djangorestframework-simplejwt

if [ "${SCALE_SKIP_BUILD:-0}" != 1 ]; then
    WARDEN_BUILD=$BUILD configure -DWARDEN_BUILD_EXAMPLES=ON -DWARDEN_BUILD_BENCHMARKS=ON
    cmake --build "$BUILD" --target reference_site bare_beast -j 2 >/dev/null
fi
REF_BIN=$BUILD/examples/reference_site/reference_site
BARE_BIN=$BUILD/benchmarks/bare_beast
for b in "$REF_BIN" "$BARE_BIN"; do
    [ -x "$b" ] || { echo "scale: $b is missing (build it, or unset SCALE_SKIP_BUILD)" >&2; exit 1; }
done

# File descriptors: the client and each server hold one per connection (plus the
# warm-up ones and their own files).
MAX_N=0
for n in $CONN_COUNTS; do
    if [ "$n" -gt "$MAX_N" ]; then MAX_N=$n; fi
done
NEED_FDS=$((MAX_N + 1024))
if [ "$(ulimit -Sn)" -lt "$NEED_FDS" ]; then
    if [ "$(ulimit -Hn)" != unlimited ] && [ "$(ulimit -Hn)" -lt "$NEED_FDS" ]; then
        ulimit -n "$NEED_FDS" 2>/dev/null || { echo "scale: cannot raise the open-file limit to $NEED_FDS (run as root)" >&2; exit 1; }
    else
        ulimit -Sn "$NEED_FDS"
    fi
fi

TMP=$(mktemp -d)
cleanup() {
    stop_servers
    rm -rf "$TMP"
}
trap cleanup EXIT

# Starts a server on a free port; sets SRV_PID, SRV_PORT, SRV_TOKEN.
start_server() {   # start_server NAME TAG
    local name=$1 tag=$2
    SRV_PORT=$(free_port)
    case $name in
    reference_site)
        WARDEN_PASSWORD_ITERATIONS=1000 "$REF_BIN" --port "$SRV_PORT" --threads "$SERVER_THREADS" --db "$TMP/$tag.db" \
            >"$TMP/$tag.out" 2>"$TMP/$tag.log" & ;;
    drf)
        "$PY" "$ROOT/tests/conformance/drf_site/serve.py" --port "$SRV_PORT" --db "$TMP/$tag.sqlite3" --fresh --workers 2 \
            >"$TMP/$tag.out" 2>"$TMP/$tag.log" & ;;
    bare_beast)
        "$BARE_BIN" --port "$SRV_PORT" --threads "$SERVER_THREADS" >"$TMP/$tag.out" 2>"$TMP/$tag.log" & ;;
    esac
    SRV_PID=$!
    PIDS+=("$SRV_PID")
    wait_until "$SRV_PID" "$name" http_up "$SRV_PORT"
    case $name in
    reference_site) SRV_TOKEN=$(obtain_token "$SRV_PORT") ;;
    drf)
        wait_until "$SRV_PID" "$name" grep -q '^token alice' "$TMP/$tag.out"
        SRV_TOKEN=$(awk '/^token alice/ {print $3}' "$TMP/$tag.out") ;;
    bare_beast)
        SRV_TOKEN=unused ;;   # answers without looking at it; sent anyway, so the requests are the same
    esac
    local body
    body=$(curl -s -H "Authorization: Token $SRV_TOKEN" "http://127.0.0.1:$SRV_PORT/api/profile/")
    if [ "$body" != '{"username":"alice","email":"alice@example.com"}' ]; then
        echo "scale: $name answered: $body" >&2
        exit 1
    fi
}

# --- the idle-connection client ---------------------------------------------------------
cat >"$TMP/hold.py" <<'PYEOF'
"""hold.py PORT PID N TOKEN WARMUP SETTLE DEADLINE: prints one JSON object.

Opens WARMUP connections (each answered once, kept open, not counted), reads the
server's memory, opens N more in batches (connect, one keep-alive request, the whole
response), waits SETTLE seconds, reads the memory again, counts the connections the
server still holds (a non-blocking peek that would block), then resets them all.
Stops opening when DEADLINE seconds have passed."""
import errno, json, socket, struct, sys, time

port, pid, n, token = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
warmup, settle, deadline = int(sys.argv[5]), float(sys.argv[6]), float(sys.argv[7])
request = ("GET /api/profile/ HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nAuthorization: Token %s\r\n"
           "Accept: */*\r\n\r\n" % (port, token)).encode()
BATCH = 200


def memory():
    out = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "RssAnon", "Threads"):
                out[key] = int(value.split()[0])
    return out


def read_response(s):
    """True when a complete 200 response arrives and the connection stays open."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = s.recv(4096)
        if not chunk:
            return False
        data += chunk
        if len(data) > 65536:
            return False
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    if not lines[0].startswith(b"HTTP/1.1 200"):
        return False
    length = 0
    for line in lines[1:]:
        k, _, v = line.partition(b":")
        if k.strip().lower() == b"content-length":
            length = int(v.strip())
        if k.strip().lower() == b"connection" and v.strip().lower() == b"close":
            return False
    while len(body) < length:
        chunk = s.recv(4096)
        if not chunk:
            return False
        body += chunk
    return True


def open_batch(count, held):
    """Opens `count` connections, appends the answered ones to `held`; returns the failures."""
    batch, failed = [], 0
    for _ in range(count):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(10)
        try:
            s.connect(("127.0.0.1", port))
            s.sendall(request)
            batch.append(s)
        except OSError:
            s.close()
            failed += 1
    for s in batch:
        try:
            ok = read_response(s)
        except OSError:
            ok = False
        if ok:
            held.append(s)
        else:
            s.close()
            failed += 1
    return failed


def still_open(s):
    s.setblocking(False)
    try:
        return s.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) != b""
    except BlockingIOError:
        return True
    except OSError:
        return False


warm, conns, failed = [], [], 0
open_batch(warmup, warm)
time.sleep(settle)
before = memory()
start = time.monotonic()
for _ in range((n + BATCH - 1) // BATCH):
    if time.monotonic() - start > deadline:
        break
    failed += open_batch(min(BATCH, n - len(conns) - failed), conns)
open_s = time.monotonic() - start
time.sleep(settle)
after = memory()
held = sum(1 for s in conns if still_open(s))
warm_held = sum(1 for s in warm if still_open(s))
for s in warm + conns:
    try:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))   # reset: no TIME_WAIT
    except OSError:
        pass
    s.close()
rss_kb = after["VmRSS"] - before["VmRSS"]
anon_kb = after.get("RssAnon", 0) - before.get("RssAnon", 0)
print(json.dumps({
    "asked": n, "answered": len(conns), "held": held, "warmup_held": warm_held, "failed": failed,
    "open_s": round(open_s, 2), "settle_s": settle,
    "vmrss_before_kb": before["VmRSS"], "vmrss_after_kb": after["VmRSS"],
    "rssanon_before_kb": before.get("RssAnon"), "rssanon_after_kb": after.get("RssAnon"),
    "threads": after.get("Threads"),
    "kb_per_connection": rss_kb / held if held else None,
    "anon_kb_per_connection": anon_kb / held if held else None,
}))
PYEOF

loadavg() { cut -d' ' -f1 /proc/loadavg; }
echo "scale: load $(cut -d' ' -f1-3 /proc/loadavg), open-file limit $(ulimit -Sn)"

# --- memory per idle connection -----------------------------------------------------------
: >"$TMP/memory.txt"
for n in $CONN_COUNTS; do
    for name in reference_site bare_beast; do
        start_server "$name" "mem-$name-$n"
        load=$(loadavg)
        line=$($PY "$TMP/hold.py" "$SRV_PORT" "$SRV_PID" "$n" "$SRV_TOKEN" "$WARMUP_CONNECTIONS" "$SETTLE" 25)
        stop_server "$SRV_PID"
        echo "$name $n $load $line" >>"$TMP/memory.txt"
        $PY -c 'import json,sys; r=json.loads(sys.argv[3]); print("scale: memory %-15s %6s connections: held %d, %.2f KB each (VmRSS %d -> %d kB), opened in %.1f s" % (
            sys.argv[1], sys.argv[2], r["held"], r["kb_per_connection"] or 0, r["vmrss_before_kb"], r["vmrss_after_kb"], r["open_s"]))' \
            "$name" "$n" "$line"
    done
done

# --- p99 latency against concurrency -------------------------------------------------------
declare -A SPID SPORT STOKEN
for name in $P99_SERVERS; do
    start_server "$name" "p99-$name"
    SPID[$name]=$SRV_PID
    SPORT[$name]=$SRV_PORT
    STOKEN[$name]=$SRV_TOKEN
done
: >"$TMP/p99.txt"
for round in $(seq "$ROUNDS"); do
    for c in $CONCURRENCY; do
        t=$((c < 2 ? c : 2))
        for name in $P99_SERVERS; do
            url="http://127.0.0.1:${SPORT[$name]}/api/profile/"
            hdr="Authorization: Token ${STOKEN[$name]}"
            wrk -t "$t" -c "$c" -d 1s --timeout 10s -H "$hdr" "$url" >/dev/null   # warm-up
            load=$(loadavg)
            wrk -t "$t" -c "$c" -d "${DURATION}s" --timeout 10s --latency -H "$hdr" "$url" >"$TMP/wrk.txt"
            # p50, p99, requests/s, load, then wrk's error lines if any.
            awk -v r="$round" -v c="$c" -v n="$name" -v l="$load" '
                $1 == "50%" {p50 = $2} $1 == "99%" {p99 = $2} /^Requests\/sec:/ {rps = $2}
                /Non-2xx|Socket errors/ {errors = errors " " $0}
                END {print r, c, n, p50, p99, rps, l errors}' "$TMP/wrk.txt" | tee -a "$TMP/p99.txt"
        done
    done
done

# --- report ---------------------------------------------------------------------------------
$PY - "$TMP/memory.txt" "$TMP/p99.txt" "$OUT/scale.json" "$DURATION" "$ROUNDS" "$SERVER_THREADS" "$SETTLE" <<'PYEOF'
import datetime, json, statistics, sys
mem_file, p99_file, out_file, duration, rounds, server_threads, settle = sys.argv[1:8]


def ms(text):
    for unit, scale in (("us", 1e-3), ("ms", 1.0), ("s", 1e3)):
        if text.endswith(unit):
            return float(text[: -len(unit)]) * scale
    return float(text)


res = {"date": datetime.datetime.now().strftime("%Y-%m-%d %H:%M"), "server_threads": int(server_threads),
       "memory": {}, "p99": {"duration_s": int(duration), "rounds": int(rounds), "servers": {}}}
for line in open(mem_file):
    name, n, load, js = line.split(" ", 3)
    r = json.loads(js)
    r["load_avg_1min"] = float(load)
    res["memory"].setdefault(name, {})[n] = r
bare = res["memory"].get("bare_beast", {})
for name, points in res["memory"].items():
    for n, r in points.items():
        b = bare.get(n, {}).get("kb_per_connection")
        r["ratio_to_bare_beast"] = r["kb_per_connection"] / b if b and r["kb_per_connection"] is not None else None

runs = {}
for line in open(p99_file):
    parts = line.split()
    if len(parts) < 7:
        continue
    _, c, name, p50, p99, rps, load = parts[:7]
    runs.setdefault(name, {}).setdefault(int(c), []).append((ms(p50), ms(p99), float(rps), float(load), " ".join(parts[7:])))
for name, by_c in runs.items():
    res["p99"]["servers"][name] = [{
        "connections": c,
        "p50_ms": statistics.median(r[0] for r in rs),
        "p99_ms": statistics.median(r[1] for r in rs),
        "rps": statistics.median(r[2] for r in rs),
        "p99_ms_runs": [r[1] for r in rs],
        "load_avg_1min": [r[3] for r in rs],
        "errors": [r[4] for r in rs if r[4]],
    } for c, rs in sorted(by_c.items())]
json.dump(res, open(out_file, "w"), indent=2)

print("\n%-15s %12s %6s %10s %10s" % ("server", "connections", "held", "KB/conn", "vs bare"))
for name, points in res["memory"].items():
    for n, r in points.items():
        print("%-15s %12s %6d %10s %10s" % (name, n, r["held"],
              "-" if r["kb_per_connection"] is None else "%.2f" % r["kb_per_connection"],
              "-" if r["ratio_to_bare_beast"] is None else "%.2f" % r["ratio_to_bare_beast"]))
print("\n%-15s %12s %10s %10s %10s" % ("server", "connections", "p50 ms", "p99 ms", "req/s"))
for name, pts in res["p99"]["servers"].items():
    for p in pts:
        print("%-15s %12d %10.2f %10.2f %10.0f" % (name, p["connections"], p["p50_ms"], p["p99_ms"], p["rps"]))
print("\nscale: wrote %s" % out_file)
PYEOF

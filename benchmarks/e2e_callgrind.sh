#!/usr/bin/env bash
# Instructions per request in the server's user space, end to end: each server runs
# under callgrind (1 I/O thread) with instrumentation off; after a warm-up, wrk drives
# the token-authenticated GET /api/profile/ with instrumentation on, and the
# instructions counted are divided by the requests wrk completed. Unlike CPU time, the
# count does not move with the machine's load; the kernel's share (one recvmsg and one
# sendmsg per request for every server here, by strace) is not in it.
#   bare_beast       the ceiling (benchmarks/bare_beast.cpp)
#   bench_site       warden on a memory_store, access log on (benchmarks/bench_site.cpp)
#   reference_site   warden on SQLite (examples/reference_site)
# Writes $WARDEN_BENCH_OUT/e2e_callgrind.json. Stops everything it started.
#
#   benchmarks/e2e_callgrind.sh     (environment: E2E_CG_SECONDS=5)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${WARDEN_BENCH_BUILD:-$ROOT/build-bench}
OUT=${WARDEN_BENCH_OUT:-$BUILD/bench-results}
SECONDS_ON=${E2E_CG_SECONDS:-5}
PY=/usr/bin/python3
mkdir -p "$OUT"
source "$ROOT/scripts/lib.sh"
ensure_packages valgrind wrk curl

REF_BIN=$(find "$BUILD" -name reference_site -type f -perm -u+x | head -1)
TMP=$(mktemp -d)
PID=
cleanup() {
    [ -n "$PID" ] && kill -KILL "$PID" 2>/dev/null || true
    rm -rf "$TMP"
}
trap cleanup EXIT

# measure NAME BINARY [FLAGS...]: prints "NAME REQUESTS INSTRUCTIONS".
measure() {
    local name=$1 bin=$2 port token
    shift 2
    port=$(free_port)
    WARDEN_PASSWORD_ITERATIONS=1000 valgrind --tool=callgrind --instr-atstart=no \
        --callgrind-out-file="$TMP/$name.cg" "$bin" --port "$port" --threads 1 "$@" >"$TMP/$name.out" 2>/dev/null &
    PID=$!
    wait_until "$PID" "$name" http_up "$port"
    case $name in
    reference_site) token=$(obtain_token "$port") ;;
    bench_site) token=$(awk '/^token alice/ {print $3}' "$TMP/$name.out") ;;
    *) token=unused ;;
    esac
    local url="http://127.0.0.1:$port/api/profile/" hdr="Authorization: Token $token"
    body=$(curl -s -H "$hdr" "$url")
    if [ "$body" != '{"username":"alice","email":"alice@example.com"}' ]; then
        echo "e2e_callgrind: $name answered: $body" >&2
        exit 1
    fi
    wrk -t1 -c8 -d2s -H "$hdr" "$url" >/dev/null   # warm-up, not counted
    callgrind_control -i on "$PID" >/dev/null 2>&1
    wrk -t1 -c8 -d"${SECONDS_ON}s" -H "$hdr" "$url" >"$TMP/$name.wrk"
    callgrind_control -i off "$PID" >/dev/null 2>&1
    kill -INT "$PID"
    wait "$PID" || true
    PID=
    local requests instructions
    requests=$(awk '/requests in/ {print $1}' "$TMP/$name.wrk")
    instructions=$(callgrind_annotate "$TMP/$name.cg" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}')
    echo "$name $requests $instructions"
}

: >"$TMP/results.txt"
# Not in a pipeline: `measure` sets PID for the cleanup in this shell.
measure bare_beast "$BUILD/benchmarks/bare_beast" >>"$TMP/results.txt"
measure bench_site "$BUILD/benchmarks/bench_site" >>"$TMP/results.txt"
measure reference_site "$REF_BIN" --db "$TMP/ref.db" >>"$TMP/results.txt"

$PY - "$TMP/results.txt" "$OUT/e2e_callgrind.json" <<'PYEOF'
import json, sys
servers = {}
for line in open(sys.argv[1]):
    name, requests, instructions = line.split()
    servers[name] = {"requests": int(requests), "instructions": int(instructions),
                     "instructions_per_request": int(instructions) / int(requests)}
json.dump({"servers": servers}, open(sys.argv[2], "w"), indent=2)
base = servers["bare_beast"]["instructions_per_request"]
for name, s in servers.items():
    print("%-16s %10.0f instructions/request  %.2f x bare Beast" % (name, s["instructions_per_request"],
                                                                   s["instructions_per_request"] / base))
PYEOF

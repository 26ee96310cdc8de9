#!/usr/bin/env bash
# Synchronous libpq calls on threads against libpq's non-blocking API, on one point
# lookup (bench_pg.cpp): starts a private PostgreSQL (scripts/services.sh), runs
# bench_pg at several concurrencies, prints the table and writes
# $WARDEN_BENCH_OUT/pg_modes.json. Stops what it started.
#
#   benchmarks/pg_modes.sh   (environment: PG_CLIENTS="1 4 16" PG_SECONDS=5)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${WARDEN_BENCH_BUILD:-$ROOT/build-bench}
OUT=${WARDEN_BENCH_OUT:-$BUILD/bench-results}
mkdir -p "$OUT"
source "$ROOT/scripts/lib.sh"
ensure_packages "${WARDEN_SERVICE_PACKAGES[@]}"
if [ "${PG_SKIP_BUILD:-0}" != 1 ]; then
    WARDEN_BUILD=$BUILD configure -DWARDEN_BUILD_BENCHMARKS=ON
    cmake --build "$BUILD" --target bench_pg -j 2 >/dev/null
fi
SERVICES=$(service_dir)
trap 'pg_stop "$SERVICES"; rm -rf "$SERVICES"' EXIT
PORT=$(free_port)
pg_start "$SERVICES" "$PORT"
POSTMASTER=$(head -1 "$SERVICES/pg/postmaster.pid")
echo "[" >"$OUT/pg_modes.json"
first=1
for n in ${PG_CLIENTS:-1 4 16}; do
    line=$("$BUILD/benchmarks/bench_pg" --url "postgresql://postgres@127.0.0.1:$PORT/warden" --postmaster "$POSTMASTER" \
        --clients "$n" --seconds "${PG_SECONDS:-5}")
    [ $first = 1 ] || echo "," >>"$OUT/pg_modes.json"
    first=0
    echo "$line" >>"$OUT/pg_modes.json"
done
echo "]" >>"$OUT/pg_modes.json"

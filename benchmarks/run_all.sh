#!/usr/bin/env bash
# Regenerates every figure of docs/benchmarks.md: builds the benchmarks (Release, in
# build-bench), runs bench_dispatch and bench_jwt (repetitions, medians) and their
# callgrind instruction counts, the end-to-end wrk runs (e2e.sh, in both layouts; e2e_callgrind.sh), memory per connection and
# p99 against concurrency (scale.sh) and the compile-time measurement (compile_time.sh),
# then rewrites the doc's tables and the PNG plots
# (report.py). Installs the Debian packages it needs when missing (run as root).
#
#   benchmarks/run_all.sh     (environment: BENCH_REPETITIONS=5, BENCH_MIN_TIME=0.2,
#                              CALLGRIND_ITERATIONS=2000, SKIP_E2E=1, SKIP_SCALE=1, SKIP_COMPILE=1,
#                              SKIP_BUILD=1 to use the binaries already built,
#                              plus e2e.sh's, scale.sh's and compile_time.sh's variables)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export WARDEN_BENCH_BUILD=${WARDEN_BENCH_BUILD:-$ROOT/build-bench}
export WARDEN_BENCH_OUT=${WARDEN_BENCH_OUT:-$WARDEN_BENCH_BUILD/bench-results}
BUILD=$WARDEN_BENCH_BUILD
OUT=$WARDEN_BENCH_OUT
REPS=${BENCH_REPETITIONS:-5}
MIN_TIME=${BENCH_MIN_TIME:-0.2}
CG_N=${CALLGRIND_ITERATIONS:-2000}
PY=/usr/bin/python3

source "$ROOT/scripts/lib.sh"
# The benchmarks' own packages (peers, load generator, profiler, plotting), beyond the build's.
BENCH_PACKAGES=(libbenchmark-dev libcpp-jwt-dev nlohmann-json3-dev libjwt-dev pkg-config wrk curl gnuplot-nox
                valgrind time python3 gunicorn python3-djangorestframework python3-djangorestframework-simplejwt)
ensure_packages "${WARDEN_BUILD_PACKAGES[@]}" "${BENCH_PACKAGES[@]}"

mkdir -p "$OUT"
# Results of steps skipped with SKIP_E2E/SKIP_SCALE/SKIP_COMPILE are kept from the previous run.
rm -f "$OUT"/machine.json "$OUT"/dispatch*.json "$OUT"/jwt*.json "$OUT"/*.dat
[ "${SKIP_E2E:-0}" = 1 ] || rm -f "$OUT"/e2e*.json
[ "${SKIP_SCALE:-0}" = 1 ] || rm -f "$OUT/scale.json"
[ "${SKIP_COMPILE:-0}" = 1 ] || rm -f "$OUT/compile_time.json"
if [ "${SKIP_BUILD:-0}" != 1 ]; then
    WARDEN_BUILD=$BUILD configure -DWARDEN_BUILD_BENCHMARKS=ON -DWARDEN_BUILD_EXAMPLES=ON
    echo "run_all: building (Release, $BUILD)"
    cmake --build "$BUILD" --target bench_dispatch bench_jwt bench_site bare_beast reference_site -j 2 >/dev/null
fi
BIN=$BUILD/benchmarks

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

# --- the machine ------------------------------------------------------------------------
LOAD_BEFORE=$(loadavg)
$PY - "$OUT/machine.json" "$BUILD" "$LOAD_BEFORE" <<'PYEOF'
import json, os, re, subprocess, sys, datetime
out, build, load = sys.argv[1:4]
def sh(*cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True).stdout.strip()
    except OSError:
        return ""
lscpu = sh("lscpu")
model = re.search(r"Model name:\s*(.*)", lscpu)
flags = ""
cache = os.path.join(build, "CMakeCache.txt")
if os.path.exists(cache):
    for line in open(cache):
        if line.startswith("CMAKE_CXX_FLAGS_RELEASE:"):
            flags = line.split("=", 1)[1].strip()
boost = ""
try:
    v = int(re.search(r"#define BOOST_VERSION (\d+)", open("/usr/include/boost/version.hpp").read()).group(1))
    boost = "%d.%d.%d" % (v // 100000, v // 100 % 1000, v % 100)
except Exception:
    pass
json.dump({
    "date": datetime.datetime.now().strftime("%Y-%m-%d %H:%M"),
    "cpu": model.group(1) if model else "?",
    "cores": sh("nproc") + " (shared with other engineers' builds during the run)",
    "memory": sh("sh", "-c", "free -h | awk '/Mem:/ {print $2}'"),
    "kernel": sh("uname", "-sr"),
    "compiler": sh("g++", "--version").splitlines()[0],
    "flags": "-std=gnu++20 " + flags,
    "boost": boost,
    "openssl": sh("openssl", "version"),
    "load_before": load,
}, open(out, "w"), indent=2)
PYEOF

# Reads callgrind's per-case dumps (CALLGRIND_DUMP_STATS_AT) into NAME -> instructions/op.
callgrind_json() {   # callgrind_json PREFIX ITERATIONS OUT
    $PY - "$1" "$2" "$3" <<'PYEOF'
import glob, json, re, sys
prefix, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
res = {}
for path in sorted(glob.glob(prefix + ".*")):
    name = total = None
    for line in open(path, errors="replace"):
        m = re.match(r"desc: Trigger: Client Request: (.*)", line)
        if m:
            name = m.group(1).strip()
        m = re.match(r"(summary|totals): (\d+)", line)
        if m:
            total = int(m.group(2))
    if name and total is not None:
        res[name] = total / n
json.dump(res, open(out, "w"), indent=2)
for k, v in res.items():
    print("%-28s %12.0f instructions/op" % (k, v))
PYEOF
}

# --- bench_dispatch ---------------------------------------------------------------------
echo "run_all: bench_dispatch (load $(loadavg))"
"$BIN/bench_dispatch" --benchmark_repetitions="$REPS" --benchmark_enable_random_interleaving=true --benchmark_report_aggregates_only=true \
    --benchmark_min_time="$MIN_TIME" --benchmark_out="$OUT/dispatch.json" --benchmark_out_format=json | tee "$OUT/dispatch.txt"
rm -rf "$OUT/cg" && mkdir -p "$OUT/cg"
valgrind --tool=callgrind --callgrind-out-file="$OUT/cg/dispatch" "$BIN/bench_dispatch" --callgrind "$CG_N" \
    >/dev/null 2>"$OUT/cg/dispatch.log"
callgrind_json "$OUT/cg/dispatch" "$CG_N" "$OUT/dispatch_callgrind.json" | tee -a "$OUT/dispatch.txt"

# --- bench_jwt --------------------------------------------------------------------------
echo "run_all: bench_jwt (load $(loadavg))"
"$BIN/bench_jwt" --benchmark_repetitions="$REPS" --benchmark_enable_random_interleaving=true --benchmark_report_aggregates_only=true \
    --benchmark_min_time="$MIN_TIME" --benchmark_out="$OUT/jwt.json" --benchmark_out_format=json | tee "$OUT/jwt.txt"
valgrind --tool=callgrind --callgrind-out-file="$OUT/cg/jwt" "$BIN/bench_jwt" --callgrind "$CG_N" \
    >/dev/null 2>"$OUT/cg/jwt.log"
callgrind_json "$OUT/cg/jwt" "$CG_N" "$OUT/jwt_callgrind.json" | tee -a "$OUT/jwt.txt"

# --- end to end, memory and scale, compile time ------------------------------------------
if [ "${SKIP_E2E:-0}" != 1 ]; then
    # Both layouts of the cores: the server and wrk each on their own, then sharing them.
    for layout in pinned shared; do
        if [ "$layout" = pinned ] && [ "$(nproc)" -lt 2 ]; then
            echo "run_all: one core only: the pinned layout (server and wrk on their own cores) is skipped"
            continue
        fi
        echo "run_all: end to end, $layout (load $(loadavg))"
        E2E_LAYOUT=$layout E2E_SKIP_BUILD=1 "$ROOT/benchmarks/e2e.sh" | tee "$OUT/e2e_$layout.txt"
    done
    echo "run_all: end to end under callgrind (load $(loadavg))"
    "$ROOT/benchmarks/e2e_callgrind.sh" | tee "$OUT/e2e_callgrind.txt"
fi
if [ "${SKIP_SCALE:-0}" != 1 ]; then
    echo "run_all: memory and scale (load $(loadavg))"
    SCALE_SKIP_BUILD=1 "$ROOT/benchmarks/scale.sh" | tee "$OUT/scale.txt"
fi
if [ "${SKIP_COMPILE:-0}" != 1 ]; then
    echo "run_all: compile time (load $(loadavg))"
    "$ROOT/benchmarks/compile_time.sh" | tee "$OUT/compile_time.txt"
fi

# --- the doc ------------------------------------------------------------------------------
$PY - "$OUT/machine.json" "$(loadavg)" <<'PYEOF'
import json, sys
m = json.load(open(sys.argv[1]))
m["load_after"] = sys.argv[2]
json.dump(m, open(sys.argv[1], "w"), indent=2)
PYEOF
$PY "$ROOT/benchmarks/report.py" "$OUT" "$ROOT/docs/benchmarks.md" "$ROOT/docs/benchmarks"

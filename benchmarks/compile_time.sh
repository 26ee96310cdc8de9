#!/usr/bin/env bash
# Compile time per view: generates translation units with 1, 10, 100 and 300 views (each
# a distinct view type with a handler and its own policy lists, all routed in one app
# whose handle() is called, as serve() would) and an empty Beast program as the base;
# compiles each with the Release flags (g++ -std=c++20 -O3 -DNDEBUG -c, no ccache) under
# /usr/bin/time -v and reports CPU seconds, wall seconds and peak RSS, then the cost per
# additional view. Writes $WARDEN_BENCH_OUT/compile_time.json.
#
#   benchmarks/compile_time.sh        (environment: COMPILE_COUNTS="1 10 100 300",
#                                      CXX=g++, COMPILE_REPEAT=1,
#                                      COMPILE_GENERATE_ONLY=DIR)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${WARDEN_BENCH_BUILD:-$ROOT/build-bench}
OUT=${WARDEN_BENCH_OUT:-$BUILD/bench-results}
COUNTS=${COMPILE_COUNTS:-"1 10 100 300"}
CXX=${CXX:-g++}
REPEAT=${COMPILE_REPEAT:-1}
FLAGS=(-std=c++20 -O3 -DNDEBUG -I "$ROOT/include" -c)
mkdir -p "$OUT"
source "$ROOT/scripts/lib.sh"
ensure_packages time "${WARDEN_BUILD_PACKAGES[@]}"

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

cat >"$TMP/base.cpp" <<'CPP'
// The base: an empty Beast program (the headers every warden program includes anyway).
#include <boost/beast/http.hpp>
int main() {
    boost::beast::http::response<boost::beast::http::string_body> r;
    r.body() = "{}";
    r.prepare_payload();
    return static_cast<int>(r.body().size()) - 2;
}
CPP

generate() {   # generate N FILE
    local n=$1 file=$2
    {
        echo '#include <warden.hpp>'
        echo '#include <warden/auth/basic_auth.hpp>'
        echo '#include <warden/token/auth.hpp>'
        echo '#include <warden/store/memory_store.hpp>'
        echo 'using namespace warden;'
        for ((i = 0; i < n; i++)); do
            # Four policy combinations in turn, so views differ as they do in a real API.
            case $((i % 4)) in
            0) lists='authentication<token_auth>, permissions<is_authenticated>' ;;
            1) lists='authentication<token_auth, basic_auth>, permissions<is_admin_user>' ;;
            2) lists='authentication<basic_auth>, permissions<is_authenticated_or_read_only>' ;;
            3) lists='authentication<>, permissions<allow_any>' ;;
            esac
            echo "struct view_$i : api_view<$lists> {"
            echo "    response get(request& req) { return json({{\"view\", $i}, {\"user\", req.user().username}}); }"
            if ((i % 2 == 1)); then
                echo "    response post(request& req) { return json({{\"view\", $i}, {\"n\", req.data().size()}}, http::status::created); }"
            fi
            echo "};"
        done
        echo 'int main() {'
        echo '    memory_store db;'
        printf '    auto site = app<defaults<parsers<json_parser>>'
        for ((i = 0; i < n; i++)); do printf ',\n                    route<"/api/v%d/", view_%d>' "$i" "$i"; done
        echo '>(db);'
        echo '    http_request msg;'
        echo '    msg.target("/api/v0/");'
        echo '    return site.handle(msg).result_int() == 200 ? 0 : 1;'
        echo '}'
    } >"$file"
}

measure() {   # measure NAME FILE  -> "cpu wall rss_kb" (best of REPEAT by CPU time)
    local best=""
    for ((r = 0; r < REPEAT; r++)); do
        /usr/bin/time -v "$CXX" "${FLAGS[@]}" "$2" -o "$TMP/$1.o" 2>"$TMP/$1.time" >/dev/null || {
            cat "$TMP/$1.time" >&2
            return 1
        }
        local line
        line=$(awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} /Elapsed \(wall clock\)/ {w=$2}
                           /Maximum resident set size/ {m=$2}
                           END {n=split(w, p, ":"); ws=0; for (i=1;i<=n;i++) ws=ws*60+p[i]; printf "%.2f %.2f %d\n", u+s, ws, m}' \
                      "$TMP/$1.time")
        if [ -z "$best" ] || awk -v a="$line" -v b="$best" 'BEGIN {split(a,x," "); split(b,y," "); exit !(x[1] < y[1])}'; then
            best=$line
        fi
    done
    echo "$best"
}

# COMPILE_GENERATE_ONLY=DIR writes the translation units to DIR and stops (for
# -ftime-report and other digging by hand).
if [ -n "${COMPILE_GENERATE_ONLY:-}" ]; then
    mkdir -p "$COMPILE_GENERATE_ONLY"
    cp "$TMP/base.cpp" "$COMPILE_GENERATE_ONLY/"
    for n in $COUNTS; do generate "$n" "$COMPILE_GENERATE_ONLY/views_$n.cpp"; done
    exit 0
fi

echo "# compile time (g++ $("$CXX" -dumpfullversion), ${FLAGS[*]:0:4}); load $(cut -d' ' -f1-3 /proc/loadavg)"
: >"$TMP/results.txt"
base=$(measure base "$TMP/base.cpp")
echo "base $base $(cut -d' ' -f1 /proc/loadavg)" | tee -a "$TMP/results.txt"
for n in $COUNTS; do
    generate "$n" "$TMP/views_$n.cpp"
    r=$(measure "views_$n" "$TMP/views_$n.cpp")
    echo "$n $r $(cut -d' ' -f1 /proc/loadavg)" | tee -a "$TMP/results.txt"
done

/usr/bin/python3 - "$TMP/results.txt" "$OUT/compile_time.json" "$("$CXX" -dumpfullversion)" <<'PYEOF'
import json, sys
rows = {}
for line in open(sys.argv[1]):
    name, cpu, wall, rss, load = line.split()
    rows[name] = {"cpu_s": float(cpu), "wall_s": float(wall), "rss_mb": int(rss) / 1024, "load_avg_1min": float(load)}
base = rows.pop("base")
counts = sorted(int(k) for k in rows)
res = {"compiler": "g++ " + sys.argv[3], "base": base, "views": {str(n): rows[str(n)] for n in counts}}
per = {}
for n in counts:
    r = rows[str(n)]
    per[str(n)] = {"cpu_ms_per_view_over_base": (r["cpu_s"] - base["cpu_s"]) / n * 1e3,
                   "rss_mb_per_view_over_base": (r["rss_mb"] - base["rss_mb"]) / n}
res["per_view"] = per
if len(counts) >= 2:
    lo, hi = counts[0], counts[-1]
    # The marginal cost: what one more view adds, without the fixed cost of the headers.
    res["marginal_cpu_ms_per_view"] = (rows[str(hi)]["cpu_s"] - rows[str(lo)]["cpu_s"]) / (hi - lo) * 1e3
    res["marginal_rss_mb_per_view"] = (rows[str(hi)]["rss_mb"] - rows[str(lo)]["rss_mb"]) / (hi - lo)
json.dump(res, open(sys.argv[2], "w"), indent=2)
print("\n%-8s %8s %8s %9s %16s %16s" % ("views", "cpu s", "wall s", "RSS MB", "ms/view (base)", "MB/view (base)"))
print("%-8s %8.2f %8.2f %9.0f" % ("base", base["cpu_s"], base["wall_s"], base["rss_mb"]))
for n in counts:
    r = rows[str(n)]
    print("%-8d %8.2f %8.2f %9.0f %16.1f %16.2f" % (n, r["cpu_s"], r["wall_s"], r["rss_mb"],
          per[str(n)]["cpu_ms_per_view_over_base"], per[str(n)]["rss_mb_per_view_over_base"]))
if "marginal_cpu_ms_per_view" in res:
    m = res["marginal_cpu_ms_per_view"]
    print("\nmarginal cost per view (%d -> %d views): %.1f ms CPU, %.2f MB; target <= 50 ms: %s"
          % (counts[0], counts[-1], m, res["marginal_rss_mb_per_view"], "met" if m <= 50 else "MISSED"))
PYEOF

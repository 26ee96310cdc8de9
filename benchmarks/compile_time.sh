#!/usr/bin/env bash
# Compile time, each translation unit compiled alone (g++ -std=c++20 -DNDEBUG -c, no
# ccache) under /usr/bin/time -v: CPU seconds, wall seconds and peak RSS.
#  - Per view: generated translation units with 1, 10, 100 and 300 views (each a distinct
#    view type with a handler and its own policy lists, all routed in one app whose
#    handle() is called, as serve() would) and an empty Beast program as the base, at
#    COMPILE_OPT (-O2, the level of the quickstart goal), then the cost per additional view.
#  - Programs, in the same run: benchmarks/bare_beast.cpp at -O2; examples/quickstart/
#    main.cpp at -O2 and -O0, header-only (the default), with WARDEN_SEPARATE_COMPILATION,
#    and with that and warden's headers precompiled (as examples/quickstart builds it);
#    the one-time costs of those two (warden/src.hpp, the precompiled header); and a
#    translation unit that only declares views (<warden/view.hpp>, no server).
# Writes $WARDEN_BENCH_OUT/compile_time.json.
#
#   benchmarks/compile_time.sh        (environment: COMPILE_COUNTS="1 10 100 300",
#                                      COMPILE_OPT=-O2, CXX=g++, COMPILE_REPEAT=1,
#                                      COMPILE_SKIP_PROGRAMS=1, COMPILE_GENERATE_ONLY=DIR)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${WARDEN_BENCH_BUILD:-$ROOT/build-bench}
OUT=${WARDEN_BENCH_OUT:-$BUILD/bench-results}
COUNTS=${COMPILE_COUNTS:-"1 10 100 300"}
CXX=${CXX:-g++}
REPEAT=${COMPILE_REPEAT:-1}
OPT=${COMPILE_OPT:--O2}
COMMON=(-std=c++20 -DNDEBUG -I "$ROOT/include" -c)
FLAGS=("${COMMON[@]}" "$OPT")
SEP=-DWARDEN_SEPARATE_COMPILATION
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

measure() {   # measure NAME FILE [FLAGS...] -> "cpu wall rss_kb" (best of REPEAT by CPU time)
    local name=$1 file=$2 best=""
    shift 2
    local flags=("$@")
    [ ${#flags[@]} -gt 0 ] || flags=("${FLAGS[@]}")
    for ((r = 0; r < REPEAT; r++)); do
        /usr/bin/time -v "$CXX" "${flags[@]}" "$file" -o "$TMP/$name.o" 2>"$TMP/$name.time" >/dev/null || {
            cat "$TMP/$name.time" >&2
            return 1
        }
        local line
        line=$(awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} /Elapsed \(wall clock\)/ {w=$2}
                           /Maximum resident set size/ {m=$2}
                           END {n=split(w, p, ":"); ws=0; for (i=1;i<=n;i++) ws=ws*60+p[i]; printf "%.2f %.2f %d\n", u+s, ws, m}' \
                      "$TMP/$name.time")
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

echo "# compile time (g++ $("$CXX" -dumpfullversion), views at $OPT); load $(cut -d' ' -f1-3 /proc/loadavg)"
: >"$TMP/results.txt"
base=$(measure base "$TMP/base.cpp")
echo "base $base $(cut -d' ' -f1 /proc/loadavg)" | tee -a "$TMP/results.txt"
for n in $COUNTS; do
    generate "$n" "$TMP/views_$n.cpp"
    r=$(measure "views_$n" "$TMP/views_$n.cpp")
    echo "$n $r $(cut -d' ' -f1 /proc/loadavg)" | tee -a "$TMP/results.txt"
done

# --- programs (issue 17): the quickstart against bare Beast, and what the helpers buy ---
program() {   # program NAME FILE FLAGS...
    local name=$1 r
    r=$(measure "$@")
    echo "$name $r $(cut -d' ' -f1 /proc/loadavg)" | tee -a "$TMP/programs.txt"
}
: >"$TMP/programs.txt"
if [ "${COMPILE_SKIP_PROGRAMS:-0}" != 1 ]; then
    QS=$ROOT/examples/quickstart/main.cpp
    program bare_beast_o2 "$ROOT/benchmarks/bare_beast.cpp" "${COMMON[@]}" -O2
    program quickstart_o2 "$QS" "${COMMON[@]}" -O2
    program quickstart_separate_o2 "$QS" "${COMMON[@]}" -O2 "$SEP"
    program quickstart_o0 "$QS" "${COMMON[@]}" -O0
    program quickstart_separate_o0 "$QS" "${COMMON[@]}" -O0 "$SEP"
    # The one-time costs: warden/src.hpp (once per program) and the precompiled header
    # (once per build, rebuilt when warden changes); then the quickstart using it, which
    # is what an edit of a user's file costs with warden_precompile_headers().
    echo '#include <warden/src.hpp>' >"$TMP/warden_src.cpp"
    program warden_src_o2 "$TMP/warden_src.cpp" "${COMMON[@]}" -O2 "$SEP"
    for o in 2 0; do
        mkdir -p "$TMP/pch_o$o"
        echo '#include <warden.hpp>' >"$TMP/pch_o$o/warden_pch.hpp"
        program "pch_o$o" "$TMP/pch_o$o/warden_pch.hpp" "${COMMON[@]}" "-O$o" "$SEP" -x c++-header
        mv "$TMP/pch_o$o.o" "$TMP/pch_o$o/warden_pch.hpp.gch"
        program "quickstart_separate_pch_o$o" "$QS" "${COMMON[@]}" "-O$o" "$SEP" -Winvalid-pch -Werror=invalid-pch \
            -include "$TMP/pch_o$o/warden_pch.hpp"
        rm -f "$TMP/pch_o$o/warden_pch.hpp.gch"
    done
    # A translation unit that only declares views: the light umbrella, ten views with
    # their permissions, throttles and handlers, no app and no server.
    {
        echo '#include <warden/view.hpp>'
        echo 'using namespace warden;'
        for ((i = 0; i < 10; i++)); do
            case $((i % 3)) in
            0) lists='permissions<is_authenticated>, throttles<user_rate<"100/hour">>' ;;
            1) lists='permissions<any_of<is_admin_user, is_authenticated_or_read_only>>' ;;
            2) lists='permissions<allow_any>, throttles<anon_rate<"10/minute">>' ;;
            esac
            echo "struct view_$i : api_view<$lists> {"
            echo "    response get(request& req) { return json({{\"view\", $i}, {\"user\", req.user().username}}); }"
            echo "    response post(request& req);"
            echo "};"
        done
    } >"$TMP/view_only.cpp"
    program view_only_o2 "$TMP/view_only.cpp" "${COMMON[@]}" -O2
fi

/usr/bin/python3 - "$TMP/results.txt" "$OUT/compile_time.json" "$("$CXX" -dumpfullversion)" "$OPT" "$TMP/programs.txt" <<'PYEOF'
import json, sys
def read(path):
    rows = {}
    for line in open(path):
        name, cpu, wall, rss, load = line.split()
        rows[name] = {"cpu_s": float(cpu), "wall_s": float(wall), "rss_mb": int(rss) / 1024, "load_avg_1min": float(load)}
    return rows
rows = read(sys.argv[1])
programs = read(sys.argv[5])
base = rows.pop("base")
counts = sorted(int(k) for k in rows)
res = {"compiler": "g++ " + sys.argv[3], "opt": sys.argv[4], "base": base, "views": {str(n): rows[str(n)] for n in counts}}
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
# Issue 17's goals: the quickstart <= 1.3 x bare Beast in CPU and peak RSS at -O2 and
# <= 12 s at -O0, a translation unit that only declares views <= 5 s, <= 60 ms per view.
GOAL_RATIO, GOAL_O0_S, GOAL_VIEW_ONLY_S, GOAL_MS_PER_VIEW = 1.3, 12.0, 5.0, 60.0
if programs:
    res["programs"] = programs
    bare = programs.get("bare_beast_o2")
    if bare:
        res["vs_bare_beast_o2"] = {
            name: {"cpu": programs[name]["cpu_s"] / bare["cpu_s"], "rss": programs[name]["rss_mb"] / bare["rss_mb"]}
            for name in ("quickstart_o2", "quickstart_separate_o2", "quickstart_separate_pch_o2") if name in programs}
res["goals"] = {"ratio_vs_bare_beast": GOAL_RATIO, "quickstart_o0_s": GOAL_O0_S, "view_only_s": GOAL_VIEW_ONLY_S,
                "ms_per_view": GOAL_MS_PER_VIEW}
json.dump(res, open(sys.argv[2], "w"), indent=2)
print("\n%-8s %8s %8s %9s %16s %16s" % ("views", "cpu s", "wall s", "RSS MB", "ms/view (base)", "MB/view (base)"))
print("%-8s %8.2f %8.2f %9.0f" % ("base", base["cpu_s"], base["wall_s"], base["rss_mb"]))
for n in counts:
    r = rows[str(n)]
    print("%-8d %8.2f %8.2f %9.0f %16.1f %16.2f" % (n, r["cpu_s"], r["wall_s"], r["rss_mb"],
          per[str(n)]["cpu_ms_per_view_over_base"], per[str(n)]["rss_mb_per_view_over_base"]))
if "marginal_cpu_ms_per_view" in res:
    m = res["marginal_cpu_ms_per_view"]
    print("\nmarginal cost per view (%d -> %d views, %s): %.1f ms CPU, %.2f MB; goal <= %.0f ms: %s"
          % (counts[0], counts[-1], res["opt"], m, res["marginal_rss_mb_per_view"], GOAL_MS_PER_VIEW,
             "met" if m <= GOAL_MS_PER_VIEW else "MISSED"))
if programs:
    print("\n%-28s %8s %8s %9s" % ("program", "cpu s", "wall s", "RSS MB"))
    for name, r in programs.items():
        print("%-28s %8.2f %8.2f %9.0f" % (name, r["cpu_s"], r["wall_s"], r["rss_mb"]))
    for name, q in res.get("vs_bare_beast_o2", {}).items():
        ok = q["cpu"] <= GOAL_RATIO and q["rss"] <= GOAL_RATIO
        print("%s / bare_beast_o2: %.2f x CPU, %.2f x RSS; goal <= %.1f x: %s" % (name, q["cpu"], q["rss"], GOAL_RATIO, "met" if ok else "MISSED"))
    for name in ("quickstart_o0", "quickstart_separate_o0", "quickstart_separate_pch_o0"):
        if name in programs:
            c = programs[name]["cpu_s"]
            print("%s: %.2f s; goal <= %.0f s: %s" % (name, c, GOAL_O0_S, "met" if c <= GOAL_O0_S else "MISSED"))
    if "view_only_o2" in programs:
        c = programs["view_only_o2"]["cpu_s"]
        print("view_only_o2: %.2f s; goal <= %.0f s: %s" % (c, GOAL_VIEW_ONLY_S, "met" if c <= GOAL_VIEW_ONLY_S else "MISSED"))
PYEOF

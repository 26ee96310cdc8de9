#!/usr/bin/python3
"""Turns the results of run_all.sh into docs/benchmarks.md's tables and the PNG plots.

  report.py RESULTS_DIR DOC_FILE PLOT_DIR

Reads RESULTS_DIR/{machine,dispatch,dispatch_callgrind,jwt,jwt_callgrind,e2e_pinned,e2e_shared,e2e_callgrind,
compile_time,scale}.json
(any may be missing), rewrites the part of DOC_FILE between the `<!-- results:begin -->`
and `<!-- results:end -->` markers, and draws PLOT_DIR/dispatch_routes.png,
PLOT_DIR/e2e_throughput.png and PLOT_DIR/scale_p99.png with gnuplot.
"""
import json
import os
import subprocess
import sys

res_dir, doc_file, plot_dir = sys.argv[1:4]


def load(name):
    path = os.path.join(res_dir, name + ".json")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def gbench_medians(data):
    """name -> {cpu, real, allocs, ossl_allocs} in ns, medians when repeated."""
    out = {}
    if not data:
        return out
    scale = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}
    for b in data["benchmarks"]:
        if b.get("error_occurred"):
            continue
        run = b.get("run_name", b["name"])
        is_median = b.get("run_type") == "aggregate" and b.get("aggregate_name") == "median"
        if b.get("run_type") == "aggregate" and not is_median:
            continue
        if run in out and out[run]["median"] and not is_median:
            continue
        k = scale[b.get("time_unit", "ns")]
        out[run] = {"cpu": b["cpu_time"] * k, "real": b["real_time"] * k, "median": is_median,
                    "allocs": b.get("allocs"), "ossl_allocs": b.get("ossl_allocs")}
    return out


def fmt_ns(ns):
    if ns >= 1e6:
        return "%.2f ms" % (ns / 1e6)
    if ns >= 1e3:
        return "%.2f µs" % (ns / 1e3)
    return "%.0f ns" % ns


def fmt_allocs(v):
    return "—" if v is None else ("%.2f" % v).rstrip("0").rstrip(".")


def verdict(ok):
    return "**met**" if ok else "**missed**"


machine = load("machine") or {}
dispatch = gbench_medians(load("dispatch"))
jwt = gbench_medians(load("jwt"))
dcg = load("dispatch_callgrind") or {}
jcg = load("jwt_callgrind") or {}
e2e_runs = [(layout, d) for layout, d in (("pinned", load("e2e_pinned")), ("shared", load("e2e_shared"))) if d]
e2e_cg = load("e2e_callgrind")
ct = load("compile_time")
scale = load("scale")

lines = []
w = lines.append
targets = []   # (target, measured, met)

# --- machine --------------------------------------------------------------------------
w("### Machine and run")
w("")
for key in ("date", "cpu", "cores", "memory", "kernel", "compiler", "flags", "boost", "openssl", "load_before", "load_after"):
    if key in machine:
        w("- %s: %s" % (key.replace("_", " "), machine[key]))
w("")


def ratio(table, a, b, field="cpu"):
    if a in table and b in table and table[b][field]:
        return table[a][field] / table[b][field]
    return None


def cg_ratio(table, a, b):
    if a in table and b in table and table[b]:
        return table[a] / table[b]
    return None


# --- dispatch -------------------------------------------------------------------------
if dispatch:
    w("### bench_dispatch (parsed request → serialized response)")
    w("")
    w("Ratios are to the hand-written case of the same kind (token: `dispatch_handwritten`; pipeline: "
      "`dispatch_pipeline_handwritten`; chain: `dispatch_chain_handwritten`).")
    w("")
    w("| case | CPU time (median) | wall | instructions/request (callgrind) | heap allocs/request | OpenSSL allocs/request | CPU ratio to handwritten | instruction ratio |")
    w("|---|---:|---:|---:|---:|---:|---:|---:|")
    order = ["dispatch_handwritten", "dispatch_warden", "dispatch_virtual",
             "dispatch_pipeline_handwritten", "dispatch_pipeline_warden", "dispatch_pipeline_virtual",
             "dispatch_chain_handwritten", "dispatch_chain_warden", "dispatch_chain_virtual",
             "dispatch_routes/1", "dispatch_routes/10",
             "dispatch_routes/100", "dispatch_routes/1000"]

    def floor_of(name):
        for kind in ("pipeline", "chain"):
            if name.startswith("dispatch_%s_" % kind):
                return "dispatch_%s_handwritten" % kind
        return "dispatch_handwritten"

    for name in order:
        if name not in dispatch:
            continue
        d = dispatch[name]
        r = ratio(dispatch, name, floor_of(name))
        ir = dcg.get(name)
        cr = cg_ratio(dcg, name, floor_of(name))
        w("| `%s` | %s | %s | %s | %s | %s | %s | %s |" % (
            name, fmt_ns(d["cpu"]), fmt_ns(d["real"]), "—" if ir is None else "{:,.0f}".format(ir),
            fmt_allocs(d["allocs"]), fmt_allocs(d["ossl_allocs"]),
            "—" if r is None else "%.2f" % r, "—" if cr is None else "%.2f" % cr))
    w("")
    def measured(a, b):
        r, cr = ratio(dispatch, a, b), cg_ratio(dcg, a, b)
        return r, cr, "%.2f (CPU time), %s (instructions)" % (r, "—" if cr is None else "%.2f" % cr)

    r, cr, m = measured("dispatch_warden", "dispatch_handwritten")
    if r is not None:
        targets.append(("dispatch_warden ≤ 1.05 × dispatch_handwritten, CPU time and instructions", m,
                        r <= 1.05 and (cr is None or cr <= 1.05)))
    r, cr, m = measured("dispatch_warden", "dispatch_virtual")
    if r is not None:
        targets.append(("dispatch_warden below dispatch_virtual, CPU time and instructions", m,
                        r < 1.0 and (cr is None or cr < 1.0)))
    for kind in ("pipeline", "chain"):
        wn, hn, vn = ("dispatch_%s_%s" % (kind, x) for x in ("warden", "handwritten", "virtual"))
        r, cr, m = measured(wn, hn)
        if r is not None:
            targets.append(("%s ≤ 1.05 × %s (CPU time)" % (wn, hn), m, r <= 1.05))
        r, cr, m = measured(vn, wn)
        if r is not None:
            targets.append(("%s ≥ 1.2 × %s (CPU time)" % (vn, wn), m, r >= 1.2))
    if "dispatch_warden" in dispatch and dispatch["dispatch_warden"]["allocs"] is not None:
        a = dispatch["dispatch_warden"]["allocs"]
        o = dispatch["dispatch_warden"]["ossl_allocs"] or 0
        targets.append(("≤ 2 heap allocations per request (dispatch path)",
                        "%s (operator new) + %s (OpenSSL)" % (fmt_allocs(a), fmt_allocs(o)), a + o <= 2))
    r = ratio(dispatch, "dispatch_routes/1000", "dispatch_routes/10")
    cr = cg_ratio(dcg, "dispatch_routes/1000", "dispatch_routes/10")
    if r is not None:
        targets.append(("dispatch_routes/1000 ≤ 2 × dispatch_routes/10",
                        "%.2f (CPU time), %s (instructions)" % (r, "—" if cr is None else "%.2f" % cr), r <= 2.0))

# --- jwt ------------------------------------------------------------------------------
if jwt:
    w("### bench_jwt (simplejwt access token; verify = decode + signature + claims)")
    w("")
    w("| algorithm | operation | floor (raw OpenSSL) | warden | cpp-jwt | libjwt | warden / floor | cpp-jwt / warden | libjwt / warden | warden allocs (new + OpenSSL) |")
    w("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    floors = {"hs256": "hmac_sha256_raw", "rs256": "rs256_%s_raw", "es256": "es256_%s_raw", "eddsa": "eddsa_%s_raw"}
    for alg in ("hs256", "rs256", "es256", "eddsa"):
        for op in ("verify", "sign"):
            fl = floors[alg] % op if "%s" in floors[alg] else floors[alg]
            wn, cn, ln = "jwt_%s_%s_warden" % (alg, op), "jwt_%s_%s_cppjwt" % (alg, op), "jwt_%s_%s_libjwt" % (alg, op)
            if wn not in jwt:
                continue
            def t(n):
                return fmt_ns(jwt[n]["cpu"]) if n in jwt else "—"
            def rr(a, b):
                x = ratio(jwt, a, b)
                return "—" if x is None else "%.2f" % x
            wa = jwt[wn]
            w("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s + %s |" % (
                alg.upper() if alg != "eddsa" else "EdDSA", op, t(fl), t(wn), t(cn), t(ln), rr(wn, fl), rr(cn, wn), rr(ln, wn),
                fmt_allocs(wa["allocs"]), fmt_allocs(wa["ossl_allocs"])))
    w("")
    if jcg:
        w("Instructions per operation (callgrind): " + ", ".join(
            "`%s` {:,.0f}".format(v) % k for k, v in jcg.items()) + ".")
        w("")
    r = ratio(jwt, "jwt_hs256_verify_warden", "hmac_sha256_raw")
    cr = cg_ratio(jcg, "jwt_hs256_verify_warden", "hmac_sha256_raw")
    if r is not None:
        targets.append(("jwt_hs256_verify_warden ≤ 2 × hmac_sha256_raw (CPU time)",
                        "%.2f (CPU time), %s (instructions)" % (r, "—" if cr is None else "%.2f" % cr), r <= 2.0))
    r = ratio(jwt, "jwt_hs256_verify_cppjwt", "jwt_hs256_verify_warden")
    cr = cg_ratio(jcg, "jwt_hs256_verify_cppjwt", "jwt_hs256_verify_warden")
    if r is not None:
        targets.append(("jwt_hs256_verify_warden ≥ 5 × faster than cpp-jwt",
                        "%.2f × (CPU time), %s × (instructions)" % (r, "—" if cr is None else "%.2f" % cr), r >= 5.0))

# --- end to end -----------------------------------------------------------------------
LAYOUTS = {
    "pinned": ("server on core 0 (1 I/O thread; DRF: 1 gunicorn worker), wrk on core 1 (1 thread)",
               "server and wrk on their own cores"),
    "shared": ("servers with 2 threads (DRF: 2 gunicorn workers) and wrk with 2 threads, all sharing both cores",
               "server and wrk sharing both cores"),
}
for layout, e2e in e2e_runs:
    s = e2e["servers"]
    how, short = LAYOUTS[layout]
    w("### End to end, %s (wrk, keep-alive, 127.0.0.1, GET /api/profile/ with a token)" % short)
    w("")
    w("`E2E_LAYOUT=%s`: %s. wrk -t%d -c%d -d%ds, %d rounds interleaved (medians); "
      "1-minute load average during the runs: %s." % (
          layout, how, e2e["wrk_threads"], e2e["connections"], e2e["duration_s"], len(next(iter(s.values()))["rps_runs"]),
          ", ".join("%.1f" % x for x in e2e["load_avg_1min"])))
    w("")
    w("Two measures: throughput (requests/s from wrk) and the server's own CPU time per request (user + system "
      "time of the server's processes during the run, from /proc, divided by the requests served). Ratios are "
      "given so that higher is better for both (throughput / baseline throughput, baseline CPU per request / "
      "CPU per request).")
    w("")
    w("| server | requests/s (median) | runs | p99 latency | server CPU per request | runs | vs DRF (req/s, CPU) | vs bare Beast (req/s, CPU) |")
    w("|---|---:|---|---:|---:|---|---:|---:|")
    workers = e2e["server_threads"]
    labels = {"reference_site": "reference_site (SQLite, reads on the I/O thread)",
              "reference_site_pool": "reference_site --no-inline-reads (SQLite, blocking pool)",
              "reference_site_cached": "reference_site --token-cache 1000 (SQLite, lookups cached ≤ 1 s)",
              "bench_site": "bench_site (memory_store)",
              "bench_site_nolog": "bench_site without access log",
              "drf": "DRF reference (gunicorn, %d worker%s)" % (workers, "" if workers == 1 else "s"),
              "bare_beast": "bare Beast (no auth): ceiling"}

    def both(x, base):
        if base not in s:
            return "—"
        r = x["rps_median"] / s[base]["rps_median"]
        c = x.get("cpu_us_per_request_median")
        cb = s[base].get("cpu_us_per_request_median")
        if c and cb:
            return "%.2f, %.2f" % (r, cb / c)
        return "%.2f" % r

    for name in ("reference_site", "reference_site_pool", "reference_site_cached", "bench_site", "bench_site_nolog", "drf", "bare_beast"):
        if name not in s:
            continue
        x = s[name]
        cpu = x.get("cpu_us_per_request_median")
        w("| %s | %.0f | %s | %.2f ms | %s | %s | %s | %s |" % (
            labels[name], x["rps_median"], ", ".join("%.0f" % v for v in x["rps_runs"]), x["p99_ms_median"],
            "—" if cpu is None else "%.1f µs" % cpu, ", ".join("%.1f" % v for v in x.get("cpu_us_runs", [])),
            both(x, "drf"), both(x, "bare_beast")))
    w("")
    rt = e2e["ratios"]
    ct_ = e2e.get("cpu_ratios", {})
    for key, label, lim in (("reference_site/drf", "end to end ≥ 50 × DRF (reference_site, SQLite)", 50),
                            ("reference_site/bare_beast", "end to end ≥ 0.75 × bare Beast (reference_site, SQLite)", 0.75),
                            ("bench_site/bare_beast", "end to end ≥ 0.9 × bare Beast (bench_site, memory_store)", 0.9)):
        if rt.get(key) is None:
            continue
        label += ", " + short
        c = ct_.get(key)
        if c is None:
            targets.append((label, "%.2f (throughput)" % rt[key], rt[key] >= lim))
        else:
            ok_t, ok_c = rt[key] >= lim, c >= lim
            m = "%.2f (throughput), %.2f (server CPU per request)" % (rt[key], c)
            if ok_t != ok_c:
                m += "; met on %s only" % ("throughput" if ok_t else "CPU per request")
            targets.append((label, m, ok_t and ok_c))

if e2e_cg:
    cs = e2e_cg["servers"]
    w("### End to end in instructions (benchmarks/e2e_callgrind.sh: callgrind, the server's user space)")
    w("")
    w("Each server with 1 I/O thread under callgrind, wrk -t1 -c8 driving GET /api/profile/ with a token; the "
      "instructions counted while wrk ran, divided by the requests it completed. The kernel's share is not counted "
      "(every server here makes one recvmsg and one sendmsg per request).")
    w("")
    w("| server | requests measured | instructions per request | vs bare Beast |")
    w("|---|---:|---:|---:|")
    base = cs.get("bare_beast", {}).get("instructions_per_request")
    for name, label in (("bare_beast", "bare Beast (no auth): ceiling"), ("bench_site", "bench_site (memory_store)"),
                        ("reference_site", "reference_site (SQLite)")):
        if name in cs:
            x = cs[name]
            w("| %s | %d | %s | %s |" % (label, x["requests"], "{:,.0f}".format(x["instructions_per_request"]),
                                         "%.2f" % (x["instructions_per_request"] / base) if base else "—"))
    w("")

# --- compile time ---------------------------------------------------------------------
if ct:
    opt = ct.get("opt", "-O3")
    w("### Compile time (%s, -std=c++20 -DNDEBUG -c, each translation unit alone)" % ct["compiler"])
    w("")
    progs = ct.get("programs") or {}
    if progs:
        labels = [
            ("bare_beast_o2", "benchmarks/bare_beast.cpp, -O2"),
            ("quickstart_o2", "quickstart, -O2, header-only (the default)"),
            ("quickstart_separate_o2", "quickstart, -O2, `WARDEN_SEPARATE_COMPILATION`"),
            ("quickstart_separate_pch_o2", "quickstart, -O2, separate compilation + precompiled headers (as examples/quickstart builds it)"),
            ("quickstart_o0", "quickstart, -O0, header-only"),
            ("quickstart_separate_o0", "quickstart, -O0, `WARDEN_SEPARATE_COMPILATION`"),
            ("quickstart_separate_pch_o0", "quickstart, -O0, separate compilation + precompiled headers"),
            ("view_only_o2", "ten views declared with `<warden/view.hpp>` only, -O2"),
            ("warden_src_o2", "once per program: `<warden/src.hpp>` (the server loop), -O2"),
            ("pch_o2", "once per build: the precompiled `<warden.hpp>`, -O2"),
            ("pch_o0", "once per build: the precompiled `<warden.hpp>`, -O0"),
        ]
        vs = ct.get("vs_bare_beast_o2", {})
        w("| translation unit | CPU s | wall s | peak RSS | vs bare Beast -O2 (CPU, RSS) | load |")
        w("|---|---:|---:|---:|---:|---:|")
        for key, label in labels:
            if key not in progs:
                continue
            r = progs[key]
            ratio = "%.2f ×, %.2f ×" % (vs[key]["cpu"], vs[key]["rss"]) if key in vs else "—"
            w("| %s | %.2f | %.2f | %.0f MB | %s | %.1f |" % (label, r["cpu_s"], r["wall_s"], r["rss_mb"], ratio, r["load_avg_1min"]))
        w("")
        goals = ct.get("goals", {})
        lim = goals.get("ratio_vs_bare_beast", 1.3)
        for key, what in (("quickstart_o2", "header-only"), ("quickstart_separate_pch_o2", "as examples/quickstart builds it")):
            if key in vs:
                q = vs[key]
                targets.append(("quickstart ≤ %.1f × bare Beast at -O2, CPU and peak RSS (%s)" % (lim, what),
                                "%.2f × (CPU), %.2f × (RSS)" % (q["cpu"], q["rss"]), q["cpu"] <= lim and q["rss"] <= lim))
        o0 = goals.get("quickstart_o0_s", 12.0)
        for key, what in (("quickstart_o0", "header-only"), ("quickstart_separate_pch_o0", "as examples/quickstart builds it")):
            if key in progs:
                c = progs[key]["cpu_s"]
                targets.append(("quickstart ≤ %.0f s at -O0 (%s)" % (o0, what), "%.2f s" % c, c <= o0))
        if "view_only_o2" in progs:
            c = progs["view_only_o2"]["cpu_s"]
            lim_v = goals.get("view_only_s", 5.0)
            targets.append(("a translation unit that only declares views ≤ %.0f s" % lim_v, "%.2f s (-O2)" % c, c <= lim_v))
    w("Per view (%s):" % opt)
    w("")
    w("| translation unit | CPU s | wall s | peak RSS | CPU ms per view over the base | MB per view over the base | load |")
    w("|---|---:|---:|---:|---:|---:|---:|")
    b = ct["base"]
    w("| empty Beast program (base) | %.2f | %.2f | %.0f MB | — | — | %.1f |" % (b["cpu_s"], b["wall_s"], b["rss_mb"], b["load_avg_1min"]))
    for n, r in ct["views"].items():
        p = ct["per_view"][n]
        w("| %s views | %.2f | %.2f | %.0f MB | %.0f | %.2f | %.1f |" % (n, r["cpu_s"], r["wall_s"], r["rss_mb"],
                                                                       p["cpu_ms_per_view_over_base"],
                                                                       p["rss_mb_per_view_over_base"], r["load_avg_1min"]))
    w("")
    if "marginal_cpu_ms_per_view" in ct:
        counts = list(ct["views"].keys())
        w("Marginal cost of one more view (%s → %s views, %s): %.1f ms CPU, %.2f MB." % (
            counts[0], counts[-1], opt, ct["marginal_cpu_ms_per_view"], ct["marginal_rss_mb_per_view"]))
        w("")
        lim_ms = ct.get("goals", {}).get("ms_per_view", 50.0)
        targets.append(("≤ %.0f ms of compile time per additional view" % lim_ms,
                        "%.1f ms (marginal, %s → %s views, %s)" % (ct["marginal_cpu_ms_per_view"], counts[0], counts[-1], opt),
                        ct["marginal_cpu_ms_per_view"] <= lim_ms))

# --- targets --------------------------------------------------------------------------
head = ["### Targets of issue 17", "", "| target | measured (this run) | verdict |", "|---|---|---|"]
for t, m, ok in targets:
    head.append("| %s | %s | %s |" % (t, m, verdict(ok)))
head.append("")
head.append("Plots: [dispatch time against route count](benchmarks/dispatch_routes.png), "
            "[end-to-end throughput](benchmarks/e2e_throughput.png).")
head.append("")
lines = head + lines

# --- memory and scale (scale.sh) --------------------------------------------------------
SCALE_LABELS = {"reference_site": "reference_site (SQLite)", "bare_beast": "bare Beast (no auth): ceiling",
                "drf": "DRF reference (gunicorn, 2 workers)"}
if scale:
    w = lines.append
    w("### Memory and scale (benchmarks/scale.sh, %s)" % scale["date"])
    w("")
    mem = scale.get("memory", {})
    if mem:
        w("Resident memory per idle keep-alive connection: a fresh server (%d I/O threads) per line; a few warm-up "
          "connections opened and kept open first (not counted), then N connections each answered once "
          "(token-authenticated GET /api/profile/) and held open; the growth of the server's VmRSS "
          "(/proc/PID/status) divided by the connections it still held after the settle pause. Kernel socket "
          "buffers are not in VmRSS." % scale["server_threads"])
        w("")
        w("| server | connections opened | held | VmRSS before → after | KB per connection | ratio to bare Beast | 1-min load |")
        w("|---|---:|---:|---:|---:|---:|---:|")
        refused = []
        for name in ("reference_site", "bare_beast"):
            for n, r in sorted(mem.get(name, {}).items(), key=lambda kv: int(kv[0])):
                kb, rb = r.get("kb_per_connection"), r.get("ratio_to_bare_beast")
                w("| %s | {:,} | {:,} | {:,} → {:,} kB | %s | %s | %.1f |".format(
                    int(n), r["held"], r["vmrss_before_kb"], r["vmrss_after_kb"]) % (
                    SCALE_LABELS.get(name, name), "—" if kb is None else "%.2f" % kb,
                    "—" if rb is None else "%.2f" % rb, r["load_avg_1min"]))
                if r["held"] < r["asked"]:
                    refused.append("%s held {:,} of {:,}, plus {:,} warm-up connections".format(
                        r["held"], r["asked"], r["warmup_held"]) % name)
        w("")
        if refused:
            w("Fewer held than opened (%s): reference_site refuses connections past "
              "`server_options::max_connections` (8,192 by default, warm-up connections included; it has no "
              "command-line flag for it), so its figure there is per held connection." % "; ".join(refused))
            w("")
    p99 = scale.get("p99", {})
    ps = p99.get("servers", {})
    if ps:
        order = [n for n in ("reference_site", "drf", "bare_beast") if n in ps]
        conc = sorted({p["connections"] for n in order for p in ps[n]})
        at = {n: {p["connections"]: p for p in ps[n]} for n in order}
        w("p99 latency against the number of connections: wrk --latency -t2 (-t1 at 1 connection), %d s per point, "
          "%d round%s (%s), token-authenticated GET /api/profile/; wrk shares the 2 cores with the server. "
          "Plot: [p99 latency against connections](benchmarks/scale_p99.png)." % (
              p99["duration_s"], p99["rounds"], "" if p99["rounds"] == 1 else "s",
              "single readings, noisy on this shared machine" if p99["rounds"] == 1 else "medians"))
        w("")
        w("| connections | " + " | ".join("%s p99 (p50; req/s)" % SCALE_LABELS.get(n, n) for n in order) +
          (" | DRF p99 / reference_site p99 |" if "drf" in at and "reference_site" in at else " |"))
        w("|---:|" + "---:|" * len(order) + ("---:|" if "drf" in at and "reference_site" in at else ""))
        for c in conc:
            cells = []
            for n in order:
                p = at[n].get(c)
                cells.append("—" if p is None else "%.2f ms (%.2f; %.0f)%s" % (
                    p["p99_ms"], p["p50_ms"], p["rps"], " ⚠ errors" if p["errors"] else ""))
            row = "| %d | %s |" % (c, " | ".join(cells))
            if "drf" in at and "reference_site" in at:
                d, r = at["drf"].get(c), at["reference_site"].get(c)
                row += " %s |" % ("—" if not d or not r or not r["p99_ms"] else "%.0f ×" % (d["p99_ms"] / r["p99_ms"]))
            w(row)
        w("")
        errs = ["%s at %d: %s" % (n, p["connections"], "; ".join(p["errors"])) for n in order for p in ps[n] if p["errors"]]
        if errs:
            w("wrk reported: " + " — ".join(errs) + ".")
            w("")

# --- plots ----------------------------------------------------------------------------
os.makedirs(plot_dir, exist_ok=True)
routes = [(n, dispatch.get("dispatch_routes/%d" % n), dcg.get("dispatch_routes/%d" % n)) for n in (1, 10, 100, 1000)]
routes = [r for r in routes if r[1]]
if routes:
    dat = os.path.join(res_dir, "routes.dat")
    with open(dat, "w") as f:
        for n, d, ir in routes:
            f.write("%d %.1f %s %.1f\n" % (n, d["cpu"], ir if ir is not None else "NaN",
                                          dispatch.get("dispatch_handwritten", {"cpu": float("nan")})["cpu"]))
    script = """
set terminal pngcairo size 800,480 font 'DejaVu Sans,10' noenhanced
set output '%s'
set title 'warden dispatch time against route count (GET /api/profile/, last route)'
set logscale x
set xrange [0.7:1500]
set xlabel 'routes in the app'
set ylabel 'CPU time per request (ns, median)'
set y2label 'instructions per request (callgrind)'
set ytics nomirror
set y2tics
set yrange [0:*]
set y2range [0:*]
set offsets 0, 0, graph 0.12, 0
set key bottom right
set grid
plot '%s' using 1:2 with linespoints lw 2 pt 7 title 'dispatch_routes/N (time)', \\
     '%s' using 1:3 axes x1y2 with linespoints lw 2 pt 5 dt 2 title 'dispatch_routes/N (instructions)', \\
     '%s' using 1:4 with lines lw 2 dt 3 title 'dispatch_handwritten, the floor (time)'
""" % (os.path.join(plot_dir, "dispatch_routes.png"), dat, dat, dat)
    subprocess.run(["gnuplot"], input=script.encode(), check=True)
if e2e_runs:
    e2e_layout, e2e = e2e_runs[0]
    dat = os.path.join(res_dir, "e2e.dat")
    names = [("reference_site", "reference_site\\n(SQLite)"), ("reference_site_pool", "reference_site\\n(SQLite, pool)"),
             ("reference_site_cached", "reference_site\\n(SQLite, cached)"),
             ("bench_site", "bench_site\\n(memory)"),
             ("bench_site_nolog", "bench_site\\n(memory, no log)"),
             ("drf", "DRF\\n(gunicorn x%d)" % e2e["server_threads"]),
             ("bare_beast", "bare Beast\\n(no auth)")]
    with open(dat, "w") as f:
        for i, (n, label) in enumerate(names):
            if n in e2e["servers"]:
                f.write('%d "%s" %.1f\n' % (i, label, e2e["servers"][n]["rps_median"]))
    script = """
set terminal pngcairo size 900,500 font 'DejaVu Sans,10' noenhanced
set output '%s'
set bmargin 5
set title 'End-to-end throughput, GET /api/profile/ with a token (%s; wrk -t%d -c%d, keep-alive, 127.0.0.1)'
set style fill solid 0.6
set boxwidth 0.6
set ylabel 'requests per second (median of rounds)'
set yrange [0:*]
set offsets 0, 0, graph 0.1, 0
set grid ytics
unset key
plot '%s' using 1:3:xtic(2) with boxes, '' using 1:3:(sprintf('%%.0f', $3)) with labels offset 0,1
""" % (os.path.join(plot_dir, "e2e_throughput.png"), LAYOUTS[e2e_layout][1], e2e["wrk_threads"], e2e["connections"], dat)
    subprocess.run(["gnuplot"], input=script.encode(), check=True)

if scale and scale.get("p99", {}).get("servers"):
    ps = scale["p99"]["servers"]
    conc = sorted({p["connections"] for pts in ps.values() for p in pts})
    plots = []
    for name in ("reference_site", "drf", "bare_beast"):
        if name not in ps:
            continue
        dat = os.path.join(res_dir, "scale_p99_%s.dat" % name)
        with open(dat, "w") as f:
            for p in ps[name]:
                f.write("%d %.3f\n" % (p["connections"], p["p99_ms"]))
        style = "lw 2 pt 7" if name != "bare_beast" else "lw 2 pt 5 dt 2"
        plots.append("'%s' using 1:2 with linespoints %s title '%s'" % (dat, style, SCALE_LABELS[name]))
    script = """
set terminal pngcairo size 800,480 font 'DejaVu Sans,10' noenhanced
set output '%s'
set title 'p99 latency against connections, GET /api/profile/ with a token (wrk, %d s per point, 127.0.0.1)'
set logscale xy
set xrange [0.7:%g]
set xtics (%s)
set xlabel 'concurrent connections (wrk -c)'
set ylabel 'p99 latency (ms, log scale)'
set key top left
set grid
plot %s
""" % (os.path.join(plot_dir, "scale_p99.png"), scale["p99"]["duration_s"], max(conc) * 1.5, ", ".join(str(c) for c in conc),
       ", \\\n     ".join(plots))
    subprocess.run(["gnuplot"], input=script.encode(), check=True)

# --- write the doc --------------------------------------------------------------------
begin, end = "<!-- results:begin -->", "<!-- results:end -->"
with open(doc_file) as f:
    doc = f.read()
if begin not in doc or end not in doc:
    sys.exit("report.py: %s has no results markers" % doc_file)
pre, rest = doc.split(begin, 1)
_, post = rest.split(end, 1)
generated = "\n<!-- generated by benchmarks/report.py from the last run_all.sh; do not edit by hand -->\n\n" + "\n".join(lines) + "\n"
with open(doc_file, "w") as f:
    f.write(pre + begin + generated + end + post)
print("report: wrote %s and plots in %s" % (doc_file, plot_dir))

#!/usr/bin/env python3
"""Markdown tables from `jax_flip.py --json` outputs.

  python3 table.py /tmp/results/net_*_64.json

For RESULT.json, a file RESULT.time beside it holding `/usr/bin/time -v` output (stderr of the
same run) adds the peak resident memory of that run.
"""
import argparse
import json
import os
import re


def fmt_t(s):
    """A duration in seconds as ms or s with 3-4 significant digits."""
    return f"{s * 1e3:.3g} ms" if s < 1.0 else f"{s:.3g} s"


def peak_rss_mb(result_path):
    time_path = os.path.splitext(result_path)[0] + ".time"
    if not os.path.exists(time_path):
        return None
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", open(time_path).read())
    return int(m.group(1)) / 1024 if m else None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("results", nargs="+")
    args = ap.parse_args()
    reps = []
    for path in args.results:
        with open(path) as fh:
            rep = json.load(fh)
        rep["_rss"] = peak_rss_mb(path)
        reps.append(rep)
    reps.sort(key=lambda r: (r["P"], r["n"]))

    print("| P | n | gradient (wall / CPU) | JAX lanczos, warm wall (CPU) | JAX gauss_newton, warm wall (CPU) "
          "| JAX first runs (lanczos / GN) | peak RSS | eosflip |")
    print("|---|---|---|---|---|---|---|---|")
    for r in reps:
        cells = [str(r["P"]), str(r["n"]), f"{fmt_t(r['gradient_time_s'])} / {fmt_t(r['gradient_cpu_s'])}"]
        for way in ("lanczos", "gauss_newton"):
            w = r.get(way)
            cells.append("—" if not w or "skipped" in w else
                         f"{fmt_t(w['time_s']['total'])} = {w['time_grads']['total']:.0f} gr "
                         f"({fmt_t(w['cpu_s']['total'])} = {w['cpu_grads']['total']:.0f} gr)")
        firsts = [fmt_t(r[w]["first_run_s"]["total"]) if w in r and "skipped" not in r[w] else "—"
                  for w in ("lanczos", "gauss_newton")]
        cells.append(" / ".join(firsts))
        cells.append(f"{r['_rss']:.0f} MB" if r["_rss"] else "—")
        cells.append("—")
        print("| " + " | ".join(cells) + " |")

    print()
    print("Warm CPU-time medians per quantity, in gradient equivalents (gr = CPU time / CPU time of one"
          " warm gradient):")
    print()
    print("| P | n | lanczos: λ,v | g | L4 | CGLS (H⁺g) | drift | GN: jacobian | λ,v (Gram eigh) | g | L4 "
          "| solve (H⁺g, drift) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in reps:
        cells = [str(r["P"]), str(r["n"])]
        for way, qs in (("lanczos", ("lambda_v", "g", "L4", "cgls", "drift")),
                        ("gauss_newton", ("jacobian", "lambda_v", "g", "L4", "solve"))):
            w = r.get(way)
            for q in qs:
                cells.append("—" if not w or "skipped" in w else f"{w['cpu_grads'][q]:.3g}")
        print("| " + " | ".join(cells) + " |")

    print()
    print("Values (lanczos way) and agreement of the two ways (relative differences):")
    print()
    print("| P | n | λ | c1 | gᵀH⁺g | L4 | ‖Π_T g‖ | Lanczos steps | CGLS iters | Gram λ_min/λ "
          "| Δλ | Δc1 | ΔgᵀH⁺g | ΔL4 | ‖Δv‖ | ‖ΔΠ_T g‖/‖Π_T g‖ |")
    print("|" + "---|" * 16)
    for r in reps:
        v = r["lanczos"]["values"]
        gn = r.get("gauss_newton", {}).get("values")
        a = r.get("agreement")
        cells = [str(r["P"]), str(r["n"])] + [f"{v[q]:.12g}" for q in ("lambda", "c1", "gHg", "L4", "drift_norm")]
        cells += [str(v["lanczos_steps"]), str(v["cgls_iterations"]),
                  f"{gn['gram_min_kept_eigenvalue'] / gn['lambda']:.2e}" if gn else "—"]
        cells += [f"{a[q]:.1e}" for q in ("rel_lambda", "rel_c1", "rel_gHg", "rel_L4", "v_diff", "rel_drift_diff")] \
            if a else ["—"] * 6
        print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Flip coefficients of an "eosflip-model/1" file with JAX (CPU, float64): the JAX side of the
eosflip benchmark (`eosflip analyze --model FILE --json` is the other side).

At theta it computes the loss, |grad L|, the sharpness lambda (top Hessian eigenvalue), the unit
top eigenvector v (largest-magnitude component positive), g = D^3L[v,v,.], L4 = D^4L[v,v,v,v],
g^T H^+ g, c1 = (eta/2) g^T H^+ g - (eta/6) L4 at eta = 2/lambda, and the drift Pi_T g (Pi_T the
orthogonal projection on ker H), two ways:

  lanczos       matrix-free: Lanczos with full reorthogonalisation on HVPs (jvp of grad) for
                lambda, v (stop when the Ritz residual <= 1e-12 lambda); CGLS on min |Hx - g| from
                x = 0 (iterates stay in range H) for x = H^+ g (stop when |H r| <= 1e-13 |Hg|),
                Pi_T g = g - Hx, g^T H^+ g = g.x.
  gauss_newton  at an interpolating minimizer with wd = 0, H = J^T D J / n exactly (J the n*k x P
                output Jacobian by jacrev, D = I for MSE, diag(p) - p p^T per sample for CE).
                S = D^{1/2} J / sqrt(n), Gram G = S S^T; eigh(G) gives lambda and v = S^T w /
                sqrt(lambda); g^T H^+ g = |G^+ S g|^2, Pi_T g = g - S^T G^+ S g.

g and L4 use the same jets in both ways: g = d^2/dt^2 grad L(theta + t v) at 0 (jvp of jvp of
grad), L4 = d^4/dt^4 L(theta + t v) at 0 (four nested forward-mode jvps of the line function).

Timing: every quantity is timed with block_until_ready; one warm-up run per way (its times are
reported as first_run, they include tracing and XLA compilation), then --repeat warm runs whose
per-quantity medians are reported, as wall time (time_s) and as process CPU time (cpu_s). One
plain gradient (warm median) is timed too, so every time is also given in gradient equivalents
(time_grads, cpu_grads). The process is pinned to one CPU (see flipmodel.py).

  python3 jax_flip.py /tmp/models/net_310_64.json --repeat 5 --json
"""
import argparse
import json
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import flipmodel  # noqa: E402  (configures JAX: float64, CPU, one thread)
from flipmodel import Model  # noqa: E402

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
import scipy.linalg  # noqa: E402

LANCZOS_TOL = 1e-12   # Ritz residual <= LANCZOS_TOL * lambda
CGLS_TOL = 1e-13      # |H r| <= CGLS_TOL * |H g|
GRAM_RCOND = 1e-13    # Gram eigenvalues <= GRAM_RCOND * lambda are treated as zero (CE's null rows)


# ---------------------------------------------------------------------------------------------
# Derivative kernels (jitted once per model)
# ---------------------------------------------------------------------------------------------
class Kernels:
    def __init__(self, model):
        loss = model.loss
        grad = jax.grad(loss)

        def hvp(theta, u):
            return jax.jvp(grad, (theta,), (u,))[1]

        def third(theta, v):
            # g = D^3L[v, v, .] = d^2/dt^2 grad L(theta + t v) at t = 0: jvp of (jvp of grad).
            return jax.jvp(lambda t: hvp(t, v), (theta,), (v,))[1]

        def fourth(theta, v):
            # L4 = d^4/dt^4 L(theta + t v) at t = 0: four nested forward-mode jvps of the line.
            d0 = lambda s: loss(theta + s * v)  # noqa: E731
            d1 = lambda s: jax.jvp(d0, (s,), (1.0,))[1]  # noqa: E731
            d2 = lambda s: jax.jvp(d1, (s,), (1.0,))[1]  # noqa: E731
            d3 = lambda s: jax.jvp(d2, (s,), (1.0,))[1]  # noqa: E731
            return jax.jvp(d3, (jnp.float64(0.0),), (jnp.float64(1.0),))[1]

        self.loss = jax.jit(loss)
        self.grad = jax.jit(grad)
        self.hvp = jax.jit(hvp)
        self.third = jax.jit(third)
        self.fourth = jax.jit(fourth)
        self.cgls = jax.jit(self._cgls, static_argnums=(3,))
        self.jacobian = jax.jit(model.jacobian)
        self.gauss_newton_factor = jax.jit(lambda th: gauss_newton_factor(model, th))
        self._hvp_raw = hvp

    def _cgls(self, theta, g, tol, max_iter):
        """CGLS for min |Hx - g| from x = 0, as one XLA while loop. Returns x, r = g - Hx (recurred),
        the iteration count and |H r| / |H g|."""
        hvp = self._hvp_raw
        hg = hvp(theta, g)
        hg_norm = jnp.linalg.norm(hg)

        def cond(state):
            _, _, _, _, gamma, k = state
            return (jnp.sqrt(gamma) > tol * hg_norm) & (k < max_iter)

        def body(state):
            x, r, s, p, gamma, k = state
            q = hvp(theta, p)
            alpha = gamma / jnp.dot(q, q)
            x = x + alpha * p
            r = r - alpha * q
            s = hvp(theta, r)            # H^T r with H symmetric
            gamma_new = jnp.dot(s, s)
            p = s + (gamma_new / gamma) * p
            return x, r, s, p, gamma_new, k + 1

        state = (jnp.zeros_like(g), g, hg, hg, jnp.dot(hg, hg), jnp.int32(0))
        x, r, _, _, gamma, k = jax.lax.while_loop(cond, body, state)
        return x, r, k, jnp.sqrt(gamma) / hg_norm


def gauss_newton_factor(model, theta):
    """S = D^{1/2} J / sqrt(n), shape (n*k, P), with D = I (MSE) or diag(p) - p p^T per sample (CE)."""
    jac = model.jacobian(theta)
    n, k, P = model.n, model.k, model.P
    if model.loss_name == "mse":
        return jac / jnp.sqrt(n)
    p = jax.nn.softmax(model.outputs(theta), axis=1)                       # (n, k)
    d = jax.vmap(jnp.diag)(p) - p[:, :, None] * p[:, None, :]              # (n, k, k), PSD rank k-1
    mu, u = jnp.linalg.eigh(d)
    mu = jnp.where(mu > 1e-14 * jnp.max(mu, axis=1, keepdims=True), mu, 0.0)  # exact null vector 1
    d_half = jnp.einsum("nab,nb,ncb->nac", u, jnp.sqrt(mu), u)
    s = jnp.einsum("nab,nbp->nap", d_half, jac.reshape(n, k, P))
    return s.reshape(n * k, P) / jnp.sqrt(n)


# ---------------------------------------------------------------------------------------------
# The two ways
# ---------------------------------------------------------------------------------------------
class Timer:
    """Collects the wall time and the process CPU time (seconds) of named steps; each step's
    result is block_until_ready'd. On a shared machine the CPU time is the steadier of the two
    (the process is pinned to one CPU, so it is never more than the wall time)."""

    def __init__(self):
        self.times, self.cpu = {}, {}

    def __call__(self, name, fn, *args):
        t0, c0 = time.perf_counter(), time.process_time()
        out = jax.block_until_ready(fn(*args))
        self.times[name] = time.perf_counter() - t0
        self.cpu[name] = time.process_time() - c0
        return out


@jax.jit
def sign_fix(v):
    """Unit vector with its largest-magnitude component positive."""
    v = v / jnp.linalg.norm(v)
    return v * jnp.sign(v[jnp.argmax(jnp.abs(v))])


def lanczos_top(kern, theta, P, tol, max_iter, seed=0):
    """Top eigenpair of H by Lanczos with full (twice classical Gram-Schmidt) reorthogonalisation.

    The basis lives in a host array (only the rows used are touched); one jitted HVP per step.
    Stops when the top Ritz pair's residual beta_{j+1} |s_j| <= tol * lambda or the Krylov space
    is exhausted. Returns (lambda, v, steps, estimated residual / lambda).
    """
    m = min(P, max_iter)
    basis = np.empty((m + 1, P))
    q = np.random.default_rng(seed).standard_normal(P)
    basis[0] = q / np.linalg.norm(q)
    alpha, beta = [], []
    lam, s_top, rel_res = 0.0, np.ones(1), np.inf
    for j in range(m):
        w = np.array(kern.hvp(theta, jnp.asarray(basis[j])))   # writable copy
        a = float(basis[j] @ w)
        alpha.append(a)
        w -= a * basis[j]
        if j:
            w -= beta[-1] * basis[j - 1]
        qj = basis[:j + 1]
        for _ in range(2):                                     # full reorthogonalisation, CGS2
            w -= qj.T @ (qj @ w)
        b = float(np.linalg.norm(w))
        if j == 0:
            lam, s_top = a, np.ones(1)
        else:
            vals, vecs = scipy.linalg.eigh_tridiagonal(np.array(alpha), np.array(beta),
                                                       select="i", select_range=(j, j))
            lam, s_top = float(vals[0]), vecs[:, 0]
        rel_res = b * abs(s_top[-1]) / abs(lam)
        if rel_res <= tol or j + 1 == m:
            break
        beta.append(b)
        basis[j + 1] = w / b
    v = basis[:len(alpha)].T @ s_top
    return lam, sign_fix(jnp.asarray(v)), len(alpha), rel_res


def flip_values(lam, gHg, L4):
    eta = 2.0 / lam
    return eta, 0.5 * eta * gHg - eta / 6.0 * L4


def way_lanczos(kern, model, theta, args):
    t = Timer()
    lam, v, steps, rel_res = t("lambda_v", lanczos_top, kern, theta, model.P, LANCZOS_TOL, args.lanczos_max)
    g = t("g", kern.third, theta, v)
    L4 = float(t("L4", kern.fourth, theta, v))
    x, _, cg_iters, cg_rel = t("cgls", kern.cgls, theta, g, CGLS_TOL, args.cgls_max)
    # Pi_T g = g - Hx from the final x (one more HVP) rather than CGLS's recurred residual.
    drift = t("drift", lambda th, g_, x_: g_ - kern.hvp(th, x_), theta, g, x)
    gHg = float(jnp.dot(g, x))
    eta, c1 = flip_values(lam, gHg, L4)
    values = {"lambda": lam, "eta": eta, "c1": c1, "gHg": gHg, "L4": L4,
              "g_norm": float(jnp.linalg.norm(g)), "drift_norm": float(jnp.linalg.norm(drift)),
              "lanczos_steps": steps, "lanczos_rel_residual_estimate": rel_res,
              "lanczos_converged": bool(rel_res <= LANCZOS_TOL),
              "cgls_iterations": int(cg_iters), "cgls_rel_Hr": float(cg_rel),
              "cgls_converged": bool(cg_rel <= CGLS_TOL)}
    vectors = {"v": v, "g": g, "drift": drift}
    return values, vectors, t


@jax.jit
def gram_spectrum(s):
    """Gram G = S S^T, its eigh, lambda = top eigenvalue and v = S^T w / sqrt(lambda)."""
    gram = s @ s.T
    mu, u = jnp.linalg.eigh(gram)
    lam = mu[-1]
    v = sign_fix(s.T @ u[:, -1] / jnp.sqrt(lam))
    return gram, mu, u, lam, v


@jax.jit
def gram_solve(s, mu, u, g):
    """g^T H^+ g = |G^+ S g|^2 and Pi_T g = g - S^T G^+ S g (G^+ on the eigenvalues kept)."""
    keep = mu > GRAM_RCOND * mu[-1]
    inv = jnp.where(keep, 1.0 / jnp.where(keep, mu, 1.0), 0.0)
    z = u @ (inv * (u.T @ (s @ g)))
    return jnp.dot(z, z), g - s.T @ z


def way_gauss_newton(kern, model, theta, args):
    t = Timer()
    s = t("jacobian", kern.gauss_newton_factor, theta)

    gram, mu, u, lam, v = t("lambda_v", gram_spectrum, s)
    g = t("g", kern.third, theta, v)
    L4 = float(t("L4", kern.fourth, theta, v))

    gHg, drift = t("solve", gram_solve, s, mu, u, g)
    lam, gHg = float(lam), float(gHg)
    eta, c1 = flip_values(lam, gHg, L4)
    keep = np.asarray(mu) > GRAM_RCOND * lam
    values = {"lambda": lam, "eta": eta, "c1": c1, "gHg": gHg, "L4": L4,
              "g_norm": float(jnp.linalg.norm(g)), "drift_norm": float(jnp.linalg.norm(drift)),
              "gram_size": int(mu.shape[0]), "gram_rank": int(keep.sum()),
              "gram_min_kept_eigenvalue": float(np.asarray(mu)[keep].min())}
    vectors = {"v": v, "g": g, "drift": drift}
    return values, vectors, t


WAYS = {"lanczos": way_lanczos, "gauss_newton": way_gauss_newton}


# ---------------------------------------------------------------------------------------------
# Driver
# ---------------------------------------------------------------------------------------------
def median_time(fn, *args, repeat=5, min_batch_s=0.05):
    """Warm medians (wall, CPU) of fn(*args) per call; calls are batched so each sample lasts
    >= min_batch_s."""
    jax.block_until_ready(fn(*args))
    t0 = time.perf_counter()
    jax.block_until_ready(fn(*args))
    one = time.perf_counter() - t0
    batch = max(1, int(min_batch_s / max(one, 1e-9)))
    wall, cpu = [], []
    for _ in range(max(repeat, 3)):
        t0, c0 = time.perf_counter(), time.process_time()
        for _ in range(batch):
            out = fn(*args)
        jax.block_until_ready(out)
        wall.append((time.perf_counter() - t0) / batch)
        cpu.append((time.process_time() - c0) / batch)
    return statistics.median(wall), statistics.median(cpu)


def rel_diff(a, b):
    return abs(a - b) / max(abs(a), abs(b), 1e-300)


def run(args):
    model = Model.load(args.model)
    theta = jnp.asarray(model.theta)
    kern = Kernels(model)
    t0 = time.perf_counter()
    grad0 = jax.block_until_ready(kern.grad(theta))
    first_grad = time.perf_counter() - t0
    report = {
        "model": os.path.abspath(args.model), "widths": model.widths, "activation": model.activation,
        "loss_kind": model.loss_name, "weight_decay": model.weight_decay,
        "P": model.P, "n": model.n, "k": model.k,
        "jax_version": jax.__version__, "xla_flags": os.environ.get("XLA_FLAGS", ""),
        "cpus": flipmodel.CPUS,
        "repeat": args.repeat,
        "loss": float(kern.loss(theta)), "grad_norm": float(jnp.linalg.norm(grad0)),
        "residual_norm": float(jnp.linalg.norm(model.output_residual(theta))),
    }
    interpolating = (model.weight_decay == 0.0
                     and report["residual_norm"] <= 1e-8 * max(1.0, float(np.linalg.norm(model.y))))
    t_grad, c_grad = median_time(kern.grad, theta, repeat=args.repeat)
    report["gradient_time_s"] = t_grad
    report["gradient_cpu_s"] = c_grad
    report["gradient_first_run_s"] = first_grad

    vectors = {}
    for name in args.ways:
        if name == "gauss_newton" and model.weight_decay != 0.0:
            report[name] = {"skipped": "weight_decay != 0: H is not J^T D J / n"}
            continue
        fn = WAYS[name]
        t0 = time.perf_counter()
        _, _, first = fn(kern, model, theta, args)             # warm-up: tracing + compilation
        first.times["total"] = time.perf_counter() - t0
        runs = []
        for _ in range(args.repeat):
            t0, c0 = time.perf_counter(), time.process_time()
            values, vecs, t = fn(kern, model, theta, args)
            t.times["total"] = time.perf_counter() - t0
            t.cpu["total"] = time.process_time() - c0
            runs.append(t)
        med = {q: statistics.median(r.times[q] for r in runs) for q in runs[0].times}
        med_cpu = {q: statistics.median(r.cpu[q] for r in runs) for q in runs[0].cpu}
        report[name] = {
            "values": values,
            **({} if name != "gauss_newton" or interpolating else
               {"warning": "theta is not an interpolating minimizer: H != J^T D J / n, values differ"}),
            "time_s": med,
            "time_grads": {q: tq / t_grad for q, tq in med.items()},
            "cpu_s": med_cpu,
            "cpu_grads": {q: tq / c_grad for q, tq in med_cpu.items()},
            "first_run_s": first.times,
        }
        vectors[name] = vecs

    if len(vectors) == 2:
        va, vb = report["lanczos"]["values"], report["gauss_newton"]["values"]
        a, b = vectors["lanczos"], vectors["gauss_newton"]
        dn = lambda p, q: float(jnp.linalg.norm(p - q) / max(float(jnp.linalg.norm(p)), 1e-300))  # noqa: E731
        report["agreement"] = {
            **{f"rel_{q}": rel_diff(va[q], vb[q]) for q in ("lambda", "c1", "gHg", "L4", "drift_norm")},
            "v_diff": dn(a["v"], b["v"]), "rel_g_diff": dn(a["g"], b["g"]),
            "rel_drift_diff": dn(a["drift"], b["drift"]),
        }
    if "lanczos" in vectors:
        # Independent check (untimed): true residual of the Lanczos eigenpair.
        v, lam = vectors["lanczos"]["v"], report["lanczos"]["values"]["lambda"]
        report["lanczos"]["values"]["true_rel_residual"] = float(
            jnp.linalg.norm(kern.hvp(theta, v) - lam * v) / lam)
        g, drift = vectors["lanczos"]["g"], vectors["lanczos"]["drift"]
        report["lanczos"]["values"]["true_cgls_rel_Hr"] = float(
            jnp.linalg.norm(kern.hvp(theta, drift)) / jnp.linalg.norm(kern.hvp(theta, g)))
    if args.save:
        np.savez(args.save, **{f"{w}_{q}": np.asarray(x) for w, vs in vectors.items() for q, x in vs.items()})
    return report


def print_human(rep):
    print(f"{rep['model']}: widths {rep['widths']} {rep['activation']} {rep['loss_kind']}, "
          f"P = {rep['P']}, n = {rep['n']}, k = {rep['k']}  (JAX {rep['jax_version']})")
    print(f"loss = {rep['loss']:.3e}  |grad L| = {rep['grad_norm']:.3e}  "
          f"|r| = {rep['residual_norm']:.3e} (r = f - y, or softmax f - y for CE)  "
          f"gradient: {rep['gradient_time_s'] * 1e3:.4g} ms warm ({rep['gradient_cpu_s'] * 1e3:.4g} ms CPU)")
    for way in WAYS:
        r = rep.get(way)
        if r is None:
            continue
        if "skipped" in r:
            print(f"[{way}] skipped: {r['skipped']}")
            continue
        v = r["values"]
        print(f"[{way}]" + (f"  WARNING: {r['warning']}" if "warning" in r else ""))
        print(f"  lambda = {v['lambda']:.16e}  c1 = {v['c1']:.16e}")
        print(f"  gHg = {v['gHg']:.16e}  L4 = {v['L4']:.16e}  |Pi_T g| = {v['drift_norm']:.16e}")
        extras = {q: x for q, x in v.items()
                  if q not in ("lambda", "c1", "gHg", "L4", "drift_norm", "eta", "g_norm")}
        print("  " + "  ".join(f"{q} = {x:.3g}" if isinstance(x, float) else f"{q} = {x}"
                               for q, x in extras.items()))
        print("  warm (median)   " + "  ".join(
            f"{q} {r['time_s'][q] * 1e3:.4g} ms ({r['time_grads'][q]:.1f} gr)" for q in r["time_s"]))
        print("  CPU (median)    " + "  ".join(
            f"{q} {r['cpu_s'][q] * 1e3:.4g} ms ({r['cpu_grads'][q]:.1f} gr)" for q in r["cpu_s"]))
        print("  first run       " + "  ".join(f"{q} {x * 1e3:.4g} ms" for q, x in r["first_run_s"].items()))
    if "agreement" in rep:
        print("[agreement] " + "  ".join(f"{q} = {x:.2e}" for q, x in rep["agreement"].items()))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model", help="eosflip-model/1 JSON file")
    ap.add_argument("--repeat", type=int, default=5, help="warm runs per way (default 5)")
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    ap.add_argument("--ways", default="lanczos,gauss_newton",
                    help="comma-separated subset of lanczos,gauss_newton")
    ap.add_argument("--lanczos-max", type=int, default=500, help="Lanczos step cap (default 500)")
    ap.add_argument("--cgls-max", type=int, default=2000, help="CGLS iteration cap (default 2000)")
    ap.add_argument("--save", metavar="FILE.npz", help="also save v, g and the drift of each way")
    args = ap.parse_args(argv)
    args.ways = [w.strip() for w in args.ways.split(",") if w.strip()]
    for w in args.ways:
        if w not in WAYS:
            ap.error(f"unknown way {w!r}")
    rep = run(args)
    if args.json:
        print(json.dumps(rep, indent=1))
    else:
        print_human(rep)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Generate "eosflip-model/1" files: MLPs fitted to zero loss on a random teacher's outputs.

For d -> h -> h -> k (two hidden layers of width h by default):
  * inputs x_i ~ N(0, I_d), iid, seeded;
  * a random teacher of the same shape (PyTorch's default Linear init: weights and biases
    U(-1/sqrt(fan_in), 1/sqrt(fan_in))) gives the targets: y = f_teacher(x) for MSE, soft labels
    y = softmax(f_teacher(x)) for cross entropy;
  * the student starts at teacher + sigma * N(0,1) / sqrt(fan_in) and is fitted to zero loss
    (the teacher's logits) by damped minimum-norm Gauss-Newton on the n*k residuals r,
    delta = -J^T (J J^T + mu I)^{-1} r, J = jacrev of the outputs (float64), until
    |r| <= 1e-13 * max(1, |y|).
The result is an interpolating minimizer (wd = 0), so H = J^T D J / n there.

  python3 gen_models.py --hidden 310 --samples 64 --seed 0 --out net_310_64.json
  python3 gen_models.py --all /tmp/models          # h in 26 95 310 995 (P ~ 1e3..1e6), n in 32 64
"""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import flipmodel  # noqa: E402  (configures JAX: float64, CPU, one thread)
from flipmodel import Model, param_count  # noqa: E402

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
import scipy.linalg  # noqa: E402

# h = 26, 95, 310, 995 give P = h^2 + 13h + 1 = 1015, 10261, 100131, 1002961 for d = 10, k = 1.
ALL_HIDDEN = (26, 95, 310, 995)
ALL_SAMPLES = (32, 64)


def pytorch_init(widths, rng):
    """Flat theta with PyTorch's default nn.Linear init, in nn.Sequential parameter order."""
    parts = []
    for fan_in, fan_out in zip(widths[:-1], widths[1:]):
        bound = 1.0 / np.sqrt(fan_in)
        parts.append(rng.uniform(-bound, bound, size=fan_out * fan_in))  # weight, row-major
        parts.append(rng.uniform(-bound, bound, size=fan_out))           # bias
    return np.concatenate(parts)


def fan_in_scale(widths):
    """1/sqrt(fan_in) for every entry of theta (the perturbation's per-parameter scale)."""
    return np.concatenate([np.full(o * (i + 1), 1.0 / np.sqrt(i)) for i, o in zip(widths[:-1], widths[1:])])


def gauss_newton_fit(model, target, theta0, tol, max_iter=60, verbose=True):
    """Damped minimum-norm Gauss-Newton (Levenberg-Marquardt on the n*k residuals).

    Returns (theta, |r|, iterations). mu starts tiny (the start is close to the solution
    manifold, where the undamped step converges quadratically) and is raised x10 on a rejected
    step, lowered x10 on an accepted one.
    """
    target = jnp.asarray(target)
    residual = jax.jit(lambda th: (model.outputs(th) - target).reshape(-1))
    jacobian = jax.jit(model.jacobian)
    theta = jnp.asarray(theta0)
    r = residual(theta)
    rnorm = float(jnp.linalg.norm(r))
    if verbose:
        print(f"  start:      |r| = {rnorm:.3e}")
    mu_rel, it = 1e-12, 0
    while rnorm > tol and it < max_iter:
        it += 1
        jac = jacobian(theta)
        gram = np.asarray(jac @ jac.T)
        scale = np.trace(gram) / gram.shape[0]
        while True:
            mu_used = mu_rel
            mu = mu_rel * scale
            z = scipy.linalg.cho_solve(scipy.linalg.cho_factor(gram + mu * np.eye(gram.shape[0])),
                                       np.asarray(r))
            trial = theta - jac.T @ jnp.asarray(z)
            r_trial = residual(trial)
            t_norm = float(jnp.linalg.norm(r_trial))
            if t_norm < rnorm:
                theta, r, rnorm = trial, r_trial, t_norm
                mu_rel = max(mu_rel / 10.0, 1e-16)
                break
            mu_rel *= 10.0
            if mu_rel > 1e8:
                raise RuntimeError(f"Gauss-Newton stalled at |r| = {rnorm:.3e}")
        if verbose:
            print(f"  GN iter {it:2d}: |r| = {rnorm:.3e}  (mu / mean diag(JJ^T) = {mu_used:.0e})")
    return np.asarray(theta), rnorm, it


def generate(hidden, samples, seed, input_dim=10, depth=2, outputs=1, loss="mse",
             activation="tanh", sigma=0.1):
    """Build the fitted student Model (and print what it did)."""
    widths = [input_dim] + [hidden] * depth + [outputs]
    P = param_count(widths)
    ss = np.random.SeedSequence(seed)
    rng_x, rng_teacher, rng_perturb = (np.random.default_rng(s) for s in ss.spawn(3))

    x = rng_x.standard_normal((samples, input_dim))
    theta_teacher = pytorch_init(widths, rng_teacher)
    # A Model with dummy y just to evaluate outputs; y is set once the teacher logits are known.
    probe = Model(widths, activation, loss, 0.0, x, np.zeros((samples, outputs)), theta_teacher)
    logits = np.asarray(jax.jit(probe.outputs)(jnp.asarray(theta_teacher)))
    if loss == "mse":
        y = logits
    else:
        y = np.asarray(jax.nn.softmax(logits, axis=1))
    ynorm = float(np.linalg.norm(y))
    tol = 1e-13 * max(1.0, ynorm)

    theta0 = theta_teacher + sigma * rng_perturb.standard_normal(P) * fan_in_scale(widths)
    print(f"widths {widths}  P = {P}  n = {samples}  seed = {seed}  |y| = {ynorm:.6g}  "
          f"tol |r| <= {tol:.3e}")
    t0 = time.perf_counter()
    theta, rnorm, iters = gauss_newton_fit(probe, logits, theta0, tol)
    elapsed = time.perf_counter() - t0
    if rnorm > tol:
        raise RuntimeError(f"not fitted: |r| = {rnorm:.3e} > {tol:.3e} after {iters} iterations")

    model = Model(widths, activation, loss, 0.0, x, y, theta)
    th = jnp.asarray(theta)
    lval = float(jax.jit(model.loss)(th))
    gnorm = float(jnp.linalg.norm(jax.jit(jax.grad(model.loss))(th)))
    print(f"  fitted in {iters} GN iterations, {elapsed:.2f} s: |r| = {rnorm:.3e}, loss = {lval:.3e}, "
          f"|grad L| = {gnorm:.3e}, |theta - teacher| = {np.linalg.norm(theta - theta_teacher):.4g}")
    return model


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--hidden", type=int, help="hidden width h")
    ap.add_argument("--samples", type=int, default=64, help="n (default 64)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", help="output model file")
    ap.add_argument("--all", metavar="DIR", help=f"write net_H_N.json for H in {ALL_HIDDEN}, N in {ALL_SAMPLES}")
    ap.add_argument("--input-dim", type=int, default=10, help="d (default 10)")
    ap.add_argument("--depth", type=int, default=2, help="number of hidden layers (default 2)")
    ap.add_argument("--outputs", type=int, default=1, help="k (default 1)")
    ap.add_argument("--loss", choices=flipmodel.LOSSES, default="mse")
    ap.add_argument("--activation", choices=flipmodel.ACTIVATIONS, default="tanh")
    ap.add_argument("--perturb", type=float, default=0.1,
                    help="student start = teacher + PERTURB * N(0,1)/sqrt(fan_in) (default 0.1)")
    args = ap.parse_args(argv)
    extra = dict(input_dim=args.input_dim, depth=args.depth, outputs=args.outputs, loss=args.loss,
                 activation=args.activation, sigma=args.perturb)

    if args.all:
        os.makedirs(args.all, exist_ok=True)
        for h in ALL_HIDDEN:
            for n in ALL_SAMPLES:
                path = os.path.join(args.all, f"net_{h}_{n}.json")
                generate(h, n, args.seed, **extra).save(path)
                print(f"  wrote {path} ({os.path.getsize(path) / 1e6:.1f} MB)")
        return
    if args.hidden is None or args.out is None:
        ap.error("give --hidden and --out (or --all DIR)")
    model = generate(args.hidden, args.samples, args.seed, **extra)
    model.save(args.out)
    print(f"  wrote {args.out} ({os.path.getsize(args.out) / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()

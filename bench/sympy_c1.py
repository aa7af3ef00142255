"""The derivations of benches/symbolic.rs in SymPy (not part of CI; `pip install sympy`).

c1 closed form of l(x1*...*xD), D = 2..6, by the same algorithm as src/symbolic/closed.rs
(4-jet of l at z*, line derivatives along a = grad z, together/factor), and the gradient
compilation (parse, differentiate, lambdify) of the same 200-term polynomial.
Run: python3 bench/sympy_c1.py
"""
import time

import sympy as sp


def c1_product(d):
    xs = sp.symbols(" ".join(f"x{i}" for i in range(1, d + 1)))
    l2, l3, l4, t, zc = sp.symbols("l2 l3 l4 t zc")
    z = sp.Mul(*xs)
    a = [sp.diff(z, x) for x in xs]
    s = sp.expand(sum(ai**2 for ai in a))
    w = z - zc
    big_l = l2 / 2 * w**2 + l3 / 6 * w**3 + l4 / 24 * w**4
    shift = {x: x + t * ai for x, ai in zip(xs, a)}

    def jet(f, k):
        h = f.subs(shift, simultaneous=True)
        h = sp.diff(h, t, k)
        return sp.expand(h.subs({t: 0, zc: z}))

    t3, t4 = jet(big_l, 3), jet(big_l, 4)
    g = [sp.together(jet(sp.diff(big_l, x), 2) / s) for x in xs]
    g_dot_a = sum(gi * ai for gi, ai in zip(g, a))
    lam = l2 * s
    ghg = sp.together(t3**2 / (s**3 * lam))
    l4_ = sp.together(t4 / s**2)
    c1 = sp.factor(sp.together((3 * ghg - l4_) / (3 * lam)))
    drift = [sp.factor(gi - g_dot_a * ai / s) for gi, ai in zip(g, a)]
    return c1, drift


def poly200():
    state = 12345
    mask = (1 << 64) - 1

    def nxt(m):
        nonlocal state
        state = (state * 6364136223846793005 + 1442695040888963407) & mask
        return (state >> 33) % m

    terms = []
    for _ in range(200):
        num = nxt(19) - 9
        den = nxt(5) + 1
        exps = [f"x{i}**{nxt(5)}" for i in range(1, 6)]
        terms.append(f"({num}/{den})*" + "*".join(exps))
    return " + ".join(terms)


def compile_gradient(text):
    xs = sp.symbols("x1 x2 x3 x4 x5")
    f = sp.sympify(text)
    grad = [sp.diff(f, x) for x in xs]
    return sp.lambdify(xs, [f] + grad)


def timeit(f, reps):
    best = float("inf")
    for _ in range(reps):
        t0 = time.perf_counter()
        f()
        best = min(best, time.perf_counter() - t0)
    return best


if __name__ == "__main__":
    import sys

    # Best of 3 for the fast cases, one run from D = 4 on (minutes per run).
    dims = [int(a) for a in sys.argv[1:]] or list(range(2, 7))
    for d in dims:
        reps = 3 if d <= 3 else 1
        print(f"sympy c1 l(x1..x{d}): {timeit(lambda: c1_product(d), reps) * 1e3:.1f} ms", flush=True)
    text = poly200()
    print(f"sympy gradient_compile_poly200: {timeit(lambda: compile_gradient(text), 3) * 1e3:.1f} ms")

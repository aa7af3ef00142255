"""Independent check of tests/prior_drift.rs (rows with closed-form gradients): at a point
theta* of M, eta = 2/lambda, the two-step tangent displacement
D(p) = Pi_T(F(F(theta* + p v)) - theta* - p v)/p^2 against -eta Pi_T g, g = d^2/dt^2 grad L(theta* + t v).
mpmath at 40 digits; Hessian and g by mpmath's high-precision numerical differentiation of the
closed-form gradient (no dual numbers); Pi_T from the eigenvectors of H with eigenvalue ~ 0."""
import mpmath as mp

mp.mp.dps = 40

def product_grad(lp):
    def grad(t):
        z = mp.fprod(t)
        return [lp(z) * mp.fprod(t[:i] + t[i + 1:]) for i in range(len(t))]
    return grad

def tilted_grad(kappa, q):
    return lambda t: [(1 + kappa * t[1]) * t[0] + q * t[0] ** 3 / 6, kappa * t[0] ** 2 / 2]

p_log = mp.mpf(3) / 4
zl = mp.log(p_log / (1 - p_log))
a = mp.sqrt(zl)
cases = {
    "product_depth3": (product_grad(lambda z: z - 1), ["2", "0.5", "1"]),
    "product_logistic": (product_grad(lambda z: 1 / (1 + mp.exp(-z)) - p_log), [2 * a, a / 2]),
    "product_squared": (product_grad(lambda z: z - 1), ["2", "0.5"]),
    "song_yun_logcosh": (product_grad(mp.tanh), ["2", "0"]),
    "tilted_clean_regime": (tilted_grad(mp.mpf("0.3"), -1), ["0", "3"]),
    "zhu_minimalist_unbalanced": (product_grad(lambda z: z**3 - z), ["2", "0.5"]),
}
for name, (grad, th) in cases.items():
    th = [mp.mpf(x) for x in th]
    n = len(th)
    H = mp.matrix(n, n)
    for j in range(n):
        col = [mp.diff(lambda s: grad([th[k] + (s if k == j else 0) for k in range(n)])[i], 0) for i in range(n)]
        for i in range(n):
            H[i, j] = col[i]
    H = (H + H.T) / 2
    E, Q = mp.eigsy(H)
    idx = max(range(n), key=lambda i: E[i])
    lam = E[idx]
    v = [Q[i, idx] for i in range(n)]
    if max(v, key=abs) < 0:  # sign convention of MATH.md §1: largest-magnitude component positive
        v = [-c for c in v]
    tang = [[Q[i, k] for i in range(n)] for k in range(n) if abs(E[k]) < mp.mpf(10) ** -20]
    PT = lambda w: [sum(u[i] * sum(u[j] * w[j] for j in range(n)) for u in tang) for i in range(n)]
    eta = 2 / lam
    g = [mp.diff(lambda s: grad([th[k] + s * v[k] for k in range(n)])[i], 0, 2) for i in range(n)]
    pred = [-eta * c for c in PT(g)]
    pn = mp.sqrt(sum(c * c for c in pred))
    G = sum(c * c for c in PT(g))
    F = lambda t: [t[i] - eta * gi for i, gi in enumerate(grad(t))]
    out = []
    errs = []
    ps = [mp.mpf("0.1") * mp.mpf("0.5") ** k for k in range(8)]
    for p in ps:
        t0 = [th[i] + p * v[i] for i in range(n)]
        t2 = F(F(t0))
        D = [c / p**2 for c in PT([t2[i] - t0[i] for i in range(n)])]
        err = mp.sqrt(sum((D[i] - pred[i]) ** 2 for i in range(n))) / pn
        errs.append(err)
    out = [mp.nstr(errs[0], 4), mp.nstr(errs[-1], 4)]
    # least-squares slope of ln err against ln p (the test's fitted order)
    X = [mp.log(p) for p in ps]; Y = [mp.log(e) for e in errs]
    mx, my = sum(X) / 8, sum(Y) / 8
    order = sum((x - mx) * (y - my) for x, y in zip(X, Y)) / sum((x - mx) ** 2 for x in X)
    print(f"{name}: lambda = {mp.nstr(lam, 10)}, G = {mp.nstr(G, 6)}, rel err p=0.1: {out[0]}, p=7.8125e-4: {out[1]}, order {mp.nstr(order, 4)}")

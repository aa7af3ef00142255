"""Independent check of the Kreisler et al. test (tests/prior_kreisler.rs): GD on l(xy) in
mpmath (40 digits); imbalance D = x^2 - y^2 and the sharpness of the gradient-flow solution
lam_GF = l''(z*) sqrt(D^2 + 4 z*^2) at steps 0, 1, 2, 5, 10, 100 and at the end; the largest
eta |l'(z_k)| along the run; whether |D| decreased at every step (exact identity
D_{k+1} = D_k (1 - eta^2 l'(z_k)^2))."""
import mpmath as mp

mp.mp.dps = 40
cases = {
    "squared": (lambda z: z - 1, 1, 1, "0.45", ("2.2", "0.3")),
    "logcosh": (lambda z: mp.tanh(z), 0, 1, "0.125", ("0.5", "7")),
    "minimalist": (lambda z: z**3 - z, 1, 2, "0.1", ("3.4", "0.3")),
}
for name, (lp, zs, l2, eta, start) in cases.items():
    eta = mp.mpf(eta)
    x, y = mp.mpf(start[0]), mp.mpf(start[1])
    lamgf = lambda D: l2 * mp.sqrt(D * D + 4 * zs * zs)
    D = x * x - y * y
    rec = {0: (D, lamgf(D))}
    maxel = 0
    mono = True
    worst, first_up = 0, 0
    for k in range(1, 200001):
        g = lp(x * y)
        maxel = max(maxel, abs(eta * g))
        x, y = x - eta * g * y, y - eta * g * x
        Dn = x * x - y * y
        if abs(Dn) > abs(D):
            mono = False
            worst = max(worst, (abs(Dn) - abs(D)) / (x * x + y * y))
            first_up = first_up or k
        D = Dn
        if k in (1, 2, 5, 10, 100, 1000):
            rec[k] = (D, lamgf(D))
        if abs(g) < mp.mpf(10) ** -30:
            break
    rec["end"] = (D, lamgf(D))
    print(name, "eta", eta, "steps", k, "2/eta", mp.nstr(2 / eta, 10), "max eta|l'|", mp.nstr(maxel, 10), "monotone", mono, "largest increase of |D| / s", mp.nstr(worst, 3), "first at step", first_up,
          "final z", mp.nstr(x * y, 10), "lam at limit", mp.nstr(l2 * (x * x + y * y), 12))
    for kk, (d, lg) in rec.items():
        print("   ", kk, mp.nstr(d, 12), mp.nstr(lg, 12))

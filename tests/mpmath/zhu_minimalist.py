"""Independent check of the Zhu et al. test (tests/prior_zhu_song_yun.rs): GD on
L(x, y) = (x^2 y^2 - 1)^2 / 4 with the closed-form gradient, in mpmath at 40 digits and in
float64, from the start of the test; the limit's sharpness 2(x^2 + y^2) (exact on M = {xy = 1}:
H = l''(1) (y, x)(y, x)^T, l'' = 2); the first-order prediction 2/eta - eta G/(4 c1) with the
closed forms at the point of M with s = x^2 + y^2 = 1/eta (lambda = 2/eta):
G = 4 l2^2 (x^2 - y^2)^2 / s, c1 = (3 gv^2/lam - L4)/(3 lam), gv = l3 s^(3/2) + 6 l2 z/sqrt(s),
L4 = l4 s^2 + 12 l3 z + 12 l2 z^2/s^2 (l2, l3, l4 = 2, 6, 6; z = 1)."""
import mpmath as mp
import sys

def run(eta, prec_dps, use_float):
    mp.mp.dps = prec_dps
    conv = float if use_float else mp.mpf
    eta_ = conv(eta)
    target = conv(1.2) * 2 / eta_ if use_float else mp.mpf(12) / 10 * 2 / eta_
    s = target / 2
    sq = (lambda v: v ** 0.5) if use_float else mp.sqrt
    x = sq((s + sq(s * s - 4)) / 2)
    X, Y = x * conv(1.001) if use_float else x * mp.mpf("1.001"), 1 / x
    for k in range(400000):
        z = X * Y
        lp = z ** 3 - z
        gx, gy = lp * Y, lp * X
        if (gx * gx + gy * gy) ** 0.5 <= 1e-11 if use_float else mp.sqrt(gx * gx + gy * gy) <= mp.mpf(10) ** -30:
            break
        X, Y = X - eta_ * gx, Y - eta_ * gy
    return X, Y, k

def pred(eta):
    mp.mp.dps = 40
    et = mp.mpf(eta)
    s = 1 / et
    x2 = (s + mp.sqrt(s * s - 4)) / 2
    y2 = 1 / x2
    l2, l3, l4, z = 2, 6, 6, 1
    lam = l2 * s
    G = 4 * l2**2 * (x2 - y2) ** 2 / s
    gv = l3 * s ** mp.mpf(1.5) + 6 * l2 * z / mp.sqrt(s)
    L4 = l4 * s**2 + 12 * l3 * z + 12 * l2 * z**2 / s**2
    c1 = (3 * gv**2 / lam - L4) / (3 * lam)
    return 2 / et - et * G / (4 * c1), et**2 * G / (8 * c1), c1, G

for eta in ["0.1", "0.15", "0.2", "0.25"]:
    Xm, Ym, km = run(eta, 40, False)
    Xf, Yf, kf = run(float(eta), 16, True)
    mp.mp.dps = 40
    lm = 2 * (Xm**2 + Ym**2)
    lf = 2 * (Xf**2 + Yf**2)
    p, eps, c1, G = pred(eta)
    et = mp.mpf(eta)
    print(f"eta {eta}: lam_inf mp = {mp.nstr(lm, 15)} (steps {km}), float = {lf!r} (steps {kf}); "
          f"pred = {mp.nstr(p, 15)}, eps_rel = {mp.nstr(eps, 6)}, c1 = {mp.nstr(c1, 10)}, G = {mp.nstr(G, 10)}, "
          f"interval ({mp.nstr(2/et - 20*et/3, 12)}, {mp.nstr(2/et, 12)}); gap err rel = {mp.nstr(abs(lm - p)/(2/et - p), 6)}")
    sys.stdout.flush()

"""Independent check of the Song & Yun test (tests/prior_zhu_song_yun.rs): GD at eta = 1/8 on
L(x, y) = log cosh(xy), gradient tanh(xy) (y, x), in float64 (stop at |grad| <= 1e-11, as the
test) and in mpmath at 40 digits (stop at |grad| <= 1e-30). On M = {x = 0} (the branch the
starts reach): lambda = y^2. Prediction (closed form for z* = 0): 2/eta - 3 eta l2^4/alpha,
alpha = 3 l3^2 - l2 l4 = 2 (l2 = 1, l3 = 0, l4 = -2): 16 - 3/16 = 15.8125."""
import mpmath as mp
import math

def run(x, y, eta, mpm):
    if mpm:
        mp.mp.dps = 40
        x, y, eta = mp.mpf(x), mp.mpf(y), mp.mpf(eta)
        th, sq, tol = mp.tanh, mp.sqrt, mp.mpf(10) ** -30
    else:
        th, sq, tol = math.tanh, math.sqrt, 1e-11
    for k in range(400000):
        t = th(x * y)
        gx, gy = t * y, t * x
        if sq(gx * gx + gy * gy) <= tol:
            break
        x, y = x - eta * gx, y - eta * gy
    return x, y, k

ys = []
for x0 in ["-0.5", "-0.25", "0.25", "0.5", "1"]:
    for y0 in ["4.5", "5.5", "7"]:
        xf, yf, kf = run(float(x0), float(y0), 0.125, False)
        xm, ym, km = run(x0, y0, "0.125", True)
        ys.append(abs(ym))
        print(f"({x0}, {y0}): float ({xf:.3e}, {yf!r}) steps {kf}; mp y = {mp.nstr(ym, 20)} x = {mp.nstr(xm, 3)} steps {km}; lam = {mp.nstr(ym**2, 15)}")
print("mp spread of |y|:", mp.nstr(max(ys) - min(ys), 5))

# lambda(start): top eigenvalue of H = sech^2(z) (y, x)(y, x)^T + tanh(z) [[0, 1], [1, 0]].
for x0 in ["-0.5", "-0.25", "0.25", "0.5", "1"]:
    for y0 in ["4.5", "5.5", "7"]:
        x, y = mp.mpf(x0), mp.mpf(y0)
        z = x * y
        H = mp.sech(z) ** 2 * mp.matrix([[y * y, x * y], [x * y, x * x]]) + mp.tanh(z) * mp.matrix([[0, 1], [1, 0]])
        print("lambda(start)", x0, y0, mp.nstr(max(mp.eigsy(H)[0]), 6))

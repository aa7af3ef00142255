"""Independent check of tests/prior_two_cycle.rs: the 2-cycles of GD on f(x) = (x^2 - 1)^2/4.

F(a) = (1 + eta) a - eta a^3.  sympy: (F(F(a)) - a) / (F(a) - a) factors as
-(eta a^2 - eta - 2) (eta^2 a^4 - eta (eta + 1) a^2 + 1) / ... ; mpmath (50 digits) gives the
roots of the sextic numerically (polyroots) and the multipliers F'(a) F'(b)."""
import sympy as sp
import mpmath as mp

a, e = sp.symbols("a eta", positive=True)
F = lambda x: (1 + e) * x - e * x**3
q = sp.cancel((F(F(a)) - a) / (F(a) - a))
print("quotient factored:", sp.factor(q))
mp.mp.dps = 50
for eta in ["1.01", "1.05", "1.1", "1.2", "1.23", "1.25", "1.27", "1.3", "1.5"]:
    et = mp.mpf(eta)
    poly = sp.Poly(sp.expand(q.subs(e, sp.Rational(eta))), a)
    roots = mp.polyroots([mp.mpf(sp.Rational(c).p) / sp.Rational(c).q for c in poly.all_coeffs()],
                         maxsteps=200, extraprec=200)
    real = sorted([mp.re(r) for r in roots if abs(mp.im(r)) < mp.mpf(10) ** -30])
    Fm = lambda x: (1 + et) * x - et * x**3
    dF = lambda x: 1 + et - 3 * et * x**2
    print(f"eta = {eta}")
    for r in real:
        b = Fm(r)
        print("  a = %s  b = %s  F(b)-a = %s  mult = %s" % (
            mp.nstr(r, 16), mp.nstr(b, 16), mp.nstr(Fm(b) - r, 5), mp.nstr(dF(r) * dF(b), 16)))
    # closed forms
    if et > 1:
        s = (mp.sqrt(1 + 3 / et) + mp.sqrt(1 - 1 / et)) / 2
        d = (mp.sqrt(1 + 3 / et) - mp.sqrt(1 - 1 / et)) / 2
        print("  closed near-1 cycle:", mp.nstr(d, 16), mp.nstr(s, 16), "mult", mp.nstr(9 - 2 * (1 + et) ** 2, 16))
    print("  closed symmetric cycle: +-", mp.nstr(mp.sqrt(1 + 2 / et), 16), "mult", mp.nstr((2 * et + 5) ** 2, 16))
print("period-4 onset eta = sqrt(5) - 1 =", mp.nstr(mp.sqrt(5) - 1, 20))

# Attractor of GD (Python floats) from x0 = 1.1: the period p in (1, 2, 4, 8, 16) with
# |x_{k+p} - x_k| < 1e-10 after 100000 steps, or None.
for eta in [1.01, 1.05, 1.1, 1.2, 1.23, 1.25, 1.27, 1.3, 1.5]:
    F = lambda x: (1 + eta) * x - eta * x**3
    x = 1.1
    for _ in range(100000):
        x = F(x)
    orb = [x]
    for _ in range(16):
        orb.append(F(orb[-1]))
    print("GD period", eta, next((p for p in (1, 2, 4, 8, 16) if abs(orb[p] - orb[0]) < 1e-10), None))

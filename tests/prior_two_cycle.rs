//! The 2-cycles of GD on Chen & Bruna's `f(x) = (x² − 1)²/4` beyond the local regime
//! (issue 9 §4; derivation in `theorems/two_cycle_1d.md`): the exact roots of the 2-cycle
//! equation against the cycles that `eosflip::simulate::cycle` locates, and their multipliers.
//!
//! `F(x) = (1 + η)x − ηx³`. Eliminating b from `b = F(a)`, `a = F(b)`, `a ≠ b` exactly:
//! `(F(F(a)) − a)/(F(a) − a) = −(ηa² − η − 2)·(η²a⁴ − η(η + 1)a² + 1)`, so the 2-cycles are
//! - the cycle around the minimum x = 1 (η > 1): `ab = 1/η`, `a² + b² = 1 + 1/η`,
//!   `{a, b} = (√(1 + 3/η) ∓ √(1 − 1/η))/2`, multiplier `F'(a)F'(b) = 9 − 2(1 + η)²` (stable
//!   for `1 < η < √5 − 1 ≈ 1.2361`, then a period-4 orbit takes over), and its mirror image;
//! - the symmetric cycle `{±√(1 + 2/η)}` (every η > 0), multiplier `(2η + 5)² > 1`: unstable.
//!
//! **Independent check of the snapshot.** `tests/mpmath/two_cycle_double_well.py` (sympy 1.14
//! and mpmath 1.3, run once by hand) factors the quotient symbolically and finds the six real
//! roots of the sextic with `mpmath.polyroots` at 50 digits at every η of the table; they and
//! the multipliers agree with the closed forms printed here to all 16 printed digits
//! (e.g. η = 1.2: a = 0.7312902014615538, b = 1.139538491925417, F'F' = −0.68; symmetric
//! 1.632993161855452, 54.76). The attractor periods of GD from x0 = 1.1 (2, 2, 2, 2, 2, 4, 4,
//! 16, none up to 16) match a Python float iteration of the same map.
use eosflip::loss::catalog::one_dim::DoubleWell;
use eosflip::simulate::cycle::{
    floquet, refine_two_cycle, FloquetOptions, NewtonOptions, Stability,
};
use eosflip::Loss;
use std::fmt::Write;

/// `x` with `n` significant digits (fixed notation).
fn sig(x: f64, n: usize) -> String {
    let d = (n as i32 - 1 - x.abs().log10().floor() as i32).max(0) as usize;
    format!("{x:.d$}")
}

/// The cycle around x = 1 in closed form: `(a, b)` with `a < 1 < b`.
fn near_one(eta: f64) -> (f64, f64) {
    let (u, w) = ((1.0 + 3.0 / eta).sqrt(), (1.0 - 1.0 / eta).sqrt());
    ((u - w) / 2.0, (u + w) / 2.0)
}

/// `(ηa² − η − 2)·(η²a⁴ − η(η + 1)a² + 1)`: the 2-cycle polynomial (module docs).
fn cycle_poly(eta: f64, a: f64) -> f64 {
    let a2 = a * a;
    (eta * a2 - eta - 2.0) * (eta * eta * a2 * a2 - eta * (eta + 1.0) * a2 + 1.0)
}

/// The period (1, 2, 4, 8 or 16) of the orbit GD reaches from `x0`, if any.
fn attractor_period(eta: f64, x0: f64) -> Option<usize> {
    let step = |x: f64| x - eta * DoubleWell.gradient(&[x])[0];
    let mut x = x0;
    for _ in 0..100_000 {
        x = step(x);
    }
    let mut orbit = vec![x];
    for _ in 0..16 {
        orbit.push(step(*orbit.last().unwrap()));
    }
    [1, 2, 4, 8, 16]
        .into_iter()
        .find(|&p| (orbit[p] - orbit[0]).abs() < 1e-10)
}

/// Locates the 2-cycle through `guess` with eosflip's Newton solver; returns (a, b, F'(a)F'(b)
/// from the Floquet eigenvalue, stability).
fn located(eta: f64, guess: f64) -> (f64, f64, f64, Stability) {
    let c = refine_two_cycle(&DoubleWell, &[guess], eta, &NewtonOptions::default());
    assert!(c.converged && c.separation > 1e-3, "η = {eta}: {c:?}");
    let fl = floquet(
        &DoubleWell,
        &c.point_a,
        eta,
        &FloquetOptions {
            unit_tol: 1e-9,
            tangent_dim: 0,
        },
    );
    (c.point_a[0], c.point_b[0], fl.re[0], fl.stability)
}

#[test]
fn chen_bruna_two_cycles_exact_against_located() {
    let mut table = String::from(
        "eta   a (closed)    b (closed)   |located-closed|  F'(a)F'(b) closed  located     stability  GD period from 1.1 | symmetric cycle +-a_s  F'(a_s)^2\n",
    );
    let onset = 5f64.sqrt() - 1.0;
    for eta in [1.01, 1.05, 1.1, 1.2, 1.23, 1.25, 1.27, 1.3, 1.5] {
        let (a, b) = near_one(eta);
        for r in [a, b] {
            assert!(cycle_poly(eta, r).abs() < 1e-13, "η = {eta}: root {r}");
        }
        let mult = 9.0 - 2.0 * (1.0 + eta) * (1.0 + eta);
        // Newton from 1% off the closed form; the located cycle is ordered (a, b) by its start.
        let (la, lb, lm, st) = located(eta, a * 1.01);
        let dev = (la - a).abs().max((lb - b).abs());
        assert!(
            dev < 1e-12,
            "η = {eta}: located ({la}, {lb}) vs closed ({a}, {b})"
        );
        assert!(
            (lm - mult).abs() < 1e-12,
            "η = {eta}: multiplier {lm} vs {mult}"
        );
        let want = if eta < onset {
            Stability::Stable
        } else {
            Stability::Unstable
        };
        assert_eq!(st, want, "η = {eta}");
        // The mirror cycle near −1 and the symmetric cycle.
        let (ma, mb, _, _) = located(eta, -a * 1.01);
        assert!((ma + a).abs() < 1e-12 && (mb + b).abs() < 1e-12);
        let s = (1.0 + 2.0 / eta).sqrt();
        assert!(cycle_poly(eta, s).abs() < 1e-12);
        let (sa, sb, sm, sst) = located(eta, s * 1.01);
        let smult = (2.0 * eta + 5.0).powi(2);
        assert!(
            (sa - s).abs() < 1e-12 && (sb + s).abs() < 1e-12,
            "η = {eta}: ({sa}, {sb})"
        );
        assert!((sm - smult).abs() < 1e-12 * smult && sst == Stability::Unstable);
        let period = attractor_period(eta, 1.1);
        if eta < onset {
            assert_eq!(
                period,
                Some(2),
                "η = {eta}: GD must reach the stable 2-cycle"
            );
        } else {
            assert_ne!(
                period,
                Some(2),
                "η = {eta}: the unstable 2-cycle cannot attract GD"
            );
        }
        writeln!(
            table,
            "{eta:<5} {:<13} {:<12} {:<17} {:<18} {:<11} {:<10} {:<18} | {:<22} {}",
            sig(a, 10),
            sig(b, 10),
            if dev < 1e-12 { "< 1e-12" } else { "FAIL" },
            sig(mult, 6),
            sig(lm, 6),
            format!("{st:?}").to_lowercase(),
            period.map_or("none up to 16".into(), |p| p.to_string()),
            sig(s, 10),
            sig(smult, 6)
        )
        .unwrap();
    }
    writeln!(
        table,
        "2-cycle stable for 1 < eta < sqrt(5) - 1 = {}",
        sig(onset, 10)
    )
    .unwrap();
    insta::assert_snapshot!("chen_bruna_two_cycles", table);
}

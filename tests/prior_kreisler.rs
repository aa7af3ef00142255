//! Kreisler et al. (ICML 2023), "Gradient descent monotonically decreases the sharpness of
//! gradient flow solutions in scalar networks and beyond", reproduced on `l(xy)` (issue 9 §4;
//! `theorems/prior_results.md`).
//!
//! The gradient-flow solution (GFS) from the current iterate is computed exactly
//! ([`eosflip::simulate::gf_solution`]): GF conserves `D = x² − y²`, so its limit is the point
//! of M with the same imbalance and its sharpness is `λ_GF = l''(z∞)·√(D² + 4z∞²)`. Along GD,
//! `D_{k+1} = D_k·(1 − η² l'(z_k)²)` exactly, so `|D|` and `λ_GF` decrease at **every** step
//! (not only every two) as long as `η|l'(z_k)| ≤ √2`; D keeps its sign while `η|l'| < 1`.
//! Floating point: the computed `x² − y²` carries a rounding error ≤ 2ε·s (s = x² + y²), so the
//! test allows an increase of at most `4ε·s_k` per step (it happens only once `η²l'²` is below
//! rounding, at the end of a run), and checks the identity to `8ε·(s_k + s_{k+1})`.
//!
//! **Independent check of the snapshot.** `tests/mpmath/kreisler_gfs.py` (mpmath, 40 digits,
//! run once by hand) repeats the three runs: its D and λ_GF at the recorded steps and its
//! largest `η|l'|` agree with the snapshot's 10 (resp. 6) significant digits; in mpmath too
//! `|D|` increases only at rounding level near the end (at 40 digits, below 1e-39·s).
use eosflip::loss::catalog::link::Link;
use eosflip::loss::catalog::product::Product;
use eosflip::simulate::gf_solution::{gf_solution, imbalance_factor};
use eosflip::Loss;
use std::fmt::Write;

/// `x` with `n` significant digits (fixed notation).
fn sig(x: f64, n: usize) -> String {
    let d = (n as i32 - 1 - x.abs().log10().floor() as i32).max(0) as usize;
    format!("{x:.d$}")
}

/// One GD run on `l(xy)`; returns its part of the snapshot.
fn run(name: &str, link: Link, eta: f64, start: [f64; 2], steps: usize) -> String {
    let loss = Product { depth: 2, link };
    let (mut x, mut y) = (start[0], start[1]);
    let eps = f64::EPSILON;
    let gfs0 = gf_solution(&link, x, y).unwrap();
    assert!(
        gfs0.sharpness > 2.0 / eta,
        "{name}: the start must be at the EoS"
    );
    let mut out = format!(
        "{name}: eta = {eta}, 2/eta = {}, start ({}, {})\n  step   D = x^2 - y^2    lambda_GF\n",
        sig(2.0 / eta, 10),
        start[0],
        start[1]
    );
    let mut max_el = 0.0f64;
    let mut last = gfs0;
    let mut k_end = steps;
    for k in 0..=steps {
        let gfs = gf_solution(&link, x, y).unwrap();
        if [0, 1, 2, 5, 10, 100, 1000].contains(&k) {
            writeln!(
                out,
                "  {k:<6} {:<16} {}",
                sig(gfs.imbalance, 10),
                sig(gfs.sharpness, 10)
            )
            .unwrap();
        }
        if k > 0 {
            let s = x * x + y * y;
            let (d0, d1) = (last.imbalance, gfs.imbalance);
            assert!(
                d1.abs() <= d0.abs() + 4.0 * eps * s,
                "{name}, step {k}: |D| grew {d0} → {d1}"
            );
            assert!(
                gfs.sharpness <= last.sharpness + 8.0 * eps * (s + last.sharpness),
                "{name}, step {k}: λ_GF grew {} → {}",
                last.sharpness,
                gfs.sharpness
            );
        }
        let g = loss.gradient(&[x, y]);
        let el = eta * link.d1(x * y).abs();
        max_el = max_el.max(el);
        if g[0].hypot(g[1]) <= 1e-11 {
            k_end = k;
            break;
        }
        let f = imbalance_factor(&link, x, y, eta);
        let (x1, y1) = (x - eta * g[0], y - eta * g[1]);
        let d_pred = (x * x - y * y) * f;
        let tol = 8.0 * eps * (x * x + y * y + x1 * x1 + y1 * y1);
        assert!(
            (x1 * x1 - y1 * y1 - d_pred).abs() <= tol,
            "{name}, step {k}: identity"
        );
        (x, y) = (x1, y1);
        last = gfs;
    }
    assert!(
        k_end < steps,
        "{name}: GD did not converge in {steps} steps"
    );
    let end = gf_solution(&link, x, y).unwrap();
    // At the limit (on M) the GFS is the point itself, and its sharpness is below 2/η.
    let s = x * x + y * y;
    let l2 = end.sharpness / end.imbalance.hypot(2.0 * end.z_limit);
    assert!((end.sharpness - l2 * s).abs() < 1e-10 * end.sharpness);
    assert!(
        end.sharpness < 2.0 / eta,
        "{name}: λ∞ = {} ≥ 2/η",
        end.sharpness
    );
    assert!(
        max_el < 1.0,
        "{name}: η|l'| reached {max_el} (sign of D may flip)"
    );
    writeln!(
        out,
        "  end    {:<16} {}   (converged after {k_end} steps: |grad| <= 1e-11)\n  max eta |l'(xy)| along the run: {}",
        sig(end.imbalance, 10),
        sig(end.sharpness, 10),
        sig(max_el, 6)
    )
    .unwrap();
    out
}

#[test]
fn kreisler_gfs_sharpness_decreases_at_every_step() {
    let mut table = String::new();
    table += &run(
        "squared (z - 1)^2/2",
        Link::Squared { t: 1.0 },
        0.45,
        [2.2, 0.3],
        100_000,
    );
    table += &run(
        "logcosh log cosh(z)",
        Link::LogCosh { t: 0.0 },
        0.125,
        [0.5, 7.0],
        100_000,
    );
    table += &run(
        "minimalist (z^2 - 1)^2/4",
        Link::Minimalist,
        0.1,
        [3.4, 0.3],
        100_000,
    );
    insta::assert_snapshot!("kreisler_gfs", table);
}

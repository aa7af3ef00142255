//! Prior results reproduced with their numbers (issue 9 §4; `theorems/prior_results.md`):
//! Zhu et al.'s minimalist loss and Song & Yun's log cosh(xy), simulated with eosflip's GD
//! and compared with eosflip's limiting-sharpness prediction (MATH.md §5).
//!
//! **Independent check of the snapshots.** `tests/mpmath/zhu_minimalist.py` and
//! `tests/mpmath/song_yun_logcosh.py` (run once by hand with mpmath 1.3) repeat every run with
//! the closed-form gradient in mpmath at 40 digits (to `|∇L| ≤ 1e-30`) and in Python floats:
//! the float limits agree with mpmath's to ≤ 2e-13 relative, and this test's snapshot (10
//! significant digits) with both; the sharpness at the starts is the top eigenvalue of the
//! closed-form Hessian (`mpmath.eigsy`), to the 4 digits shown; the predictions are checked against the closed forms (below) to 1e-12 in the
//! test itself. The script's numbers (40 digits): Zhu λ∞ = 19.9538502463837, 13.2706653814501,
//! 9.92736021775668, 7.92451800193109 at η = 0.1, 0.15, 0.2, 0.25; predictions
//! 19.9534161490683, 13.2695199582369, 9.92542613636364, 7.92207792207792; Song & Yun
//! |y∞| = 3.97637775949219 (every start with y0 ≥ 5.5, and (±0.25, 4.5)), 3.97637775949618
//! ((±0.5, 4.5)), 3.97637776577347 ((1, 4.5)); λ∞ = y∞² = 15.8115800861842.
mod common;

use common::build;
use eosflip::analyze::{analyze, AnalyzeOptions};
use eosflip::report::LossInfo;
use eosflip::simulate::gd::{run_gd, sharpness_at, GdOptions, GdStop, NoObserver};
use std::collections::BTreeMap;
use std::fmt::Write;

fn info(dim: usize) -> LossInfo {
    LossInfo {
        name: "t".into(),
        params: BTreeMap::new(),
        dim,
    }
}

/// `x` with `n` significant digits (fixed notation).
fn sig(x: f64, n: usize) -> String {
    let d = (n as i32 - 1 - x.abs().log10().floor() as i32).max(0) as usize;
    format!("{x:.d$}")
}

fn opts() -> GdOptions {
    GdOptions {
        max_steps: 400_000,
        grad_tol: 1e-11,
        ..GdOptions::default()
    }
}

/// `x` with `x² + 1/x² = s` (the point (x, 1/x) of M = {xy = 1} with x² + y² = s, x > 1).
fn on_m(s: f64) -> f64 {
    ((s + (s * s - 4.0).sqrt()) / 2.0).sqrt()
}

/// Closed forms on M for `l(xy)` (MATH.md §6; `theorems/closed_forms.md` §2, `product_stability.md`):
/// `G = 4l2²(x² − y²)²/s`, `⟨g, v⟩ = l3 s^{3/2} + 6 l2 z/√s`, `L4 = l4 s² + 12 l3 z + 12 l2 z²/s²`,
/// `c1 = (3⟨g,v⟩²/λ − L4)/(3λ)` at `λ = l2 s = 2/η`. Returns (prediction, ε_rel).
fn closed_prediction(l: [f64; 3], z: f64, x2: f64, y2: f64, eta: f64) -> (f64, f64) {
    let [l2, l3, l4] = l;
    let s = x2 + y2;
    let lam = l2 * s;
    let g = 4.0 * l2 * l2 * (x2 - y2).powi(2) / s;
    let gv = l3 * s.powf(1.5) + 6.0 * l2 * z / s.sqrt();
    let l4v = l4 * s * s + 12.0 * l3 * z + 12.0 * l2 * z * z / (s * s);
    let c1 = (3.0 * gv * gv / lam - l4v) / (3.0 * lam);
    (2.0 / eta - eta * g / (4.0 * c1), eta * eta * g / (8.0 * c1))
}

#[test]
fn zhu_minimalist_limiting_sharpness_lies_in_their_interval() {
    let inst = build("product", &[("l", "minimalist")]);
    let loss = &inst.loss;
    let mut table = String::from(
        "eta   lambda_inf     eosflip_pred   interval (2/eta - 20 eta/3, 2/eta)  eps_rel   gap_err/gap  ratio\n",
    );
    let (mut eps, mut errs) = (vec![], vec![]);
    for eta in [0.1, 0.15, 0.2, 0.25] {
        // On M = {xy = 1}: λ = 2(x² + y²). Start at λ = 1.2·(2/η) (β0 = 0.4), 0.1% off M.
        let x = on_m(1.2 / eta);
        let run = run_gd(loss, &[x * 1.001, 1.0 / x], eta, &opts(), &mut NoObserver);
        assert_eq!(run.stop, GdStop::Converged, "η = {eta}: {:?}", run.stop);
        let lam = sharpness_at(loss, &run.final_point).unwrap();
        let (lo, hi) = (2.0 / eta - 20.0 * eta / 3.0, 2.0 / eta);
        assert!(lo < lam && lam < hi, "η = {eta}: λ∞ = {lam} ∉ ({lo}, {hi})");
        // eosflip's first-order prediction at the point of M where λ = 2/η (s = 1/η).
        let xt = on_m(1.0 / eta);
        let a = analyze(loss, info(2), &[xt, 1.0 / xt], &AnalyzeOptions::default()).unwrap();
        assert!((a.sharpness - hi).abs() < 1e-12 * hi);
        let pred = a.lambda_inf_pred.unwrap();
        let e = a.eps_rel.unwrap();
        let (pc, ec) = closed_prediction([2.0, 6.0, 6.0], 1.0, xt * xt, 1.0 / (xt * xt), eta);
        assert!(
            (pred - pc).abs() < 1e-12 * pc,
            "prediction {pred} vs closed {pc}"
        );
        assert!((e - ec).abs() < 1e-10 * ec, "ε_rel {e} vs closed {ec}");
        // MATH.md §5: the relative error of the predicted gap is O(ε_rel); measured ≈ 3–4 ε_rel.
        let gap_err = (lam - pred).abs() / (hi - pred);
        assert!(
            gap_err <= 5.0 * e,
            "η = {eta}: gap error {gap_err} > 5 ε_rel = {}",
            5.0 * e
        );
        eps.push(e);
        errs.push(gap_err);
        writeln!(
            table,
            "{eta:<5} {:<14} {:<14} ({}, {})             {e:<9.4e} {gap_err:<12.3e} {:.2}",
            sig(lam, 10),
            sig(pred, 10),
            sig(lo, 10),
            sig(hi, 10),
            gap_err / e
        )
        .unwrap();
    }
    let fit = eosflip::simulate::fit_order(&eps, &errs).unwrap();
    writeln!(
        table,
        "fitted order of gap_err/gap in eps_rel: {:.2}",
        fit.order
    )
    .unwrap();
    assert!(fit.order > 0.5 && fit.order < 1.5, "order {}", fit.order);
    insta::assert_snapshot!("zhu_minimalist", table);
}

#[test]
fn song_yun_logcosh_starts_align_to_one_limit() {
    let inst = build("product", &[("l", "logcosh"), ("t", "0")]);
    let loss = &inst.loss;
    let eta = 0.125;
    // l = log cosh z, z* = 0: M = {xy = 0}; on its branch {x = 0}, λ = y², 2/η = 16 at y = 4.
    // λ(start) is the sharpness at the start (small: tanh saturates off M); λ_GF(start) =
    // |x0² − y0²| that of the gradient-flow solution (tests/prior_kreisler.rs), far above 16.
    let mut table =
        String::from("x0     y0   lambda(start)  lambda_GF(start)  |y_inf|      lambda_inf\n");
    let (mut all, mut far) = (vec![], vec![]);
    for x0 in [-0.5, -0.25, 0.25, 0.5, 1.0] {
        for y0 in [4.5, 5.5, 7.0] {
            let lam0 = sharpness_at(loss, &[x0, y0]).unwrap();
            let run = run_gd(loss, &[x0, y0], eta, &opts(), &mut NoObserver);
            assert_eq!(run.stop, GdStop::Converged, "({x0}, {y0})");
            let [x, y] = [run.final_point[0], run.final_point[1]];
            assert!(x.abs() < 1e-11, "the limit lies on M = {{x = 0}}: x = {x}");
            let lam = sharpness_at(loss, &run.final_point).unwrap();
            assert!((lam - y * y).abs() < 1e-12 * lam);
            writeln!(
                table,
                "{x0:<6} {y0:<4} {:<14} {:<17} {:<12} {}",
                sig(lam0, 4),
                y0 * y0 - x0 * x0,
                sig(y.abs(), 10),
                sig(lam, 10)
            )
            .unwrap();
            all.push(y.abs());
            if y0 >= 5.5 {
                far.push(y.abs());
            }
        }
    }
    let spread = |v: &[f64]| {
        v.iter().cloned().fold(f64::MIN, f64::max) - v.iter().cloned().fold(f64::MAX, f64::min)
    };
    let (s_all, s_far) = (spread(&all), spread(&far));
    // The starts far above the threshold (y0 ≥ 5.5, λ0 ≥ 30) align to rounding; those from
    // y0 = 4.5 (λ0 ≈ 20, β0 ≈ 1.5) to ~6e-9 (mpmath: 6.2813e-9).
    assert!(s_far < 1e-13, "y0 ≥ 5.5: spread {s_far}");
    assert!(s_all > 1e-9 && s_all < 1e-8, "all starts: spread {s_all}");
    let y = far[0];
    let lam = y * y;
    let a = analyze(loss, info(2), &[0.0, 4.0], &AnalyzeOptions::default()).unwrap();
    let pred = a.lambda_inf_pred.unwrap();
    let e = a.eps_rel.unwrap();
    // Closed form for z* = 0 at x = 0 (theorems/prior_results.md, from product_stability.md): 2/η − 3η l2⁴/α = 16 − 3/16;
    // ε_rel = 3η²l2⁴/(2α) = 3/256.
    assert!((pred - 15.8125).abs() < 1e-12 && (e - 3.0 / 256.0).abs() < 1e-14);
    let gap_err = (lam - pred).abs() / (16.0 - pred);
    assert!(lam < 16.0 && gap_err <= 5.0 * e, "gap error {gap_err}");
    writeln!(
        table,
        "spread of |y_inf|: all starts {s_all:.2e}; starts with y0 >= 5.5 below 1e-13\n\
         lambda_inf = {} < 2/eta = 16; eosflip first-order prediction {pred} \
         (eps_rel = {e:.6e} = 3/256); gap error / gap = {gap_err:.3e}",
        sig(lam, 10)
    )
    .unwrap();
    insta::assert_snapshot!("song_yun_logcosh", table);
    // The null set of MATH.md §5: a start on M above the threshold is a fixed point and stays.
    let stay = run_gd(loss, &[0.0, 5.5], eta, &opts(), &mut NoObserver);
    assert_eq!(stay.stop, GdStop::Converged);
    assert_eq!(
        stay.final_point,
        vec![0.0, 5.5],
        "a point of M is a fixed point of F"
    );
}

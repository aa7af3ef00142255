//! Prior results reproduced with their numbers (issue 9 §4), by simulating GD with eosflip's
//! own map and comparing with eosflip's predictions (MATH.md §5–6).
//!
//! - Zhu et al. (minimalist loss `(x²y² − 1)²/4`): GD started above the threshold converges to
//!   a limit whose sharpness lies in their interval `(2/η − 20η/3, 2/η)`.
//! - Song & Yun (trajectory alignment, `log cosh(xy)` at η = 1/8): starts with x ∈ [−0.5, 1],
//!   y ∈ [4, 7], off M and far above the threshold, reach one and the same limit.
//! - Kreisler et al.: along GD on l(xy) the imbalance x² − y² decreases in absolute value
//!   (on average over two steps; we measure it every two steps).
mod common;

use common::build;
use eosflip::analyze::{analyze, AnalyzeOptions};
use eosflip::report::LossInfo;
use eosflip::simulate::gd::{run_gd, sharpness_at, GdOptions, GdStop, NoObserver};
use eosflip::Loss;
use std::collections::BTreeMap;

fn info(dim: usize) -> LossInfo {
    LossInfo {
        name: "t".into(),
        params: BTreeMap::new(),
        dim,
    }
}

#[test]
fn zhu_minimalist_limiting_sharpness_lies_in_their_interval() {
    let inst = build("product", &[("l", "minimalist")]);
    let loss = &inst.loss;
    let opts = GdOptions {
        max_steps: 400_000,
        grad_tol: 1e-11,
        ..GdOptions::default()
    };
    for eta in [0.1, 0.15, 0.2, 0.25] {
        // On M = {xy = 1}: λ = 2(x² + y²). Start at λ = 1.2·(2/η), slightly off M.
        let target: f64 = 1.2 * 2.0 / eta;
        let s = target / 2.0;
        let x = ((s + (s * s - 4.0).sqrt()) / 2.0).sqrt();
        let start = [x * 1.001, 1.0 / x];
        let run = run_gd(loss, &start, eta, &opts, &mut NoObserver);
        assert_eq!(run.stop, GdStop::Converged, "η = {eta}: {:?}", run.stop);
        let lam = sharpness_at(loss, &run.final_point).unwrap();
        let (lo, hi) = (2.0 / eta - 20.0 * eta / 3.0, 2.0 / eta);
        // eosflip's first-order prediction at the point of M where λ = 2/η.
        let sth = hi / 2.0;
        let xt = ((sth + (sth * sth - 4.0).sqrt()) / 2.0).sqrt();
        let a = analyze(loss, info(2), &[xt, 1.0 / xt], &AnalyzeOptions::default()).unwrap();
        eprintln!(
            "η = {eta}: λ∞ = {lam:.6}, interval ({lo:.4}, {hi:.4}), eosflip first-order λ∞ = {:.6}",
            a.lambda_inf_pred.unwrap()
        );
        assert!(
            lo < lam && lam < hi,
            "η = {eta}: λ∞ = {lam} outside ({lo}, {hi})"
        );
        assert!((a.sharpness - hi).abs() < 1e-9 * hi);
    }
}

#[test]
fn song_yun_logcosh_starts_align_to_one_limit() {
    let inst = build("product", &[("l", "logcosh"), ("t", "0")]);
    let loss = &inst.loss;
    let eta = 0.125;
    let opts = GdOptions {
        max_steps: 400_000,
        grad_tol: 1e-11,
        ..GdOptions::default()
    };
    // l = log cosh z, z* = 0: M = {xy = 0}; on its branch {x = 0}, λ = y², 2/η = 16 at y = 4.
    // Starts far above the threshold (y0 ∈ {5.5, 7}: λ0 ≈ 30–49) align to one limit.
    let mut limits = Vec::new();
    for x0 in [-0.5, -0.25, 0.25, 0.5, 1.0] {
        for y0 in [5.5, 7.0] {
            let run = run_gd(loss, &[x0, y0], eta, &opts, &mut NoObserver);
            assert_eq!(run.stop, GdStop::Converged, "({x0}, {y0})");
            let lam = sharpness_at(loss, &run.final_point).unwrap();
            eprintln!(
                "start ({x0}, {y0}) → ({:.8}, {:.8}), λ∞ = {lam:.8}",
                run.final_point[0], run.final_point[1]
            );
            assert!(
                run.final_point[0].abs() < 1e-8,
                "the limit lies on M = {{x = 0}}"
            );
            limits.push((run.final_point[1].abs(), lam));
        }
    }
    let (lo, hi) = limits
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), l| {
            (a.min(l.0), b.max(l.0))
        });
    let lam = limits[0].1;
    let a = analyze(loss, info(2), &[0.0, 4.0], &AnalyzeOptions::default()).unwrap();
    eprintln!(
        "10 starts: |y∞| in [{lo:.8}, {hi:.8}] (spread {:.1e}), λ∞ = {lam:.6} < 2/η = 16; eosflip first-order λ∞ = {:.6} (ε_rel = η²G/(8c1) = {:.3e})",
        hi - lo,
        a.lambda_inf_pred.unwrap(),
        eta * eta * a.drift_norm.unwrap().powi(2) / (8.0 * a.c1.unwrap())
    );
    assert!(hi - lo < 1e-6, "the limits do not align: [{lo}, {hi}]");
    assert!(lam < 2.0 / eta);
    let pred = a.lambda_inf_pred.unwrap();
    assert!(
        (lam - pred).abs() <= 0.05 * (2.0 / eta - pred),
        "λ∞ {lam} vs predicted {pred}"
    );
    // The null set of MATH.md §5: a start on M above the threshold is a fixed point and stays.
    let stay = run_gd(loss, &[0.0, 5.5], eta, &opts, &mut NoObserver);
    assert_eq!(stay.stop, GdStop::Converged);
    assert_eq!(
        stay.final_point,
        vec![0.0, 5.5],
        "a point of M is a fixed point of F"
    );
}

#[test]
fn kreisler_imbalance_decreases_along_gd_on_l_xy() {
    let inst = build("product", &[("l", "squared")]);
    let loss = &inst.loss;
    let eta = 0.3;
    let mut theta: Vec<f64> = vec![2.2, 0.3];
    let mut last = (theta[0] * theta[0] - theta[1] * theta[1]).abs();
    for step in 0..4000 {
        let g = loss.gradient(&theta);
        theta = theta.iter().zip(&g).map(|(t, d)| t - eta * d).collect();
        if step % 2 == 1 {
            let imb = (theta[0] * theta[0] - theta[1] * theta[1]).abs();
            assert!(
                imb <= last * (1.0 + 1e-12),
                "two-step imbalance grew at step {step}: {last} → {imb}"
            );
            last = imb;
        }
    }
}

//! The shifted branch during the drift (MATH.md §5): after the transient, GD's normal
//! oscillation tracks p² ≈ (β + δ)/c1 with β, δ, c1 at the current point of M.
mod common;
use common::Tilted;
use eosflip::simulate::gd::NoObserver;
use eosflip::simulate::threshold::{threshold_convergence, ThresholdOptions};
use eosflip::simulate::Outcome;

/// The tilted loss (1 + κy)x²/2 + q x⁴/24 has d = 0 (G/c1 constant along M): the clean regime.
/// Threshold point with λ = 16: ε_rel = 3κ²/(2|q|λ) ≈ 8.4e-3, δ = 2ε_rel.
#[test]
fn oscillation_tracks_the_shifted_branch_not_the_unshifted_one() {
    let t = Tilted {
        kappa: 0.3,
        q: -1.0,
    };
    let point = [0.0, 15.0 / 0.3];
    let r =
        threshold_convergence(&t, &point, &ThresholdOptions::default(), &mut NoObserver).unwrap();
    let b = r
        .branch
        .as_ref()
        .expect("measured from above the threshold");
    eprintln!("{}", b.note);
    assert!((r.eps_rel - 0.0084375).abs() < 1e-12);
    assert!(b.held && b.outcome == Outcome::Pass, "{}", b.note);
    assert_eq!(r.slow_mode_ratio, None, "v spans N: no other normal mode");
    assert!(b.window_samples >= 15, "{}", b.note);
    let median = b.median_rel_error.unwrap();
    assert!(median < 5e-3, "{}", b.note);
    // Without the shift δ the same samples are far off: δ/(β + δ) ≥ 1/6 in the window.
    let mut unshifted: Vec<f64> = b
        .samples
        .iter()
        .filter(|s| s.in_window)
        .map(|s| (s.u - s.mu / s.c1).abs() / (s.mu / s.c1))
        .collect();
    unshifted.sort_by(f64::total_cmp);
    let unshifted_median = unshifted[unshifted.len() / 2];
    assert!(unshifted_median > 0.15, "β/c1 alone: {unshifted_median}");
    // The window starts after the transient and the samples precede the run's end.
    let first = b.samples.iter().find(|s| s.in_window).unwrap();
    assert!(first.mu < r.beta0 - 2.0 * 2.0 * r.eps_rel);
    assert!(b.samples.last().unwrap().step < r.steps);
}

#[test]
fn no_branch_is_measured_from_the_threshold_itself() {
    let t = Tilted {
        kappa: 0.3,
        q: -1.0,
    };
    let opts = ThresholdOptions {
        beta0_over_eps: 0.0,
        ..ThresholdOptions::default()
    };
    let r = threshold_convergence(&t, &[0.0, 15.0 / 0.3], &opts, &mut NoObserver).unwrap();
    assert!(r.branch.is_none());
}

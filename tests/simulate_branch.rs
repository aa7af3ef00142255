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
    let eps_rel = r.eps_rel.expect("defined: c1 > 0, Π_T g ≠ 0");
    assert!((eps_rel - 0.0084375).abs() < 1e-12);
    assert!(b.held && b.outcome == Outcome::Pass, "{}", b.note);
    assert_eq!(r.slow_mode_ratio, None, "v spans N: no other normal mode");
    assert!(b.samples.len() >= 15, "{}", b.note);
    // Against the branch plus the modelled transient: O(ε_rel) (≈ 0.42 ε_rel here).
    let median = b.median_rel_error.unwrap();
    assert!(median < 0.8 * eps_rel, "{}", b.note);
    assert!(b.median_branch_error.unwrap() < 0.8 * eps_rel, "{}", b.note);
    // Without the shift δ the same samples are far off: δ/(β + δ) ≥ 1/6 in the window.
    let mut unshifted: Vec<f64> = b
        .samples
        .iter()
        .map(|s| (s.u - s.mu / s.c1).abs() / (s.mu / s.c1))
        .collect();
    unshifted.sort_by(f64::total_cmp);
    let unshifted_median = unshifted[unshifted.len() / 2];
    assert!(unshifted_median > 0.15, "β/c1 alone: {unshifted_median}");
    // The window starts after the transient and the samples precede the run's end.
    let first = b.samples[0];
    assert!(first.mu < r.beta0 - 2.0 * 2.0 * eps_rel);
    assert!(b
        .samples
        .iter()
        .all(|s| (s.u_model - s.u_branch).abs() <= 0.01 * s.u_branch));
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

/// Just above the threshold (β0/ε_rel = 5) the transient never decays before the tail: nothing
/// is simulated for the branch, and the run's verdict does not depend on it.
#[test]
fn no_window_below_the_minimal_start_height() {
    let t = Tilted {
        kappa: 0.3,
        q: -1.0,
    };
    let opts = ThresholdOptions {
        beta0_over_eps: 5.0,
        ..ThresholdOptions::default()
    };
    let r = threshold_convergence(&t, &[0.0, 15.0 / 0.3], &opts, &mut NoObserver).unwrap();
    let b = r.branch.as_ref().unwrap();
    assert_eq!((b.probes, b.samples.len()), (0, 0));
    assert_eq!(b.outcome, Outcome::Inconclusive);
    assert!(b.note.contains("no window"), "{}", b.note);
    assert_eq!(r.outcome, Outcome::Pass, "{}", r.note);
}

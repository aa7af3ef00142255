//! The verdict of one threshold run (validation 3, docs/math.md §5): convergence below 2/η, and the
//! λ∞ predictions held to `gap_error_tol` only inside their regimes (β0/ε_rel, d, and the
//! slow-mode ratio: no other normal mode may relax as slowly as the drift).

use crate::simulate::gd::GdStop;
use crate::simulate::slow_dynamics::start_aware_mu_inf;
use crate::simulate::threshold::{ThresholdOptions, ThresholdRun};
use crate::simulate::Outcome;

/// Whether the other normal modes relax fast enough (`slow_mode_ratio ≥ regime_slow`, or no
/// other normal mode).
pub fn slow_ok(run: &ThresholdRun, opts: &ThresholdOptions) -> bool {
    run.slow_mode_ratio.is_none_or(|r| r >= opts.regime_slow)
}

/// Fills the predictions' errors, the regime flags, the outcome and the note of a run whose
/// threshold data are defined (`eta`, `c1`, `eps_rel`: the values stored in `run`).
pub fn judge(
    run: &mut ThresholdRun,
    eta: f64,
    c1: f64,
    eps_rel: f64,
    delta: f64,
    opts: &ThresholdOptions,
) {
    let top = 2.0 / eta;
    let u0 = run.kick * run.kick;
    run.lambda_inf_start_aware =
        start_aware_mu_inf(run.beta0, u0, c1, delta).map(|mu| (2.0 + mu) / eta);
    let slow = slow_ok(run, opts);
    run.in_first_order_regime = run.beta0_over_eps >= opts.regime_beta0_over_eps
        && run.d.is_some_and(|d| d.abs() <= opts.regime_d)
        && slow;
    let conv = match (run.stop, run.final_sharpness) {
        (GdStop::Converged, Some(l)) if l <= top * (1.0 + opts.sharpness_tol) => Outcome::Pass,
        (GdStop::Converged, _) => Outcome::Fail,
        (GdStop::Escaped, _) if run.beta0 <= opts.max_close_beta0 => Outcome::Fail,
        _ => Outcome::Inconclusive,
    };
    // A failed branch measurement fails the run, whatever GD's stop.
    let branch_failed = run
        .branch
        .as_ref()
        .is_some_and(|b| b.outcome == Outcome::Fail);
    let conv = if branch_failed { Outcome::Fail } else { conv };
    let Some(lam) = run
        .final_sharpness
        .filter(|_| run.stop == GdStop::Converged)
    else {
        run.outcome = conv;
        run.note = format!("GD stopped with {:?} after {} steps", run.stop, run.steps);
        return;
    };
    let pred = run.lambda_inf_pred.unwrap_or(f64::NAN);
    let gap = top - pred;
    let fin = |x: f64| x.is_finite().then_some(x);
    run.first_order_gap_error = fin((lam - pred).abs() / gap);
    run.first_order_rel_error = fin((lam - pred).abs() / top);
    if let Some(sa) = run.lambda_inf_start_aware {
        run.start_aware_gap_error = fin((lam - sa).abs() / gap);
        run.start_aware_rel_error = fin((lam - sa).abs() / top);
    }
    if let Some(sa) = run.lambda_inf_along_m {
        run.along_m_gap_error = fin((lam - sa).abs() / gap);
    }
    let ok = |e: Option<f64>| match e {
        Some(e) if e <= opts.gap_error_tol => Outcome::Pass,
        _ => Outcome::Fail,
    };
    let small_d = run.d.is_some_and(|d| d.abs() <= opts.regime_d) && slow;
    let mut outcome = conv;
    if run.in_first_order_regime {
        outcome = outcome.and(ok(run.first_order_gap_error));
    }
    if small_d {
        outcome = outcome.and(ok(run.start_aware_gap_error));
    }
    let along_m_held =
        eps_rel <= opts.regime_eps_along_m && run.lambda_inf_along_m.is_some() && slow;
    if along_m_held {
        outcome = outcome.and(ok(run.along_m_gap_error));
    }
    run.outcome = outcome;
    run.note = format!(
        "converged in {} steps to λ∞ = {lam:.9e} ≤ 2/η = {top:.9e}: {}; ε_rel = {:.3e}, β0/ε_rel = {:.2}, d = {}, slow-mode ratio = {}; {}; {}",
        run.steps,
        match (branch_failed, lam <= top * (1.0 + opts.sharpness_tol)) {
            (_, false) => "ABOVE threshold",
            (true, true) => "below threshold, but the branch measurement failed",
            (false, true) => "below threshold",
        },
        eps_rel,
        run.beta0_over_eps,
        run.d.map_or("unknown".into(), |d| format!("{d:.3e}")),
        run.slow_mode_ratio.map_or("none (v spans N)".into(), |r| format!("{r:.3e}")),
        if run.in_first_order_regime {
            "first-order regime: both predictions are held to gap_error_tol"
        } else if small_d {
            "outside the first-order regime (β0/ε_rel small): a first-order mismatch is expected; \
             the start-aware prediction is held to gap_error_tol"
        } else if !slow {
            "outside the regime (another normal mode relaxes as slowly as the drift: \
             slow-mode ratio < regime_slow): mismatches of every prediction are expected"
        } else {
            "outside the regime (d not small or unknown): mismatches of both predictions are expected"
        },
        if along_m_held {
            "the along-M start-aware prediction is held to gap_error_tol"
        } else {
            "the along-M start-aware prediction is reported only (ε_rel too large, a slow normal \
             mode, or not computable)"
        }
    );
}

//! The shifted branch during the drift (MATH.md §5, third prediction): after the transient from
//! the start has decayed, the normal oscillation of GD tracks `p² ≈ (β + δ)/c1`, with β = ηλ − 2
//! and `δ = η²G/(4c1)` taken at the current point of M.
//!
//! Why: the slow dynamics per two steps `du/dμ = (u − μ/c1)/δ` (u = p², μ = β) have the
//! particular solution `u = (μ + δ)/c1`; the rest, `K e^{(μ − β0)/δ}`, decays as μ decreases
//! (see [`super::slow_dynamics`]). The branch is a first-order statement: its relative error is
//! O(ε_rel) (higher normal-form terms are O(u) relative, u = O(ε_rel/c1 · β0/ε_rel)).
//!
//! Measurement, every `stride` steps: θ_k and θ_{k+1} = F(θ_k); their midpoint is projected onto
//! M by [`refine`] (the foot point π), and the flip data at π for η ([`LocalFlip`]) give λ, v,
//! c1 and G there. Then `μ = ηλ(π) − 2`, `δ = η²G/(4c1)`, `u_branch = (μ + δ)/c1`, and the
//! measured `u = p²` with `p = (θ_k − θ_{k+1})·v/2`. The O(p²) parts of the two iterates (centre
//! shift, tangent step) cancel in the difference up to O(p³), the midpoint is half a step off
//! the current foot point (μ moves by O(c1 δ u) per step): both are O(ε_rel) relative errors.
//!
//! The window where the claim is tested: after the transient (the homogeneous part relative to
//! the branch, `e^{(μ − β0)/δ0}·(β0 + δ0)/(μ + δ)` for a start well below the branch, is at
//! most `transient`; δ0 at the threshold point) and before the tail (`μ + δ ≥ tail·(β0 + δ0)`, where u → 0 and a
//! relative error is no longer meaningful). The stride is `max(1, ⌊0.005/δ0⌋)` steps: μ + δ
//! decays by a factor `1 − 4δ` per two steps on the branch, so a window holds about
//! `0.4/δ0`/stride samples, tens for any δ0 ≤ 0.01 (few when δ0 is large: then `inconclusive`).
//!
//! Regime: the claim is first order. Its relative error is O(β) in the window (β ≤ β0 there),
//! i.e. O(ε_rel) at fixed β0/ε_rel, and it has an O(dδ/dμ) correction when δ varies along the
//! path (|d| not small), and it needs the other normal modes to relax faster than the drift.
//! It is held to `tol` only when `ε_rel ≤ regime_eps`, `|d| ≤ regime_d` and the slow-mode ratio
//! of the run is large enough; otherwise the numbers are reported.

use crate::loss::Loss;
use crate::manifold::refine::refine;
use crate::simulate::local::LocalFlip;
use crate::simulate::Outcome;
use crate::tolerance::Tolerances;
use serde::{Deserialize, Serialize};

/// Options of the branch-tracking measurement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BranchOptions {
    /// Measure at all (only from a start above the threshold).
    pub enabled: bool,
    /// The window starts when the transient relative to the branch,
    /// `e^{(μ − β0)/δ0}·(β0 + δ0)/(μ + δ)`, is below this.
    pub transient: f64,
    /// The window ends when `μ + δ < tail · (β0 + δ0)`.
    pub tail: f64,
    /// Held to `tol` (median relative error) only when `ε_rel ≤ regime_eps` ...
    pub regime_eps: f64,
    /// ... and `|d| ≤ regime_d` (d of [`super::slow_dynamics::path_d`]: when δ varies along
    /// the path the branch has an O(dδ/dμ) correction).
    pub regime_d: f64,
    /// Tolerance on the median relative error of `u` against the branch.
    pub tol: f64,
    /// Fewer window samples than this: `inconclusive`.
    pub min_samples: usize,
}

impl Default for BranchOptions {
    fn default() -> Self {
        BranchOptions {
            enabled: true,
            transient: 0.01,
            tail: 0.25,
            regime_eps: 0.02,
            regime_d: 0.1,
            tol: 0.1,
            min_samples: 4,
        }
    }
}

/// The regime numbers of the run (MATH.md §5) that decide whether the branch is held.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BranchRegime {
    /// ε_rel = η²G/(8c1) at the threshold point.
    pub eps_rel: f64,
    /// d of [`super::slow_dynamics::path_d`], when known.
    pub d: Option<f64>,
    /// Whether the other normal modes relax faster than the drift.
    pub slow_ok: bool,
}

/// One measurement (module docs).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BranchSample {
    /// GD step k.
    pub step: usize,
    /// μ = ηλ(π) − 2 at the foot point.
    pub mu: f64,
    /// δ = η²G/(4c1) there.
    pub delta: f64,
    /// c1 there (for η).
    pub c1: f64,
    /// Measured u = p².
    pub u: f64,
    /// The branch `(μ + δ)/c1`.
    pub u_branch: f64,
    /// Whether the sample lies in the window.
    pub in_window: bool,
}

/// Branch tracking along one GD run from above the threshold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BranchTracking {
    /// Steps between samples.
    pub stride: usize,
    /// All samples up to the end of the window.
    pub samples: Vec<BranchSample>,
    /// Samples in the window.
    pub window_samples: usize,
    /// Median over the window of `|u − u_branch| / u_branch`.
    pub median_rel_error: Option<f64>,
    /// Maximum of the same.
    pub max_rel_error: Option<f64>,
    /// Whether it is held to the tolerance (ε_rel ≤ regime_eps and |d| ≤ regime_d).
    pub held: bool,
    /// Verdict.
    pub outcome: Outcome,
    /// Why, in words.
    pub note: String,
}

/// Measures the branch along GD from `x0` with step `eta` (module docs). `beta0` and `delta0`
/// are β at the start and δ at the threshold point; `regime` decides whether it is held.
#[allow(clippy::too_many_arguments)]
pub fn track_branch<L: Loss>(
    loss: &L,
    x0: &[f64],
    eta: f64,
    beta0: f64,
    delta0: f64,
    regime: BranchRegime,
    max_steps: usize,
    opts: &BranchOptions,
    tol: &Tolerances,
) -> BranchTracking {
    let stride = ((0.005 / delta0).floor() as usize).max(1);
    let mut samples = Vec::new();
    let mut theta = x0.to_vec();
    let mut stop = "the step budget ran out before the end of the window";
    let mut step = 0;
    while step < max_steps {
        let next = gd_step(loss, &theta, eta);
        if !next.iter().all(|x| x.is_finite()) {
            stop = "GD left the domain (non-finite iterate)";
            break;
        }
        if step % stride == 0 {
            match probe(loss, &theta, &next, eta, step, tol) {
                Some(mut s) => {
                    if s.mu + s.delta < opts.tail * (beta0 + delta0) {
                        stop = "";
                        break;
                    }
                    let decay = ((s.mu - beta0) / delta0).exp();
                    s.in_window = decay * (beta0 + delta0) / (s.mu + s.delta) <= opts.transient;
                    samples.push(s);
                }
                None => {
                    stop = "a foot point on M could not be found (refinement or A3 failed)";
                    break;
                }
            }
        }
        theta = next;
        step += 1;
    }
    let held = regime.eps_rel <= opts.regime_eps
        && regime.d.is_some_and(|d| d.abs() <= opts.regime_d)
        && regime.slow_ok;
    summarize(stride, samples, stop, held, opts)
}

fn gd_step<L: Loss>(loss: &L, theta: &[f64], eta: f64) -> Vec<f64> {
    let g = loss.gradient(theta);
    theta.iter().zip(&g).map(|(t, gi)| t - eta * gi).collect()
}

/// One sample at step k from θ_k and θ_{k+1} (module docs).
fn probe<L: Loss>(
    loss: &L,
    a: &[f64],
    b: &[f64],
    eta: f64,
    step: usize,
    tol: &Tolerances,
) -> Option<BranchSample> {
    let mid: Vec<f64> = a.iter().zip(b).map(|(x, y)| 0.5 * (x + y)).collect();
    let foot = refine(loss, &mid, tol, 200).ok()?;
    let flip = LocalFlip::at(loss, &foot.point, eta, tol).ok()?;
    let v = flip.v();
    let p = 0.5
        * a.iter()
            .zip(b)
            .zip(v.iter())
            .map(|((x, y), w)| (x - y) * w)
            .sum::<f64>();
    let (c1, mu) = (flip.c1(), eta * flip.sharpness() - 2.0);
    let delta = eta * eta * flip.drift_sq() / (4.0 * c1);
    let u_branch = (mu + delta) / c1;
    [mu, delta, c1, u_branch]
        .iter()
        .all(|x| x.is_finite())
        .then_some(BranchSample {
            step,
            mu,
            delta,
            c1,
            u: p * p,
            u_branch,
            in_window: false,
        })
}

fn summarize(
    stride: usize,
    samples: Vec<BranchSample>,
    stop: &str,
    held: bool,
    opts: &BranchOptions,
) -> BranchTracking {
    let mut errs: Vec<f64> = samples
        .iter()
        .filter(|s| s.in_window)
        .map(|s| (s.u - s.u_branch).abs() / s.u_branch)
        .filter(|e| e.is_finite())
        .collect();
    errs.sort_by(f64::total_cmp);
    let window_samples = errs.len();
    let median = (!errs.is_empty()).then(|| errs[errs.len() / 2]);
    let max = errs.last().copied();
    let (outcome, verdict) = match median {
        _ if !stop.is_empty() => (Outcome::Inconclusive, stop.to_string()),
        _ if window_samples < opts.min_samples => (
            Outcome::Inconclusive,
            format!("only {window_samples} samples in the window"),
        ),
        Some(m) if m <= opts.tol => (Outcome::Pass, format!("within tol {}", opts.tol)),
        Some(_) if held => (Outcome::Fail, format!("above tol {}", opts.tol)),
        _ => (
            Outcome::Inconclusive,
            format!(
                "above tol {} outside the regime (ε_rel ≤ {}, |d| ≤ {}, no slow normal mode): \
                 an O(ε_rel) or O(d) error is expected, reported only",
                opts.tol, opts.regime_eps, opts.regime_d
            ),
        ),
    };
    let note = format!(
        "p² vs (β+δ)/c1 over {window_samples} window samples (stride {stride}): median rel. \
         error {}, max {}: {verdict}",
        median.map_or("—".into(), |m| format!("{m:.3e}")),
        max.map_or("—".into(), |m| format!("{m:.3e}")),
    );
    BranchTracking {
        stride,
        samples,
        window_samples,
        median_rel_error: median,
        max_rel_error: max,
        held,
        outcome,
        note,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(u: f64, u_branch: f64, in_window: bool) -> BranchSample {
        BranchSample {
            step: 0,
            mu: 0.0,
            delta: 0.0,
            c1: 1.0,
            u,
            u_branch,
            in_window,
        }
    }

    #[test]
    fn verdicts_follow_the_window_and_the_regime() {
        let o = BranchOptions::default();
        let good: Vec<_> = (0..6)
            .map(|k| sample(1.0 + 0.01 * k as f64, 1.0, true))
            .collect();
        let r = summarize(1, good.clone(), "", true, &o);
        assert_eq!(r.outcome, Outcome::Pass);
        assert_eq!(r.window_samples, 6);
        assert!((r.median_rel_error.unwrap() - 0.03).abs() < 1e-12);
        assert!((r.max_rel_error.unwrap() - 0.05).abs() < 1e-12);
        let bad: Vec<_> = (0..6).map(|_| sample(1.5, 1.0, true)).collect();
        assert_eq!(
            summarize(1, bad.clone(), "", true, &o).outcome,
            Outcome::Fail
        );
        assert_eq!(
            summarize(1, bad, "", false, &o).outcome,
            Outcome::Inconclusive
        );
        let outside: Vec<_> = (0..6).map(|k| sample(9.0, 1.0, k < 2)).collect();
        assert_eq!(
            summarize(1, outside, "", true, &o).outcome,
            Outcome::Inconclusive
        );
        let stopped = summarize(1, good, "budget", true, &o);
        assert_eq!(stopped.outcome, Outcome::Inconclusive);
        assert!(stopped.note.contains("budget"));
    }
}

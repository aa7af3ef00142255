//! The shifted branch during the drift (docs/math.md §5, third prediction): after the transient from
//! the start has decayed, the normal oscillation of GD tracks `p² ≈ (β + δ)/c1`, with β = ηλ − 2
//! and `δ = η²G/(4c1)` taken at the current point of M.
//!
//! Why: the slow dynamics per two steps `du/dμ = (u − μ/c1)/δ` (u = p², μ = β) have the
//! particular solution `u = (μ + δ)/c1`; the rest, `K e^{(μ − β0)/δ}` with
//! `K = u0 − (β0 + δ)/c1` from the start (β0, u0 = kick²), decays as μ decreases (see
//! [`super::slow_dynamics`]). The branch is a first-order statement: its relative error is O(β)
//! (higher normal-form terms), i.e. O(ε_rel) at fixed β0/ε_rel.
//!
//! Measurement, every `stride` steps: θ_k and θ_{k+1} = F(θ_k); their midpoint is projected onto
//! M by [`Local::refine`] (the foot point π), and the flip data at π for η ([`Local::flip`]) give λ, v,
//! c1 and G there. Then `μ = ηλ(π) − 2`, `δ = η²G/(4c1)`, `u_branch = (μ + δ)/c1`, and the
//! measured `u = p²` with `p = (θ_k − θ_{k+1})·v/2`. The O(p²) parts of the two iterates (centre
//! shift, tangent step) cancel in the difference up to O(p³), the midpoint is half a step off
//! the current foot point (μ moves by O(c1 δ u) per step): both are O(ε_rel) relative errors.
//!
//! The window where the claim is tested: after the transient (the modelled homogeneous part
//! `|K| e^{(μ − β0)/δ0}` at most `transient` of the branch; δ0, c1 at the threshold point) and
//! before the tail (`μ + δ ≥ tail·(β0 + δ0)`, where u → 0 and a relative error is no longer
//! meaningful). The error held to `tol` is against the branch plus the modelled transient,
//! `u_model = (μ + δ)/c1 + K e^{(μ − β0)/δ0}`: the leftover transient at the window's start is a
//! fixed fraction of the branch at every ε_rel, so without it the error would not vanish as
//! ε_rel → 0. The error against the branch alone is reported beside it. A window needs
//! `β0/ε_rel ≥ 14` with the default `transient` and `tail`; below that nothing is simulated.
//! The stride is `max(1, ⌊0.005/δ0⌋)` steps: μ + δ decays by a factor `1 − 4δ` per two steps on
//! the branch, so a window holds about `0.4/δ0`/stride samples, tens for any δ0 ≤ 0.01.
//!
//! Regime: held to `tol` only when `ε_rel ≤ regime_eps`, `|d| ≤ regime_d` (δ varying along the
//! path adds an O(dδ/dμ) correction) and the other normal modes relax faster than the drift;
//! otherwise the numbers are reported.

use crate::loss::Loss;

use crate::simulate::local::Local;
use crate::simulate::{rel_error, Outcome};

use serde::{Deserialize, Serialize};

/// Options of the branch-tracking measurement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BranchOptions {
    /// Measure at all (only from a start above the threshold).
    pub enabled: bool,
    /// The window starts when the modelled transient is below this fraction of the branch.
    pub transient: f64,
    /// The window ends when `μ + δ < tail · (β0 + δ0)`.
    pub tail: f64,
    /// No measurement below this β0/ε_rel (the window would be empty).
    pub min_beta0_over_eps: f64,
    /// Held to `tol` (median relative error) only when `ε_rel ≤ regime_eps` ...
    pub regime_eps: f64,
    /// ... and `|d| ≤ regime_d` (d of [`super::slow_dynamics::path_d`]).
    pub regime_d: f64,
    /// Tolerance on the median relative error of `u` against the model.
    pub tol: f64,
    /// Fewer window samples than this: `inconclusive`.
    pub min_samples: usize,
    /// At most this many probes (each a refinement, a dense spectrum and c1).
    pub max_probes: usize,
}

impl Default for BranchOptions {
    fn default() -> Self {
        BranchOptions {
            enabled: true,
            transient: 0.01,
            tail: 0.25,
            min_beta0_over_eps: 14.0,
            regime_eps: 0.02,
            regime_d: 0.1,
            tol: 0.1,
            min_samples: 4,
            max_probes: 4000,
        }
    }
}

/// Where the tracked run starts and the numbers of the threshold point (module docs).
#[derive(Debug, Clone, PartialEq)]
pub struct BranchStart<'a> {
    /// The kicked start θ0 + kick·v0.
    pub x0: &'a [f64],
    /// β0 = ηλ(θ0) − 2.
    pub beta0: f64,
    /// u0 = kick².
    pub u0: f64,
    /// δ0 = η²G/(4c1) at the threshold point.
    pub delta0: f64,
    /// c1 at the threshold point.
    pub c1: f64,
    /// ε_rel at the threshold point.
    pub eps_rel: f64,
    /// d of the run, when known.
    pub d: Option<f64>,
    /// Whether the other normal modes relax faster than the drift.
    pub slow_ok: bool,
    /// Step budget: the steps the main run took to converge.
    pub steps: usize,
}

/// One measurement in the window (module docs).
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
    /// The branch plus the modelled transient.
    pub u_model: f64,
}

/// Branch tracking along one GD run from above the threshold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BranchTracking {
    /// Steps between probes.
    pub stride: usize,
    /// Probes made.
    pub probes: usize,
    /// The samples in the window.
    pub samples: Vec<BranchSample>,
    /// Median over the window of `|u − u_model| / u_model` (the number held to `tol`).
    pub median_rel_error: Option<f64>,
    /// Maximum of the same.
    pub max_rel_error: Option<f64>,
    /// Median of `|u − u_branch| / u_branch` (the branch alone, reported).
    pub median_branch_error: Option<f64>,
    /// Whether it is held to the tolerance (the regime holds).
    pub held: bool,
    /// Verdict.
    pub outcome: Outcome,
    /// Why, in words.
    pub note: String,
}

/// Measures the branch along GD from `start.x0` with step `eta` (module docs).
pub fn track_branch<L: Loss>(
    local: &Local<'_, L>,
    start: &BranchStart<'_>,
    eta: f64,
    opts: &BranchOptions,
) -> BranchTracking {
    let loss = local.loss;
    let held = start.eps_rel <= opts.regime_eps
        && start.d.is_some_and(|d| d.abs() <= opts.regime_d)
        && start.slow_ok;
    let (beta0, delta0) = (start.beta0, start.delta0);
    let stride = ((0.005 / delta0).floor() as usize).max(1);
    if beta0 / start.eps_rel < opts.min_beta0_over_eps {
        let why = format!(
            "β0/ε_rel = {:.2} < {}: no window after the transient, nothing measured",
            beta0 / start.eps_rel,
            opts.min_beta0_over_eps
        );
        return summarize(stride, 0, vec![], &why, held, opts);
    }
    let k = start.u0 - (beta0 + delta0) / start.c1;
    let mut samples = Vec::new();
    let mut theta = start.x0.to_vec();
    let mut stop = "GD converged before the end of the window".to_string();
    let mut probes = 0;
    for step in 0..start.steps {
        let next = gd_step(loss, &theta, eta);
        if !next.iter().all(|x| x.is_finite()) {
            stop = "GD left the domain (non-finite iterate)".into();
            break;
        }
        if step % stride == 0 {
            if probes == opts.max_probes {
                stop = format!("the probe budget ({}) ran out", opts.max_probes);
                break;
            }
            probes += 1;
            let Some(mut s) = probe(local, &theta, &next, eta, step) else {
                stop = "a foot point on M could not be found (refinement or A3 failed)".into();
                break;
            };
            if s.c1 <= 0.0 {
                stop = format!("c1 = {:.3e} ≤ 0 at the foot point (step {step}): the path left the supercritical region", s.c1);
                break;
            }
            if s.mu + s.delta < opts.tail * (beta0 + delta0) {
                stop.clear();
                break;
            }
            let transient = k * ((s.mu - beta0) / delta0).exp();
            s.u_model = s.u_branch + transient;
            if transient.abs() <= opts.transient * s.u_branch {
                samples.push(s);
            }
        }
        theta = next;
    }
    summarize(stride, probes, samples, &stop, held, opts)
}

fn gd_step<L: Loss>(loss: &L, theta: &[f64], eta: f64) -> Vec<f64> {
    let g = loss.gradient(theta);
    theta.iter().zip(&g).map(|(t, gi)| t - eta * gi).collect()
}

/// One sample at step k from θ_k and θ_{k+1} (module docs); `u_model` is filled by the caller.
fn probe<L: Loss>(
    local: &Local<'_, L>,
    a: &[f64],
    b: &[f64],
    eta: f64,
    step: usize,
) -> Option<BranchSample> {
    let mid: Vec<f64> = a.iter().zip(b).map(|(x, y)| 0.5 * (x + y)).collect();
    let foot = local.refine(&mid).ok()?;
    let flip = local.flip(&foot, eta).ok()?;
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
            u_model: u_branch,
        })
}

fn median(mut xs: Vec<f64>) -> Option<f64> {
    xs.sort_by(f64::total_cmp);
    (!xs.is_empty()).then(|| xs[xs.len() / 2])
}

fn summarize(
    stride: usize,
    probes: usize,
    samples: Vec<BranchSample>,
    stop: &str,
    held: bool,
    opts: &BranchOptions,
) -> BranchTracking {
    let errs: Vec<f64> = samples
        .iter()
        .filter_map(|s| rel_error(s.u, s.u_model))
        .collect();
    let branch_errs: Vec<f64> = samples
        .iter()
        .filter_map(|s| rel_error(s.u, s.u_branch))
        .collect();
    let n = errs.len();
    let max = errs.iter().copied().reduce(f64::max);
    let med = median(errs);
    let (outcome, verdict) = match med {
        _ if !stop.is_empty() => (Outcome::Inconclusive, stop.to_string()),
        _ if n < opts.min_samples => (
            Outcome::Inconclusive,
            format!("only {n} samples in the window"),
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
    let fmt = |x: Option<f64>| x.map_or("—".into(), |m| format!("{m:.3e}"));
    let note = format!(
        "p² vs (β+δ)/c1 + transient over {n} window samples ({probes} probes, stride {stride}): \
         median rel. error {}, max {} (branch alone: median {}): {verdict}",
        fmt(med),
        fmt(max),
        fmt(median(branch_errs.clone())),
    );
    BranchTracking {
        stride,
        probes,
        samples,
        median_rel_error: med,
        max_rel_error: max,
        median_branch_error: median(branch_errs),
        held,
        outcome,
        note,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(u: f64, u_model: f64) -> BranchSample {
        BranchSample {
            step: 0,
            mu: 0.0,
            delta: 0.0,
            c1: 1.0,
            u,
            u_branch: u_model,
            u_model,
        }
    }

    #[test]
    fn verdicts_follow_the_window_and_the_regime() {
        let o = BranchOptions::default();
        let good: Vec<_> = (0..6).map(|k| sample(1.0 + 0.01 * k as f64, 1.0)).collect();
        let r = summarize(1, 6, good.clone(), "", true, &o);
        assert_eq!(r.outcome, Outcome::Pass);
        assert!((r.median_rel_error.unwrap() - 0.03).abs() < 1e-12);
        assert!((r.max_rel_error.unwrap() - 0.05).abs() < 1e-12);
        let bad: Vec<_> = (0..6).map(|_| sample(1.5, 1.0)).collect();
        assert_eq!(
            summarize(1, 6, bad.clone(), "", true, &o).outcome,
            Outcome::Fail
        );
        assert_eq!(
            summarize(1, 6, bad, "", false, &o).outcome,
            Outcome::Inconclusive
        );
        let few: Vec<_> = (0..2).map(|_| sample(9.0, 1.0)).collect();
        assert_eq!(
            summarize(1, 6, few, "", true, &o).outcome,
            Outcome::Inconclusive
        );
        let stopped = summarize(1, 6, good, "budget", true, &o);
        assert_eq!(stopped.outcome, Outcome::Inconclusive);
        assert!(stopped.note.contains("budget"));
        // A negative model value (c1 < 0) is measured with |·|, never a negative "error".
        let negative: Vec<_> = (0..6).map(|_| sample(1.0, -1.0)).collect();
        assert_eq!(
            summarize(1, 6, negative, "", true, &o).outcome,
            Outcome::Fail
        );
    }
}

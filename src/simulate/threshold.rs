//! Validation 3 of issue 4: convergence of GD at the EoS threshold and the limiting sharpness
//! (docs/math.md §5).
//!
//! Given a *threshold point* θ_thr ∈ M, the step is `η = 2/λ(θ_thr)`, so θ_thr is the point of
//! M where λ = 2/η and `G = |Π_T g|²`, `c1` (for this η) are taken there. The run starts at
//! θ_thr (`beta0_over_eps = 0`) or at the point θ0 of M reached by moving along `+Π_T g`
//! (increasing sharpness) and re-projecting ([`move_along_m`]) until `β0 = ηλ(θ0) − 2 =
//! beta0_over_eps · ε_rel`; plus a kick along the top eigenvector `v0` at θ0 of size
//! `kick_rel · √((β0 + δ)/c1)` (the shifted branch's amplitude at the start). GD runs until
//! `|∇L| ≤ grad_tol · λ·max(1, |θ0|)` (the distance-to-M proxy) or `max_steps`.
//!
//! Predictions, beside the regime numbers `ε_rel = η²G/(8c1)`, `β0/ε_rel` and `d`:
//! - first order: `lambda_inf_pred = 2/η − ηG/(4c1)`;
//! - start-aware: with `u = p²`, `μ = ηλ − 2`, `δ = η²G/(4c1)` **taken constant** (its value
//!   at θ_thr), `du/dμ = (u − μ/c1)/δ` integrates to `u = (μ + δ)/c1 + K e^{μ/δ}`; from
//!   `(β0, u0 = kick²)` the first zero below β0 is `μ∞ = δ(x − 1)`, `x = −W₀(−a)`,
//!   `a = (β0/δ + 1 − c1u0/δ)·e^{−(β0/δ + 1)}` ([`start_aware_mu_inf`], Lambert W by
//!   [`lambert_w0`](crate::simulate::lambert::lambert_w0)); `λ∞ = (2 + μ∞)/η`;
//! - start-aware along M: the same equation with δ(μ) and c1(μ) taken at the points of M of
//!   sharpness `(2 + μ)/η`, integrated numerically ([`along_m::mu_inf`]); this is the one that
//!   applies when `d` is not small.
//! - `d = ε_rel · Δ ln(G/c1) / Δ ln λ`: the secant slope over the predicted path, between the
//!   start (θ_thr when β0 = 0) and the point of M where `λ = lambda_inf_pred`, with c1 for the
//!   run's η at both ends (a regime diagnostic from two exact evaluations, not a derivative).
//!
//! Errors are stated in units of the predicted gap `2/η − lambda_inf_pred` (`*_gap_error`,
//! O(ε_rel) when the first-order theory applies) and relative to 2/η (`*_rel_error`). The first
//! order regime is `β0/ε_rel ≥ regime_beta0_over_eps` and `|d| ≤ regime_d`; outside it a
//! mismatch is expected and reported as such (it does not fail the run). The constant-δ
//! start-aware prediction is held to `gap_error_tol` when `|d| ≤ regime_d`, the along-M one
//! when `ε_rel ≤ regime_eps_along_m`. Escapes fail the run only from starts within
//! `max_close_beta0` of the threshold (the theorem is local).

use crate::error::Result;
use crate::flip::decide::gradient_scale;
use crate::loss::Loss;
use crate::simulate::branch::{track_branch, BranchOptions, BranchStart, BranchTracking};
use crate::simulate::gd::{run_gd, GdOptions, GdStop, Observer, TraceSample};
use crate::simulate::local::{flip_point, move_along_m, undefined, Local, LocalFlip};
use crate::simulate::slow_dynamics::{along_m, path_d};
use crate::simulate::thinned_trace::{measure, ThinnedSample};
use crate::simulate::threshold_judge::{judge, slow_ok};
use crate::simulate::Outcome;
use crate::tolerance::Tolerances;
use serde::{Deserialize, Serialize};

/// Options of the threshold validation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ThresholdOptions {
    /// Start at `β0 = beta0_over_eps · ε_rel` above the threshold (0: at θ_thr).
    pub beta0_over_eps: f64,
    /// Kick along v0 relative to `√((β0 + δ)/c1)`.
    pub kick_rel: f64,
    /// GD step budget.
    pub max_steps: usize,
    /// Converged when `|∇L| ≤ grad_tol · λ·max(1, |θ0|)`.
    pub grad_tol: f64,
    /// Escaped beyond `escape_rel · max(1, |θ0|)` from the start.
    pub escape_rel: f64,
    /// Final sharpness must be `≤ (2/η)(1 + sharpness_tol)`.
    pub sharpness_tol: f64,
    /// First-order regime: `β0/ε_rel ≥ regime_beta0_over_eps` ...
    pub regime_beta0_over_eps: f64,
    /// ... and `|d| ≤ regime_d`.
    pub regime_d: f64,
    /// Every prediction also needs the other normal modes to relax faster than the drift:
    /// `slow_mode_ratio ≥ regime_slow` (see [`ThresholdRun::slow_mode_ratio`]).
    pub regime_slow: f64,
    /// The along-M start-aware prediction is held to `gap_error_tol` when
    /// `ε_rel ≤ regime_eps_along_m` (it is itself a slow-manifold reduction, first order in ε).
    pub regime_eps_along_m: f64,
    /// In the regime, a prediction passes when its gap error is `≤ gap_error_tol`.
    pub gap_error_tol: f64,
    /// A sweep's fitted order passes when `≥ 1 − order_tol`.
    pub order_tol: f64,
    /// An escape fails the run only when `β0 ≤ max_close_beta0` (the theorem is local: from
    /// farther above the threshold an escape is `inconclusive`).
    pub max_close_beta0: f64,
    /// Record a trace sample (with sharpness) every `sample_every` steps (0: none).
    pub sample_every: usize,
    /// Keep this many iterates thinned evenly over the run and measure λ, the loss and the
    /// distance to M there afterwards ([`ThresholdRun::thinned_trace`]; 0: none).
    pub trace_points: usize,
    /// Step cap when moving along M.
    pub max_move_step: f64,
    /// Tracking of the shifted branch p² ≈ (β+δ)/c1 during the drift ([`track_branch`]).
    pub branch: BranchOptions,
    /// Tolerances (spectrum, refinement).
    pub tolerances: Tolerances,
}

impl Default for ThresholdOptions {
    fn default() -> Self {
        ThresholdOptions {
            beta0_over_eps: 20.0,
            kick_rel: 0.1,
            max_steps: 2_000_000,
            grad_tol: 1e-11,
            escape_rel: 10.0,
            sharpness_tol: 1e-9,
            regime_beta0_over_eps: 10.0,
            regime_d: 0.1,
            regime_slow: 10.0,
            regime_eps_along_m: 0.02,
            gap_error_tol: 0.25,
            order_tol: 0.3,
            max_close_beta0: 0.2,
            sample_every: 0,
            trace_points: 0,
            max_move_step: 0.25,
            branch: BranchOptions::default(),
            tolerances: Tolerances::default(),
        }
    }
}

/// One run of the threshold validation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThresholdRun {
    /// η = 2/λ(θ_thr) (null when λ ≤ 0).
    pub eta: Option<f64>,
    /// θ_thr.
    pub threshold_point: Vec<f64>,
    /// θ0 ∈ M (before the kick).
    pub start_point: Vec<f64>,
    /// λ(θ0).
    pub start_sharpness: f64,
    /// β0 = ηλ(θ0) − 2.
    pub beta0: f64,
    /// The kick along v0.
    pub kick: f64,
    /// c1 at θ_thr for η (null when undefined: see `note`).
    pub c1: Option<f64>,
    /// G = |Π_T g|² at θ_thr.
    pub drift_sq: f64,
    /// ε_rel = η²G/(8c1) (null when undefined or not finite, e.g. c1 = 0).
    pub eps_rel: Option<f64>,
    /// β0/ε_rel.
    pub beta0_over_eps: f64,
    /// d (module docs), when the end point of the path could be reached on M.
    pub d: Option<f64>,
    /// The slowest relaxation rate per step of the other normal modes at θ_thr,
    /// `min_i (1 − |1 − ηλ_i|)` over the normal eigenvalues λ_i < λ, over the rate `4ε_rel` at
    /// which the drift relaxes β + δ per step (docs/math.md §5: no other normal mode may relax as
    /// slowly as the drift); None when v spans N.
    #[serde(default)]
    pub slow_mode_ratio: Option<f64>,
    /// GD steps.
    pub steps: usize,
    /// Why GD stopped.
    pub stop: GdStop,
    /// The last iterate.
    pub final_point: Vec<f64>,
    /// |∇L| there (distance-to-M proxy; None before the run or when not finite).
    pub final_grad_norm: Option<f64>,
    /// Distance from the last iterate to M: how far [`refine`] moves it (None unless converged
    /// and the refinement succeeds).
    pub distance_to_m: Option<f64>,
    /// λ at the last iterate.
    pub final_sharpness: Option<f64>,
    /// Sampled trace of loss, |∇L| and sharpness (empty unless `sample_every > 0`).
    pub trace: Vec<TraceSample>,
    /// At most `trace_points` iterates thinned evenly over the run, with λ, loss and distance
    /// to M (None unless `trace_points > 0`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thinned_trace: Option<Vec<ThinnedSample>>,
    /// 2/η.
    pub threshold_sharpness: f64,
    /// First-order `lambda_inf_pred`.
    pub lambda_inf_pred: Option<f64>,
    /// Start-aware `λ∞` (constant δ, closed form).
    pub lambda_inf_start_aware: Option<f64>,
    /// Start-aware `λ∞` integrated with δ(μ), c1(μ) along M ([`along_m::mu_inf`]).
    pub lambda_inf_along_m: Option<f64>,
    /// `|λ∞ − λ_along_m| / (2/η − lambda_inf_pred)`.
    pub along_m_gap_error: Option<f64>,
    /// `|λ∞ − lambda_inf_pred| / (2/η − lambda_inf_pred)`.
    pub first_order_gap_error: Option<f64>,
    /// `|λ∞ − λ_start_aware| / (2/η − lambda_inf_pred)`.
    pub start_aware_gap_error: Option<f64>,
    /// `|λ∞ − lambda_inf_pred| / (2/η)`.
    pub first_order_rel_error: Option<f64>,
    /// `|λ∞ − λ_start_aware| / (2/η)`.
    pub start_aware_rel_error: Option<f64>,
    /// Whether the first-order regime holds.
    pub in_first_order_regime: bool,
    /// The shifted branch during the drift (runs from above the threshold; a failure fails the run).
    pub branch: Option<BranchTracking>,
    /// Verdict.
    pub outcome: Outcome,
    /// Why, in words (states the regime).
    pub note: String,
}

/// Runs validation 3 from the threshold point `theta_thr` (a point of M with c1 > 0 and
/// `Π_T g ≠ 0`; otherwise the run is `inconclusive` with the reason).
pub fn threshold_convergence<L: Loss>(
    loss: &L,
    theta_thr: &[f64],
    opts: &ThresholdOptions,
    observer: &mut dyn Observer,
) -> Result<ThresholdRun> {
    let fp = flip_point(loss, theta_thr, &opts.tolerances)?;
    threshold_convergence_at(&Local::dense(loss, &opts.tolerances), fp, opts, observer)
}

/// Validation 3 from a flip point built once (by the analysis).
pub fn threshold_convergence_at<L: Loss>(
    local: &Local<'_, L>,
    fp: crate::flip::FlipPoint,
    opts: &ThresholdOptions,
    observer: &mut dyn Observer,
) -> Result<ThresholdRun> {
    let theta_thr = fp.point.clone();
    let theta_thr = theta_thr.as_slice();
    if let Some(why) = undefined(&fp) {
        let lam = fp.sharpness();
        let eta = (lam > 0.0).then(|| 2.0 / lam);
        let mut run = blank_run(theta_thr, eta, lam, None, 0.0, None);
        run.note = why;
        return Ok(run);
    }
    let eta = fp.eta_star();
    let thr = LocalFlip::from_flip(fp, eta)?;
    let (c1, g2) = (thr.c1(), thr.drift_sq());
    let eps_rel = Some(eta * eta * g2 / (8.0 * c1))
        .filter(|e| e.is_finite())
        .unwrap_or(0.0);
    let delta = 2.0 * eps_rel;
    let mut run = blank_run(
        theta_thr,
        Some(eta),
        thr.sharpness(),
        Some(c1).filter(|c| c.is_finite()),
        g2,
        Some(eta * eta * g2 / (8.0 * c1)).filter(|e| e.is_finite()),
    );
    if !(c1 > 0.0 && eps_rel > 0.0 && eps_rel.is_finite()) {
        run.note = "needs c1 > 0 and Π_T g ≠ 0 at the threshold point (A4, A5)".into();
        return Ok(run);
    }
    let pred = 2.0 / eta - eta * g2 / (4.0 * c1);
    run.lambda_inf_pred = Some(pred);
    let mut start = thr.clone();
    if opts.beta0_over_eps > 0.0 {
        let target = (2.0 + opts.beta0_over_eps * eps_rel) / eta;
        // A failed move along M is a result (inconclusive), not an error.
        let moved = move_along_m(local, theta_thr, target, 1e-10, opts.max_move_step)
            .ok()
            .filter(|m| m.converged)
            .and_then(|m| local.flip(&m.point, eta).ok());
        let Some(s) = moved else {
            run.note = format!("could not reach a point of M with λ = {target:.6e} (A3 there)");
            return Ok(run);
        };
        start = s;
    }
    run.start_point = start.flip.point.clone();
    run.start_sharpness = start.sharpness();
    run.beta0 = eta * start.sharpness() - 2.0;
    run.beta0_over_eps = run.beta0 / eps_rel;
    run.kick = opts.kick_rel * ((run.beta0.max(0.0) + delta) / c1).sqrt();
    run.d = path_d(local, &start, &thr, pred, opts.max_move_step);
    run.slow_mode_ratio = thr.slowest_other_rate().map(|r| r / (4.0 * eps_rel));
    run.lambda_inf_along_m =
        along_m::mu_inf(local, &start.flip.point, eta, run.kick * run.kick, 40)
            .map(|mu| (2.0 + mu) / eta);
    let x0 = start.kicked(run.kick);
    simulate(local, &start, &x0, eta, &mut run, opts, observer);
    run.branch = (opts.branch.enabled && opts.beta0_over_eps > 0.0).then(|| {
        let start = BranchStart {
            x0: &x0,
            beta0: run.beta0,
            u0: run.kick * run.kick,
            delta0: delta,
            c1,
            eps_rel,
            d: run.d,
            slow_ok: slow_ok(&run, opts),
            steps: run.steps,
        };
        track_branch(local, &start, eta, &opts.branch)
    });
    judge(&mut run, eta, c1, eps_rel, delta, opts);
    Ok(run)
}

/// A run with the threshold data filled in and nothing simulated yet.
fn blank_run(
    theta_thr: &[f64],
    eta: Option<f64>,
    sharpness: f64,
    c1: Option<f64>,
    drift_sq: f64,
    eps_rel: Option<f64>,
) -> ThresholdRun {
    ThresholdRun {
        eta,
        threshold_point: theta_thr.to_vec(),
        start_point: theta_thr.to_vec(),
        start_sharpness: sharpness,
        beta0: 0.0,
        kick: 0.0,
        c1,
        drift_sq,
        eps_rel,
        beta0_over_eps: 0.0,
        d: None,
        slow_mode_ratio: None,
        steps: 0,
        stop: GdStop::MaxSteps,
        final_point: theta_thr.to_vec(),
        final_grad_norm: None,
        distance_to_m: None,
        trace: vec![],
        thinned_trace: None,
        final_sharpness: None,
        threshold_sharpness: eta.map_or(sharpness, |e| 2.0 / e),
        lambda_inf_pred: None,
        lambda_inf_start_aware: None,
        lambda_inf_along_m: None,
        along_m_gap_error: None,
        first_order_gap_error: None,
        start_aware_gap_error: None,
        first_order_rel_error: None,
        start_aware_rel_error: None,
        in_first_order_regime: false,
        branch: None,
        outcome: Outcome::Inconclusive,
        note: String::new(),
    }
}

fn simulate<L: Loss>(
    local: &Local<'_, L>,
    start: &LocalFlip,
    x0: &[f64],
    eta: f64,
    run: &mut ThresholdRun,
    opts: &ThresholdOptions,
    observer: &mut dyn Observer,
) {
    let scale = gradient_scale(start.sharpness(), &start.flip.point);
    let gd = GdOptions {
        max_steps: opts.max_steps,
        grad_tol: opts.grad_tol * scale,
        escape_radius: opts.escape_rel * scale / start.sharpness(),
        sample_every: opts.sample_every,
        // Sharpness in the trace needs the dense spectrum: only where it is affordable.
        sample_sharpness: start.flip.point.len() <= crate::simulate::local::SHARPNESS_DENSE_MAX,
        keep_points: opts.trace_points,
        ..GdOptions::default()
    };
    let r = run_gd(local.loss, x0, eta, &gd, observer);
    run.steps = r.steps;
    run.stop = r.stop;
    run.final_grad_norm = r.final_grad_norm;
    run.final_sharpness = if r.escaped {
        None
    } else {
        local.sharpness(&r.final_point)
    };
    if r.stop == GdStop::Converged {
        run.distance_to_m = local.refine(&r.final_point).ok().map(|x| {
            x.iter()
                .zip(&r.final_point)
                .map(|(a, b)| (a - b) * (a - b))
                .sum::<f64>()
                .sqrt()
        });
    }
    run.thinned_trace = (opts.trace_points > 0).then(|| measure(local, &r.kept));
    run.final_point = r.final_point;
    run.trace = r.trace;
}

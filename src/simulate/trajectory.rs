//! One GD trajectory measured against the theory (docs/math.md §4–5; issue 10): loss, sharpness,
//! normal amplitude with the shifted branch `√((β + δ)/c1)`, distance to M, the two
//! limiting-sharpness predictions and the phases of the run.
//!
//! Measurement every `stride` steps, as in [`super::branch`]: θ_k and θ_{k+1} = F(θ_k); their
//! midpoint is projected onto M ([`refine`]), the foot π. The flip data at π for η give λ(π),
//! v, c1, G = |Π_T g|²; `p = |(θ_k − θ_{k+1})·v|/2`, the branch `√((μ + δ)/c1)` with
//! `μ = ηλ(π) − 2`, `δ = η²G/(4c1)`, and the distance to M `|θ_k − π|`.
//!
//! Predictions: first order `λ∞ ≈ 2/η − ηG/(4c1)` at the point of M where λ = 2/η (reached from
//! θ* by [`move_along_m`]); start-aware from the first sample `(β0, u0 = p0²)` with δ, c1 of that
//! point ([`start_aware_mu_inf`]). Both need c1 > 0 and G > 0 there.
//!
//! Phases from the trajectory: **growth** from the start to the largest amplitude before the
//! foot's sharpness first falls below 2/η; **drift** from there to that crossing; **decay** after
//! it. A start below the threshold is all decay.

use crate::error::{Error, Result};
use crate::loss::Loss;
use crate::manifold::refine::refine;
use crate::normal_form::lambda_inf_pred;
use crate::simulate::gd::sharpness_at;
use crate::simulate::local::{move_along_m, Local, LocalFlip};
use crate::simulate::slow_dynamics::start_aware_mu_inf;
use crate::tolerance::Tolerances;
use serde::{Deserialize, Serialize};

/// One measured sample (module docs).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrajectorySample {
    /// Step k.
    pub step: usize,
    /// L(θ_k).
    pub loss: f64,
    /// λ_max(∇²L(θ_k)).
    pub sharpness: Option<f64>,
    /// λ at the foot point π on M.
    pub foot_sharpness: Option<f64>,
    /// Normal amplitude p.
    pub amplitude: Option<f64>,
    /// Shifted branch `√((β + δ)/c1)` at π (None where `(β + δ)/c1 ≤ 0`).
    pub branch: Option<f64>,
    /// |θ_k − π|.
    pub distance_to_m: Option<f64>,
}

/// A phase of the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Growth onto the oscillation.
    Growth,
    /// Drift along M with λ above 2/η.
    Drift,
    /// Decay below the threshold.
    Decay,
}

/// A phase over a range of steps.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PhaseSpan {
    /// The phase.
    pub phase: Phase,
    /// First step.
    pub from: usize,
    /// Last step.
    pub to: usize,
}

/// A measured trajectory (module docs).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trajectory {
    /// The step η.
    pub eta: f64,
    /// θ* (the analysed point of M).
    pub theta_star: Vec<f64>,
    /// The start θ0.
    pub start: Vec<f64>,
    /// Steps run.
    pub steps: usize,
    /// Whether the run left the neighbourhood (non-finite values).
    pub escaped: bool,
    /// First-order λ∞ (None where it does not apply).
    pub lambda_inf_pred: Option<f64>,
    /// Start-aware λ∞ (None where it does not apply).
    pub lambda_inf_start_aware: Option<f64>,
    /// Why the predictions do not apply, when they do not.
    pub prediction_note: Option<String>,
    /// Samples every `stride` steps.
    pub samples: Vec<TrajectorySample>,
    /// The phases.
    pub phases: Vec<PhaseSpan>,
}

/// Simulates `steps` GD steps of `loss` with step `eta` from `start`, measuring every `stride`
/// steps; θ* is the analysed point of M (for the predictions).
pub fn trajectory<L: Loss>(
    loss: &L,
    theta_star: &[f64],
    start: &[f64],
    eta: f64,
    steps: usize,
    stride: usize,
    tol: &Tolerances,
) -> Result<Trajectory> {
    if start.len() != loss.dim() || start.iter().any(|x| !x.is_finite()) {
        return Err(Error::bad_input(
            format!(
                "the start has {} finite coordinates, the loss {}",
                start.len(),
                loss.dim()
            ),
            "give --from with one number per parameter",
        ));
    }
    let stride = stride.max(1);
    let mut theta = start.to_vec();
    let mut samples = Vec::new();
    let mut escaped = false;
    let mut k = 0;
    loop {
        let g = loss.gradient(&theta);
        let next: Vec<f64> = theta.iter().zip(&g).map(|(t, d)| t - eta * d).collect();
        let value = loss.value(&theta);
        if !value.is_finite() || next.iter().any(|x| !x.is_finite()) {
            escaped = true;
            break;
        }
        if k % stride == 0 || k == steps {
            samples.push(measure(loss, &theta, &next, k, value, eta, tol));
        }
        if k == steps {
            break;
        }
        theta = next;
        k += 1;
    }
    let (pred, aware, note) = predictions(loss, theta_star, eta, samples.first(), tol);
    let phases = phases(&samples, 2.0 / eta);
    Ok(Trajectory {
        eta,
        theta_star: theta_star.to_vec(),
        start: start.to_vec(),
        steps: k,
        escaped,
        lambda_inf_pred: pred,
        lambda_inf_start_aware: aware,
        prediction_note: note,
        samples,
        phases,
    })
}

fn measure<L: Loss>(
    loss: &L,
    theta: &[f64],
    next: &[f64],
    step: usize,
    value: f64,
    eta: f64,
    tol: &Tolerances,
) -> TrajectorySample {
    let mut s = TrajectorySample {
        step,
        loss: value,
        sharpness: sharpness_at(loss, theta),
        foot_sharpness: None,
        amplitude: None,
        branch: None,
        distance_to_m: None,
    };
    let mid: Vec<f64> = theta.iter().zip(next).map(|(a, b)| 0.5 * (a + b)).collect();
    let Ok(foot) = refine(loss, &mid, tol, 200) else {
        return s;
    };
    s.distance_to_m = Some(
        theta
            .iter()
            .zip(&foot.point)
            .map(|(a, b)| (a - b) * (a - b))
            .sum::<f64>()
            .sqrt(),
    );
    let Ok(f) = LocalFlip::at(loss, &foot.point, eta, tol) else {
        return s;
    };
    let v = f.v();
    let p: f64 = theta
        .iter()
        .zip(next)
        .zip(v.iter())
        .map(|((a, b), w)| (a - b) * w)
        .sum::<f64>()
        / 2.0;
    s.amplitude = Some(p.abs());
    s.foot_sharpness = Some(f.sharpness());
    let c1 = f.c1();
    let delta = eta * eta * f.drift_sq() / (4.0 * c1);
    let u = (eta * f.sharpness() - 2.0 + delta) / c1;
    s.branch = (u > 0.0 && u.is_finite()).then(|| u.sqrt());
    s
}

type Predictions = (Option<f64>, Option<f64>, Option<String>);

fn predictions<L: Loss>(
    loss: &L,
    theta_star: &[f64],
    eta: f64,
    first: Option<&TrajectorySample>,
    tol: &Tolerances,
) -> Predictions {
    let moved = move_along_m(&Local::dense(loss, tol), theta_star, 2.0 / eta, 1e-10, 0.2)
        .ok()
        .filter(|m| m.converged);
    let Some(m) = moved else {
        return (
            None,
            None,
            Some("no point of M with λ = 2/η reached from θ* (along Π_T g)".into()),
        );
    };
    let Ok(f) = LocalFlip::at(loss, &m.point, eta, tol) else {
        return (
            None,
            None,
            Some("flip undefined at the point of M where λ = 2/η".into()),
        );
    };
    let (c1, g2) = (f.c1(), f.drift_sq());
    if !(c1 > 0.0 && g2 > 0.0) {
        return (
            None,
            None,
            Some("needs c1 > 0 and Π_T g ≠ 0 where λ = 2/η (A4, A5)".into()),
        );
    }
    let pred = lambda_inf_pred(eta, g2.sqrt(), c1);
    let aware = first.and_then(|s| {
        let beta0 = eta * s.foot_sharpness? - 2.0;
        let u0 = s.amplitude?.powi(2);
        let delta = eta * eta * g2 / (4.0 * c1);
        start_aware_mu_inf(beta0, u0, c1, delta).map(|mu| (2.0 + mu) / eta)
    });
    (pred, aware, None)
}

/// The phases of the module docs from the samples; `threshold` is 2/η.
pub fn phases(samples: &[TrajectorySample], threshold: f64) -> Vec<PhaseSpan> {
    let Some(last) = samples.last() else {
        return Vec::new();
    };
    let below = samples
        .iter()
        .position(|s| s.foot_sharpness.is_some_and(|l| l < threshold));
    let cross = below.unwrap_or(samples.len() - 1);
    let mut out = Vec::new();
    if cross > 0 {
        let peak = (0..=cross)
            .max_by(|&a, &b| {
                let (x, y) = (
                    samples[a].amplitude.unwrap_or(0.0),
                    samples[b].amplitude.unwrap_or(0.0),
                );
                x.total_cmp(&y)
            })
            .unwrap_or(0);
        if peak > 0 {
            out.push(PhaseSpan {
                phase: Phase::Growth,
                from: samples[0].step,
                to: samples[peak].step,
            });
        }
        if cross > peak {
            out.push(PhaseSpan {
                phase: Phase::Drift,
                from: samples[peak].step,
                to: samples[cross].step,
            });
        }
    }
    if below.is_some() {
        out.push(PhaseSpan {
            phase: Phase::Decay,
            from: samples[cross].step,
            to: last.step,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::loss::catalog::link::Link;
    use crate::loss::catalog::product::Product;

    #[test]
    fn product_from_above_grows_drifts_and_decays() {
        // (xy − 1)²/2 at (2, 0.5): λ = 4.25; η = 0.5 gives β0 = 0.125 at the start.
        let p = Product {
            depth: 2,
            link: Link::Squared { t: 1.0 },
        };
        let tol = Tolerances::default();
        let t = trajectory(
            &p,
            &[2.0, 0.5],
            &[2.0 + 1e-3, 0.5 + 1e-3],
            0.5,
            1500,
            10,
            &tol,
        )
        .unwrap();
        assert!(!t.escaped);
        let kinds: Vec<Phase> = t.phases.iter().map(|p| p.phase).collect();
        assert_eq!(
            kinds,
            vec![Phase::Growth, Phase::Drift, Phase::Decay],
            "{:?}",
            t.phases
        );
        let last = t.samples.last().unwrap().sharpness.unwrap();
        assert!(last < 4.0, "{last}");
        assert!(t.lambda_inf_pred.is_some() && t.lambda_inf_start_aware.is_some());
    }
}

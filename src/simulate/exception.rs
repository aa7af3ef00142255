//! The exceptional set of the convergence bound (docs/math.md §5; issue 9 §1): a point of M with
//! λ > 2/η is a fixed point of F, so GD started exactly there stays there (λ∞ = λ > 2/η), while
//! a tiny kick along v leaves it (the multiplier along v is 1 − ηλ = −(1 + β), |·| > 1).
//!
//! With `η = (2 + β)/λ(θ*)`: (1) GD from θ* for `stay_steps` steps; its largest displacement
//! must stay below the amplification of the rounding residual, `(η|∇L(θ*)| + 4ε|θ*|)·Σ(1+β)^k`
//! (exactly 0 when ∇L(θ*) = 0 in floating point); (2) GD from `θ* + kick·v` must move farther
//! than `100·kick` from θ*; where it then converges, its limit must have λ ≤ 2/η (the bound
//! outside the exceptional set).

use crate::derivatives::gradient;
use crate::flip::FlipPoint;
use crate::loss::Loss;
use crate::simulate::cycle::gd_step;
use crate::simulate::Outcome;
use crate::spectrum::{dense_hessian, Spectrum};
use crate::tolerance::Tolerances;
use nalgebra::DVector;
use serde::{Deserialize, Serialize};

/// Options of the exception validation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ExceptionOptions {
    /// β = ηλ(θ*) − 2 > 0.
    pub beta: f64,
    /// Steps of the run from θ* itself.
    pub stay_steps: usize,
    /// The normal kick along v.
    pub kick: f64,
    /// Step budget of the kicked run.
    pub max_steps: usize,
}

impl Default for ExceptionOptions {
    fn default() -> Self {
        ExceptionOptions {
            beta: 0.02,
            stay_steps: 100,
            kick: 1e-8,
            max_steps: 200_000,
        }
    }
}

/// The result of the exception validation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExceptionRun {
    /// η = (2 + β)/λ(θ*).
    pub eta: f64,
    /// λ(θ*) (> 2/η).
    pub sharpness: f64,
    /// |∇L(θ*)| in floating point.
    pub grad_norm: f64,
    /// Largest `|θ_k − θ*|` of the run from θ*.
    pub stay_displacement: f64,
    /// The rounding bound it is compared with.
    pub stay_bound: f64,
    /// First step at which the kicked run is farther than 100·kick from θ*.
    pub left_after: Option<usize>,
    /// Steps of the kicked run.
    pub steps: usize,
    /// Whether the kicked run converged (|∇L| ≤ 1e-10·λ·max(1, |θ|)).
    pub converged: bool,
    /// λ at the kicked run's limit, when it converged.
    pub final_sharpness: Option<f64>,
    /// The verdict.
    pub outcome: Outcome,
    /// Why, in words.
    pub note: String,
}

/// Runs the exception validation at `fp` (module docs).
pub fn exception_at<L: Loss>(loss: &L, fp: &FlipPoint, o: &ExceptionOptions) -> ExceptionRun {
    let lam = fp.sharpness();
    let eta = (2.0 + o.beta) / lam;
    let start = DVector::from_column_slice(&fp.point);
    let grad_norm = gradient(loss, &fp.point).norm();
    let mut theta = start.clone();
    let mut stay: f64 = 0.0;
    for _ in 0..o.stay_steps {
        theta = gd_step(loss, &theta, eta);
        stay = stay.max((&theta - &start).norm());
    }
    let growth: f64 = (0..o.stay_steps)
        .map(|k| (1.0 + o.beta).powi(k as i32))
        .sum();
    let residual = eta * grad_norm + 4.0 * f64::EPSILON * start.norm();
    let stay_bound = if grad_norm == 0.0 {
        0.0
    } else {
        residual * growth
    };
    let mut theta = &start + fp.v() * o.kick;
    let (mut left_after, mut steps, mut converged) = (None, 0, false);
    while steps < o.max_steps {
        theta = gd_step(loss, &theta, eta);
        steps += 1;
        if !theta.iter().all(|x| x.is_finite()) {
            break;
        }
        if left_after.is_none() && (&theta - &start).norm() > 100.0 * o.kick {
            left_after = Some(steps);
        }
        let g = gradient(loss, theta.as_slice()).norm();
        if left_after.is_some() && g <= 1e-10 * lam * theta.norm().max(1.0) {
            converged = true;
            break;
        }
    }
    let final_sharpness = converged
        .then(|| {
            let (h, _) = dense_hessian(loss, theta.as_slice());
            Spectrum::of_symmetric(h, &Tolerances::default().rank).ok()
        })
        .flatten()
        .map(|s| s.sharpness());
    let stays = stay <= stay_bound;
    let bound_ok = final_sharpness.is_none_or(|l| l <= (2.0 / eta) * (1.0 + 1e-6));
    let outcome = if stays && left_after.is_some() && bound_ok {
        Outcome::Pass
    } else {
        Outcome::Fail
    };
    let note = format!(
        "from θ* (λ = {lam:.6e} > 2/η = {:.6e}): largest displacement {stay:.3e} over {} steps (rounding bound {stay_bound:.3e}): {}; kicked by {:.1e} along v: {}; {}",
        2.0 / eta,
        o.stay_steps,
        if stays { "a fixed point" } else { "moved" },
        o.kick,
        left_after.map_or("did not leave".into(), |k| format!("left (100× the kick) after {k} steps")),
        match final_sharpness {
            Some(l) => format!("converged after {steps} steps to λ∞ = {l:.6e} ≤ 2/η: {bound_ok}"),
            None => format!("no convergence within {steps} steps (escape or budget)"),
        }
    );
    ExceptionRun {
        eta,
        sharpness: lam,
        grad_norm,
        stay_displacement: stay,
        stay_bound,
        left_after,
        steps,
        converged,
        final_sharpness,
        outcome,
        note,
    }
}

//! Refinement onto M by a truncated Levenberg–Marquardt iteration on ∇L = 0 (docs/math.md §1).
//!
//! With `H = Σ λ_i u_i u_iᵀ` at the iterate, the step is `δ = −Σ_{|λ_i| > τ_k} u_i λ_i/(λ_i² + μ)
//! u_iᵀ∇L`: Gauss–Newton on the residual ∇L (whose Jacobian is H) restricted to the directions
//! of large curvature. Near M the eigenvalues of H split into normal ones, O(1), and tangent
//! ones, O(|∇L|); the cut `τ_k = max(τ, √(|∇L|·λ_max))` separates them as |∇L| → 0, so the
//! iterate moves along (an approximation of) N only and lands near the closest point of M
//! instead of sliding along it. When the excluded directions carry most of ∇L (an isolated
//! minimizer with a small eigenvalue, far from convergence) the cut falls back to τ.
//! A step is accepted when it decreases |∇L|; μ shrinks ×10 on success and grows ×10 on
//! failure. The limit is then checked: a negative eigenvalue beyond tolerance is an error
//! (a saddle or maximum), as is a start that does not converge.

use crate::derivatives::gradient;
use crate::error::{Error, Result};
pub use crate::flip::decide::gradient_scale;
use crate::loss::Loss;
use crate::spectrum::{dense_hessian, Spectrum};
use crate::tolerance::Tolerances;
use nalgebra::DVector;
use serde::{Deserialize, Serialize};

/// The outcome of a successful refinement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Refined {
    /// The refined point on M.
    pub point: Vec<f64>,
    /// Accepted LM steps.
    pub iterations: usize,
    /// |∇L| at the refined point.
    pub grad_norm: f64,
    /// |θ_refined − θ_start|.
    pub moved: f64,
}

/// Refines `start` onto M; at most `max_iter` accepted steps.
pub fn refine<L: Loss>(
    loss: &L,
    start: &[f64],
    tol: &Tolerances,
    max_iter: usize,
) -> Result<Refined> {
    let mut theta = DVector::from_column_slice(start);
    let mut r = gradient(loss, theta.as_slice());
    let mut mu: Option<f64> = None;
    let mut iterations = 0;
    let mut final_spec = None;
    while iterations <= max_iter {
        if r.iter().any(|x| !x.is_finite()) {
            return Err(Error::NonFinite {
                what: format!("the gradient is not finite at refinement iterate {iterations}"),
                hint: "start closer to the minimizer set, inside the loss's domain".into(),
            });
        }
        let (h, _) = dense_hessian(loss, theta.as_slice());
        let spec = Spectrum::of_symmetric(h, &tol.rank)?;
        let lmax = spec.eigenvalues.iter().fold(0.0f64, |m, x| m.max(x.abs()));
        let scale = gradient_scale(lmax, theta.as_slice());
        if r.norm() <= tol.refine.threshold(scale) {
            final_spec = Some(spec);
            break;
        }
        if iterations == max_iter {
            break;
        }
        let mut m = mu.unwrap_or(1e-6 * lmax * lmax);
        let coeffs = spec.eigenvectors.transpose() * &r;
        let cut = step_cut(&spec, &coeffs, r.norm(), lmax);
        let mut accepted = false;
        for _ in 0..40 {
            let mut step = DVector::zeros(theta.len());
            for i in 0..spec.eigenvalues.len() {
                let l = spec.eigenvalues[i];
                if l.abs() > cut {
                    step -= spec.eigenvectors.column(i) * (coeffs[i] * l / (l * l + m));
                }
            }
            let cand = &theta + step;
            let rc = gradient(loss, cand.as_slice());
            if rc.iter().all(|x| x.is_finite()) && rc.norm() < r.norm() {
                theta = cand;
                r = rc;
                mu = Some(m / 10.0);
                accepted = true;
                break;
            }
            m = if m > 0.0 {
                m * 10.0
            } else {
                lmax * lmax * 1e-12
            };
        }
        if !accepted {
            // No decrease possible: rounding floor reached (or stuck). Judge by the looser
            // critical-point tolerance below.
            final_spec = Some(spec);
            break;
        }
        iterations += 1;
    }
    let grad_norm = r.norm();
    let lmax = match &final_spec {
        Some(s) => s.eigenvalues.iter().fold(0.0f64, |m, x| m.max(x.abs())),
        None => {
            let (h, _) = dense_hessian(loss, theta.as_slice());
            h.amax()
        }
    };
    let threshold = tol
        .critical
        .threshold(gradient_scale(lmax, theta.as_slice()));
    // A critical point with a negative eigenvalue is a saddle or a maximum, not a point of M.
    if let Some(neg) = final_spec.as_ref().and_then(Spectrum::most_negative) {
        return Err(Error::NotAMinimizer {
            eigenvalue: neg,
            tolerance: final_spec.as_ref().map_or(0.0, |s| s.rank_threshold),
        });
    }
    if grad_norm > threshold || !grad_norm.is_finite() {
        return Err(Error::RefineFailed {
            iterations,
            grad_norm,
            tolerance: threshold,
        });
    }
    let moved = (&theta - DVector::from_column_slice(start)).norm();
    Ok(Refined {
        point: theta.as_slice().to_vec(),
        iterations,
        grad_norm,
        moved,
    })
}

/// The curvature cut `τ_k` of one step (module docs).
fn step_cut(spec: &Spectrum, coeffs: &DVector<f64>, grad_norm: f64, lmax: f64) -> f64 {
    let cut = spec.rank_threshold.max((grad_norm * lmax).sqrt());
    let (mut kept, mut dropped) = (0.0, 0.0);
    for (l, c) in spec.eigenvalues.iter().zip(coeffs.iter()) {
        if l.abs() > cut {
            kept += c * c;
        } else {
            dropped += c * c;
        }
    }
    if dropped > kept {
        spec.rank_threshold
    } else {
        cut
    }
}

//! Training a [`Network`] to interpolation by Levenberg–Marquardt on the residuals (issue 8).
//!
//! Mean squared error: residuals `r = f(X) − Y` (m = n·k), minimum-norm damped Gauss–Newton
//! steps `δ = −Jᵀ (J Jᵀ + μ I)⁻¹ r`. Cross-entropy with soft labels: the loss is minimal where
//! softmax f(x_i) = y_i, i.e. where the logits equal ln y_i up to a shift per sample, so the
//! residuals are the centred logit differences `r = C (f − ln Y)` (C removes each row's mean)
//! and the steps use `C J`. J Jᵀ and Jᵀ w come from the Gauss–Newton operator of the network
//! ([`super::gauss_newton`]); J itself is never formed. μ shrinks ×10 after an accepted step and
//! grows ×10 after a rejected one. Weight decay is ignored by the steps (it is part of the loss
//! reported at the end).

use super::backprop::forward;
use super::{Network, Objective};
use crate::derivatives::gradient;
use crate::flip::GaussNewtonStructure;
use crate::loss::Loss;
use nalgebra::{DMatrix, DVector};
use serde::{Deserialize, Serialize};

/// The result of [`fit`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FitReport {
    /// The last iterate.
    pub theta: Vec<f64>,
    /// `|r|` there.
    pub residual: f64,
    /// L(θ) there.
    pub loss: f64,
    /// |∇L(θ)| there.
    pub grad_norm: f64,
    /// Accepted steps.
    pub steps: usize,
    /// Whether `|r| ≤ tolerance`.
    pub interpolates: bool,
    /// The residual tolerance `1e-12 · max(1, |target|)`.
    pub tolerance: f64,
    /// Why the fit stopped.
    pub stop: String,
}

fn residual(net: &Network, theta: &[f64]) -> DVector<f64> {
    let f = forward(net, theta).out;
    match net.objective {
        Objective::Mse => DVector::from_iterator(f.len(), f.iter().zip(&net.y).map(|(a, b)| a - b)),
        Objective::CrossEntropy => {
            let k = net.outputs_dim();
            let mut r = Vec::with_capacity(f.len());
            for (row, y) in f.chunks(k).zip(net.y.chunks(k)) {
                let d: Vec<f64> = row.iter().zip(y).map(|(a, b)| a - b.ln()).collect();
                let mean = d.iter().sum::<f64>() / k as f64;
                r.extend(d.iter().map(|x| x - mean));
            }
            DVector::from_vec(r)
        }
    }
}

fn center(net: &Network, mut w: DVector<f64>) -> DVector<f64> {
    if net.objective == Objective::CrossEntropy {
        let k = net.outputs_dim();
        for row in w.as_mut_slice().chunks_mut(k) {
            let mean = row.iter().sum::<f64>() / k as f64;
            row.iter_mut().for_each(|x| *x -= mean);
        }
    }
    w
}

/// Fits from `start` with at most `max_steps` accepted steps (module docs).
pub fn fit(net: &Network, start: &[f64], max_steps: usize) -> FitReport {
    if net.objective == Objective::CrossEntropy && net.y.iter().any(|&p| p <= 0.0) {
        return report(net, start.to_vec(), f64::INFINITY, 0, f64::INFINITY, "a label is 0: softmax cannot reach it, the cross-entropy has no interpolating minimizer".into());
    }
    // The MSE twin gives S = J/√n whatever the objective.
    let plain = Network {
        objective: Objective::Mse,
        weight_decay: 0.0,
        ..net.clone()
    };
    let n = net.samples() as f64;
    let target = match net.objective {
        Objective::Mse => net.y.iter().map(|y| y * y).sum::<f64>().sqrt(),
        Objective::CrossEntropy => net.y.iter().map(|y| y.ln().powi(2)).sum::<f64>().sqrt(),
    };
    let tolerance = 1e-12 * target.max(1.0);
    let mut theta = start.to_vec();
    let mut r = residual(net, &theta);
    let (mut mu, mut steps, mut rejected) = (1e-6, 0, 0);
    let stop = loop {
        if !r.norm().is_finite() {
            break "the residuals are not finite".to_string();
        }
        if r.norm() <= tolerance {
            break "interpolates".into();
        }
        if steps >= max_steps {
            break format!("step limit {max_steps} reached");
        }
        if rejected > 30 {
            break "no step decreases the residual: the model cannot interpolate its data from here (too few parameters, or a stationary point)".into();
        }
        let op = plain.operator(&theta);
        let mut jjt = op.gram() * n;
        if net.objective == Objective::CrossEntropy {
            let m = jjt.nrows();
            let c = DMatrix::from_fn(m, m, |a, b| {
                let k = net.outputs_dim();
                let same = a / k == b / k;
                (if a == b { 1.0 } else { 0.0 }) - if same { 1.0 / k as f64 } else { 0.0 }
            });
            jjt = &c * jjt * &c;
        }
        let scale = jjt.diagonal().amax().max(1e-300);
        let m = jjt.nrows();
        let shifted = &jjt + DMatrix::identity(m, m) * (mu * scale);
        let Some(w) = shifted.cholesky().map(|c| c.solve(&r)) else {
            mu *= 10.0;
            rejected += 1;
            continue;
        };
        let w = center(net, w);
        let delta = op.apply_st(w.as_slice()) * n.sqrt();
        let trial: Vec<f64> = theta.iter().zip(delta.iter()).map(|(t, d)| t - d).collect();
        let rt = residual(net, &trial);
        if rt.norm() < r.norm() {
            (theta, r) = (trial, rt);
            mu = (mu / 10.0).max(1e-15);
            steps += 1;
            rejected = 0;
        } else {
            mu *= 10.0;
            rejected += 1;
        }
    };
    let rn = r.norm();
    report(net, theta, rn, steps, tolerance, stop)
}

fn report(
    net: &Network,
    theta: Vec<f64>,
    residual: f64,
    steps: usize,
    tolerance: f64,
    stop: String,
) -> FitReport {
    let grad_norm = gradient(net, &theta).norm();
    FitReport {
        loss: net.value(&theta),
        grad_norm,
        interpolates: residual <= tolerance,
        theta,
        residual,
        steps,
        tolerance,
        stop,
    }
}

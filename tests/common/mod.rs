//! Shared helpers for the integration tests.
#![allow(dead_code)]

use eosflip::analyze::{analyze, AnalyzeOptions};
use eosflip::loss::catalog::{self, CatalogInstance};
use eosflip::loss::{c, Scalar};
use eosflip::report::{Analysis, LossInfo};
use eosflip::Loss;
use std::collections::BTreeMap;

/// Builds a catalog loss from `k=v` pairs.
pub fn build(name: &str, params: &[(&str, &str)]) -> CatalogInstance {
    let map: BTreeMap<String, String> = params
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    catalog::build(name, &map).expect("valid catalog parameters")
}

/// Analyses any loss at a point with default options.
pub fn analyze_at<L: Loss>(loss: &L, point: &[f64]) -> Analysis {
    let info = LossInfo {
        name: "test".into(),
        params: BTreeMap::new(),
        dim: loss.dim(),
    };
    analyze(loss, info, point, &AnalyzeOptions::default()).expect("analysis succeeds")
}

/// Relative difference `|a − b| / max(|a|, |b|, floor)`.
pub fn rel(a: f64, b: f64, floor: f64) -> f64 {
    (a - b).abs() / a.abs().max(b.abs()).max(floor)
}

/// Asserts `|a − b| ≤ tol · max(|a|, |b|, floor)` with a message.
#[track_caller]
pub fn assert_rel(a: f64, b: f64, tol: f64, floor: f64, what: &str) {
    let r = rel(a, b, floor);
    assert!(
        r <= tol,
        "{what}: {a:.17e} vs {b:.17e} (relative difference {r:.3e} > {tol:.1e})"
    );
}

/// Asserts two vectors agree component-wise relative to `max(largest entry, floor)`.
#[track_caller]
pub fn assert_vec_rel(a: &[f64], b: &[f64], tol: f64, floor: f64, what: &str) {
    assert_eq!(a.len(), b.len(), "{what}: lengths");
    let scale = a
        .iter()
        .chain(b)
        .fold(0.0f64, |m, x| m.max(x.abs()))
        .max(floor)
        .max(1e-300);
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        assert!(
            (x - y).abs() <= tol * scale,
            "{what}[{i}]: {x:.17e} vs {y:.17e} (scale {scale:.3e})"
        );
    }
}

/// `L(x, y) = ½(1 + κy)x² + q x⁴/24` (q < 0): the catalog's `tilted` loss (G/c1 constant along
/// M, d = 0; see `src/loss/catalog/one_dim.rs`).
#[allow(unused_imports)]
pub use eosflip::loss::catalog::one_dim::Tilted;

/// The ring `L(θ) = (|θ|² − 1)²/4` in 2-D: M = the unit circle, invariant under rotations, so
/// λ = 2 everywhere on M (Π_T g = 0), c1 = 8 (the radial double well), and every 2-cycle comes
/// in a rotation family: one Floquet multiplier is exactly 1.
#[derive(Debug, Clone)]
pub struct Ring;

impl Loss for Ring {
    fn dim(&self) -> usize {
        2
    }
    fn value<D: Scalar>(&self, t: &[D]) -> D {
        let w = t[0] * t[0] + t[1] * t[1] - c::<D>(1.0);
        w * w * 0.25
    }
    fn gradient<D: Scalar>(&self, t: &[D]) -> Vec<D> {
        let w = t[0] * t[0] + t[1] * t[1] - c::<D>(1.0);
        vec![w * t[0], w * t[1]]
    }
}

/// The Gauss–Newton matrix `JᵀJ/n` of an MLP at θ, with J (n × P, the Jacobian of the outputs)
/// from forward Dual64 passes through `Mlp::outputs`: independent of the hand-written gradient.
/// On M (zero residuals) it equals the Hessian.
pub fn mlp_gauss_newton(
    mlp: &eosflip::loss::catalog::mlp::Mlp,
    theta: &[f64],
) -> nalgebra::DMatrix<f64> {
    let (_, j) = mlp.residual_jacobian(theta);
    j.transpose() * j / mlp.samples() as f64
}

/// Asserts that `loss.gradient(θ)` is the `Dual64` derivative of `loss.value` along every
/// coordinate, to 1e-12 of the largest component (at least 1).
#[track_caller]
pub fn assert_gradient_is_value_derivative<L: Loss>(what: &str, loss: &L, theta: &[f64]) {
    let g = loss.gradient(theta);
    let scale = g.iter().fold(1.0f64, |a, b| a.max(b.abs()));
    for (i, gi) in g.iter().enumerate() {
        let t: Vec<num_dual::Dual64> = theta
            .iter()
            .enumerate()
            .map(|(j, &x)| num_dual::Dual64::new(x, if i == j { 1.0 } else { 0.0 }))
            .collect();
        let d = loss.value(&t).eps;
        assert!(
            (d - gi).abs() <= 1e-12 * scale,
            "{what}: coordinate {i}: d/dθ value = {d}, gradient = {gi}"
        );
    }
}

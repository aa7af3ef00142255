//! The GD map `F(θ) = θ − η∇L(θ)` and its Taylor tensors at a point (docs/math.md §2):
//! `A = DF = I − ηH`, `B(u, w) = −η ∇³L[u, w, ·]`, `C(u, w, z) = −η ∇⁴L[u, w, z, ·]`.
//!
//! The general (map) formula for c1 in `normal_form` uses only this interface, so it is
//! independent of the GD-specific formula.

use super::{gradient, hvp, mixed_fourth, mixed_third};
use crate::loss::Loss;
use nalgebra::DVector;

/// The GD map of `loss` with step `eta`, expanded at `theta`.
#[derive(Debug, Clone)]
pub struct GdMap<'a, L> {
    /// The loss.
    pub loss: &'a L,
    /// Expansion point.
    pub theta: Vec<f64>,
    /// Step size η.
    pub eta: f64,
}

impl<'a, L: Loss> GdMap<'a, L> {
    /// The GD map of `loss` with step `eta` at `theta`.
    pub fn new(loss: &'a L, theta: &[f64], eta: f64) -> Self {
        GdMap {
            loss,
            theta: theta.to_vec(),
            eta,
        }
    }

    /// `F(x) = x − η∇L(x)` at any point `x`.
    pub fn apply(&self, x: &[f64]) -> DVector<f64> {
        DVector::from_column_slice(x) - gradient(self.loss, x) * self.eta
    }

    /// `A w = w − η H w`.
    pub fn a(&self, w: &[f64]) -> DVector<f64> {
        DVector::from_column_slice(w) - hvp(self.loss, &self.theta, w) * self.eta
    }

    /// `B(u, w) = −η ∇³L[u, w, ·]`.
    pub fn b(&self, u: &[f64], w: &[f64]) -> DVector<f64> {
        mixed_third(self.loss, &self.theta, u, w) * (-self.eta)
    }

    /// `C(u, w, z) = −η ∇⁴L[u, w, z, ·]`.
    pub fn c(&self, u: &[f64], w: &[f64], z: &[f64]) -> DVector<f64> {
        mixed_fourth(self.loss, &self.theta, u, w, z) * (-self.eta)
    }
}

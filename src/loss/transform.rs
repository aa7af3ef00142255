//! Reparameterised losses `L'(θ) = α · L(s · Q θ)` (docs/math.md §3, invariances).
//!
//! With `Q` orthogonal, λ and c1 are unchanged by `Q`; `α > 0` leaves c1 unchanged (at the new
//! η* = 2/(αλ)); `s ≠ 0` multiplies c1 by `s²`. The property tests use this wrapper, and it is
//! public so that users can check the invariances on their own losses.

use super::{Loss, Scalar};
use nalgebra::DMatrix;

/// `θ ↦ α · inner(s · Q θ)`; `Q` defaults to the identity.
#[derive(Debug, Clone)]
pub struct Reparam<L> {
    /// The wrapped loss.
    pub inner: L,
    /// Output scale α (> 0 for the invariance).
    pub alpha: f64,
    /// Input scale s.
    pub scale: f64,
    /// Orthogonal change of coordinates, `P × P`, or `None` for the identity.
    pub rotation: Option<DMatrix<f64>>,
}

impl<L: Loss> Reparam<L> {
    /// Wrap `inner` with `α`, `s` and an optional rotation `Q`.
    pub fn new(inner: L, alpha: f64, scale: f64, rotation: Option<DMatrix<f64>>) -> Self {
        Reparam {
            inner,
            alpha,
            scale,
            rotation,
        }
    }

    /// The inner point `s · Q θ`.
    fn inner_point<D: Scalar>(&self, theta: &[D]) -> Vec<D> {
        let scaled = |x: D| x * self.scale;
        match &self.rotation {
            None => theta.iter().map(|&x| scaled(x)).collect(),
            Some(q) => (0..q.nrows())
                .map(|i| {
                    let mut acc = D::zero();
                    for (j, &t) in theta.iter().enumerate() {
                        acc += t * q[(i, j)];
                    }
                    scaled(acc)
                })
                .collect(),
        }
    }

    /// Maps a point of the inner loss to this loss's coordinates: `θ = Qᵀ x / s`.
    pub fn from_inner_point(&self, x: &[f64]) -> Vec<f64> {
        let y: Vec<f64> = x.iter().map(|v| v / self.scale).collect();
        match &self.rotation {
            None => y,
            Some(q) => (0..q.ncols())
                .map(|j| (0..q.nrows()).map(|i| q[(i, j)] * y[i]).sum())
                .collect(),
        }
    }
}

impl<L: Loss> Loss for Reparam<L> {
    fn dim(&self) -> usize {
        self.inner.dim()
    }

    fn value<D: Scalar>(&self, theta: &[D]) -> D {
        self.inner.value(&self.inner_point(theta)) * self.alpha
    }

    fn gradient<D: Scalar>(&self, theta: &[D]) -> Vec<D> {
        let gi = self.inner.gradient(&self.inner_point(theta));
        let factor = self.alpha * self.scale;
        match &self.rotation {
            None => gi.into_iter().map(|x| x * factor).collect(),
            Some(q) => (0..q.ncols())
                .map(|j| {
                    let mut acc = D::zero();
                    for (i, &gv) in gi.iter().enumerate() {
                        acc += gv * q[(i, j)];
                    }
                    acc * factor
                })
                .collect(),
        }
    }
}

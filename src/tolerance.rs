//! Tolerances: every numerical decision (rank, simplicity, convergence) states the one it used.
//!
//! A [`Tolerance`] has an absolute and a relative part; the threshold for a quantity of
//! natural size `scale` is `max(abs, rel * scale)`. Named defaults live in [`Tolerances`].

use serde::{Deserialize, Serialize};

/// An absolute/relative tolerance pair.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Tolerance {
    /// Absolute floor.
    pub abs: f64,
    /// Relative part, multiplied by the scale of the quantity.
    pub rel: f64,
}

impl Tolerance {
    /// A tolerance with the given parts.
    pub const fn new(abs: f64, rel: f64) -> Self {
        Tolerance { abs, rel }
    }

    /// The threshold for a quantity of size `scale`: `max(abs, rel * |scale|)`.
    pub fn threshold(&self, scale: f64) -> f64 {
        self.abs.max(self.rel * scale.abs())
    }
}

/// The tolerances of one analysis (documented in `theorems/conventions.md`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Tolerances {
    /// Numerical rank of H: eigenvalue `λ_i` is *normal* when `λ_i > threshold(λ_max)`,
    /// *tangent* when `|λ_i| <= threshold(λ_max)`, and *negative* (not a minimizer) below
    /// `-threshold(λ_max)`. Default: abs 0, rel 1e-8 (no absolute floor: the decisions are invariant under L ↦ κL).
    pub rank: Tolerance,
    /// The top eigenvalue is simple when `λ_1 - λ_2 > threshold(λ_1)`. Default: abs 0, rel 1e-8 (no absolute floor: the decisions are invariant under L ↦ κL).
    pub simple: Tolerance,
    /// A point is critical when `|∇L| <= threshold(λ_max · max(1, |θ|))`. Default: abs 0, rel 1e-9.
    pub critical: Tolerance,
    /// Refinement stops when `|∇L| <= threshold(λ_max · max(1, |θ|))`. Default: abs 0, rel 1e-13.
    pub refine: Tolerance,
}

impl Default for Tolerances {
    fn default() -> Self {
        Tolerances {
            rank: Tolerance::new(0.0, 1e-8),
            simple: Tolerance::new(0.0, 1e-8),
            critical: Tolerance::new(0.0, 1e-9),
            refine: Tolerance::new(0.0, 1e-13),
        }
    }
}

//! The predicted 2-cycle branch at a flip point, drawn over a bifurcation diagram (docs/math.md §3,
//! §7; `theorems/degenerate_flip.md`).
//!
//! The branch exists at θ* only where the flip has no tangent drift (`Π_T g = 0`, docs/math.md §3).
//! Its formula follows the decided order of the flip ([`FlipPoint::flip_order`]):
//! - order 3 (c1 ≠ 0 beyond its error): `p = ±√(β/c1(η))`, c1 linear in η;
//! - order 5 (c1 = 0 within its error, c2 ≠ 0 beyond its error): `p = ±(β/c2)^{1/4}` with c2
//!   taken at η* (its amplitude error is O(|β|^{1/2}), as the next term of the normal form is
//!   c3 p⁷);
//!
//! with `β = ηλ − 2`, where `β/c > 0`. The cycle is stable for `c > 0` (β > 0, and on M only
//! where λ is minimal on M: A6) and unstable for `c < 0` (β < 0). Otherwise (c1 = 0 and c2
//! undecided or not computed) no branch is predicted.

use crate::flip::FlipPoint;
use crate::normal_form::amplitude_pred;
use serde::{Deserialize, Serialize};

/// Which normal form the predicted branch comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BranchFormula {
    /// `p² = β/c1(η)` (flip order 3).
    Cubic,
    /// `p⁴ = β/c2(η*)` (flip order 5: c1 = 0).
    Quintic,
}

impl BranchFormula {
    /// The formula as drawn in legends.
    pub fn formula(self) -> &'static str {
        match self {
            BranchFormula::Cubic => "±√(β/c1)",
            BranchFormula::Quintic => "±(β/c2)^{1/4}",
        }
    }
}

/// The predicted branch at a flip point (module docs).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PredictedBranch {
    /// The formula.
    pub formula: BranchFormula,
    /// The deciding coefficient at η*: c1 (cubic) or c2 (quintic).
    pub coefficient: f64,
}

impl PredictedBranch {
    /// The branch at `fp`, when the flip has one (module docs): `None` when `Π_T g ≠ 0`, the
    /// flip is undefined, or c1 = 0 and c2 does not decide.
    pub fn of(fp: &FlipPoint) -> Option<PredictedBranch> {
        if !crate::simulate::bifurcation::drift_vanishes(fp) {
            return None;
        }
        match fp.flip_order()? {
            3 => fp.c1_at(fp.eta_star()).map(|c1| PredictedBranch {
                formula: BranchFormula::Cubic,
                coefficient: c1,
            }),
            5 => fp.c2().map(|c2| PredictedBranch {
                formula: BranchFormula::Quintic,
                coefficient: c2,
            }),
            _ => None,
        }
    }

    /// Whether the predicted cycle is stable in the normal direction (`c > 0`; on M also A6).
    pub fn stable(&self) -> bool {
        self.coefficient > 0.0
    }

    /// The amplitude `|p|` of the branch at the step `eta` with `β = ηλ − 2` (`None` where
    /// `β/c ≤ 0`).
    pub fn amplitude(&self, fp: &FlipPoint, eta: f64) -> Option<f64> {
        let beta = eta * fp.sharpness() - 2.0;
        match self.formula {
            BranchFormula::Cubic => fp.c1_at(eta).and_then(|c1| amplitude_pred(beta, c1)),
            BranchFormula::Quintic => quartic_root_amplitude(beta, self.coefficient),
        }
    }
}

/// `(β/c2)^{1/4}` where `β/c2 > 0` and finite.
pub fn quartic_root_amplitude(beta: f64, c2: f64) -> Option<f64> {
    let r = beta / c2;
    (r > 0.0 && r.is_finite()).then(|| r.sqrt().sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::loss::catalog::one_dim::{DoubleWell, Quartic1d};
    use crate::simulate::local::flip_point;
    use crate::tolerance::Tolerances;

    #[test]
    fn formula_follows_the_flip_order() {
        let tol = Tolerances::default();
        // Double well at 1: c1 = (η*/6)(3f‴²/f″ − f⁗) = 8 ≠ 0, the cubic branch √(β/c1).
        let fp = flip_point(&DoubleWell, &[1.0], &tol).unwrap();
        let b = PredictedBranch::of(&fp).unwrap();
        assert_eq!(b.formula, BranchFormula::Cubic);
        let eta = 1.05 * fp.eta_star();
        let beta = eta * fp.sharpness() - 2.0;
        let want = (beta / fp.c1_at(eta).unwrap()).sqrt();
        assert!((b.amplitude(&fp, eta).unwrap() / want - 1.0).abs() < 1e-14);
        // quartic1d with 3k3² = k2k4: c1 = 0, c2 = −2 (theorems/degenerate_flip.md).
        let q = Quartic1d {
            k2: 1.0,
            k3: 1.0,
            k4: 3.0,
        };
        let fp = flip_point(&q, &[0.0], &tol).unwrap();
        let b = PredictedBranch::of(&fp).unwrap();
        assert_eq!(b.formula, BranchFormula::Quintic);
        assert!((b.coefficient + 2.0).abs() < 1e-12, "{}", b.coefficient);
        assert!(!b.stable());
        // η* = 2, λ = 1: β = η − 2; the unstable cycle for β < 0 has p⁴ = |β|/2.
        assert!(b.amplitude(&fp, 2.1).is_none());
        let p = b.amplitude(&fp, 1.9).unwrap();
        assert!((p.powi(4) / 0.05 - 1.0).abs() < 1e-12, "{p}");
    }
}

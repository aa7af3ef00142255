//! The limiting-sharpness prediction of docs/math.md §5 along the depth-2 M of `l(xy)`.
//!
//! At the point of M with `λ = l2 s = 2/η`: `G = |Π_T g|² = 4 l2² (s² − 4z*²)/s` and
//! `c1 = (s/(3l2²)) Q(z*/s²)`, so the first-order prediction is
//! `λ∞ = 2/η − ηG/(4c1) = 2/η − 3η l2⁴ (1 − 4z*²/s²)/Q(z*/s²)`. With `1/s² = η² l2²/4`, for
//! α > 0 and small η:
//! `λ∞ = 2/η − (3η l2⁴/α)·[1 − η² l2² (z*² + 6 l2 l3 z*/α)] + O(η⁵)`,
//! `ε_rel = η²G/(8c1) = 3η² l2⁴/(2α) + O(η⁴)`. The regime of docs/math.md §5 needs `ε_rel ≪ 1` and
//! `d = ε_rel · d ln(G/c1)/d ln λ ≪ 1`; both are reported (d from one dual-number pass).

use super::{c1_depth2, Jet};
use crate::loss::{c, Scalar};
use num_dual::Dual64;
use serde::{Deserialize, Serialize};

/// The prediction at one η.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LambdaInf {
    /// Step η.
    pub eta: f64,
    /// s at the point of M where λ = 2/η.
    pub s: f64,
    /// c1 there.
    pub c1: f64,
    /// G = |Π_T g|² there.
    pub drift_sq: f64,
    /// `2/η − ηG/(4c1)` (None unless c1 > 0).
    pub lambda_inf_pred: Option<f64>,
    /// The small-η expansion (None unless α > 0).
    pub asymptotic: Option<f64>,
    /// ε_rel = η²G/(8c1).
    pub eps_rel: Option<f64>,
    /// d = ε_rel · d ln(G/c1)/d ln λ.
    pub d: Option<f64>,
    /// Whether the first-order regime applies (c1 > 0, ε_rel ≤ 0.02 as in `analyze`'s
    /// `regime`, |d| ≤ 0.1).
    pub in_regime: bool,
}

/// `ln(G/c1)` as a function of s, generic so that one dual pass gives its slope.
fn log_ratio<D: Scalar>(jet: &Jet, s: D) -> D {
    let (l2, l3, z) = (jet.l2, jet.l3, jet.z_star);
    let g = (s * s - c::<D>(4.0 * z * z)) * (4.0 * l2 * l2) / s;
    let w = (s * s).recip() * z;
    let q = w * w * (96.0 * l2 * l2) + w * (24.0 * l2 * l3) + c::<D>(jet.alpha());
    let c1 = s * q * (1.0 / (3.0 * l2 * l2));
    (g / c1).ln()
}

/// The prediction at η (None when no point of M has λ = 2/η: η > 1/(l2 |z*|)).
///
/// Computed for `l/l2` at `η·l2` and scaled back (λ by l2, G by l2²; s, c1, ε_rel and d are
/// invariant under l ↦ κl, η ↦ η/κ), so no product of jets overflows.
pub fn lambda_inf(jet: &Jet, eta: f64) -> Option<LambdaInf> {
    let k = jet.l2;
    let mut r = lambda_inf_unit(&jet.unit(), eta * k)?;
    r.eta = eta;
    r.drift_sq = if r.drift_sq == 0.0 {
        0.0
    } else {
        r.drift_sq * k * k
    };
    r.lambda_inf_pred = r.lambda_inf_pred.map(|v| v * k);
    r.asymptotic = r.asymptotic.map(|v| v * k);
    Some(r)
}

fn lambda_inf_unit(jet: &Jet, eta: f64) -> Option<LambdaInf> {
    let (l2, l3, z) = (jet.l2, jet.l3, jet.z_star);
    let s = 2.0 / (eta * l2);
    if eta.is_nan() || eta <= 0.0 || s < 2.0 * z.abs() {
        return None;
    }
    let c1 = c1_depth2(jet, s);
    let g = 4.0 * l2 * l2 * (s * s - 4.0 * z * z) / s;
    let alpha = jet.alpha();
    let asymptotic = (alpha > 0.0).then(|| {
        2.0 / eta
            - 3.0 * eta * l2.powi(4) / alpha
                * (1.0 - eta * eta * l2 * l2 * (z * z + 6.0 * l2 * l3 * z / alpha))
    });
    if c1 <= 0.0 || g == 0.0 {
        return Some(LambdaInf {
            eta,
            s,
            c1,
            drift_sq: g,
            lambda_inf_pred: None,
            asymptotic,
            eps_rel: None,
            d: None,
            in_regime: false,
        });
    }
    let eps = eta * eta * g / (8.0 * c1);
    let slope = log_ratio(jet, Dual64::new(s, 1.0)).eps;
    let d = eps * slope * s;
    Some(LambdaInf {
        eta,
        s,
        c1,
        drift_sq: g,
        lambda_inf_pred: Some(2.0 / eta - eta * g / (4.0 * c1)),
        asymptotic,
        eps_rel: Some(eps),
        d: Some(d),
        in_regime: eps <= crate::normal_form::EPS_REL_FIRST_ORDER && d.abs() <= 0.1,
    })
}

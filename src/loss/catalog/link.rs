//! Scalar losses `l(z)` for product losses `l(x1·…·xD)` (docs/math.md §6).
//!
//! Each link gives its value and first derivative generically (numerically stable forms that
//! branch on the real part only), its minimizer z*, and its derivatives l'', l''', l'''' at z*
//! in closed form (used by the product-stability constant `α = 3 l'''² − l'' l''''`).

use crate::loss::{c, Scalar};
use serde::{Deserialize, Serialize};

/// The scalar loss of a product model.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Link {
    /// `(z − t)²/2`; z* = t; (l'', l''', l'''') = (1, 0, 0).
    Squared {
        /// Target t.
        t: f64,
    },
    /// `(z² − 1)²/4` (Zhu et al.'s minimalist example); z* = 1; (2, 6, 6).
    Minimalist,
    /// Soft-label cross-entropy `−p ln σ(z) − (1−p) ln(1 − σ(z)) = softplus(z) − p z`,
    /// label p ∈ (0,1); z* = logit p; l'' = p(1−p), l''' = p(1−p)(1−2p),
    /// l'''' = p(1−p)(1 − 6p + 6p²).
    Logistic {
        /// Soft label p ∈ (0, 1).
        p: f64,
    },
    /// `ln cosh(z − t)`; z* = t; (1, 0, −2).
    LogCosh {
        /// Target t.
        t: f64,
    },
    /// `√(1 + (z − t)²) − 1`; z* = t; (1, 0, −3).
    PseudoHuber {
        /// Target t.
        t: f64,
    },
}

/// Numerically stable `ln(1 + e^z)`, branching on the real part.
pub(crate) fn softplus<D: Scalar>(z: D) -> D {
    if z.re() >= 0.0 {
        z + (-z).exp().ln_1p()
    } else {
        z.exp().ln_1p()
    }
}

/// Numerically stable logistic function `σ(z) = 1/(1 + e^{−z})`.
pub(crate) fn sigmoid<D: Scalar>(z: D) -> D {
    if z.re() >= 0.0 {
        ((-z).exp() + 1.0).recip()
    } else {
        let e = z.exp();
        e / (e + 1.0)
    }
}

impl Link {
    /// Names accepted by `--param l=NAME`.
    pub const NAMES: [&'static str; 5] = [
        "squared",
        "minimalist",
        "logistic",
        "logcosh",
        "pseudo_huber",
    ];

    /// The CLI name of this link.
    pub fn name(&self) -> &'static str {
        match self {
            Link::Squared { .. } => "squared",
            Link::Minimalist => "minimalist",
            Link::Logistic { .. } => "logistic",
            Link::LogCosh { .. } => "logcosh",
            Link::PseudoHuber { .. } => "pseudo_huber",
        }
    }

    /// `l(z)`.
    pub fn value<D: Scalar>(&self, z: D) -> D {
        match *self {
            Link::Squared { t } => {
                let u = z - t;
                u * u * 0.5
            }
            Link::Minimalist => {
                let w = z * z - c::<D>(1.0);
                w * w * 0.25
            }
            Link::Logistic { p } => softplus(z) - z * p,
            Link::LogCosh { t } => {
                let u = z - t;
                let a = if u.re() >= 0.0 { u } else { -u };
                a + (a * -2.0).exp().ln_1p() - std::f64::consts::LN_2
            }
            Link::PseudoHuber { t } => {
                let u = z - t;
                (u * u + 1.0).sqrt() - 1.0
            }
        }
    }

    /// `l'(z)`.
    pub fn d1<D: Scalar>(&self, z: D) -> D {
        match *self {
            Link::Squared { t } => z - t,
            Link::Minimalist => z * (z * z - c::<D>(1.0)),
            Link::Logistic { p } => sigmoid(z) - p,
            Link::LogCosh { t } => (z - t).tanh(),
            Link::PseudoHuber { t } => {
                let u = z - t;
                u / (u * u + 1.0).sqrt()
            }
        }
    }

    /// The minimizer z* of l.
    pub fn z_star(&self) -> f64 {
        match *self {
            Link::Squared { t } | Link::LogCosh { t } | Link::PseudoHuber { t } => t,
            Link::Minimalist => 1.0,
            Link::Logistic { p } => (p / (1.0 - p)).ln(),
        }
    }

    /// `(l''(z*), l'''(z*), l''''(z*))` in closed form.
    pub fn derivatives_at_min(&self) -> [f64; 3] {
        match *self {
            Link::Squared { .. } => [1.0, 0.0, 0.0],
            Link::Minimalist => [2.0, 6.0, 6.0],
            Link::Logistic { p } => {
                let q = p * (1.0 - p);
                [q, q * (1.0 - 2.0 * p), q * (1.0 - 6.0 * p + 6.0 * p * p)]
            }
            Link::LogCosh { .. } => [1.0, 0.0, -2.0],
            Link::PseudoHuber { .. } => [1.0, 0.0, -3.0],
        }
    }

    /// Product-stability constant `α = 3 l'''(z*)² − l''(z*) l''''(z*)` (docs/math.md §6).
    pub fn alpha(&self) -> f64 {
        let [l2, l3, l4] = self.derivatives_at_min();
        3.0 * l3 * l3 - l2 * l4
    }
}

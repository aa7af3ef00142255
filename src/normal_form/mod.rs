//! The flip normal form in the normal direction: c1 by two independent formulas (docs/math.md §3),
//! the tangent drift (§4), the quantitative predictions (§5), the Hessian of λ on M (A6, §3)
//! and the fifth-order coefficient c2 of a degenerate flip (§7).
//!
//! Sign convention: the normal form is `p ↦ −(1+β)p + c1·p³` with `β = ηλ − 2`; `c1 > 0` is
//! supercritical (a stable 2-cycle with `p² ≈ β/c1` for η slightly above η*).

pub mod coefficients;
pub mod degenerate;
pub mod matrix_free;
pub mod predictions;
pub mod sharpness_on_m;

pub use coefficients::{c1_gd, c1_map, FlipCoefficients};
pub use predictions::{
    amplitude_pred, amplitude_regime, eps_rel, lambda_inf_pred, lambda_inf_regime, BETA_LOCAL,
    EPS_REL_FIRST_ORDER,
};

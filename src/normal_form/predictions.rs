//! Quantitative predictions of docs/math.md §3 and §5.

/// First-order limiting sharpness `λ∞ ≈ 2/η − η·G/(4·c1)` with `G = |Π_T g|²`, taken at the
/// point of M where λ = 2/η; `None` unless `c1 > 0`.
pub fn lambda_inf_pred(eta: f64, drift_norm: f64, c1: f64) -> Option<f64> {
    (c1 > 0.0).then(|| 2.0 / eta - eta * drift_norm * drift_norm / (4.0 * c1))
}

/// Predicted 2-cycle amplitude `√(β/c1)` with `β = ηλ − 2`; `None` where `β/c1 ≤ 0`.
pub fn amplitude_pred(beta: f64, c1: f64) -> Option<f64> {
    let r = beta / c1;
    (r > 0.0 && r.is_finite()).then(|| r.sqrt())
}

/// Largest ε_rel = η²G/(8c1) at which the first-order `lambda_inf_pred` is called in its regime
/// (docs/math.md §5: its relative error is O(ε_rel); the same bound as the clean regime of the
/// shifted branch).
pub const EPS_REL_FIRST_ORDER: f64 = 0.02;

/// Largest |β| at which `amplitude_pred` = √(β/c1) is called local (the normal form holds for
/// β → 0; the same bound as the case files' amplitude β values).
pub const BETA_LOCAL: f64 = 0.5;

/// The predicted relative gap `ε_rel = η²G/(8c1)`, `G = |Π_T g|²`, for c1 > 0.
pub fn eps_rel(eta: f64, drift_norm: f64, c1: f64) -> Option<f64> {
    let e = eta * eta * drift_norm * drift_norm / (8.0 * c1);
    (c1 > 0.0 && e.is_finite()).then_some(e)
}

/// `first_order` when `ε_rel ≤ EPS_REL_FIRST_ORDER`, else `outside_first_order` (the number
/// is then not a prediction to hold a simulation to: docs/math.md §5).
pub fn lambda_inf_regime(eps_rel: f64) -> &'static str {
    if eps_rel <= EPS_REL_FIRST_ORDER {
        "first_order"
    } else {
        "outside_first_order"
    }
}

/// `local` when `|β| ≤ BETA_LOCAL`, else `outside_local`.
pub fn amplitude_regime(beta: f64) -> &'static str {
    if beta.abs() <= BETA_LOCAL {
        "local"
    } else {
        "outside_local"
    }
}

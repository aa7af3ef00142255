//! Quantitative predictions of MATH.md §3 and §5.

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

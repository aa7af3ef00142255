//! The decisions taken on a flip point, in one place for every backend (docs/math.md §1, §3, §5).
//!
//! - *critical*: `|∇L| ≤ critical.threshold(s · max(1, |θ|))` with `s` the curvature scale
//!   `max(|λ_max|, |λ_min|)` (the spectral norm of H where both ends are known) — scale-free
//!   under `L ↦ κL`.
//! - *minimizer*: no eigenvalue below `−τ`, τ the rank threshold (for matrix-free: the smallest
//!   Ritz value, an upper bound of λ_min, so a saddle it sees is certain).
//! - *flip defined*: some positive eigenvalue (dim N ≥ 1) and a simple top eigenvalue,
//!   `λ1 − λ2 > simple.threshold(λ1)`.
//! - *c1 = 0*: `|c1| ≤ C1_ZERO_REL · scale + |c1_map − c1_gd|`, scale
//!   `(η/2)|gᵀH⁺g| + (η/6)|L4|` (relative to c1's own size, so also scale-free), plus an
//!   absolute floor of 64 ulps ([`c1_floor`]) for a scale that is itself 0; then c2
//!   (docs/math.md §7) is computed where the dense spectrum is known and Π_T g = 0, and decides
//!   when `|c2| > C2_ZERO_REL · scale(c2)`.

use super::SpectralData;
use crate::error::{Error, Result};
use crate::normal_form::FlipCoefficients;
use crate::tolerance::Tolerances;

/// Relative size below which c1 counts as zero (degenerate flip): rounding of the two
/// formulas is ~1e-15 of the c1 scale; 1e-10 leaves a wide margin.
pub const C1_ZERO_REL: f64 = 1e-10;

/// Checks that `point` has `dim` finite coordinates.
pub fn validate_point(point: &[f64], dim: usize) -> Result<()> {
    if point.len() != dim {
        return Err(Error::bad_input(
            format!(
                "the point has {} coordinates, the loss has {dim} parameters",
                point.len()
            ),
            format!("give --point with {dim} comma-separated numbers"),
        ));
    }
    if let Some(i) = point.iter().position(|x| !x.is_finite()) {
        return Err(Error::NonFinite {
            what: format!("coordinate {i} of the point is {}", point[i]),
            hint: "give finite coordinates".into(),
        });
    }
    Ok(())
}

/// Scale of the gradient at θ for convergence tests: `s · max(1, |θ|)`.
pub fn gradient_scale(curvature: f64, theta: &[f64]) -> f64 {
    let norm = theta.iter().map(|x| x * x).sum::<f64>().sqrt();
    curvature.abs().max(f64::MIN_POSITIVE) * norm.max(1.0)
}

/// The critical-point tolerance at θ for curvature scale `s` (module docs).
pub fn critical_tolerance(tol: &Tolerances, curvature: f64, theta: &[f64]) -> f64 {
    tol.critical.threshold(gradient_scale(curvature, theta))
}

/// `max(|λ_max|, |λ_min|)` over the eigenvalues the backend knows.
pub fn curvature_scale(s: &SpectralData) -> f64 {
    s.eigenvalues
        .iter()
        .chain(s.smallest.iter())
        .fold(s.sharpness.abs(), |m, x| m.max(x.abs()))
}

/// Errors with [`Error::NotAMinimizer`] when an eigenvalue lies below `−τ`.
pub fn ensure_minimizer(s: &SpectralData) -> Result<()> {
    let lowest = s
        .smallest
        .into_iter()
        .chain(s.eigenvalues.last().copied())
        .fold(f64::INFINITY, f64::min);
    if lowest < -s.rank_threshold {
        return Err(Error::NotAMinimizer {
            eigenvalue: lowest,
            tolerance: s.rank_threshold,
        });
    }
    Ok(())
}

/// Whether `λ1 − λ2 > simple.threshold(λ1)` (true when there is no λ2).
pub fn top_simple(s: &SpectralData, tol: &Tolerances) -> bool {
    s.second
        .is_none_or(|l2| s.sharpness - l2 > tol.simple.threshold(s.sharpness))
}

/// Why the flip is undefined at this point, if it is.
pub fn flip_undefined(s: &SpectralData, top_simple: bool, tol: &Tolerances) -> Option<String> {
    if s.sharpness.is_nan() || s.sharpness <= s.rank_threshold || s.normal_dim == Some(0) {
        return Some(
            "H has no positive eigenvalue at this point: no normal direction, no flip".into(),
        );
    }
    if !top_simple {
        let l2 = s.second.unwrap_or(0.0);
        return Some(format!(
            "the top eigenvalue is not simple (λ1 − λ2 = {:.3e} ≤ {:.3e}; A3 fails): v, and so c1, are undefined",
            s.sharpness - l2,
            tol.simple.threshold(s.sharpness)
        ));
    }
    None
}

/// The size against which c1's rounding is measured: `(η/2)|gᵀH⁺g| + (η/6)|L4|`.
pub fn c1_scale(c: &FlipCoefficients, eta: f64) -> f64 {
    0.5 * eta * c.g_hplus_g.abs() + eta * c.l4.abs() / 6.0
}

/// c1's error estimate: `C1_ZERO_REL · scale + |c1_map − c1_gd|` (infinite without c1_map).
pub fn c1_error(c: &FlipCoefficients, eta: f64) -> f64 {
    let spread = c.c1_map.map_or(f64::INFINITY, |m| (m - c.c1_gd).abs());
    C1_ZERO_REL * c1_scale(c, eta) + spread
}

/// An absolute rounding floor for c1 = 0, `C1_FLOOR_ULPS·ε·ηλ/max(1, |θ|)²`: where g and L4
/// vanish exactly (c1's own scale is 0) rounding of order 1e-33 must not decide the flip.
pub fn c1_floor(eta: f64, sharpness: f64, theta: &[f64]) -> f64 {
    let len = theta.iter().map(|x| x * x).sum::<f64>().sqrt().max(1.0);
    C1_FLOOR_ULPS * f64::EPSILON * (eta * sharpness).abs() / (len * len)
}

/// Multiples of ε in [`c1_floor`].
pub const C1_FLOOR_ULPS: f64 = 64.0;

/// `(supercritical, reason)`: the sign of c1 when it exceeds its error, else None with the
/// reason (a degenerate flip).
pub fn c1_decision(
    c: &FlipCoefficients,
    eta: f64,
    theta: &[f64],
) -> (Option<bool>, Option<String>) {
    let spread = c.c1_map.map_or(0.0, |m| (m - c.c1_gd).abs());
    if !c.c1_gd.is_finite() {
        return (None, Some("c1 is not finite".into()));
    }
    if c.c1_gd.abs() <= C1_ZERO_REL * c1_scale(c, eta) + spread + c1_floor(eta, 2.0 / eta, theta) {
        (
            None,
            Some(
                "c1 = 0 within rounding: degenerate flip, the cubic normal form does not decide"
                    .into(),
            ),
        )
    } else {
        (Some(c.c1_gd > 0.0), None)
    }
}

/// The fifth-order data at a degenerate flip point (module docs), where they are defined.
pub fn fifth_order<L: crate::loss::Loss>(
    loss: &L,
    fp: &super::FlipPoint,
    c: &FlipCoefficients,
) -> Option<crate::normal_form::degenerate::FifthOrder> {
    let spec = fp.spectral.spectrum.as_ref()?;
    if !crate::assumptions::a6::drift_vanishes(c, fp.sharpness()) {
        return None;
    }
    crate::normal_form::degenerate::fifth_order(loss, &fp.point, spec, fp.eta_star())
}

//! A1, A3, A4, A5 from an [`Analysis`], and the assembly of all six checks (docs/math.md §3, §5, §7).

use super::morse_bott::check_morse_bott;
use super::{CheckResult, Hypothesis, Outcome};
use crate::analyze::C1_ZERO_REL;
use crate::derivatives::line_jet;
use crate::flip::FlipPoint;
use crate::loss::Loss;
use crate::report::Analysis;
use crate::tolerance::Tolerances;

/// Relative tolerance for `|Π_T g| = 0`: the drift is zero when `|Π_T g| ≤ 1e-8 · |g|`
/// (rounding of the projection is ~1e-15·|g|; the margin covers ill-conditioned splits).
pub const DRIFT_ZERO_REL: f64 = 1e-8;

/// Runs A1–A6 for `loss` at the analysed point. `smooth_reason` states why the loss is C⁴
/// (e.g. "catalog loss built from analytic functions"); `None` leaves A1 inconclusive unless
/// the derivatives are non-finite.
pub fn check_all<L: Loss>(
    loss: &L,
    a: &Analysis,
    fp: &FlipPoint,
    smooth_reason: Option<&str>,
    tol: &Tolerances,
) -> Vec<CheckResult> {
    vec![
        check_smoothness(loss, a, smooth_reason),
        check_morse_bott(loss, fp, tol),
        check_spectral_gap(a, tol),
        check_supercritical(a),
        check_drift(a),
        super::a6::check_sharpness_minimal(loss, fp, tol),
    ]
}

/// A1: C⁴ near θ*. Declared by the loss's construction; the fourth-order jet along v (and
/// along every coordinate direction when P ≤ 50) must be finite at θ*.
pub fn check_smoothness<L: Loss>(
    loss: &L,
    a: &Analysis,
    smooth_reason: Option<&str>,
) -> CheckResult {
    let mut dirs = vec![a.top_eigvec.clone()];
    if a.point.len() <= 50 {
        for i in 0..a.point.len() {
            let mut e = vec![0.0; a.point.len()];
            e[i] = 1.0;
            dirs.push(e);
        }
    }
    let mut max_abs: f64 = 0.0;
    for d in &dirs {
        let jet = line_jet(loss, &a.point, d);
        for x in jet
            .d0
            .iter()
            .chain(jet.d1.iter())
            .chain(jet.d2.iter())
            .chain(jet.d3.iter())
        {
            max_abs = if x.is_finite() {
                max_abs.max(x.abs())
            } else {
                f64::INFINITY
            };
        }
    }
    let (outcome, detail) = match (max_abs.is_finite(), smooth_reason) {
        (false, _) => (
            Outcome::Fails,
            "a derivative of order ≤ 4 is not finite at the point".to_string(),
        ),
        (true, Some(r)) => (
            Outcome::Holds,
            format!("{r}; derivatives up to order 4 finite (max {max_abs:.3e})"),
        ),
        (true, None) => (
            Outcome::Inconclusive,
            "smoothness not declared by the loss; derivatives up to order 4 finite at the point"
                .to_string(),
        ),
    };
    CheckResult::new(
        Hypothesis::A1,
        "smoothness",
        outcome,
        Some(max_abs),
        None,
        None,
        detail,
    )
}

/// A3: λ simple and every other normal eigenvalue in (0, λ). Measured: the relative gap
/// `(λ − λ_2)/λ` against the simplicity tolerance.
pub fn check_spectral_gap(a: &Analysis, tol: &Tolerances) -> CheckResult {
    let lam = a.sharpness;
    let second = a.eigenvalues.get(1).copied().unwrap_or(0.0);
    let gap = lam - second;
    let threshold = tol.simple.threshold(lam);
    let mults = a.multipliers.as_ref().map(|m| {
        m.iter()
            .take(a.normal_dim.unwrap_or(a.eigenvalues.len()))
            .map(|x| format!("{x:.6}"))
            .collect::<Vec<_>>()
            .join(", ")
    });
    let detail = format!(
        "λ = {lam:.10e}, λ_2 = {second:.10e}, spectral_gap (normal) = {:.6e}; normal multipliers 1 − η*λ_i at η*: [{}]",
        a.spectral_gap,
        mults.unwrap_or_default()
    );
    let outcome = if a.normal_dim == Some(0) {
        Outcome::Fails
    } else if gap > threshold {
        Outcome::Holds
    } else {
        Outcome::Fails
    };
    let rel = |x: f64| if lam > 0.0 { x / lam } else { x };
    CheckResult::new(
        Hypothesis::A3,
        "spectral_gap",
        outcome,
        Some(rel(gap)),
        Some(rel(threshold)),
        Some(rel(gap - threshold)),
        detail,
    )
}

/// A4: c1 > 0 beyond its error estimate (the two formulas' spread plus rounding).
pub fn check_supercritical(a: &Analysis) -> CheckResult {
    let (Some(c1), Some(eta)) = (a.c1, a.eta_star) else {
        let why = a
            .undefined_reason
            .clone()
            .unwrap_or_else(|| "c1 undefined".into());
        return CheckResult::new(
            Hypothesis::A4,
            "supercritical_flip",
            Outcome::Inconclusive,
            None,
            None,
            None,
            why,
        );
    };
    let scale =
        0.5 * eta * a.g_hplus_g.unwrap_or(0.0).abs() + eta * a.l4.unwrap_or(0.0).abs() / 6.0;
    let spread = a.c1_map.map_or(f64::INFINITY, |m| (m - c1).abs());
    let err =
        C1_ZERO_REL * scale + spread + crate::flip::decide::c1_floor(eta, a.sharpness, &a.point);
    let detail = format!(
        "c1_gd = {c1:.12e}, c1_map = {}, error estimate {err:.3e} (formula spread + 1e-10 of the scale {scale:.3e})",
        a.c1_map.map_or("undefined".into(), |m| format!("{m:.12e}"))
    );
    if c1.abs() <= err {
        return check_fifth_order(a, detail);
    }
    let outcome = if c1 > err {
        Outcome::Holds
    } else {
        Outcome::Fails
    };
    CheckResult::new(
        Hypothesis::A4,
        "supercritical_flip",
        outcome,
        Some(c1),
        Some(err),
        Some(c1 - err),
        detail,
    )
}

/// A4 at a degenerate flip (c1 = 0): the sign of c2 decides (docs/math.md §7); inconclusive when
/// c2 is undefined or zero within its error too. Measured: c2.
fn check_fifth_order(a: &Analysis, c1_detail: String) -> CheckResult {
    let Some(c2) = a.c2 else {
        let detail = format!("{c1_detail}; c1 = 0 (degenerate flip) and c2 not computed (needs the dense spectrum and Π_T g = 0)");
        return CheckResult::new(
            Hypothesis::A4,
            "supercritical_flip",
            Outcome::Inconclusive,
            None,
            None,
            None,
            detail,
        );
    };
    let decided = a.flip_order == Some(5);
    let outcome = match (decided, c2 > 0.0) {
        (false, _) => Outcome::Inconclusive,
        (true, true) => Outcome::Holds,
        (true, false) => Outcome::Fails,
    };
    let detail = format!(
        "{c1_detail}; c1 = 0: degenerate flip, decided at fifth order by c2 = {c2:.12e} ({})",
        if decided {
            "flip_order 5"
        } else {
            "c2 = 0 within its error too"
        }
    );
    CheckResult::new(
        Hypothesis::A4,
        "supercritical_flip",
        outcome,
        Some(c2),
        None,
        None,
        detail,
    )
}

/// A5: Π_T g ≠ 0 beyond `DRIFT_ZERO_REL · |g|`.
pub fn check_drift(a: &Analysis) -> CheckResult {
    let (Some(dn), Some(g)) = (a.drift_norm, a.g.as_ref()) else {
        let why = a
            .undefined_reason
            .clone()
            .unwrap_or_else(|| "drift undefined".into());
        return CheckResult::new(
            Hypothesis::A5,
            "transversal_drift",
            Outcome::Inconclusive,
            None,
            None,
            None,
            why,
        );
    };
    let gnorm = g.iter().map(|x| x * x).sum::<f64>().sqrt();
    let threshold = (DRIFT_ZERO_REL * gnorm).max(1e-300);
    if a.tangent_dim == Some(0) {
        let detail = "isolated minimizer: T = {0}, no drift (the 2-cycle result applies, not the convergence theorem)".to_string();
        return CheckResult::new(
            Hypothesis::A5,
            "transversal_drift",
            Outcome::Fails,
            Some(dn),
            Some(threshold),
            Some(dn - threshold),
            detail,
        );
    }
    let outcome = if dn > threshold {
        Outcome::Holds
    } else {
        Outcome::Fails
    };
    let detail = format!("|Π_T g| = {dn:.6e}, |g| = {gnorm:.6e}, zero below {threshold:.3e}");
    CheckResult::new(
        Hypothesis::A5,
        "transversal_drift",
        outcome,
        Some(dn),
        Some(threshold),
        Some(dn - threshold),
        detail,
    )
}

//! A6 "sharpness minimal on M" (docs/math.md §3, §5; `theorems/sharpness_on_manifold.md`): where
//! m > 0 and Π_T g = 0, the 2-cycle with `p² ≈ β/c1` is stable only if `Hess_M λ(θ*) ≻ 0`.
//!
//! Verdict from the smallest eigenvalue μ_min of the exact `Hess_M λ`
//! ([`sharpness_hessian`]) against `A6_ZERO_REL · scale` (scale: the largest entry of its
//! three parts): `holds` when μ_min is above it, `fails` when below its negative,
//! `inconclusive` in between; `not_applicable` where m = 0 or Π_T g ≠ 0 (there is no 2-cycle
//! on M to stabilise: the drift of §4 moves the foot point).

use super::checks::DRIFT_ZERO_REL;
use super::{CheckResult, Hypothesis, Outcome};
use crate::flip::{FlipPoint, DENSE_MAX};
use crate::loss::Loss;
use crate::normal_form::sharpness_on_m::{sharpness_hessian, ManifoldHessian};
use crate::spectrum::Spectrum;
use crate::tolerance::Tolerances;

/// Relative size below which an eigenvalue of `Hess_M λ` counts as zero.
pub const A6_ZERO_REL: f64 = 1e-8;

/// `|Π_T g| ≤ DRIFT_ZERO_REL · max(|g|, λ)`: the drift vanishes (the λ floor keeps a g that
/// is itself zero up to rounding, e.g. in rotated coordinates, from deciding "drift").
pub fn drift_vanishes(c: &crate::normal_form::FlipCoefficients, sharpness: f64) -> bool {
    c.drift.norm() <= DRIFT_ZERO_REL * c.g.norm().max(sharpness.abs())
}

/// Whether A6 applies at `fp`: the flip is defined, m > 0 and the drift vanishes
/// ([`drift_vanishes`]).
/// `Err(reason)` when it does not.
pub fn applicable(fp: &FlipPoint) -> Result<(), String> {
    let Some(c) = fp.coefficients.as_ref() else {
        return Err(fp
            .undefined_reason
            .clone()
            .unwrap_or_else(|| "flip undefined".into()));
    };
    match fp.spectral.tangent_dim {
        Some(0) => return Err("isolated minimizer (m = 0): no manifold to be minimal on".into()),
        None => return Err("the backend gives no tangent/normal split".into()),
        Some(_) => {}
    }
    let dn = c.drift.norm();
    if !drift_vanishes(c, fp.sharpness()) {
        return Err(format!(
            "Π_T g ≠ 0 (|Π_T g| = {dn:.3e}): the oscillation drifts along M, no 2-cycle at θ*"
        ));
    }
    Ok(())
}

/// `Hess_M λ` at `fp` (dense spectrum, rebuilt when the backend had none and P allows).
pub fn manifold_hessian<L: Loss>(
    loss: &L,
    fp: &FlipPoint,
    tol: &Tolerances,
) -> Result<Option<ManifoldHessian>, String> {
    let c = fp.coefficients.as_ref().ok_or("flip undefined")?;
    let rebuilt: Spectrum;
    let spec = match fp.spectral.spectrum.as_ref() {
        Some(s) => s,
        None if fp.point.len() <= DENSE_MAX => {
            let (h, _) = crate::spectrum::dense_hessian(loss, &fp.point);
            rebuilt = Spectrum::of_symmetric(h, &tol.rank).map_err(|e| e.to_string())?;
            &rebuilt
        }
        None => return Err(format!("needs the dense spectrum (P ≤ {DENSE_MAX})")),
    };
    Ok(sharpness_hessian(loss, &fp.point, spec, &c.g))
}

/// The A6 outcome of a Hessian: (outcome, μ_min, tolerance).
pub fn judge(h: &ManifoldHessian) -> (Outcome, f64, f64) {
    let mu = h.min_eigenvalue();
    let tol = A6_ZERO_REL * h.scale.max(f64::MIN_POSITIVE);
    let o = if mu > tol {
        Outcome::Holds
    } else if mu < -tol {
        Outcome::Fails
    } else {
        Outcome::Inconclusive
    };
    (o, mu, tol)
}

/// A6 at `fp` (module docs).
pub fn check_sharpness_minimal<L: Loss>(loss: &L, fp: &FlipPoint, tol: &Tolerances) -> CheckResult {
    let result = |o, m: Option<f64>, t: Option<f64>, detail: String| {
        let margin = m.zip(t).map(|(m, t): (f64, f64)| m - t);
        CheckResult::new(
            Hypothesis::A6,
            "sharpness_minimal_on_m",
            o,
            m,
            t,
            margin,
            detail,
        )
    };
    if let Err(why) = applicable(fp) {
        return result(
            Outcome::NotApplicable,
            None,
            None,
            format!("not applicable: {why}"),
        );
    }
    match manifold_hessian(loss, fp, tol) {
        Err(why) => result(Outcome::Inconclusive, None, None, why),
        Ok(None) => result(
            Outcome::NotApplicable,
            None,
            None,
            "not applicable: T = {0}".into(),
        ),
        Ok(Some(h)) => {
            let (o, mu, t) = judge(&h);
            let eig: Vec<String> = h.eigenvalues.iter().map(|x| format!("{x:.10e}")).collect();
            let detail = format!(
                "Hess_M λ eigenvalues [{}] (m = {}), zero within {t:.3e}; curvature part ⟨∇λ, II⟩ up to {:.3e}",
                eig.join(", "),
                h.dim,
                h.curvature_part
            );
            result(o, Some(mu), Some(t), detail)
        }
    }
}

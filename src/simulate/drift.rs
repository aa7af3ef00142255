//! Validation 2 of issue 4: the tangent drift (docs/math.md §4). At η = η* = 2/λ, two GD steps from
//! `θ* + p·v` move along M by `Π_T(F(F(θ)) − θ) = −η p² Π_T g + O(η p³)`.
//!
//! For `p` on a geometric sequence the measured `D(p) = Π_T(F(F(θ)) − θ)/p²` is compared with
//! `−η Π_T g`: direction cosine, magnitude ratio `|D|/|η Π_T g|`, and relative error
//! `|D + η Π_T g|/|η Π_T g|`, which is O(p): its fitted order in `p` should be ≥ 1. Rounding
//! adds ~1e-16/p² to the relative error, negligible for p ≥ 1e-4.

use crate::error::Result;
use crate::loss::Loss;
use crate::simulate::cycle::two_step_residual;
use crate::simulate::local::{flip_point, undefined, LocalFlip};
use crate::simulate::{fit_order, geometric, OrderFit, Outcome};
use crate::tolerance::Tolerances;
use nalgebra::DVector;
use serde::{Deserialize, Serialize};

/// Options of the drift validation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DriftOptions {
    /// Normal amplitudes p (absolute), e.g. `0.1, 0.05, …` (8 points).
    pub ps: Vec<f64>,
    /// The smallest p must reach a direction cosine `≥ min_cosine`.
    pub min_cosine: f64,
    /// Passes when the fitted order is `≥ 1 − order_tol`.
    pub order_tol: f64,
    /// `Π_T g` counts as zero when `|Π_T g| ≤ drift_rel_tol · max(|g|, λ)`.
    pub drift_rel_tol: f64,
    /// Tolerances for the spectrum at θ*.
    pub tolerances: Tolerances,
}

impl Default for DriftOptions {
    fn default() -> Self {
        DriftOptions {
            ps: geometric(0.1, 0.5, 8),
            min_cosine: 0.999,
            order_tol: 0.3,
            drift_rel_tol: 1e-8,
            tolerances: Tolerances::default(),
        }
    }
}

/// One p of the drift validation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DriftPoint {
    /// Normal amplitude p.
    pub p: f64,
    /// `D(p) = Π_T(F(F(θ* + p v)) − θ* − p v)/p²`.
    pub displacement: Vec<f64>,
    /// `⟨D, −ηΠ_T g⟩ / (|D| |ηΠ_T g|)`.
    pub cosine: f64,
    /// `|D| / |η Π_T g|`.
    pub magnitude_ratio: f64,
    /// `|D + η Π_T g| / |η Π_T g|`.
    pub rel_error: f64,
}

/// The drift validation at one point of M.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DriftCheck {
    /// θ*.
    pub point: Vec<f64>,
    /// η = η* = 2/λ (null when the flip is undefined: see `note`).
    pub eta: Option<f64>,
    /// |Π_T g| (null when the flip is undefined).
    pub drift_norm: Option<f64>,
    /// The prediction `−η Π_T g`.
    pub predicted: Vec<f64>,
    /// One entry per p.
    pub points: Vec<DriftPoint>,
    /// Fitted order of `rel_error` in p.
    pub order: Option<OrderFit>,
    /// Verdict.
    pub outcome: Outcome,
    /// Why, in words.
    pub note: String,
}

/// Runs validation 2 at θ* (a point of M with a simple top eigenvalue).
pub fn tangent_drift<L: Loss>(
    loss: &L,
    theta_star: &[f64],
    opts: &DriftOptions,
) -> Result<DriftCheck> {
    let fp = flip_point(loss, theta_star, &opts.tolerances)?;
    tangent_drift_at(loss, fp, None, opts)
}

/// Validation 2 at a flip point built once (by the analysis).
pub fn tangent_drift_at<L: Loss>(
    loss: &L,
    fp: crate::flip::FlipPoint,
    structure: Option<&dyn crate::flip::GaussNewtonStructure>,
    opts: &DriftOptions,
) -> Result<DriftCheck> {
    let theta_star = fp.point.clone();
    let theta_star = theta_star.as_slice();
    if let Some(why) = undefined(&fp) {
        return Ok(DriftCheck {
            point: theta_star.to_vec(),
            eta: None,
            drift_norm: None,
            predicted: vec![],
            points: vec![],
            order: None,
            outcome: Outcome::Inconclusive,
            note: why,
        });
    }
    let eta = fp.eta_star();
    let flip = LocalFlip::from_flip(fp, eta)?;
    let pred: DVector<f64> = &flip.coefficients().drift * (-eta);
    let mut check = DriftCheck {
        point: theta_star.to_vec(),
        eta: Some(eta),
        drift_norm: Some(flip.coefficients().drift.norm()),
        predicted: pred.as_slice().to_vec(),
        points: vec![],
        order: None,
        outcome: Outcome::Inconclusive,
        note: String::new(),
    };
    // Π_T from the dense spectrum, or through the Gauss–Newton factor (no P × P matrix).
    let gn = match (flip.spectrum(), structure) {
        (None, Some(s)) if flip.flip.backend == crate::flip::Backend::GaussNewton => Some(
            crate::flip::gauss_newton::TangentProjector::new(s, theta_star, &opts.tolerances),
        ),
        _ => None,
    };
    let project = |x: &DVector<f64>| -> Option<DVector<f64>> {
        match (flip.spectrum(), &gn) {
            (Some(sp), _) => Some(sp.project_tangent(x)),
            (None, Some(pr)) => Some(pr.project(x)),
            _ => None,
        }
    };
    if project(&DVector::zeros(theta_star.len())).is_none() {
        check.note =
            "the drift validation needs Π_T: a dense spectrum or the Gauss–Newton factor".into();
        return Ok(check);
    }
    if flip.tangent_dim() == Some(0) || flip.drift_vanishes(opts.drift_rel_tol) {
        check.note = "Π_T g = 0 (or no tangent space): there is no drift to compare".into();
        return Ok(check);
    }
    let v = flip.v();
    let theta0 = DVector::from_column_slice(theta_star);
    for &p in &opts.ps {
        let theta = &theta0 + &v * p;
        let g = two_step_residual(loss, &theta, eta);
        let d = project(&g).expect("checked above") / (p * p);
        if d.iter().any(|x| !x.is_finite()) {
            continue; // outside the loss's domain at this p: no measurement
        }
        let (dn, pn) = (d.norm(), pred.norm());
        let cosine = if dn > 0.0 {
            d.dot(&pred) / (dn * pn)
        } else {
            0.0
        };
        check.points.push(DriftPoint {
            p,
            displacement: d.as_slice().to_vec(),
            cosine: if cosine.is_finite() { cosine } else { 0.0 },
            magnitude_ratio: dn / pn,
            rel_error: (&d - &pred).norm() / pn,
        });
    }
    let ps: Vec<f64> = check.points.iter().map(|x| x.p).collect();
    let errs: Vec<f64> = check.points.iter().map(|x| x.rel_error).collect();
    check.order = fit_order(&ps, &errs);
    let smallest = check
        .points
        .iter()
        .min_by(|a, b| a.p.total_cmp(&b.p))
        .map(|x| x.cosine)
        .unwrap_or(0.0);
    let order_ok = check.order.is_some_and(|f| f.order >= 1.0 - opts.order_tol);
    check.outcome = match (check.order, order_ok && smallest >= opts.min_cosine) {
        (None, _) => Outcome::Inconclusive,
        (Some(_), true) => Outcome::Pass,
        (Some(_), false) => Outcome::Fail,
    };
    check.note = format!(
        "cosine {smallest:.6} at the smallest p; relative error ~ p^{:.3} (expected ≥ 1)",
        check.order.map_or(f64::NAN, |f| f.order)
    );
    Ok(check)
}

//! The analysis pipeline: point → (refinement onto M) → [`FlipPoint`] (one backend: spectrum,
//! flip coefficients, decisions) → predictions (docs/math.md §1–5). Returns an [`Analysis`]; never
//! prints.

use crate::error::{Error, Result};
use crate::flip::{BackendChoice, FlipPoint, GaussNewtonStructure, DENSE_MAX};
use crate::loss::Loss;
use crate::manifold::refine::{refine, Refined};
use crate::normal_form::{
    amplitude_pred, amplitude_regime, eps_rel, lambda_inf_pred, lambda_inf_regime,
};
use crate::report::{Analysis, LossInfo, CONVENTION, SCHEMA_VERSION};
use crate::tolerance::Tolerances;

pub use crate::flip::decide::{validate_point, C1_ZERO_REL};

/// Options of one analysis.
#[derive(Debug, Clone, PartialEq)]
pub struct AnalyzeOptions {
    /// Refine the point onto M first.
    pub refine: bool,
    /// Maximum refinement steps.
    pub max_refine_iter: usize,
    /// A step η for which to predict β and the 2-cycle amplitude.
    pub eta: Option<f64>,
    /// Tolerances.
    pub tolerances: Tolerances,
    /// The backend.
    pub backend: BackendChoice,
}

impl Default for AnalyzeOptions {
    fn default() -> Self {
        AnalyzeOptions {
            refine: false,
            max_refine_iter: 100,
            eta: None,
            tolerances: Tolerances::default(),
            backend: BackendChoice::Auto,
        }
    }
}

/// Analyses `loss` at `point` (docs/math.md §1–5).
pub fn analyze<L: Loss>(
    loss: &L,
    info: LossInfo,
    point: &[f64],
    opts: &AnalyzeOptions,
) -> Result<Analysis> {
    analyze_point(loss, info, point, opts, None).map(|(a, _)| a)
}

/// Analyses `loss` at `point` and returns the flip point beside the report; `structure` is
/// the loss's Gauss–Newton structure, when it has one.
pub fn analyze_point<L: Loss>(
    loss: &L,
    info: LossInfo,
    point: &[f64],
    opts: &AnalyzeOptions,
    structure: Option<&dyn GaussNewtonStructure>,
) -> Result<(Analysis, FlipPoint)> {
    validate_point(point, loss.dim())?;
    if let Some(eta) = opts.eta {
        if !(eta.is_finite() && eta > 0.0) {
            return Err(Error::bad_input(
                format!("step --eta {eta} is not a positive finite number"),
                "give eta > 0",
            ));
        }
    }
    let tol = &opts.tolerances;
    let refinement: Option<Refined> = if opts.refine {
        if point.len() > DENSE_MAX {
            return Err(Error::bad_input(
                format!(
                    "--refine works on the dense Hessian, limited to P ≤ {DENSE_MAX} (P = {})",
                    point.len()
                ),
                "give a point of M (for a network: eosflip fit writes one)",
            ));
        }
        Some(refine(loss, point, tol, opts.max_refine_iter)?)
    } else {
        None
    };
    let theta: Vec<f64> = refinement
        .as_ref()
        .map_or_else(|| point.to_vec(), |r| r.point.clone());
    let fp = FlipPoint::build(loss, &theta, opts.backend, structure, tol)?;
    let a = report(info, refinement, &fp, opts.eta, tol);
    Ok((a, fp))
}

/// The typed report of a flip point (docs/math.md §8 names).
pub fn report(
    info: LossInfo,
    refinement: Option<Refined>,
    fp: &FlipPoint,
    eta: Option<f64>,
    tol: &Tolerances,
) -> Analysis {
    let s = &fp.spectral;
    let eta_star =
        (s.sharpness > s.rank_threshold && s.normal_dim != Some(0)).then(|| fp.eta_star());
    let c = fp.coefficients.as_ref();
    let c1 = c.map(|c| c.c1_gd);
    let drift_norm = c.map(|c| c.drift.norm());
    let scale = c.map(|c| crate::flip::decide::c1_scale(c, fp.eta_star()));
    let (lambda_inf_pred, eps) = match (fp.supercritical, c1, drift_norm) {
        (Some(true), Some(c1), Some(dn)) => (
            lambda_inf_pred(fp.eta_star(), dn, c1),
            eps_rel(fp.eta_star(), dn, c1),
        ),
        _ => (None, None),
    };
    let beta = eta.map(|e| e * s.sharpness - 2.0);
    let amp = match (beta, fp.supercritical, c1) {
        (Some(b), Some(_), Some(c1)) => amplitude_pred(b, c1),
        _ => None,
    };
    Analysis {
        schema_version: SCHEMA_VERSION,
        loss: info,
        backend: fp.backend,
        refinement,
        point: fp.point.clone(),
        grad_norm: fp.grad_norm,
        hessian_asymmetry: s.hessian_asymmetry,
        sharpness: s.sharpness,
        eta_star,
        top_eigvec: s.top_eigvec.as_slice().to_vec(),
        top_residual: s.top_residual,
        eigenvalues: s.eigenvalues.clone(),
        multipliers: eta_star.map(|e| s.eigenvalues.iter().map(|l| 1.0 - e * l).collect()),
        normal_dim: s.normal_dim,
        tangent_dim: s.tangent_dim,
        rank_threshold: s.rank_threshold,
        top_simple: fp.top_simple,
        spectral_gap: s.sharpness
            - if s.normal_dim.is_none_or(|n| n >= 2) {
                s.second.unwrap_or(0.0)
            } else {
                0.0
            },
        g: c.map(|c| c.g.as_slice().to_vec()),
        l4: c.map(|c| c.l4),
        g_hplus_g: c.map(|c| c.g_hplus_g),
        c1,
        c1_map: c.and_then(|c| c.c1_map),
        c1_gd: c1,
        c1_rel_spread: c.and_then(|c| {
            let sc = scale.unwrap_or(0.0);
            c.c1_map.map(|m| {
                if sc > 0.0 {
                    (m - c.c1_gd).abs() / sc
                } else {
                    (m - c.c1_gd).abs()
                }
            })
        }),
        c1_two_step: c1.map(|c| -2.0 * c),
        supercritical: fp.supercritical,
        c2: fp.c2(),
        flip_order: fp.flip_order(),
        drift: c.map(|c| c.drift.as_slice().to_vec()),
        drift_norm,
        lambda_inf_pred,
        eps_rel: lambda_inf_pred.and(eps),
        regime: lambda_inf_pred
            .and(eps)
            .map(|e| lambda_inf_regime(e).to_string()),
        eta,
        beta: eta.map(|e| e * s.sharpness - 2.0),
        amplitude_pred: amp,
        amplitude_beta: amp.and(beta),
        amplitude_regime: amp.and(beta).map(|b| amplitude_regime(b).to_string()),
        undefined_reason: fp.undefined_reason.clone(),
        solver: fp.solver.clone(),
        tolerances: *tol,
        convention: CONVENTION.to_string(),
    }
}

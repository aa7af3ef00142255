//! The analysis pipeline: point → (refinement onto M) → spectrum → flip coefficients →
//! predictions (MATH.md §1–5). Returns an [`Analysis`]; never prints.

use crate::derivatives::gradient;
use crate::error::{Error, Result};
use crate::loss::Loss;
use crate::manifold::refine::{gradient_scale, refine, Refined};
use crate::normal_form::{amplitude_pred, lambda_inf_pred, FlipCoefficients};
use crate::report::{Analysis, LossInfo, CONVENTION, SCHEMA_VERSION};
use crate::spectrum::{dense_hessian, Spectrum};
use crate::tolerance::Tolerances;

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
}

impl Default for AnalyzeOptions {
    fn default() -> Self {
        AnalyzeOptions {
            refine: false,
            max_refine_iter: 100,
            eta: None,
            tolerances: Tolerances::default(),
        }
    }
}

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

/// Analyses `loss` at `point` (MATH.md §1–5).
pub fn analyze<L: Loss>(
    loss: &L,
    info: LossInfo,
    point: &[f64],
    opts: &AnalyzeOptions,
) -> Result<Analysis> {
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
        Some(refine(loss, point, tol, opts.max_refine_iter)?)
    } else {
        None
    };
    let theta: Vec<f64> = refinement
        .as_ref()
        .map_or_else(|| point.to_vec(), |r| r.point.clone());
    let grad = gradient(loss, &theta);
    if grad.iter().any(|x| !x.is_finite()) {
        return Err(Error::NonFinite {
            what: "the gradient is not finite at the point".into(),
            hint: "choose a point inside the loss's domain".into(),
        });
    }
    let (h, hessian_asymmetry) = dense_hessian(loss, &theta);
    let spec = Spectrum::of_symmetric(h, &tol.rank)?;
    let lmax_abs = spec.eigenvalues.iter().fold(0.0f64, |m, x| m.max(x.abs()));
    let grad_norm = grad.norm();
    let crit = tol.critical.threshold(gradient_scale(lmax_abs, &theta));
    if grad_norm > crit {
        return Err(Error::NotCritical {
            grad_norm,
            tolerance: crit,
        });
    }
    if let Some(neg) = spec.most_negative() {
        return Err(Error::NotAMinimizer {
            eigenvalue: neg,
            tolerance: spec.rank_threshold,
        });
    }
    let mut a = base_report(
        info,
        refinement,
        &theta,
        grad_norm,
        hessian_asymmetry,
        &spec,
        tol,
    );
    a.eta = opts.eta;
    if spec.normal_dim == 0 {
        a.undefined_reason =
            Some("H has no positive eigenvalue at this point: no normal direction, no flip".into());
        return Ok(a);
    }
    let eta_star = 2.0 / spec.sharpness();
    a.eta_star = Some(eta_star);
    a.multipliers = Some(
        spec.eigenvalues
            .iter()
            .map(|l| 1.0 - eta_star * l)
            .collect(),
    );
    a.beta = opts.eta.map(|eta| eta * spec.sharpness() - 2.0);
    if !a.top_simple {
        a.undefined_reason = Some(format!(
            "the top eigenvalue is not simple (λ1 − λ2 = {:.3e} ≤ {:.3e}): v, and so c1, are undefined",
            spec.eigenvalues[0] - spec.eigenvalues[1],
            tol.simple.threshold(spec.eigenvalues[0])
        ));
        return Ok(a);
    }
    fill_flip(
        &mut a,
        &FlipCoefficients::compute(loss, &theta, &spec, eta_star),
        eta_star,
    );
    Ok(a)
}

fn base_report(
    info: LossInfo,
    refinement: Option<Refined>,
    theta: &[f64],
    grad_norm: f64,
    hessian_asymmetry: f64,
    spec: &Spectrum,
    tol: &Tolerances,
) -> Analysis {
    Analysis {
        schema_version: SCHEMA_VERSION,
        loss: info,
        refinement,
        point: theta.to_vec(),
        grad_norm,
        hessian_asymmetry,
        sharpness: spec.sharpness(),
        eta_star: None,
        top_eigvec: spec.top_eigvec().as_slice().to_vec(),
        eigenvalues: spec.eigenvalues.clone(),
        multipliers: None,
        normal_dim: spec.normal_dim,
        tangent_dim: spec.tangent_dim,
        rank_threshold: spec.rank_threshold,
        top_simple: spec.top_is_simple(&tol.simple),
        spectral_gap: spec.spectral_gap(),
        g: None,
        l4: None,
        g_hplus_g: None,
        c1: None,
        c1_map: None,
        c1_gd: None,
        c1_rel_spread: None,
        c1_two_step: None,
        supercritical: None,
        drift: None,
        drift_norm: None,
        lambda_inf_pred: None,
        eta: None,
        beta: None,
        amplitude_pred: None,
        undefined_reason: None,
        tolerances: *tol,
        convention: CONVENTION.to_string(),
    }
}

/// Relative size below which c1 counts as zero (degenerate flip): rounding of the two
/// formulas is ~1e-15 of the c1 scale; 1e-10 leaves a wide margin.
pub const C1_ZERO_REL: f64 = 1e-10;

fn fill_flip(a: &mut Analysis, f: &FlipCoefficients, eta_star: f64) {
    let c1 = f.c1_gd;
    let scale = f.c1_scale(eta_star);
    let drift_norm = f.drift.norm();
    a.g = Some(f.g.as_slice().to_vec());
    a.l4 = Some(f.l4);
    a.g_hplus_g = Some(f.g_hplus_g);
    a.c1 = Some(c1);
    a.c1_gd = Some(c1);
    a.c1_map = f.c1_map;
    a.c1_rel_spread = f.c1_map.map(|m| {
        if scale > 0.0 {
            (m - c1).abs() / scale
        } else {
            (m - c1).abs()
        }
    });
    a.c1_two_step = Some(-2.0 * c1);
    let spread_abs = a.c1_rel_spread.unwrap_or(0.0) * scale;
    a.supercritical = if c1.abs() <= C1_ZERO_REL * scale + spread_abs {
        a.undefined_reason = Some(
            "c1 = 0 within rounding: degenerate flip, the cubic normal form does not decide".into(),
        );
        None
    } else {
        Some(c1 > 0.0)
    };
    a.drift = Some(f.drift.as_slice().to_vec());
    a.drift_norm = Some(drift_norm);
    a.lambda_inf_pred = if a.supercritical == Some(true) {
        lambda_inf_pred(eta_star, drift_norm, c1)
    } else {
        None
    };
    a.amplitude_pred = match (a.beta, a.supercritical) {
        (Some(beta), Some(_)) => amplitude_pred(beta, c1),
        _ => None,
    };
}

/// The matrix-free analysis (`eosflip analyze --matrix-free`): λ, v, c1 by both formulas and
/// the drift from Hessian-vector products only ([`crate::normal_form::matrix_free`]).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct MatrixFreeAnalysis {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// `"matrix_free"`.
    pub mode: String,
    /// The loss.
    pub loss: LossInfo,
    /// The point.
    pub point: Vec<f64>,
    /// |∇L| there.
    pub grad_norm: f64,
    /// η* = 2/λ.
    pub eta_star: f64,
    /// The flip data (c1 for η*).
    pub flip: crate::normal_form::matrix_free::MatrixFreeFlip,
    /// |c1_map − c1_gd| / c1 scale.
    pub c1_rel_spread: f64,
    /// c1 > 0 (None when zero within rounding).
    pub supercritical: Option<bool>,
    /// |Π_T g|.
    pub drift_norm: f64,
    /// First-order λ∞ (c1 > 0 only).
    pub lambda_inf_pred: Option<f64>,
    /// What is not checked without the dense spectrum.
    pub note: String,
    /// The sign convention.
    pub convention: String,
}

/// Analyses `loss` at `point` with HVPs only (no dense Hessian, no refinement). The point must
/// be critical; that it is a minimizer (H ⪰ 0, A2) is not checked here.
pub fn analyze_matrix_free<L: Loss>(
    loss: &L,
    info: LossInfo,
    point: &[f64],
    opts: &crate::normal_form::matrix_free::MatrixFreeOptions,
    tol: &Tolerances,
) -> Result<MatrixFreeAnalysis> {
    validate_point(point, loss.dim())?;
    let grad_norm = gradient(loss, point).norm();
    if !grad_norm.is_finite() {
        return Err(Error::NonFinite {
            what: "the gradient is not finite at the point".into(),
            hint: "choose a point inside the loss's domain".into(),
        });
    }
    let flip = crate::normal_form::matrix_free::flip_matrix_free(loss, point, None, opts);
    let lam = flip.sharpness;
    let crit = tol.critical.threshold(gradient_scale(lam.abs(), point));
    if grad_norm > crit {
        return Err(Error::NotCritical {
            grad_norm,
            tolerance: crit,
        });
    }
    if !(lam > 0.0 && lam.is_finite()) {
        return Err(Error::bad_input(
            format!("the top Hessian eigenvalue is {lam:.6e}: no flip to analyse"),
            "give a point of M with a positive sharpness",
        ));
    }
    let eta_star = 2.0 / lam;
    let scale = 0.5 * eta_star * flip.g_hplus_g.abs() + eta_star * flip.l4.abs() / 6.0;
    let spread = (flip.c1_map - flip.c1_gd).abs();
    let c1 = flip.c1_gd;
    let supercritical = (c1.abs() > C1_ZERO_REL * scale + spread).then_some(c1 > 0.0);
    let drift_norm = flip.drift.iter().map(|x| x * x).sum::<f64>().sqrt();
    Ok(MatrixFreeAnalysis {
        schema_version: SCHEMA_VERSION,
        mode: "matrix_free".into(),
        loss: info,
        point: point.to_vec(),
        grad_norm,
        eta_star,
        c1_rel_spread: if scale > 0.0 { spread / scale } else { spread },
        supercritical,
        drift_norm,
        lambda_inf_pred: (supercritical == Some(true))
            .then(|| lambda_inf_pred(eta_star, drift_norm, c1))
            .flatten(),
        note: format!(
            "Lanczos {} and CGLS {}: {} HVPs in all{}; not checked without the dense spectrum: \
             H positive semi-definite and ker H = T M (A2), the rank split, a simple top \
             eigenvalue (A3; λ2 ≈ {} from Lanczos)",
            flip.lanczos_iterations,
            flip.cg_iterations,
            flip.hvps,
            if flip.converged {
                ""
            } else {
                " (NOT converged: see the residuals)"
            },
            flip.second.map_or("?".into(), |s| format!("{s:.6e}")),
        ),
        flip,
        convention: CONVENTION.to_string(),
    })
}

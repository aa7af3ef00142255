//! The dense backend: H from P Hessian-vector products, its eigen-decomposition, and the flip
//! coefficients in the eigenbasis (docs/math.md §1, §3, §4).

use super::{SolverInfo, SpectralData};
use crate::derivatives::hvp;
use crate::error::Result;
use crate::loss::Loss;
use crate::normal_form::FlipCoefficients;
use crate::spectrum::{dense_hessian, Spectrum};
use crate::tolerance::Tolerances;

/// Spectrum and coefficients by the dense path.
pub fn build<L: Loss>(
    loss: &L,
    theta: &[f64],
    tol: &Tolerances,
) -> Result<(SpectralData, Option<FlipCoefficients>, SolverInfo)> {
    let (h, asym) = dense_hessian(loss, theta);
    let spec = Spectrum::of_symmetric(h, &tol.rank)?;
    let p = theta.len();
    let v = spec.top_eigvec();
    let lam = spec.sharpness();
    let residual = (hvp(loss, theta, v.as_slice()) - &v * lam).norm();
    let data = SpectralData {
        sharpness: lam,
        top_eigvec: v,
        top_residual: residual,
        eigenvalues: spec.eigenvalues.clone(),
        second: spec.eigenvalues.get(1).copied(),
        smallest: spec.eigenvalues.last().copied(),
        normal_dim: Some(spec.normal_dim),
        tangent_dim: Some(spec.tangent_dim),
        rank_threshold: spec.rank_threshold,
        spectrum: None,
        hessian_asymmetry: Some(asym),
    };
    let defined = spec.normal_dim > 0 && spec.top_is_simple(&tol.simple);
    let coefficients = defined.then(|| FlipCoefficients::compute(loss, theta, &spec, 2.0 / lam));
    let data = SpectralData {
        spectrum: Some(spec),
        ..data
    };
    let solver = SolverInfo {
        hvps: p + 1,
        converged: true,
        ..SolverInfo::default()
    };
    Ok((data, coefficients, solver))
}

//! The matrix-free backend: Lanczos on HVPs for λ, v and λ2, CGLS restricted to N for H⁺g and
//! the drift (docs/math.md §3, §4; the passes are those of [`crate::normal_form::matrix_free`]). No
//! P × P matrix is formed. The rank split is not computed, so dim N and dim T are unknown;
//! the smallest Ritz value bounds λ_min from above, so a saddle it sees is refused.

use super::{SolverInfo, SpectralData};
use crate::error::Result;
use crate::loss::Loss;
use crate::normal_form::matrix_free::{flip_matrix_free, MatrixFreeOptions};
use crate::normal_form::FlipCoefficients;
use crate::tolerance::Tolerances;
use nalgebra::DVector;

/// Spectrum and coefficients from HVPs only.
pub fn build<L: Loss>(
    loss: &L,
    theta: &[f64],
    _grad: &DVector<f64>,
    tol: &Tolerances,
) -> Result<(SpectralData, Option<FlipCoefficients>, SolverInfo)> {
    let f = flip_matrix_free(loss, theta, None, &MatrixFreeOptions::default());
    let lam = f.sharpness;
    let data = SpectralData {
        sharpness: lam,
        top_eigvec: DVector::from_column_slice(&f.top_eigvec),
        top_residual: f.lanczos_residual,
        eigenvalues: f.ritz.clone(),
        second: f.second,
        smallest: Some(f.smallest_ritz),
        normal_dim: None,
        tangent_dim: None,
        rank_threshold: tol.rank.threshold(lam),
        spectrum: None,
        hessian_asymmetry: None,
    };
    let coefficients = FlipCoefficients {
        g: DVector::from_column_slice(&f.g),
        l4: f.l4,
        g_hplus_g: f.g_hplus_g,
        c1_gd: f.c1_gd,
        c1_map: Some(f.c1_map),
        drift: DVector::from_column_slice(&f.drift),
    };
    let solver = SolverInfo {
        hvps: f.hvps,
        lanczos_iterations: Some(f.lanczos_iterations),
        cg_iterations: Some(f.cg_iterations),
        cg_relative_residual: Some(f.cg_relative_residual),
        gn_rows: None,
        gn_full_rank: None,
        converged: f.converged,
        note: Some(
            "matrix-free: the rank split (dim N, dim T) is not computed; λ2 is the second Ritz value; \
             A2 needs the dense or Gauss–Newton backend"
                .into(),
        ),
    };
    Ok((data, Some(coefficients), solver))
}

//! The matrix-free backend: Lanczos on HVPs for λ, v and λ2, CGLS restricted to N for H⁺g and
//! the drift (docs/math.md §3, §4; the passes are those of [`crate::normal_form::matrix_free`]). No
//! P × P matrix is formed. The rank split is not computed, so dim N and dim T are unknown;
//! the smallest Ritz value bounds λ_min from above, so a saddle it sees is refused.
//!
//! Lanczos from one start vector sees one copy of a repeated eigenvalue only (the Krylov space
//! meets its eigenspace in one direction), so its second Ritz value cannot tell a repeated top
//! eigenvalue. λ2 is therefore the top eigenvalue of the *deflated* Hessian `H − λ v vᵀ`
//! ([`Deflated`], a second Lanczos run from another start vector): it equals λ when λ is
//! repeated, and the dense backend's λ2 otherwise, so A3 is decided the same way.

use super::{SolverInfo, SpectralData};
use crate::error::Result;
use crate::loss::{Loss, Scalar};
use crate::normal_form::matrix_free::{flip_matrix_free, MatrixFreeOptions};
use crate::normal_form::FlipCoefficients;
use crate::spectrum::lanczos::top_eigenpairs;
use crate::tolerance::Tolerances;
use nalgebra::DVector;

/// Residual tolerance of the deflated run, relative to λ: its top Ritz value is then within
/// about 1e-10·λ of λ2 (within r·(r/gap) in general), well inside the simplicity threshold 1e-8·λ.
const DEFLATED_TOL: f64 = 1e-10;

/// Spectrum and coefficients from HVPs only.
pub fn build<L: Loss>(
    loss: &L,
    theta: &[f64],
    _grad: &DVector<f64>,
    tol: &Tolerances,
) -> Result<(SpectralData, Option<FlipCoefficients>, SolverInfo)> {
    let opts = MatrixFreeOptions::default();
    let f = flip_matrix_free(loss, theta, None, &opts);
    let lam = f.sharpness;
    let deflated = Deflated {
        loss,
        theta0: theta,
        v: &f.top_eigvec,
        lambda: lam,
    };
    let start: Vec<f64> = (0..theta.len())
        .map(|i| 1.0 + 0.3 * ((i as f64) * 1.3 + 0.5).cos())
        .collect();
    let second_run = (theta.len() > 1).then(|| {
        top_eigenpairs(
            &deflated,
            theta,
            1,
            opts.lanczos_max_iter,
            DEFLATED_TOL,
            &start,
        )
    });
    let second = match (&second_run, f.second) {
        (Some(run), Some(l2)) => Some(run.values[0].max(l2)),
        (Some(run), None) => Some(run.values[0]),
        (None, l2) => l2,
    };
    let extra_hvps = second_run.as_ref().map_or(0, |r| r.iterations);
    let data = SpectralData {
        sharpness: lam,
        top_eigvec: DVector::from_column_slice(&f.top_eigvec),
        top_residual: f.lanczos_residual,
        eigenvalues: f.ritz.clone(),
        second,
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
        hvps: f.hvps + extra_hvps,
        lanczos_iterations: Some(f.lanczos_iterations),
        cg_iterations: Some(f.cg_iterations),
        cg_relative_residual: Some(f.cg_relative_residual),
        gn_rows: None,
        gn_full_rank: None,
        converged: f.converged,
        note: Some(
            "matrix-free: the rank split (dim N, dim T) is not computed; \
             λ2 is the top eigenvalue of H − λvvᵀ (a second Lanczos run); \
             A2 needs the dense or Gauss–Newton backend"
                .into(),
        ),
    };
    Ok((data, Some(coefficients), solver))
}

/// `L(θ) − (λ/2)(vᵀ(θ − θ0))²`: its Hessian is `H(θ) − λ v vᵀ`, so Lanczos on it finds the
/// largest eigenvalue of H other than one copy of λ (module docs).
pub struct Deflated<'a, L> {
    /// The loss.
    pub loss: &'a L,
    /// The point of the deflation (the analysed θ).
    pub theta0: &'a [f64],
    /// Unit top eigenvector.
    pub v: &'a [f64],
    /// Its eigenvalue.
    pub lambda: f64,
}

impl<L: Loss> Deflated<'_, L> {
    fn along<D: Scalar>(&self, theta: &[D]) -> D {
        theta
            .iter()
            .zip(self.theta0.iter().zip(self.v))
            .fold(D::from(0.0), |acc, (&t, (&t0, &vi))| acc + (t - t0) * vi)
    }
}

impl<L: Loss> Loss for Deflated<'_, L> {
    fn dim(&self) -> usize {
        self.loss.dim()
    }
    fn value<D: Scalar>(&self, theta: &[D]) -> D {
        let s = self.along(theta);
        self.loss.value(theta) - s * s * (0.5 * self.lambda)
    }
    fn gradient<D: Scalar>(&self, theta: &[D]) -> Vec<D> {
        let s = self.along(theta) * self.lambda;
        self.loss
            .gradient(theta)
            .into_iter()
            .zip(self.v)
            .map(|(g, &vi)| g - s * vi)
            .collect()
    }
}

//! The Gauss–Newton backend (docs/math.md §1, §3, §4; issue 8): at an interpolating minimizer of a
//! per-sample loss without weight decay, `H = Jᵀ D J / n` exactly (J the m × P output Jacobian,
//! m = n·k, D the block-diagonal per-sample output Hessians, PSD). With `S = D^{1/2} J / √n`,
//! `H = SᵀS`, and everything comes from the m × m Gram matrix `G = S Sᵀ` and products with S
//! and Sᵀ (never JᵀDJ):
//!
//! - the nonzero eigenvalues of H are those of G; `λ = μ_1`, `v = Sᵀ w_1 / √λ`;
//! - `N = range H = row space of S`, `dim N = rank G`;
//! - `gᵀH⁺g = |G⁺ S g|²` (as `H⁺ = Sᵀ G⁺² S`), `Π_N g = Sᵀ G⁺ S g`, `Π_T g = g − Π_N g`,
//!   `h = H⁺ g = Sᵀ G⁺ (G⁺ S g)`.
//!
//! g and L4 come from one `Dual3_64` pass of the gradient along v (the GD formula). The map
//! formula takes `⟨v, B(v,h)⟩ = −η ∇³L[v,v,h]` and `⟨v, C(v,v,v)⟩ = −η ∇⁴L[v,v,v,v]` from
//! forward passes of the *value* (`Dual2<Dual64>`, `Dual3<Dual64>`), independent of the
//! hand-written gradient. The line jet's first-order part is Hv: `|Hv − λv|` tests the
//! identity H = SᵀS at no extra cost.

use super::{SolverInfo, SpectralData};
use crate::derivatives::{fourth_along_value, line_jet, third_contracted_value};
use crate::error::{Error, Result};
use crate::loss::Loss;
use crate::normal_form::{c1_gd, FlipCoefficients};
use crate::spectrum::sign_fixed;
use crate::tolerance::Tolerances;
use nalgebra::{DMatrix, DVector, SymmetricEigen};

/// A loss with the per-sample structure of the module docs.
pub trait GaussNewtonStructure {
    /// `Ok` when `H = SᵀS` holds exactly at θ (interpolation, no weight decay), else why not.
    fn applicable(&self, theta: &[f64]) -> std::result::Result<(), String>;
    /// The factor S at θ.
    fn operator<'a>(&'a self, theta: &[f64]) -> Box<dyn GaussNewtonOperator + 'a>;
    /// θ moved onto M (the interpolation set) by minimum-norm steps, None when that fails.
    fn project_to_manifold(&self, theta: &[f64]) -> Option<Vec<f64>>;
}

/// The factor `S = D^{1/2} J / √n` at one point.
pub trait GaussNewtonOperator {
    /// m = n·k.
    fn rows(&self) -> usize;
    /// The largest rank S can have (m, less the null vectors of D).
    fn full_rank(&self) -> usize;
    /// `G = S Sᵀ` (m × m).
    fn gram(&self) -> DMatrix<f64>;
    /// `S u` for u ∈ R^P.
    fn apply_s(&self, u: &[f64]) -> DVector<f64>;
    /// `Sᵀ w` for w ∈ R^m.
    fn apply_st(&self, w: &[f64]) -> DVector<f64>;
}

/// Spectrum and coefficients through the Gauss–Newton structure.
pub fn build<L: Loss>(
    loss: &L,
    theta: &[f64],
    structure: &dyn GaussNewtonStructure,
    tol: &Tolerances,
) -> Result<(SpectralData, Option<FlipCoefficients>, SolverInfo)> {
    let p = theta.len();
    let op = structure.operator(theta);
    let gram = op.gram();
    let m = gram.nrows();
    if gram.iter().any(|x| !x.is_finite()) {
        return Err(Error::NonFinite {
            what: "the Gauss–Newton Gram matrix has a non-finite entry".into(),
            hint: "check the model's parameters and data for overflow".into(),
        });
    }
    let eig = SymmetricEigen::new(gram);
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| eig.eigenvalues[b].total_cmp(&eig.eigenvalues[a]));
    let mu: Vec<f64> = order.iter().map(|&i| eig.eigenvalues[i]).collect();
    let w: Vec<DVector<f64>> = order
        .iter()
        .map(|&i| eig.eigenvectors.column(i).into())
        .collect();
    let lam = mu[0];
    let tau = tol.rank.threshold(lam);
    let rank = mu.iter().filter(|&&x| x > tau).count();
    let v = sign_fixed(op.apply_st(w[0].as_slice()) / lam.max(f64::MIN_POSITIVE).sqrt());
    let v = &v / v.norm();
    // One Dual3 pass along v: Hv (the residual check of H = SᵀS), g and ∇⁴L[v,v,v,·]; beside
    // it, on the other thread of the pool, the value pass for the map formula's L4.
    let (jet, l4_value) = crate::parallel::pool().install(|| {
        rayon::join(
            || line_jet(loss, theta, v.as_slice()),
            || fourth_along_value(loss, theta, v.as_slice()),
        )
    });
    let residual = (&jet.d1 - &v * lam).norm();
    let second = if rank >= 2 {
        Some(mu[1])
    } else {
        (p > 1).then_some(0.0)
    };
    let data = SpectralData {
        sharpness: lam,
        top_eigvec: v.clone(),
        top_residual: residual,
        eigenvalues: mu[..rank].to_vec(),
        second,
        smallest: Some(if p > rank {
            0.0
        } else {
            mu[rank.saturating_sub(1)]
        }),
        normal_dim: Some(rank),
        tangent_dim: Some(p - rank),
        rank_threshold: tau,
        spectrum: None,
        hessian_asymmetry: None,
    };
    let solver = SolverInfo {
        hvps: 0,
        gn_rows: Some(m),
        gn_full_rank: Some(op.full_rank()),
        converged: true,
        ..SolverInfo::default()
    };
    if rank == 0 {
        return Ok((data, None, solver));
    }
    let g_pinv = |x: &DVector<f64>| -> DVector<f64> {
        let mut out = DVector::zeros(m);
        for i in 0..rank {
            out.axpy(w[i].dot(x) / mu[i], &w[i], 1.0);
        }
        out
    };
    let eta = 2.0 / lam;
    let g = jet.d2;
    let l4 = v.dot(&jet.d3);
    let y = g_pinv(&op.apply_s(g.as_slice()));
    let g_hplus_g = y.norm_squared();
    let drift = &g - op.apply_st(y.as_slice());
    let h = op.apply_st(g_pinv(&y).as_slice());
    let t_vvh = third_contracted_value(loss, theta, v.as_slice(), h.as_slice());
    let c1_map = eta * (0.5 * t_vvh - l4_value / 6.0);
    let coefficients = FlipCoefficients {
        c1_gd: c1_gd(eta, g_hplus_g, l4),
        g,
        l4,
        g_hplus_g,
        c1_map: Some(c1_map),
        drift,
    };
    Ok((data, Some(coefficients), solver))
}

/// `Π_T` through the Gauss–Newton factor at one point: `Π_T x = x − Sᵀ G⁺ S x` (two passes per
/// projection; the validations use it where no dense spectrum exists).
pub struct TangentProjector<'a> {
    op: Box<dyn GaussNewtonOperator + 'a>,
    w: Vec<DVector<f64>>,
    mu: Vec<f64>,
}

impl<'a> TangentProjector<'a> {
    /// The projector of `structure` at θ, with the rank threshold of `tol`.
    pub fn new(structure: &'a dyn GaussNewtonStructure, theta: &[f64], tol: &Tolerances) -> Self {
        let op = structure.operator(theta);
        let eig = SymmetricEigen::new(op.gram());
        let top = eig.eigenvalues.iter().fold(0.0f64, |a, &b| a.max(b));
        let tau = tol.rank.threshold(top);
        let (mut w, mut mu) = (Vec::new(), Vec::new());
        for (i, &l) in eig.eigenvalues.iter().enumerate() {
            if l > tau {
                w.push(eig.eigenvectors.column(i).into());
                mu.push(l);
            }
        }
        TangentProjector { op, w, mu }
    }

    /// `Π_T x`.
    pub fn project(&self, x: &DVector<f64>) -> DVector<f64> {
        let sx = self.op.apply_s(x.as_slice());
        let mut y = DVector::zeros(sx.len());
        for (w, mu) in self.w.iter().zip(&self.mu) {
            y.axpy(w.dot(&sx) / mu, w, 1.0);
        }
        x - self.op.apply_st(y.as_slice())
    }
}

//! c1 and the drift without a dense Hessian (docs/math.md §3, §4): Hessian-vector products only, for
//! losses with many parameters.
//!
//! - λ, v and λ2 by Lanczos ([`top_eigenpairs`]).
//! - `x = H⁺g` by CGLS on `min |H x − g|` from x = 0: the iterates stay in range(H) = N, so they
//!   converge to the minimum-norm least-squares solution, which is H⁺g (g's tangent part is
//!   the unreachable residual). Two HVPs per iteration. At the end the residual `r = g − Hx` is
//!   `Π_T g`, the drift, and `gᵀH⁺g = g·x`.
//! - c1 by the GD formula `(η/2)·g·x − (η/6)·L4`, and by the map formula
//!   `(1/6)⟨v, C(v,v,v)⟩ − (1/2)⟨v, B(v,h)⟩` with `h = (A − I)|_N⁻¹ Π_N B(v,v) = H⁺g = x`
//!   (A − I = −ηH, B(v,v) = −ηg): the third and fourth derivatives come from other dual-number
//!   passes (HyperDual, HyperHyperDual) than the GD formula's line jet.
//!
//! The dense path ([`super::FlipCoefficients`]) is the reference; tests assert agreement. A
//! solve that does not reach its tolerance is reported (`converged = false`), never hidden.

use crate::derivatives::gd_map::GdMap;
use crate::derivatives::{hvp, line_jet};
use crate::loss::Loss;
use crate::spectrum::lanczos::top_eigenpairs;
use nalgebra::DVector;
use serde::{Deserialize, Serialize};

/// Options of the matrix-free computation.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MatrixFreeOptions {
    /// Lanczos: at most this many HVPs ...
    pub lanczos_max_iter: usize,
    /// ... until the top residual is `≤ lanczos_tol · λ`.
    pub lanczos_tol: f64,
    /// CGLS: at most this many iterations (2 HVPs each) ...
    pub cg_max_iter: usize,
    /// ... until `|H(g − Hx)| ≤ cg_tol · |Hg|`.
    pub cg_tol: f64,
}

impl Default for MatrixFreeOptions {
    fn default() -> Self {
        MatrixFreeOptions {
            lanczos_max_iter: 300,
            lanczos_tol: 1e-12,
            cg_max_iter: 2000,
            cg_tol: 1e-13,
        }
    }
}

/// The flip data computed matrix-free (module docs).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatrixFreeFlip {
    /// λ.
    pub sharpness: f64,
    /// The second Ritz value (λ2 when Lanczos resolved it; the gap λ − λ2 is an estimate).
    pub second: Option<f64>,
    /// The smallest Ritz value, an upper bound of λ_min.
    pub smallest_ritz: f64,
    /// The Ritz values, descending.
    pub ritz: Vec<f64>,
    /// v (unit, sign rule of the dense spectrum).
    pub top_eigvec: Vec<f64>,
    /// `|Hv − λv|`.
    pub lanczos_residual: f64,
    /// Lanczos HVPs.
    pub lanczos_iterations: usize,
    /// g = ∇³L[v,v,·].
    pub g: Vec<f64>,
    /// L4.
    pub l4: f64,
    /// gᵀH⁺g.
    pub g_hplus_g: f64,
    /// c1 by the GD formula for η.
    pub c1_gd: f64,
    /// c1 by the map formula for η.
    pub c1_map: f64,
    /// Π_T g.
    pub drift: Vec<f64>,
    /// CGLS iterations (2 HVPs each).
    pub cg_iterations: usize,
    /// `|H(g − Hx)| / |Hg|` at the end.
    pub cg_relative_residual: f64,
    /// Total Hessian-vector products.
    pub hvps: usize,
    /// Whether Lanczos and CGLS both reached their tolerances.
    pub converged: bool,
}

/// CGLS for `min |H x − b|` from 0 (module docs): `(x, r = b − Hx, iterations, |H r|/|H b|)`.
pub fn pinv_apply_cgls<L: Loss>(
    loss: &L,
    theta: &[f64],
    b: &DVector<f64>,
    max_iter: usize,
    tol: f64,
) -> (DVector<f64>, DVector<f64>, usize, f64) {
    let h = |w: &DVector<f64>| hvp(loss, theta, w.as_slice());
    let mut x = DVector::zeros(b.len());
    let mut r = b.clone();
    let mut s = h(&r);
    let s0 = s.norm().max(f64::MIN_POSITIVE);
    let mut p = s.clone();
    let mut gamma = s.norm_squared();
    let mut it = 0;
    while it < max_iter && gamma.sqrt() > tol * s0 {
        let q = h(&p);
        let qq = q.norm_squared();
        if qq <= 0.0 {
            break;
        }
        let alpha = gamma / qq;
        x.axpy(alpha, &p, 1.0);
        r.axpy(-alpha, &q, 1.0);
        s = h(&r);
        let gamma_new = s.norm_squared();
        p = &s + &p * (gamma_new / gamma);
        gamma = gamma_new;
        it += 1;
    }
    (x, r, it, gamma.sqrt() / s0)
}

/// λ, v, g, L4, gᵀH⁺g, both c1 and Π_T g at `theta` (a point of M) for `eta` (η* when None),
/// from HVPs and dual-number passes only (module docs).
pub fn flip_matrix_free<L: Loss>(
    loss: &L,
    theta: &[f64],
    eta: Option<f64>,
    opts: &MatrixFreeOptions,
) -> MatrixFreeFlip {
    let p = theta.len();
    // A fixed, generic start vector (deterministic, not orthogonal to v in practice).
    let start: Vec<f64> = (0..p)
        .map(|i| 1.0 + 0.1 * ((i as f64) * 0.7).sin())
        .collect();
    let top = top_eigenpairs(
        loss,
        theta,
        2,
        opts.lanczos_max_iter,
        opts.lanczos_tol,
        &start,
    );
    let lam = top.values[0];
    let eta = eta.unwrap_or(2.0 / lam);
    let v = DVector::from_column_slice(&top.vector);
    let jet = line_jet(loss, theta, v.as_slice());
    let g = jet.d2;
    let l4 = v.dot(&jet.d3);
    let (x, drift, cg_iterations, cg_res) =
        pinv_apply_cgls(loss, theta, &g, opts.cg_max_iter, opts.cg_tol);
    let g_hplus_g = g.dot(&x);
    let map = GdMap::new(loss, theta, eta);
    let vs = v.as_slice();
    let c1_map = v.dot(&map.c(vs, vs, vs)) / 6.0 - 0.5 * v.dot(&map.b(vs, x.as_slice()));
    MatrixFreeFlip {
        sharpness: lam,
        second: top.values.get(1).copied(),
        smallest_ritz: top.smallest_ritz,
        ritz: top.values.clone(),
        top_eigvec: top.vector.clone(),
        lanczos_residual: top.residual,
        lanczos_iterations: top.iterations,
        g: g.as_slice().to_vec(),
        l4,
        g_hplus_g,
        c1_gd: super::c1_gd(eta, g_hplus_g, l4),
        c1_map,
        drift: drift.as_slice().to_vec(),
        cg_iterations,
        cg_relative_residual: cg_res,
        hvps: top.iterations + 1 + 1 + 2 * cg_iterations,
        converged: top.converged && cg_res <= opts.cg_tol,
    }
}

//! The Hessian of the sharpness restricted to M at a point where it is stationary on M
//! (Π_T g = 0): hypothesis A6 (docs/math.md §3, §5; `theorems/sharpness_on_manifold.md`).
//!
//! For tangent vectors t, u (an orthonormal basis t_1 … t_m of T = ker H):
//!
//! `Hess_M λ[t,u] = ∇⁴L[v,v,t,u] + 2 Σ_{i≠1} ∇³L[v,t,u_i] ∇³L[v,u,u_i]/(λ − λ_i) − ∇³L[t,u,H⁺g]`
//!
//! (second-order eigenvalue perturbation, sum over every other eigenvector, tangent ones with
//! λ_i = 0; the last term is ⟨∇λ, II(t,u)⟩ with the second fundamental form
//! `Π_N II(t,u) = −H⁺∇³L[t,u,·]`). Per basis vector: `∇³L[v,t_j,·]` and `∇³L[H⁺g,t_j,·]`
//! (`HyperDual64`), `∇⁴L[v,v,t_j,·]` (`HyperHyperDual64`): 3m dual passes, no differences.

use crate::derivatives::{mixed_fourth, mixed_third};
use crate::loss::Loss;
use crate::spectrum::Spectrum;
use nalgebra::{DMatrix, DVector, SymmetricEigen};
use serde::{Deserialize, Serialize};

/// `Hess_M λ(θ*)` in the tangent basis, with its parts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManifoldHessian {
    /// The m × m matrix (symmetrised), row-major.
    pub matrix: Vec<f64>,
    /// m.
    pub dim: usize,
    /// Its eigenvalues, ascending.
    pub eigenvalues: Vec<f64>,
    /// Largest entry of the three parts (quartic, perturbation, curvature): rounding scale.
    pub scale: f64,
    /// Largest entry of the curvature part ⟨∇λ, II⟩ (zero when M is flat at θ*).
    pub curvature_part: f64,
    /// Relative asymmetry of the assembled matrix before symmetrisation.
    pub asymmetry: f64,
}

impl ManifoldHessian {
    /// The smallest eigenvalue.
    pub fn min_eigenvalue(&self) -> f64 {
        self.eigenvalues.first().copied().unwrap_or(f64::NAN)
    }

    /// `Hess_M λ[a, b]` for tangent-basis coordinates a, b.
    pub fn quadratic(&self, a: &[f64], b: &[f64]) -> f64 {
        let m = self.dim;
        (0..m)
            .flat_map(|i| (0..m).map(move |j| (i, j)))
            .map(|(i, j)| a[i] * self.matrix[i * m + j] * b[j])
            .sum()
    }
}

/// `Hess_M λ(θ*)` (module docs) at θ* with dense spectrum `spec` and `g = ∇³L[v,v,·]`;
/// `None` when T = {0}.
pub fn sharpness_hessian<L: Loss>(
    loss: &L,
    theta: &[f64],
    spec: &Spectrum,
    g: &DVector<f64>,
) -> Option<ManifoldHessian> {
    let tb = spec.tangent_basis();
    let m = tb.ncols();
    if m == 0 {
        return None;
    }
    let p = theta.len();
    let v = spec.top_eigvec();
    let lam = spec.sharpness();
    let z = spec.pinv_apply(g);
    let cols: Vec<DVector<f64>> = (0..m).map(|j| tb.column(j).into()).collect();
    let w: Vec<DVector<f64>> = cols
        .iter()
        .map(|t| mixed_third(loss, theta, v.as_slice(), t.as_slice()))
        .collect();
    // R w = Σ_{i≥1} u_i (u_iᵀ w)/(λ − λ_i): the reduced resolvent on v^⊥.
    let rw: Vec<DVector<f64>> = w
        .iter()
        .map(|wj| {
            let mut out = DVector::zeros(p);
            for i in 1..p {
                let u = spec.eigenvectors.column(i);
                out += u * (u.dot(wj) / (lam - spec.eigenvalues[i]));
            }
            out
        })
        .collect();
    let mut quartic = DMatrix::zeros(m, m);
    let mut pert = DMatrix::zeros(m, m);
    let mut curv = DMatrix::zeros(m, m);
    for j in 0..m {
        let q = mixed_fourth(loss, theta, v.as_slice(), v.as_slice(), cols[j].as_slice());
        let r = mixed_third(loss, theta, z.as_slice(), cols[j].as_slice());
        for k in 0..m {
            quartic[(j, k)] = q.dot(&cols[k]);
            pert[(j, k)] = 2.0 * w[j].dot(&rw[k]);
            curv[(j, k)] = -r.dot(&cols[k]);
        }
    }
    let raw = &quartic + &pert + &curv;
    let scale = quartic.amax().max(pert.amax()).max(curv.amax());
    let asym = (&raw - raw.transpose()).amax();
    let sym = (&raw + raw.transpose()) * 0.5;
    let mut eigenvalues: Vec<f64> = SymmetricEigen::new(sym.clone())
        .eigenvalues
        .iter()
        .copied()
        .collect();
    eigenvalues.sort_by(f64::total_cmp);
    Some(ManifoldHessian {
        matrix: sym.transpose().as_slice().to_vec(),
        dim: m,
        eigenvalues,
        scale,
        curvature_part: curv.amax(),
        asymmetry: if scale > 0.0 { asym / scale } else { asym },
    })
}

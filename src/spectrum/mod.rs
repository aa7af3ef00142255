//! Dense spectrum of the Hessian and the tangent/normal split (docs/math.md §1).
//!
//! H is assembled from P Hessian-vector products (one `Dual64` pass each), symmetrised, and
//! diagonalised by nalgebra's symmetric eigensolver; eigenpairs are sorted by us (descending).
//! Numerical rank uses [`Tolerances::rank`](crate::tolerance::Tolerances): eigenvalue λ_i is
//! *normal* when `λ_i > τ`, *tangent* when `|λ_i| ≤ τ`, *negative* when `λ_i < −τ`, with
//! `τ = max(abs, rel · max_i |λ_i|)`. The top eigenvector's sign makes its largest-magnitude
//! component positive (the first index within 1e-9·|v|∞ of the largest wins ties).
//! [`lanczos`] gives the same top eigenpair matrix-free, for large P.

pub mod lanczos;

use crate::derivatives::hvp;
use crate::error::{Error, Result};
use crate::loss::Loss;
use crate::tolerance::Tolerance;
use nalgebra::{DMatrix, DVector, SymmetricEigen};

/// Dense Hessian from P HVPs, with its relative asymmetry before symmetrisation.
pub fn dense_hessian<L: Loss>(loss: &L, theta: &[f64]) -> (DMatrix<f64>, f64) {
    let p = theta.len();
    let mut h = DMatrix::zeros(p, p);
    let mut e = vec![0.0; p];
    for j in 0..p {
        e[j] = 1.0;
        h.set_column(j, &hvp(loss, theta, &e));
        e[j] = 0.0;
    }
    let scale = h.amax();
    let asym = (&h - h.transpose()).amax();
    let rel_asym = if scale > 0.0 { asym / scale } else { asym };
    ((&h + h.transpose()) * 0.5, rel_asym)
}

/// Sorted eigen-decomposition of a symmetric matrix and its tangent/normal split.
#[derive(Debug, Clone, PartialEq)]
pub struct Spectrum {
    /// Eigenvalues, descending.
    pub eigenvalues: Vec<f64>,
    /// Orthonormal eigenvectors, column i for eigenvalue i.
    pub eigenvectors: DMatrix<f64>,
    /// The rank threshold τ used.
    pub rank_threshold: f64,
    /// Number of normal eigenvalues (λ_i > τ).
    pub normal_dim: usize,
    /// Number of tangent eigenvalues (|λ_i| ≤ τ).
    pub tangent_dim: usize,
}

impl Spectrum {
    /// Diagonalises symmetric `h` and classifies its eigenvalues with `rank`.
    pub fn of_symmetric(h: DMatrix<f64>, rank: &Tolerance) -> Result<Spectrum> {
        if h.iter().any(|x| !x.is_finite()) {
            return Err(Error::NonFinite {
                what: "the Hessian has a non-finite entry at this point".into(),
                hint: "choose a point where the loss is C^4 and finite".into(),
            });
        }
        let p = h.nrows();
        let eig = SymmetricEigen::try_new(h, f64::EPSILON, 10_000 * p.max(1)).ok_or_else(|| {
            Error::NonFinite {
                what: "the symmetric eigensolver did not converge".into(),
                hint: "the Hessian is badly scaled; rescale the loss".into(),
            }
        })?;
        let mut order: Vec<usize> = (0..p).collect();
        order.sort_by(|&a, &b| eig.eigenvalues[b].total_cmp(&eig.eigenvalues[a]));
        let eigenvalues: Vec<f64> = order.iter().map(|&i| eig.eigenvalues[i]).collect();
        let mut eigenvectors = DMatrix::zeros(p, p);
        for (k, &i) in order.iter().enumerate() {
            eigenvectors.set_column(k, &eig.eigenvectors.column(i));
        }
        let scale = eigenvalues.iter().fold(0.0f64, |m, x| m.max(x.abs()));
        let tau = rank.threshold(scale);
        let normal_dim = eigenvalues.iter().filter(|&&x| x > tau).count();
        let tangent_dim = eigenvalues.iter().filter(|&&x| x.abs() <= tau).count();
        let mut s = Spectrum {
            eigenvalues,
            eigenvectors,
            rank_threshold: tau,
            normal_dim,
            tangent_dim,
        };
        if p > 0 {
            let v = sign_fixed(s.eigenvectors.column(0).into());
            s.eigenvectors.set_column(0, &v);
        }
        Ok(s)
    }

    /// Number of eigenvalues below −τ (directions of negative curvature).
    pub fn negative_dim(&self) -> usize {
        self.eigenvalues.len() - self.normal_dim - self.tangent_dim
    }

    /// Most negative eigenvalue, if any lies below −τ.
    pub fn most_negative(&self) -> Option<f64> {
        self.eigenvalues
            .last()
            .copied()
            .filter(|&x| x < -self.rank_threshold)
    }

    /// Sharpness λ = λ_max.
    pub fn sharpness(&self) -> f64 {
        self.eigenvalues[0]
    }

    /// Unit top eigenvector v (sign rule in the module docs).
    pub fn top_eigvec(&self) -> DVector<f64> {
        self.eigenvectors.column(0).into()
    }

    /// Whether λ_1 − λ_2 exceeds `simple.threshold(λ_1)` (always true when P = 1).
    pub fn top_is_simple(&self, simple: &Tolerance) -> bool {
        match self.eigenvalues.get(1) {
            None => true,
            Some(&l2) => self.eigenvalues[0] - l2 > simple.threshold(self.eigenvalues[0]),
        }
    }

    /// Spectral gap `λ − λ_2(N)`; when N is one-dimensional the next eigenvalue is the tangent
    /// one, 0, and the gap is λ.
    pub fn spectral_gap(&self) -> f64 {
        let second = if self.normal_dim >= 2 {
            self.eigenvalues[1]
        } else {
            0.0
        };
        self.eigenvalues[0] - second
    }

    /// Orthonormal basis of N (columns).
    pub fn normal_basis(&self) -> DMatrix<f64> {
        self.eigenvectors.columns(0, self.normal_dim).into()
    }

    /// Orthonormal basis of T (columns).
    pub fn tangent_basis(&self) -> DMatrix<f64> {
        self.eigenvectors
            .columns(self.normal_dim, self.tangent_dim)
            .into()
    }

    /// Π_T x.
    pub fn project_tangent(&self, x: &DVector<f64>) -> DVector<f64> {
        let t = self.tangent_basis();
        &t * (t.transpose() * x)
    }

    /// Π_N x.
    pub fn project_normal(&self, x: &DVector<f64>) -> DVector<f64> {
        let n = self.normal_basis();
        &n * (n.transpose() * x)
    }

    /// H⁺ x: inverse on N, zero on T (docs/math.md §3).
    pub fn pinv_apply(&self, x: &DVector<f64>) -> DVector<f64> {
        let mut out = DVector::zeros(x.len());
        for i in 0..self.normal_dim {
            let u = self.eigenvectors.column(i);
            out += u * (u.dot(x) / self.eigenvalues[i]);
        }
        out
    }
}

/// Flips `v` so that its largest-magnitude component is positive (first index within
/// 1e-9·|v|∞ of the largest wins, so rounding cannot flip the sign of balanced vectors).
pub fn sign_fixed(mut v: DVector<f64>) -> DVector<f64> {
    let amax = v.amax();
    if let Some(i) = v.iter().position(|x| x.abs() >= amax * (1.0 - 1e-9)) {
        if v[i] < 0.0 {
            v.neg_mut();
        }
    }
    v
}

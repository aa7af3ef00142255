//! A seeded, globally strongly convex quartic polynomial in P variables with the isolated
//! minimizer θ = 0 (m = 0). Used by property tests: random instances give c1 of either sign.
//!
//! `L(θ) = ½ θᵀ Q0 θ + Σ_k φ_k(w_k·θ)`, `φ_k(u) = μ_k u²/2 + c_k u³/6 + d_k u⁴/24`, with
//! `Q0 = ½ I + GᵀG/P` (G standard normal), unit random directions `w_k`, `μ_k ∈ [0.5, 1.5)`,
//! `d_k ∈ [0.5, 2.5)` and `c_k ∈ (−0.99, 0.99)·√(2 μ_k d_k)`. Since `φ_k'' = μ_k + c_k u + d_k u²/2
//! ≥ μ_k − c_k²/(2 d_k) > 0`, every term is convex and L is strongly convex (∇²L ⪰ ½ I).

use crate::loss::rng::SplitMix64;
use crate::loss::{Loss, Scalar};
use nalgebra::{DMatrix, DVector};

/// The seeded quartic.
#[derive(Debug, Clone, PartialEq)]
pub struct Polynomial {
    /// Quadratic part `Q0`, `P × P`, positive definite.
    pub q0: DMatrix<f64>,
    /// Ridge directions `w_k` (unit vectors), one per column.
    pub w: DMatrix<f64>,
    /// `(μ_k, c_k, d_k)` per ridge term.
    pub coeffs: Vec<[f64; 3]>,
}

impl Polynomial {
    /// A seeded instance with `dim` variables and `terms` ridge terms.
    pub fn seeded(dim: usize, terms: usize, seed: u64) -> Self {
        let mut rng = SplitMix64::new(seed);
        let g = DMatrix::from_fn(dim, dim, |_, _| rng.normal());
        let q0 = DMatrix::identity(dim, dim) * 0.5 + g.transpose() * &g / dim as f64;
        let mut w = DMatrix::from_fn(dim, terms, |_, _| rng.normal());
        for mut col in w.column_iter_mut() {
            let norm = col.norm();
            col /= norm;
        }
        let coeffs = (0..terms)
            .map(|_| {
                let mu = 0.5 + rng.uniform();
                let d = 0.5 + 2.0 * rng.uniform();
                let cc = (2.0 * rng.uniform() - 1.0) * 0.99 * (2.0 * mu * d).sqrt();
                [mu, cc, d]
            })
            .collect();
        Polynomial { q0, w, coeffs }
    }

    /// The exact Hessian at the minimizer 0: `Q0 + Σ μ_k w_k w_kᵀ`.
    pub fn hessian_at_min(&self) -> DMatrix<f64> {
        let mut h = self.q0.clone();
        for (k, [mu, _, _]) in self.coeffs.iter().enumerate() {
            let wk: DVector<f64> = self.w.column(k).into();
            h += &wk * wk.transpose() * *mu;
        }
        h
    }

    fn ridge<D: Scalar>(&self, k: usize, theta: &[D]) -> D {
        theta
            .iter()
            .enumerate()
            .fold(D::zero(), |acc, (i, &t)| acc + t * self.w[(i, k)])
    }
}

impl Loss for Polynomial {
    fn dim(&self) -> usize {
        self.q0.nrows()
    }
    fn value<D: Scalar>(&self, theta: &[D]) -> D {
        let p = self.dim();
        let mut acc = D::zero();
        for i in 0..p {
            for j in 0..p {
                acc += theta[i] * theta[j] * (0.5 * self.q0[(i, j)]);
            }
        }
        for (k, &[mu, cc, d]) in self.coeffs.iter().enumerate() {
            let u = self.ridge(k, theta);
            acc += u * u * (u * (u * (d / 24.0) + cc / 6.0) + mu / 2.0);
        }
        acc
    }
    fn gradient<D: Scalar>(&self, theta: &[D]) -> Vec<D> {
        let p = self.dim();
        let mut grad: Vec<D> = (0..p)
            .map(|i| (0..p).fold(D::zero(), |acc, j| acc + theta[j] * self.q0[(i, j)]))
            .collect();
        for (k, &[mu, cc, d]) in self.coeffs.iter().enumerate() {
            let u = self.ridge(k, theta);
            let dphi = u * (u * (u * (d / 6.0) + cc / 2.0) + mu);
            for (i, gi) in grad.iter_mut().enumerate() {
                *gi += dphi * self.w[(i, k)];
            }
        }
        grad
    }
}

//! Matrix factorization `L(U, V) = ‖U Vᵀ − Y‖²_F / 2` with `U ∈ R^{n×r}`, `V ∈ R^{m×r}`.
//!
//! θ stacks U then V, each row-major: `θ = (U_11, …, U_1r, U_21, …, V_11, …)`, P = (n+m)·r.
//! The target is `Y = U0 V0ᵀ` with seeded standard normal factors, so the minimum value is 0 and
//! M = {U Vᵀ = Y} has dimension r² (the GL(r) orbit of (U0, V0)); the default point is (U0, V0).

use crate::loss::rng::SplitMix64;
use crate::loss::{Loss, Scalar};
use nalgebra::DMatrix;

/// `‖U Vᵀ − Y‖²/2`.
#[derive(Debug, Clone, PartialEq)]
pub struct Factorization {
    /// Rows of U and Y.
    pub n: usize,
    /// Rows of V (columns of Y).
    pub m: usize,
    /// Inner rank r.
    pub r: usize,
    /// Target `Y`, `n × m`.
    pub y: DMatrix<f64>,
    /// The seeded factors `(U0, V0)` stacked as θ (a point of M).
    pub seed_point: Vec<f64>,
}

impl Factorization {
    /// A seeded instance: `U0`, `V0` with i.i.d. standard normal entries and `Y = U0 V0ᵀ`.
    pub fn seeded(n: usize, m: usize, r: usize, seed: u64) -> Self {
        let mut rng = SplitMix64::new(seed);
        let point: Vec<f64> = (0..(n + m) * r).map(|_| rng.normal()).collect();
        let u0 = DMatrix::from_row_slice(n, r, &point[..n * r]);
        let v0 = DMatrix::from_row_slice(m, r, &point[n * r..]);
        let y = &u0 * v0.transpose();
        Factorization {
            n,
            m,
            r,
            y,
            seed_point: point,
        }
    }

    /// Residual `R = U Vᵀ − Y` as an `n × m` row-major table.
    fn residual<D: Scalar>(&self, theta: &[D]) -> Vec<D> {
        let (n, m, r) = (self.n, self.m, self.r);
        let (u, v) = theta.split_at(n * r);
        let mut res = Vec::with_capacity(n * m);
        for i in 0..n {
            for j in 0..m {
                let mut acc = D::from(-self.y[(i, j)]);
                for k in 0..r {
                    acc += u[i * r + k] * v[j * r + k];
                }
                res.push(acc);
            }
        }
        res
    }
}

impl Loss for Factorization {
    fn dim(&self) -> usize {
        (self.n + self.m) * self.r
    }
    fn value<D: Scalar>(&self, theta: &[D]) -> D {
        self.residual(theta)
            .into_iter()
            .fold(D::zero(), |acc, x| acc + x * x)
            * 0.5
    }
    fn gradient<D: Scalar>(&self, theta: &[D]) -> Vec<D> {
        let (n, m, r) = (self.n, self.m, self.r);
        let res = self.residual(theta);
        let (u, v) = theta.split_at(n * r);
        let mut grad = vec![D::zero(); theta.len()];
        for i in 0..n {
            for j in 0..m {
                let rij = res[i * m + j];
                for k in 0..r {
                    grad[i * r + k] += rij * v[j * r + k]; // (R V)_ik
                    grad[n * r + j * r + k] += rij * u[i * r + k]; // (Rᵀ U)_jk
                }
            }
        }
        grad
    }
}

//! Matrix-free top eigenpairs of H by the Lanczos iteration on Hessian-vector products
//! (docs/math.md §1–2): one `Dual64` pass per iteration, full reorthogonalisation, no dense H.
//!
//! The dense path (`Spectrum`) is the reference; tests assert that both give the same λ and v.
//! A result that did not reach the residual tolerance is returned with `converged = false`,
//! never silently.

use crate::derivatives::hvp;
use crate::loss::Loss;
use nalgebra::{DMatrix, DVector, SymmetricEigen};
use serde::{Deserialize, Serialize};

/// The top Ritz pairs of a Lanczos run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TopEigen {
    /// Ritz values, descending (the `k` largest).
    pub values: Vec<f64>,
    /// Unit Ritz vector of the largest value (sign rule of `Spectrum`).
    pub vector: Vec<f64>,
    /// Residual `|H v − λ v|` of the top pair.
    pub residual: f64,
    /// Lanczos iterations (= HVPs) used.
    pub iterations: usize,
    /// Whether `residual ≤ tol · |λ|`.
    pub converged: bool,
    /// The smallest Ritz value: an upper bound of the smallest eigenvalue (Cauchy interlacing).
    pub smallest_ritz: f64,
}

/// Top `k` eigenvalues (and the top eigenvector) of `H(theta)` with at most `max_iter` HVPs,
/// stopping when the top residual is `≤ tol · |λ|`. `start` seeds the Krylov space.
pub fn top_eigenpairs<L: Loss>(
    loss: &L,
    theta: &[f64],
    k: usize,
    max_iter: usize,
    tol: f64,
    start: &[f64],
) -> TopEigen {
    let p = theta.len();
    let max_iter = max_iter.min(p).max(1);
    let mut q = DVector::from_column_slice(start);
    if q.norm() == 0.0 {
        q = DVector::from_element(p, 1.0);
    }
    q /= q.norm();
    let mut basis: Vec<DVector<f64>> = vec![q];
    let (mut alpha, mut beta): (Vec<f64>, Vec<f64>) = (Vec::new(), Vec::new());
    let mut best = None;
    for j in 0..max_iter {
        let mut w = hvp(loss, theta, basis[j].as_slice());
        alpha.push(w.dot(&basis[j]));
        for b in &basis {
            let c = w.dot(b);
            w.axpy(-c, b, 1.0); // full reorthogonalisation (twice for stability)
        }
        for b in &basis {
            let c = w.dot(b);
            w.axpy(-c, b, 1.0);
        }
        let bnorm = w.norm();
        // The Ritz problem costs O(j³): solve it every step early on, then every 8th step.
        let last = j + 1 == max_iter || bnorm < 1e-300;
        if j >= 32 && j % 8 != 7 && !last {
            beta.push(bnorm);
            basis.push(w / bnorm);
            continue;
        }
        let (values, y) = ritz(&alpha, &beta);
        let lam = values[0];
        // Residual of the top Ritz pair: |β_j · y_last|.
        let residual = bnorm * y[(alpha.len() - 1, 0)].abs();
        let done = residual <= tol * lam.abs().max(f64::MIN_POSITIVE)
            || j + 1 == max_iter
            || bnorm < 1e-300;
        if done {
            let mut v = DVector::zeros(p);
            for (i, b) in basis.iter().enumerate() {
                v.axpy(y[(i, 0)], b, 1.0);
            }
            let v = super::sign_fixed(&v / v.norm());
            let true_res = (hvp(loss, theta, v.as_slice()) - &v * lam).norm();
            best = Some(TopEigen {
                values: values.iter().take(k).copied().collect(),
                vector: v.as_slice().to_vec(),
                residual: true_res,
                iterations: j + 1,
                converged: true_res <= tol.max(1e-14) * lam.abs() * 10.0,
                smallest_ritz: values.last().copied().unwrap_or(lam),
            });
            break;
        }
        beta.push(bnorm);
        basis.push(w / bnorm);
    }
    best.expect("the loop runs at least once and ends with `done`")
}

/// Ritz values (descending) and the eigenvectors of the tridiagonal matrix (columns in the
/// same order).
fn ritz(alpha: &[f64], beta: &[f64]) -> (Vec<f64>, DMatrix<f64>) {
    let n = alpha.len();
    let t = DMatrix::from_fn(n, n, |i, j| {
        if i == j {
            alpha[i]
        } else if i + 1 == j || j + 1 == i {
            beta[i.min(j)]
        } else {
            0.0
        }
    });
    let eig = SymmetricEigen::new(t);
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| eig.eigenvalues[b].total_cmp(&eig.eigenvalues[a]));
    let values = order.iter().map(|&i| eig.eigenvalues[i]).collect();
    let mut y = DMatrix::zeros(n, n);
    for (k, &i) in order.iter().enumerate() {
        y.set_column(k, &eig.eigenvectors.column(i));
    }
    (values, y)
}

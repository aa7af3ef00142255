//! The Gauss–Newton structure of a [`Network`] (docs/math.md §1; issue 8): at an interpolating
//! minimizer without weight decay `H = Jᵀ D J / n` exactly, with D_i = I_k (mean squared error)
//! or `D_i = s_i (diag p_i − p_i p_iᵀ)` (softmax cross-entropy, `s_i = Σ_j y_ij`; its null vector
//! is the constant shift of the logits).
//!
//! J is never formed. The Gram matrix `J Jᵀ` is assembled layer by layer from the output
//! sensitivities `δ^l_{ic} = ∂f_c(x_i)/∂Z^l_i` (k backward passes): since
//! `∂f_c(x_i)/∂W_l = δ^l_{ic} ⊗ a^{l−1}_i` and `∂f_c(x_i)/∂b_l = δ^l_{ic}`,
//! `⟨∂f_c(x_i)/∂θ, ∂f_e(x_j)/∂θ⟩ = Σ_l (δ^l_{ic}·δ^l_{je}) (a^{l−1}_i·a^{l−1}_j + 1)`:
//! two small Gram products per layer instead of an m × P Jacobian. `S u` is one forward
//! `Dual64` pass (a JVP); `Sᵀ w` one backward pass (a VJP).

use super::backprop::{backward, forward, head, Forward};
use super::gemm::{gemm, View};
use super::{Network, Objective};
use crate::flip::{GaussNewtonOperator, GaussNewtonStructure};
use nalgebra::{DMatrix, DVector, SymmetricEigen};
use num_dual::Dual64;

/// Interpolation tolerance: `|n·∂ℓ/∂f|_∞ ≤ INTERPOLATION_REL · max(1, |y|_∞)`.
pub const INTERPOLATION_REL: f64 = 1e-8;

impl GaussNewtonStructure for Network {
    fn applicable(&self, theta: &[f64]) -> Result<(), String> {
        if self.weight_decay > 0.0 {
            return Err(format!(
                "weight decay {} > 0 adds wd·I to the Hessian",
                self.weight_decay
            ));
        }
        let fwd = forward(self, theta);
        let (_, seed) = head(self, fwd.output(), true);
        let n = self.samples() as f64;
        let worst = seed.iter().fold(0.0f64, |m, s| m.max((s * n).abs()));
        let scale = self.y.iter().fold(1.0f64, |m, y| m.max(y.abs()));
        if worst.is_nan() || worst > INTERPOLATION_REL * scale {
            return Err(format!(
                "the model does not interpolate its data: max per-sample output gradient {worst:.3e} > {:.1e}",
                INTERPOLATION_REL * scale
            ));
        }
        Ok(())
    }

    fn project_to_manifold(&self, theta: &[f64]) -> Option<Vec<f64>> {
        let r = super::fit::fit(self, theta, 50);
        r.interpolates.then_some(r.theta)
    }

    fn operator<'a>(&'a self, theta: &[f64]) -> Box<dyn GaussNewtonOperator + 'a> {
        let fwd = forward(self, theta);
        let half = output_hessian_roots(self, fwd.output());
        Box::new(NetworkGn {
            net: self,
            theta: theta.to_vec(),
            fwd,
            half,
        })
    }
}

/// `D_i^{1/2}` per sample (k × k, row-major), or None for the identity (MSE).
fn output_hessian_roots(net: &Network, f: &[f64]) -> Option<Vec<f64>> {
    let k = net.outputs_dim();
    match net.objective {
        Objective::Mse => None,
        Objective::CrossEntropy => {
            let mut out = Vec::with_capacity(f.len() * k);
            for (row, y) in f.chunks(k).zip(net.y.chunks(k)) {
                let m = row.iter().fold(f64::NEG_INFINITY, |a, &b| a.max(b));
                let e: Vec<f64> = row.iter().map(|z| (z - m).exp()).collect();
                let z: f64 = e.iter().sum();
                let s: f64 = y.iter().sum();
                let p: Vec<f64> = e.iter().map(|x| x / z).collect();
                let d = DMatrix::from_fn(k, k, |a, b| {
                    s * (if a == b { p[a] } else { 0.0 } - p[a] * p[b])
                });
                let eig = SymmetricEigen::new(d);
                let root = &eig.eigenvectors
                    * DMatrix::from_diagonal(&eig.eigenvalues.map(|x| x.max(0.0).sqrt()))
                    * eig.eigenvectors.transpose();
                out.extend((0..k * k).map(|i| root[(i / k, i % k)]));
            }
            Some(out)
        }
    }
}

struct NetworkGn<'a> {
    net: &'a Network,
    theta: Vec<f64>,
    fwd: Forward<f64>,
    half: Option<Vec<f64>>,
}

impl NetworkGn<'_> {
    /// `D^{1/2} x / √n` for x ∈ R^m (D^{1/2} symmetric).
    fn scale(&self, x: &[f64]) -> Vec<f64> {
        let k = self.net.outputs_dim();
        let s = 1.0 / (self.net.samples() as f64).sqrt();
        match &self.half {
            None => x.iter().map(|v| v * s).collect(),
            Some(h) => x
                .chunks(k)
                .enumerate()
                .flat_map(|(i, xi)| {
                    let b = &h[i * k * k..(i + 1) * k * k];
                    (0..k).map(move |a| s * (0..k).map(|c| b[a * k + c] * xi[c]).sum::<f64>())
                })
                .collect(),
        }
    }

    /// `J Jᵀ` (m × m, rows (i, c) at i·k + c) from the layer sensitivities (module docs).
    fn jjt(&self) -> DMatrix<f64> {
        let (n, k) = (self.net.samples(), self.net.outputs_dim());
        let m = n * k;
        let layers = self.net.layers();
        // deltas[l] is m × out_l: row i·k + c holds δ^l_{ic}.
        let mut deltas: Vec<Vec<f64>> = layers.iter().map(|s| vec![0.0; m * s.out]).collect();
        for c in 0..k {
            let mut dz: Vec<f64> = (0..n * k)
                .map(|e| if e % k == c { 1.0 } else { 0.0 })
                .collect();
            for (l, s) in layers.iter().enumerate().rev() {
                for i in 0..n {
                    let row = (i * k + c) * s.out;
                    deltas[l][row..row + s.out].copy_from_slice(&dz[i * s.out..(i + 1) * s.out]);
                }
                if l == 0 {
                    break;
                }
                let w = View::row_major(
                    &self.theta[s.weight..s.weight + s.out * s.inp],
                    s.out,
                    s.inp,
                );
                let mut da = gemm(View::row_major(&dz, n, s.out), w);
                for (x, sl) in da.iter_mut().zip(&self.fwd.slopes[l - 1]) {
                    *x *= *sl;
                }
                dz = da;
            }
        }
        let mut out = DMatrix::zeros(m, m);
        for (l, s) in layers.iter().enumerate() {
            let d = View::row_major(&deltas[l], m, s.out);
            let gd = gemm(d, d.t());
            let a = View::row_major(&self.fwd.inputs[l], n, s.inp);
            let ga = gemm(a, a.t());
            for r in 0..m {
                for q in 0..m {
                    out[(r, q)] += gd[r * m + q] * (ga[(r / k) * n + q / k] + 1.0);
                }
            }
        }
        out
    }
}

impl GaussNewtonOperator for NetworkGn<'_> {
    fn rows(&self) -> usize {
        self.net.samples() * self.net.outputs_dim()
    }

    fn full_rank(&self) -> usize {
        match self.net.objective {
            Objective::Mse => self.rows(),
            Objective::CrossEntropy => self.net.samples() * (self.net.outputs_dim() - 1),
        }
    }

    fn gram(&self) -> DMatrix<f64> {
        let m = self.rows();
        let j = self.jjt();
        // G = (D^{1/2}/√n) J Jᵀ (D^{1/2}/√n): scale columns, then rows.
        let mut cols = DMatrix::zeros(m, m);
        for q in 0..m {
            let col: Vec<f64> = j.column(q).iter().copied().collect();
            cols.set_column(q, &DVector::from_vec(self.scale(&col)));
        }
        let mut g = DMatrix::zeros(m, m);
        for r in 0..m {
            let row: Vec<f64> = cols.row(r).iter().copied().collect();
            g.set_row(r, &DVector::from_vec(self.scale(&row)).transpose());
        }
        (&g + g.transpose()) * 0.5
    }

    fn apply_s(&self, u: &[f64]) -> DVector<f64> {
        let t: Vec<Dual64> = self
            .theta
            .iter()
            .zip(u)
            .map(|(&a, &b)| Dual64::new(a, b))
            .collect();
        let ju: Vec<f64> = forward(self.net, &t)
            .output()
            .iter()
            .map(|d| d.eps)
            .collect();
        DVector::from_vec(self.scale(&ju))
    }

    fn apply_st(&self, w: &[f64]) -> DVector<f64> {
        let seed = self.scale(w);
        DVector::from_vec(backward(self.net, &self.theta, &self.fwd, &seed))
    }
}

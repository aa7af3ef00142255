//! Batched forward and backward passes of a [`Network`], generic over the dual-number types
//! (docs/math.md §2): layer matrices, samples in rows, every product through [`gemm`].
//!
//! Forward: `A_0 = X` (n × d), `Z_l = A_{l−1} W_lᵀ + 1 b_lᵀ`, `A_l = σ(Z_l)` (l < L), `f = Z_L`.
//! Backward from the output cotangent `Ḡ = ∂ℓ/∂f` (n × k): `dW_l = dZ_lᵀ A_{l−1}`,
//! `db_l = 1ᵀ dZ_l`, `dZ_{l−1} = (dZ_l W_l) ⊙ σ'(Z_{l−1})`. Branches on real parts only.

use super::gemm::{gemm, View};
use super::{Network, Objective};
use crate::loss::Scalar;

/// The cached forward pass.
#[derive(Debug, Clone)]
pub struct Forward<D> {
    /// `A_0 … A_{L−1}` (inputs of each layer), row-major n × in_l.
    pub inputs: Vec<Vec<D>>,
    /// `σ'(Z_l)` for the hidden layers l < L.
    pub slopes: Vec<Vec<D>>,
    /// `f = Z_L`, n × k.
    pub out: Vec<D>,
}

impl<D> Forward<D> {
    /// The network's outputs, n × k row-major.
    pub fn output(&self) -> &[D] {
        &self.out
    }
}

/// The forward pass at θ.
pub fn forward<D: Scalar>(net: &Network, theta: &[D]) -> Forward<D> {
    let n = net.samples();
    let layers = net.layers();
    let mut a: Vec<D> = net.x.iter().map(|&v| D::from(v)).collect();
    let (mut inputs, mut slopes) = (Vec::with_capacity(layers.len()), Vec::new());
    for (l, s) in layers.iter().enumerate() {
        let w = View::row_major(&theta[s.weight..s.weight + s.out * s.inp], s.out, s.inp);
        let mut z = gemm(View::row_major(&a, n, s.inp), w.t());
        let b = &theta[s.bias..s.bias + s.out];
        for row in z.chunks_mut(s.out) {
            for (zj, bj) in row.iter_mut().zip(b) {
                *zj += *bj;
            }
        }
        inputs.push(std::mem::take(&mut a));
        if l + 1 == layers.len() {
            return Forward {
                inputs,
                slopes,
                out: z,
            };
        }
        let mut slope = Vec::with_capacity(z.len());
        a = z
            .into_iter()
            .map(|u| {
                let (s, ds) = net.activation.eval(u);
                slope.push(ds);
                s
            })
            .collect();
        slopes.push(slope);
    }
    unreachable!("a validated network has at least one layer")
}

/// The data term `ℓ(f)` and (when `with_seed`) its cotangent `∂ℓ/∂f` (n × k).
pub fn head<D: Scalar>(net: &Network, f: &[D], with_seed: bool) -> (D, Vec<D>) {
    let (n, k) = (net.samples(), net.outputs_dim());
    let inv_n = 1.0 / n as f64;
    let mut value = D::zero();
    let mut seed = if with_seed {
        vec![D::zero(); f.len()]
    } else {
        Vec::new()
    };
    match net.objective {
        Objective::Mse => {
            for (i, (fi, yi)) in f.iter().zip(&net.y).enumerate() {
                let r = *fi - *yi;
                value += r * r * (0.5 * inv_n);
                if with_seed {
                    seed[i] = r * inv_n;
                }
            }
        }
        Objective::CrossEntropy => {
            for i in 0..n {
                let (row, y) = (&f[i * k..(i + 1) * k], &net.y[i * k..(i + 1) * k]);
                let m = row.iter().map(|z| z.re()).fold(f64::NEG_INFINITY, f64::max);
                let sum = row.iter().fold(D::zero(), |acc, z| acc + (*z - m).exp());
                let lse = sum.ln() + m;
                let sy: f64 = y.iter().sum();
                value += (lse * sy
                    - row
                        .iter()
                        .zip(y)
                        .fold(D::zero(), |acc, (z, t)| acc + *z * *t))
                    * inv_n;
                if with_seed {
                    for j in 0..k {
                        seed[i * k + j] = ((row[j] - lse).exp() * sy - y[j]) * inv_n;
                    }
                }
            }
        }
    }
    (value, seed)
}

/// `(wd/2)|θ|²`.
pub fn decay_value<D: Scalar>(net: &Network, theta: &[D]) -> D {
    if net.weight_decay > 0.0 {
        theta.iter().fold(D::zero(), |acc, t| acc + *t * *t) * (0.5 * net.weight_decay)
    } else {
        D::zero()
    }
}

/// The vector-Jacobian product `Σ_i Ḡ_i ∂f(x_i)/∂θ` for the output cotangent `seed`
/// (n × k), given the forward pass at θ.
pub fn backward<D: Scalar>(net: &Network, theta: &[D], fwd: &Forward<D>, seed: &[D]) -> Vec<D> {
    let n = net.samples();
    let layers = net.layers();
    let mut grad = vec![D::zero(); theta.len()];
    let mut dz = seed.to_vec();
    for (l, s) in layers.iter().enumerate().rev() {
        let dzv = View::row_major(&dz, n, s.out);
        let dw = gemm(dzv.t(), View::row_major(&fwd.inputs[l], n, s.inp));
        grad[s.weight..s.weight + dw.len()].copy_from_slice(&dw);
        for row in dz.chunks(s.out) {
            for (g, d) in grad[s.bias..s.bias + s.out].iter_mut().zip(row) {
                *g += *d;
            }
        }
        if l == 0 {
            break;
        }
        let w = View::row_major(&theta[s.weight..s.weight + s.out * s.inp], s.out, s.inp);
        let mut da = gemm(dzv, w);
        for (x, sl) in da.iter_mut().zip(&fwd.slopes[l - 1]) {
            *x *= *sl;
        }
        dz = da;
    }
    grad
}

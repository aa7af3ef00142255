//! A two-layer perceptron on seeded data, with the mean squared error (docs/math.md §1: an
//! overparameterized loss whose minimizers form a manifold).
//!
//! `f_θ(x) = Σ_j a_j σ(w_j·x + b_j)` with `h` hidden units, `x ∈ R^d`, and
//! `L(θ) = (1/2n) Σ_i (f_θ(x_i) − y_i)²`. θ stacks W (h × d, row-major), then b (h), then a (h):
//! `P = h(d + 2)`. The inputs are i.i.d. standard normal; the targets are those of a *teacher*
//! with seeded parameters θ_T (standard normal), `y_i = f_{θ_T}(x_i)`, so `L(θ_T) = 0` exactly
//! and θ_T is the default point. On `M = {f_θ(x_i) = y_i ∀i}` the Hessian is the Gauss–Newton
//! matrix `JᵀJ/n` (J the n × P Jacobian of the outputs): rank n for generic data, so M has
//! dimension `P − n` near θ_T when `n < P`.
//!
//! A second point of M, away from the teacher: [`Mlp::fit`] runs damped Gauss–Newton steps on
//! the residuals (minimum-norm steps `δ = −Jᵀ(JJᵀ + μI)⁻¹ r`, J from forward Dual64 passes)
//! from a seeded standard normal initialisation until the residuals vanish to rounding.
//!
//! σ is smooth (assumption A1): one of [`Activation`] (tanh, softplus, sigmoid, gelu_tanh,
//! identity; no ReLU), shared with the networks of model files. The gradient is
//! hand-written backpropagation, generic over the dual-number types; [`Mlp::outputs`] gives the
//! forward pass alone (tests build J from it with dual numbers, independently of the gradient).

use crate::loss::rng::SplitMix64;
use crate::loss::{Loss, Scalar};
use nalgebra::{DMatrix, DVector};
use num_dual::Dual64;

pub use crate::loss::network::Activation;

/// `(1/2n) Σ_i (f_θ(x_i) − y_i)²` for a two-layer perceptron (module docs).
#[derive(Debug, Clone, PartialEq)]
pub struct Mlp {
    /// Input dimension d.
    pub inputs: usize,
    /// Hidden units h.
    pub width: usize,
    /// σ.
    pub activation: Activation,
    /// Inputs `x_i`, one row of d per sample.
    pub x: Vec<Vec<f64>>,
    /// Targets `y_i`.
    pub y: Vec<f64>,
    /// The teacher θ_T (a point of M).
    pub teacher: Vec<f64>,
}

impl Mlp {
    /// A seeded instance: teacher θ_T and inputs standard normal, targets `f_{θ_T}(x_i)`.
    pub fn seeded(
        inputs: usize,
        width: usize,
        samples: usize,
        activation: Activation,
        seed: u64,
    ) -> Mlp {
        let mut rng = SplitMix64::new(seed);
        let teacher: Vec<f64> = (0..width * (inputs + 2)).map(|_| rng.normal()).collect();
        let x: Vec<Vec<f64>> = (0..samples)
            .map(|_| (0..inputs).map(|_| rng.normal()).collect())
            .collect();
        let mut mlp = Mlp {
            inputs,
            width,
            activation,
            x,
            y: vec![0.0; samples],
            teacher,
        };
        mlp.y = mlp.outputs(&mlp.teacher);
        mlp
    }

    /// Number of samples n.
    pub fn samples(&self) -> usize {
        self.x.len()
    }

    /// `(W_j row, b_j, a_j)` of hidden unit j.
    fn unit<'a, D>(&self, theta: &'a [D], j: usize) -> (&'a [D], D, D)
    where
        D: Copy,
    {
        let (d, h) = (self.inputs, self.width);
        (
            &theta[j * d..(j + 1) * d],
            theta[h * d + j],
            theta[h * d + h + j],
        )
    }

    /// Pre-activation `w_j·x + b_j`.
    fn pre<D: Scalar>(w: &[D], b: D, x: &[f64]) -> D {
        w.iter().zip(x).fold(b, |acc, (wk, xk)| acc + *wk * *xk)
    }

    /// The network's outputs `f_θ(x_i)`, one per sample (forward pass only).
    pub fn outputs<D: Scalar>(&self, theta: &[D]) -> Vec<D> {
        self.x
            .iter()
            .map(|x| {
                (0..self.width).fold(D::zero(), |acc, j| {
                    let (w, b, a) = self.unit(theta, j);
                    acc + a * self.activation.eval(Self::pre(w, b, x)).0
                })
            })
            .collect()
    }
}

/// The result of [`Mlp::fit`].
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    /// The last iterate.
    pub point: Vec<f64>,
    /// `|r|` there (r the residuals f(x_i) − y_i).
    pub residual: f64,
    /// Gauss–Newton steps taken.
    pub steps: usize,
    /// Whether `|r| ≤ 1e-13·max(1, |y|)`.
    pub converged: bool,
}

impl Mlp {
    /// The residuals `f(x_i) − y_i` and their Jacobian J (n × P) at θ, from P forward Dual64
    /// passes through [`Mlp::outputs`] (independent of the hand-written gradient).
    pub fn residual_jacobian(&self, theta: &[f64]) -> (DVector<f64>, DMatrix<f64>) {
        let (n, p) = (self.samples(), theta.len());
        let mut j = DMatrix::zeros(n, p);
        let mut r = DVector::zeros(n);
        for k in 0..p {
            let t: Vec<Dual64> = theta
                .iter()
                .enumerate()
                .map(|(i, &x)| Dual64::new(x, if i == k { 1.0 } else { 0.0 }))
                .collect();
            for (i, f) in self.outputs(&t).iter().enumerate() {
                j[(i, k)] = f.eps;
                r[i] = f.re - self.y[i];
            }
        }
        (r, j)
    }

    /// Fits the data from a seeded standard normal start by damped minimum-norm Gauss–Newton
    /// steps (module docs), at most `max_steps`; the step is halved until `|r|` decreases.
    pub fn fit(&self, seed: u64, max_steps: usize) -> Fit {
        let mut rng = SplitMix64::new(seed);
        let mut theta: Vec<f64> = (0..self.dim()).map(|_| rng.normal()).collect();
        let target = 1e-13 * self.y.iter().map(|y| y * y).sum::<f64>().sqrt().max(1.0);
        let (mut r, mut j) = self.residual_jacobian(&theta);
        let mut steps = 0;
        while r.norm() > target && steps < max_steps {
            let jjt = &j * j.transpose();
            let mu = 1e-12 * jjt.diagonal().amax().max(1e-300);
            let shifted = jjt + DMatrix::identity(r.len(), r.len()) * mu;
            let Some(w) = shifted.lu().solve(&r) else {
                break;
            };
            let delta = -(j.transpose() * w);
            let mut scale = 1.0;
            let improved = loop {
                let trial: Vec<f64> = theta
                    .iter()
                    .zip(delta.iter())
                    .map(|(t, d)| t + scale * d)
                    .collect();
                let (rt, jt) = self.residual_jacobian(&trial);
                if rt.norm() < r.norm() {
                    break Some((trial, rt, jt));
                }
                scale *= 0.5;
                if scale < 1e-6 {
                    break None;
                }
            };
            let Some((t, rt, jt)) = improved else { break };
            (theta, r, j) = (t, rt, jt);
            steps += 1;
        }
        Fit {
            residual: r.norm(),
            converged: r.norm() <= target,
            point: theta,
            steps,
        }
    }
}

impl Loss for Mlp {
    fn dim(&self) -> usize {
        self.width * (self.inputs + 2)
    }
    fn value<D: Scalar>(&self, theta: &[D]) -> D {
        let n = self.samples() as f64;
        self.outputs(theta)
            .into_iter()
            .zip(&self.y)
            .fold(D::zero(), |acc, (f, y)| {
                let r = f - *y;
                acc + r * r
            })
            / (2.0 * n)
    }
    fn gradient<D: Scalar>(&self, theta: &[D]) -> Vec<D> {
        let (d, h) = (self.inputs, self.width);
        let n = self.samples() as f64;
        let mut grad = vec![D::zero(); theta.len()];
        for (x, y) in self.x.iter().zip(&self.y) {
            let units: Vec<(D, D)> = (0..h)
                .map(|j| {
                    let (w, b, _) = self.unit(theta, j);
                    self.activation.eval(Self::pre(w, b, x))
                })
                .collect();
            let f = (0..h).fold(D::zero(), |acc, j| acc + self.unit(theta, j).2 * units[j].0);
            let r = (f - *y) / n;
            for (j, (s, ds)) in units.iter().enumerate() {
                let a = self.unit(theta, j).2;
                let back = r * a * *ds;
                for k in 0..d {
                    grad[j * d + k] += back * x[k];
                }
                grad[h * d + j] += back;
                grad[h * d + h + j] += r * *s;
            }
        }
        grad
    }
}

/// The work budget of the `mlp` entry, in sample·parameter operations (README, limits).
pub const MLP_WORK_BUDGET: f64 = 1e10;

/// Refuses an `mlp` whose flip point would run for minutes: one Hessian-vector product costs
/// about n·P operations, the dense backend (P ≤ 1500) needs P of them and the matrix-free one
/// about 2·min(n, P) + 64 (CGLS on the rank ≤ n normal space). Measured before this budget
/// (debug build): width 500, inputs 20, samples 2000 ran 4.5 min (6e10); samples 500 ran 17 s.
pub fn work_budget(d: usize, h: usize, n: usize) -> crate::error::Result<()> {
    let p = (h * (d + 2)) as f64;
    let n = n as f64;
    let hvps = |n: f64| {
        if p <= crate::flip::DENSE_AUTO_MAX as f64 {
            p
        } else {
            2.0 * n.min(p) + 64.0
        }
    };
    let work = n * p * hvps(n);
    if work <= MLP_WORK_BUDGET {
        return Ok(());
    }
    let mut n_max = n;
    while n_max > 1.0 && n_max * p * hvps(n_max) > MLP_WORK_BUDGET {
        n_max = (n_max * 0.9).floor();
    }
    Err(crate::error::Error::Budget {
        what: format!(
            "mlp with inputs={d}, width={h}, samples={n}: P = {p} parameters; its flip point \
             needs about {work:.1e} operations (n·P per Hessian-vector product, {:.0} products)",
            hvps(n)
        ),
        limit: format!("mlp work n·P·products ≤ {MLP_WORK_BUDGET:.0e}"),
        hint: format!(
            "use samples ≤ {n_max:.0} at this size, or a smaller width; for large networks write \
             a model file (eosflip fit, --model) and use --backend gauss-newton"
        ),
    })
}

//! Multi-layer perceptrons on data, as losses (docs/math.md §1: overparameterized losses whose
//! minimizers form a manifold; issue 8).
//!
//! `f(x) = W_L σ(⋯σ(W_1 x + b_1)⋯) + b_L` with widths `[d, h_1, …, k]` and a smooth σ
//! ([`Activation`]). Losses ([`Objective`]): mean squared error
//! `L(θ) = (1/2n) Σ_i |f(x_i) − y_i|² + (wd/2)|θ|²` and soft-label softmax cross-entropy
//! `L(θ) = (1/n) Σ_i −Σ_j y_ij ln softmax(f(x_i))_j + (wd/2)|θ|²`.
//! Parameter order is PyTorch's `nn.Sequential(Linear, act, Linear, …).parameters()`: per
//! layer the weight (out × in, row-major), then the bias.
//!
//! The gradient is hand-written backpropagation, batched over the samples with layer matrices
//! and generic over the dual-number types ([`backprop`]); every matrix product goes through
//! [`gemm`], a few `f64` GEMMs per dual pass. [`gauss_newton`] gives the structure
//! `H = Jᵀ D J / n` at an interpolating minimizer; [`model_file`] reads and writes the model
//! files (`docs/model-format.md`); [`fit`] trains to interpolation.

pub mod backprop;
pub mod csv;
pub mod fit;
pub mod gauss_newton;
pub mod gemm;
pub mod model_file;
pub mod safetensors;
pub mod seeded;

use crate::loss::catalog::link::{sigmoid, softplus};
use crate::loss::{Loss, Scalar};
use serde::{Deserialize, Serialize};

/// The activation σ (smooth: assumption A1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Activation {
    /// `tanh u`.
    Tanh,
    /// `ln(1 + e^u)`.
    Softplus,
    /// `1/(1 + e^{−u})`.
    Sigmoid,
    /// GELU's tanh form `u/2 · (1 + tanh(√(2/π)(u + 0.044715 u³)))`.
    GeluTanh,
    /// `u` (deep linear networks).
    Identity,
}

impl Activation {
    /// The names accepted in model files.
    pub const NAMES: [&'static str; 5] = ["tanh", "softplus", "sigmoid", "gelu_tanh", "identity"];

    /// Parses one of [`Self::NAMES`].
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "tanh" => Activation::Tanh,
            "softplus" => Activation::Softplus,
            "sigmoid" => Activation::Sigmoid,
            "gelu_tanh" => Activation::GeluTanh,
            "identity" => Activation::Identity,
            _ => return None,
        })
    }

    /// The name of [`Self::NAMES`].
    pub fn name(self) -> &'static str {
        match self {
            Activation::Tanh => "tanh",
            Activation::Softplus => "softplus",
            Activation::Sigmoid => "sigmoid",
            Activation::GeluTanh => "gelu_tanh",
            Activation::Identity => "identity",
        }
    }

    /// `(σ(u), σ'(u))`.
    #[inline]
    pub fn eval<D: Scalar>(self, u: D) -> (D, D) {
        match self {
            Activation::Tanh => {
                let t = u.tanh();
                (t, -t * t + 1.0)
            }
            Activation::Softplus => (softplus(u), sigmoid(u)),
            Activation::Sigmoid => {
                let s = sigmoid(u);
                (s, s * (-s + 1.0))
            }
            Activation::GeluTanh => {
                const C: f64 = 0.797_884_560_802_865_4; // √(2/π)
                const A: f64 = 0.044_715;
                let u2 = u * u;
                let t = ((u + u2 * u * A) * C).tanh();
                let half = (t + 1.0) * 0.5;
                (
                    u * half,
                    half + u * (-t * t + 1.0) * (u2 * (3.0 * A) + 1.0) * (0.5 * C),
                )
            }
            Activation::Identity => (u, D::one()),
        }
    }
}

/// The data term of the loss.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Objective {
    /// `(1/2n) Σ_i |f(x_i) − y_i|²`.
    Mse,
    /// `(1/n) Σ_i −Σ_j y_ij ln softmax(f(x_i))_j` (soft labels).
    CrossEntropy,
}

impl Objective {
    /// The name used in model files (`mse`, `cross_entropy`).
    pub fn name(self) -> &'static str {
        match self {
            Objective::Mse => "mse",
            Objective::CrossEntropy => "cross_entropy",
        }
    }
}

/// A perceptron with its data: a loss `L(θ)` (module docs).
#[derive(Debug, Clone, PartialEq)]
pub struct Network {
    /// `[d, h_1, …, k]`.
    pub widths: Vec<usize>,
    /// σ.
    pub activation: Activation,
    /// The data term.
    pub objective: Objective,
    /// wd ≥ 0.
    pub weight_decay: f64,
    /// Inputs, n × d row-major.
    pub x: Vec<f64>,
    /// Targets, n × k row-major.
    pub y: Vec<f64>,
}

/// Where layer `l`'s parameters sit in θ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LayerSlot {
    /// Input width.
    pub inp: usize,
    /// Output width.
    pub out: usize,
    /// Offset of the weight (out × in, row-major).
    pub weight: usize,
    /// Offset of the bias (out).
    pub bias: usize,
}

impl Network {
    /// Number of samples n.
    pub fn samples(&self) -> usize {
        self.x.len() / self.widths[0].max(1)
    }

    /// Input dimension d.
    pub fn inputs(&self) -> usize {
        self.widths[0]
    }

    /// Output dimension k.
    pub fn outputs_dim(&self) -> usize {
        *self.widths.last().expect("validated: at least two widths")
    }

    /// The layers' parameter slots, in order.
    pub fn layers(&self) -> Vec<LayerSlot> {
        let mut off = 0;
        self.widths
            .windows(2)
            .map(|w| {
                let s = LayerSlot {
                    inp: w[0],
                    out: w[1],
                    weight: off,
                    bias: off + w[0] * w[1],
                };
                off += w[1] * (w[0] + 1);
                s
            })
            .collect()
    }

    /// `P = Σ_l out_l (in_l + 1)`.
    pub fn parameter_count(widths: &[usize]) -> usize {
        widths.windows(2).map(|w| w[1] * (w[0] + 1)).sum()
    }

    /// The outputs `f(x_i)` (n × k row-major).
    pub fn outputs<D: Scalar>(&self, theta: &[D]) -> Vec<D> {
        backprop::forward(self, theta).output().to_vec()
    }
}

/// The [`LossInfo`](crate::report::LossInfo) of a network read from `source`.
pub fn describe(net: &Network, source: &str) -> crate::report::LossInfo {
    let mut params = std::collections::BTreeMap::new();
    params.insert("source".into(), source.to_string());
    params.insert("widths".into(), format!("{:?}", net.widths));
    params.insert("activation".into(), net.activation.name().into());
    params.insert("loss".into(), net.objective.name().into());
    params.insert("weight_decay".into(), net.weight_decay.to_string());
    params.insert("samples".into(), net.samples().to_string());
    crate::report::LossInfo {
        name: "network".into(),
        params,
        dim: net.dim(),
    }
}

impl Loss for Network {
    fn dim(&self) -> usize {
        Network::parameter_count(&self.widths)
    }
    fn value<D: Scalar>(&self, theta: &[D]) -> D {
        let fwd = backprop::forward(self, theta);
        backprop::head(self, fwd.output(), false).0 + backprop::decay_value(self, theta)
    }
    fn gradient<D: Scalar>(&self, theta: &[D]) -> Vec<D> {
        let fwd = backprop::forward(self, theta);
        let (_, seed) = backprop::head(self, fwd.output(), true);
        let mut g = backprop::backward(self, theta, &fwd, &seed);
        if self.weight_decay > 0.0 {
            for (gi, t) in g.iter_mut().zip(theta) {
                *gi += *t * self.weight_decay;
            }
        }
        g
    }
}

//! Seeded teacher networks: data and a point of M, for tests, benchmarks and `eosflip fit`.
//!
//! Inputs `x_i` are i.i.d. standard normal; the teacher θ_T has weights `N(0, 1/fan_in)` and
//! biases `N(0, 0.01)`; the targets are the teacher's outputs (mean squared error) or its
//! softmax probabilities (cross-entropy, soft labels). So `θ_T` interpolates the data exactly:
//! a point of M.

use super::backprop::forward;
use super::{Activation, Network, Objective};
use crate::loss::rng::SplitMix64;

/// A teacher network and its data; returns the loss and θ_T.
pub fn teacher(
    widths: &[usize],
    activation: Activation,
    objective: Objective,
    samples: usize,
    seed: u64,
) -> (Network, Vec<f64>) {
    let mut rng = SplitMix64::new(seed);
    let mut theta = Vec::with_capacity(Network::parameter_count(widths));
    for w in widths.windows(2) {
        let s = 1.0 / (w[0] as f64).sqrt();
        theta.extend((0..w[0] * w[1]).map(|_| s * rng.normal()));
        theta.extend((0..w[1]).map(|_| 0.1 * rng.normal()));
    }
    let x: Vec<f64> = (0..samples * widths[0]).map(|_| rng.normal()).collect();
    let k = *widths.last().expect("at least two widths");
    let mut net = Network {
        widths: widths.to_vec(),
        activation,
        objective,
        weight_decay: 0.0,
        x,
        y: vec![0.0; samples * k],
    };
    let f = forward(&net, &theta).out;
    net.y = match objective {
        Objective::Mse => f,
        Objective::CrossEntropy => f
            .chunks(k)
            .flat_map(|row| {
                let m = row.iter().fold(f64::NEG_INFINITY, |a, &b| a.max(b));
                let e: Vec<f64> = row.iter().map(|z| (z - m).exp()).collect();
                let z: f64 = e.iter().sum();
                e.into_iter().map(move |v| v / z)
            })
            .collect(),
    };
    (net, theta)
}

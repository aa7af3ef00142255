//! Every catalog entry's hand-written gradient against the `Dual64` derivative of its own
//! `value` along every coordinate (MATH.md §2: the gradient is the one pass every derivative
//! goes through, so it must be the derivative of the loss), at the default point and off it.
mod common;

use eosflip::loss::catalog::{self, ENTRIES};
use eosflip::Loss;
use num_dual::Dual64;
use std::collections::BTreeMap;

fn check<L: Loss>(name: &str, loss: &L, theta: &[f64]) {
    let g = loss.gradient(theta);
    let scale = g.iter().fold(1.0f64, |a, b| a.max(b.abs()));
    for (i, gi) in g.iter().enumerate() {
        let t: Vec<Dual64> = theta
            .iter()
            .enumerate()
            .map(|(j, &x)| Dual64::new(x, if i == j { 1.0 } else { 0.0 }))
            .collect();
        let d = loss.value(&t).eps;
        assert!(
            (d - gi).abs() <= 1e-12 * scale,
            "{name}: coordinate {i}: d/dθ value = {d}, gradient = {gi}"
        );
    }
}

#[test]
fn every_catalog_gradient_is_the_derivative_of_its_value() {
    for e in ENTRIES {
        let inst = catalog::build(e.name, &BTreeMap::new()).unwrap();
        let p = &inst.default_point;
        check(e.name, &inst.loss, p);
        let off: Vec<f64> = p
            .iter()
            .enumerate()
            .map(|(i, x)| x + 0.05 * ((i as f64) * 1.7 + 0.3).sin())
            .collect();
        check(e.name, &inst.loss, &off);
    }
}

//! Shared test losses and helpers for the simulate tests.
#![allow(dead_code)]

use eosflip::loss::{c, catalog, Loss, Scalar};
use std::collections::BTreeMap;

/// A catalog instance from `k=v` pairs.
pub fn build(name: &str, kv: &[(&str, &str)]) -> catalog::CatalogInstance {
    let m: BTreeMap<String, String> = kv
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    catalog::build(name, &m).unwrap()
}

/// `L(x, y) = ½(1 + κy)x² + q x⁴/24` (q < 0): M = {x = 0} (near y > −1/κ), λ = 1 + κy,
/// v = e_x, g = (0, κ) = Π_T g, G = κ², c1 = −ηq/6 at any step η. At fixed η, G/c1 is constant
/// along M (d = 0) and ε_rel = η²κ²/(8c1) = 3ηκ²/(4|q|) = 3κ²/(2|q|λ) at η = 2/λ: moving the
/// threshold point up M sends ε_rel → 0 in the clean first-order regime.
#[derive(Debug, Clone)]
pub struct Tilted {
    pub kappa: f64,
    pub q: f64,
}

impl Loss for Tilted {
    fn dim(&self) -> usize {
        2
    }
    fn value<D: Scalar>(&self, t: &[D]) -> D {
        let (x, y) = (t[0], t[1]);
        (y * self.kappa + 1.0) * x * x * 0.5 + x * x * x * x * (self.q / 24.0)
    }
    fn gradient<D: Scalar>(&self, t: &[D]) -> Vec<D> {
        let (x, y) = (t[0], t[1]);
        vec![
            (y * self.kappa + 1.0) * x + x * x * x * (self.q / 6.0),
            x * x * (self.kappa * 0.5) + c::<D>(0.0),
        ]
    }
}

/// The ring `L(θ) = (|θ|² − 1)²/4` in 2-D: M = the unit circle, invariant under rotations, so
/// λ = 2 everywhere on M (Π_T g = 0), c1 = 8 (the radial double well), and every 2-cycle comes
/// in a rotation family: one Floquet multiplier is exactly 1.
#[derive(Debug, Clone)]
pub struct Ring;

impl Loss for Ring {
    fn dim(&self) -> usize {
        2
    }
    fn value<D: Scalar>(&self, t: &[D]) -> D {
        let w = t[0] * t[0] + t[1] * t[1] - c::<D>(1.0);
        w * w * 0.25
    }
    fn gradient<D: Scalar>(&self, t: &[D]) -> Vec<D> {
        let w = t[0] * t[0] + t[1] * t[1] - c::<D>(1.0);
        vec![w * t[0], w * t[1]]
    }
}

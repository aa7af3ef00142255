//! Exact derivatives of ∇L as single dual-number passes (docs/math.md §2).
//!
//! | function | quantity | number type |
//! |---|---|---|
//! | [`gradient`] | ∇L(θ) | `f64` |
//! | [`hvp`] | H w = d/dt ∇L(θ + t w) | `Dual64` |
//! | [`third_along`] | g = ∇³L[v,v,·] = d²/dt² ∇L(θ + t v) | `Dual2_64` |
//! | [`line_jet`] | ∇L, Hv, ∇³L[v,v,·], ∇⁴L[v,v,v,·] along θ + t v | `Dual3_64` |
//! | [`mixed_third`] | ∇³L[u,w,·] = ∂²/∂s∂t ∇L(θ + s u + t w) | `HyperDual64` |
//! | [`mixed_fourth`] | ∇⁴L[u,w,z,·] | `HyperHyperDual64` |
//! | [`curve_jet`] | Taylor coefficients 0..=5 of ∇L(θ + Σ h_j p^j) in p | `Dual3<Dual2_64>` |
//!
//! Each is exactly one call of [`Loss::gradient`]; nothing here uses finite differences.

pub mod gd_map;

use crate::loss::Loss;
use nalgebra::DVector;
use num_dual::{Dual2, Dual2_64, Dual3, Dual3_64, Dual64, DualNum, HyperDual64, HyperHyperDual64};

/// ∇L(θ) in `f64`.
pub fn gradient<L: Loss>(loss: &L, theta: &[f64]) -> DVector<f64> {
    DVector::from_vec(loss.gradient(theta))
}

/// Hessian-vector product `H(θ) w` (one `Dual64` pass).
pub fn hvp<L: Loss>(loss: &L, theta: &[f64], w: &[f64]) -> DVector<f64> {
    let x: Vec<Dual64> = theta
        .iter()
        .zip(w)
        .map(|(&t, &d)| Dual64::new(t, d))
        .collect();
    DVector::from_iterator(theta.len(), loss.gradient(&x).into_iter().map(|d| d.eps))
}

/// `g = ∇³L(θ)[v, v, ·]` (one `Dual2_64` pass).
pub fn third_along<L: Loss>(loss: &L, theta: &[f64], v: &[f64]) -> DVector<f64> {
    let x: Vec<Dual2_64> = theta
        .iter()
        .zip(v)
        .map(|(&t, &d)| Dual2_64::new(t, d, 0.0))
        .collect();
    DVector::from_iterator(theta.len(), loss.gradient(&x).into_iter().map(|d| d.v2))
}

/// Derivatives of `t ↦ ∇L(θ + t v)` at `t = 0` up to third order.
#[derive(Debug, Clone, PartialEq)]
pub struct LineJet {
    /// ∇L(θ).
    pub d0: DVector<f64>,
    /// H v.
    pub d1: DVector<f64>,
    /// ∇³L[v, v, ·].
    pub d2: DVector<f64>,
    /// ∇⁴L[v, v, v, ·].
    pub d3: DVector<f64>,
}

/// The third-order line jet of ∇L along `v` (one `Dual3_64` pass).
pub fn line_jet<L: Loss>(loss: &L, theta: &[f64], v: &[f64]) -> LineJet {
    let x: Vec<Dual3_64> = theta
        .iter()
        .zip(v)
        .map(|(&t, &d)| Dual3_64::new(t, d, 0.0, 0.0))
        .collect();
    let out = loss.gradient(&x);
    let n = theta.len();
    LineJet {
        d0: DVector::from_iterator(n, out.iter().map(|d| d.re)),
        d1: DVector::from_iterator(n, out.iter().map(|d| d.v1)),
        d2: DVector::from_iterator(n, out.iter().map(|d| d.v2)),
        d3: DVector::from_iterator(n, out.iter().map(|d| d.v3)),
    }
}

/// `∇³L(θ)[u, w, ·]` (one `HyperDual64` pass).
pub fn mixed_third<L: Loss>(loss: &L, theta: &[f64], u: &[f64], w: &[f64]) -> DVector<f64> {
    let x: Vec<HyperDual64> = (0..theta.len())
        .map(|i| HyperDual64::new(theta[i], u[i], w[i], 0.0))
        .collect();
    DVector::from_iterator(
        theta.len(),
        loss.gradient(&x).into_iter().map(|d| d.eps1eps2),
    )
}

/// `∇⁴L(θ)[u, w, z, ·]` (one `HyperHyperDual64` pass).
pub fn mixed_fourth<L: Loss>(
    loss: &L,
    theta: &[f64],
    u: &[f64],
    w: &[f64],
    z: &[f64],
) -> DVector<f64> {
    let x: Vec<HyperHyperDual64> = (0..theta.len())
        .map(|i| HyperHyperDual64::new(theta[i], u[i], w[i], z[i], 0.0, 0.0, 0.0, 0.0))
        .collect();
    DVector::from_iterator(
        theta.len(),
        loss.gradient(&x).into_iter().map(|d| d.eps1eps2eps3),
    )
}

/// `∇³L(θ)[u, u, w]` from one forward pass of the *value* in `Dual2<Dual64>`
/// (`∂²/∂t² ∂/∂s L(θ + t u + s w)` at 0): no gradient involved.
pub fn third_contracted_value<L: Loss>(loss: &L, theta: &[f64], u: &[f64], w: &[f64]) -> f64 {
    let x: Vec<Dual2<Dual64>> = (0..theta.len())
        .map(|i| {
            Dual2::new(
                Dual64::new(theta[i], w[i]),
                Dual64::new(u[i], 0.0),
                Dual64::new(0.0, 0.0),
            )
        })
        .collect();
    loss.value(&x).v2.eps
}

/// `∇⁴L(θ)[u, u, u, u]` from one forward pass of the *value* in `Dual3<Dual64>`
/// (`∂³/∂t³ ∂/∂s L(θ + t u + s u)` at 0).
pub fn fourth_along_value<L: Loss>(loss: &L, theta: &[f64], u: &[f64]) -> f64 {
    let x: Vec<Dual3<Dual64>> = (0..theta.len())
        .map(|i| {
            Dual3::new(
                Dual64::new(theta[i], u[i]),
                Dual64::new(u[i], 0.0),
                Dual64::new(0.0, 0.0),
                Dual64::new(0.0, 0.0),
            )
        })
        .collect();
    loss.value(&x).v3.eps
}

/// Taylor coefficients `[k = 0..=5]` (the k-th derivative divided by k!) of
/// `p ↦ ∇L(θ + Σ_{j=1}^{5} h_j p^j)` at p = 0, from one gradient pass in `Dual3<Dual2_64>`:
/// the variable is `p = s + t` with `s⁴ = 0` (outer `Dual3`) and `t³ = 0` (inner `Dual2`), so
/// `∂_s^a ∂_t^b` at 0 is the (a + b)-th derivative in p, for every order up to 5 (docs/math.md §7).
/// `h` holds `h_1, …, h_5` (missing ones are zero).
pub fn curve_jet<L: Loss>(loss: &L, theta: &[f64], h: &[DVector<f64>]) -> [DVector<f64>; 6] {
    type J = Dual3<Dual2_64>;
    let zero = Dual2_64::new(0.0, 0.0, 0.0);
    let pvar = J::new(
        Dual2_64::new(0.0, 1.0, 0.0),
        Dual2_64::new(1.0, 0.0, 0.0),
        zero,
        zero,
    );
    let powers: Vec<J> = (1..=h.len().min(5)).map(|j| pvar.powi(j as i32)).collect();
    let x: Vec<J> = (0..theta.len())
        .map(|i| {
            powers
                .iter()
                .zip(h)
                .fold(J::from(theta[i]), |acc, (pw, hj)| acc + *pw * hj[i])
        })
        .collect();
    let out = loss.gradient(&x);
    let n = theta.len();
    let fact = [1.0, 1.0, 2.0, 6.0, 24.0, 120.0];
    std::array::from_fn(|k| {
        let a = k.min(3);
        let b = k - a;
        DVector::from_iterator(
            n,
            out.iter().map(|d| {
                let outer = [d.re, d.v1, d.v2, d.v3][a];
                [outer.re, outer.v1, outer.v2][b] / fact[k]
            }),
        )
    })
}

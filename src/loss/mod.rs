//! Losses: the `Loss` trait and the built-in catalog (docs/math.md §1).
//!
//! A loss exposes its dimension, its value and its gradient, both generic over
//! `num_dual::DualNum<Primitive = f64>`: every exact derivative of the toolkit is one pass of
//! [`Loss::gradient`] in the right dual-number type (docs/math.md §2). Implementations must
//! branch on real parts only, so that the same code path is differentiated.

pub mod catalog;
pub mod expr;
pub mod network;
pub mod rng;
pub mod transform;

use num_dual::DualNum;

/// The number types the gradient is evaluated in: `f64` and every num-dual type over `f64`.
pub trait Scalar: DualNum<Primitive = f64> + Copy + 'static {}
impl<T: DualNum<Primitive = f64> + Copy + 'static> Scalar for T {}

/// A smooth loss `L: R^P -> R` (docs/math.md §1).
pub trait Loss: Sync {
    /// Number of parameters `P`.
    fn dim(&self) -> usize;
    /// `L(θ)`.
    fn value<D: Scalar>(&self, theta: &[D]) -> D;
    /// `∇L(θ)`, in closed form or by hand-written backpropagation: never finite differences.
    fn gradient<D: Scalar>(&self, theta: &[D]) -> Vec<D>;
}

/// `D` from an `f64` constant.
#[inline]
pub fn c<D: Scalar>(x: f64) -> D {
    D::from(x)
}

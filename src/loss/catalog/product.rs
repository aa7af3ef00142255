//! Product losses `L(x) = l(x1·…·xD)` (docs/math.md §6). M = {x1·…·xD = z*}, of dimension D − 1
//! where no two coordinates vanish.

use super::link::Link;
use crate::loss::{c, Loss, Scalar};

/// `l(x1·…·xD)` with depth D ≥ 2.
#[derive(Debug, Clone, PartialEq)]
pub struct Product {
    /// Depth D ≥ 2.
    pub depth: usize,
    /// The scalar loss l.
    pub link: Link,
}

impl Product {
    /// The default analysis point, on M and unbalanced (so the drift is non-zero):
    /// with `a = |z*|^{1/D}`, `x = (2a, ±a/2, a, …, a)` (sign of z*); for z* = 0, `(2, 0, 1, …, 1)`.
    pub fn default_point(&self) -> Vec<f64> {
        let z = self.link.z_star();
        let mut x = vec![0.0; self.depth];
        if z == 0.0 {
            x.iter_mut().for_each(|v| *v = 1.0);
            x[0] = 2.0;
            x[1] = 0.0;
            return x;
        }
        let a = z.abs().powf(1.0 / self.depth as f64);
        x.iter_mut().for_each(|v| *v = a);
        x[0] = 2.0 * a;
        x[1] = 0.5 * a * z.signum();
        // Correct the last rounding so that the product is z* to the last bit where possible.
        let prod_rest: f64 = x[..self.depth - 1].iter().product();
        x[self.depth - 1] = z / prod_rest;
        x
    }
}

/// Products of all coordinates but one, by prefix and suffix products (no division).
fn products_except_one<D: Scalar>(x: &[D]) -> Vec<D> {
    let n = x.len();
    let mut out = vec![c::<D>(1.0); n];
    let mut acc = c::<D>(1.0);
    for i in 0..n {
        out[i] = acc;
        acc *= x[i];
    }
    let mut acc = c::<D>(1.0);
    for i in (0..n).rev() {
        out[i] *= acc;
        acc *= x[i];
    }
    out
}

impl Loss for Product {
    fn dim(&self) -> usize {
        self.depth
    }
    fn value<D: Scalar>(&self, theta: &[D]) -> D {
        let z = theta.iter().fold(c::<D>(1.0), |acc, &x| acc * x);
        self.link.value(z)
    }
    fn gradient<D: Scalar>(&self, theta: &[D]) -> Vec<D> {
        let z = theta.iter().fold(c::<D>(1.0), |acc, &x| acc * x);
        let dl = self.link.d1(z);
        products_except_one(theta)
            .into_iter()
            .map(|p| dl * p)
            .collect()
    }
}

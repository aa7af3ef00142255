//! `L(x) = l(x1⋯xD)` with `l` the quartic `l2 w²/2 + l3 w³/6 + l4 w⁴/24`, `w = z − z*`: a loss
//! with any prescribed 4-jet at z* (docs/math.md §6), for the searches of [`super::examples`] and as
//! a numeric reference beside the catalog links. Only the 4-jet of l enters λ, c1 and Π_T g on M.

use super::Jet;
use crate::loss::{c, Loss, Scalar};

/// `l(x1⋯xD)` with the quartic link of the module docs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PolyProduct {
    /// Depth D ≥ 2.
    pub depth: usize,
    /// The 4-jet at z*.
    pub jet: Jet,
}

impl PolyProduct {
    fn dl<D: Scalar>(&self, z: D) -> D {
        let Jet {
            z_star, l2, l3, l4, ..
        } = self.jet;
        let w = z - c::<D>(z_star);
        w * l2 + w * w * (l3 / 2.0) + w * w * w * (l4 / 6.0)
    }
}

impl Loss for PolyProduct {
    fn dim(&self) -> usize {
        self.depth
    }
    fn value<D: Scalar>(&self, theta: &[D]) -> D {
        let Jet {
            z_star, l2, l3, l4, ..
        } = self.jet;
        let z = theta.iter().fold(c::<D>(1.0), |acc, &x| acc * x);
        let w = z - c::<D>(z_star);
        let w2 = w * w;
        w2 * (l2 / 2.0) + w2 * w * (l3 / 6.0) + w2 * w2 * (l4 / 24.0)
    }
    fn gradient<D: Scalar>(&self, theta: &[D]) -> Vec<D> {
        let z = theta.iter().fold(c::<D>(1.0), |acc, &x| acc * x);
        let dl = self.dl(z);
        (0..theta.len())
            .map(|i| {
                let others = theta
                    .iter()
                    .enumerate()
                    .filter(|(j, _)| *j != i)
                    .fold(c::<D>(1.0), |acc, (_, &x)| acc * x);
                dl * others
            })
            .collect()
    }
}

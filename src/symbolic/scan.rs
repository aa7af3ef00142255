//! Does a one-variable function have a non-degenerate minimizer? (MATH.md §5, A2: λ > 0 on M.)
//! Closed forms at a *symbolic* point of M (`f(x)`, or `φ(z)` with M = {z = z*}) hold at a
//! minimizer `x*` with `f'(x*) = 0` and `f''(x*) > 0`; without one there is no M and the forms
//! would describe nothing (`-x^2`, `x^3`, `exp(x*y)`, `(x*y-1)^3`).
//!
//! The test is numeric, on our own graph: f' is evaluated on a grid of [`POINTS`] points of
//! `[−R, R]`, `R =` [`RANGE`] (denser near 0); at a non-degenerate minimizer f' changes sign
//! from − to +, so every such change is bisected to a root r, and r counts when
//! `f''(r) > 1e-8 · max |f''|` at the bracket's ends. A double root of f' (no sign change) is
//! never a non-degenerate minimizer. Text our parser cannot read is not judged.

use crate::error::{Error, Result};
use crate::loss::expr::parse::parse;
use crate::loss::expr::Graph;

/// Half-width of the scanned interval.
pub const RANGE: f64 = 1000.0;
/// Grid points.
const POINTS: usize = 4001;

/// A compiled function of one variable.
struct F {
    graph: Graph,
    id: usize,
    schedule: Vec<usize>,
}

impl F {
    fn new(text: &str, var: &str) -> Option<F> {
        let mut graph = Graph::new(vec![var.to_string()]);
        let id = graph.add_ast(&parse(text).ok()?).ok()?;
        let schedule = graph.schedule(&[id]);
        Some(F {
            graph,
            id,
            schedule,
        })
    }
    fn at(&self, x: f64) -> f64 {
        self.graph.eval(&self.schedule, &[x])[self.id]
    }
}

/// A critical point where f' changes sign, f'' there, and whether it is a non-degenerate
/// minimizer (f' from − to +, f'' > 0).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Critical {
    pub x: f64,
    pub f2: f64,
    pub minimizer: bool,
}

/// The sign changes of f' on the grid, bisected (module docs); `None` when the
/// texts cannot be evaluated by our graph.
pub(super) fn critical_points(f1: &str, f2: &str, var: &str) -> Option<Vec<Critical>> {
    let (d1, d2) = (F::new(f1, var)?, F::new(f2, var)?);
    let u_max = RANGE.asinh();
    let xs: Vec<f64> = (0..POINTS)
        .map(|i| {
            if 2 * i + 1 == POINTS {
                0.0
            } else {
                (u_max * (2.0 * i as f64 / (POINTS - 1) as f64 - 1.0)).sinh()
            }
        })
        .collect();
    let ys: Vec<f64> = xs.iter().map(|&x| d1.at(x)).collect();
    let mut out = Vec::new();
    for i in 0..POINTS - 1 {
        let (a, b, ya, yb) = (xs[i], xs[i + 1], ys[i], ys[i + 1]);
        if !(ya.is_finite() && yb.is_finite()) || (ya < 0.0) == (yb < 0.0) {
            continue;
        }
        // f'(lo) keeps the sign of f'(a); an exact zero at b is approached from a.
        let (mut lo, mut hi) = (a, b);
        for _ in 0..200 {
            let mid = 0.5 * (lo + hi);
            if mid <= lo || mid >= hi {
                break;
            }
            if (d1.at(mid) < 0.0) == (ya < 0.0) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        let x = if yb == 0.0 { b } else { 0.5 * (lo + hi) };
        let f2x = d2.at(x);
        let scale = d2.at(a).abs().max(d2.at(b).abs());
        out.push(Critical {
            x,
            f2: f2x,
            minimizer: ya < 0.0 && f2x.is_finite() && f2x > 1e-8 * scale,
        });
    }
    Some(out)
}

/// Errors unless `f` (given by `f'` and `f''` in `var`) has a non-degenerate minimizer in the
/// scanned range; returns the minimizers found. `name` is how the message calls f.
pub(super) fn require_minimizer(f1: &str, f2: &str, var: &str, name: &str) -> Result<Vec<f64>> {
    let Some(found) = critical_points(f1, f2, var) else {
        return Ok(Vec::new());
    };
    let minimizers: Vec<f64> = found.iter().filter(|c| c.minimizer).map(|c| c.x).collect();
    if !minimizers.is_empty() {
        return Ok(minimizers);
    }
    let what = if found.is_empty() {
        format!(
            "{name}' does not change sign in [-{RANGE}, {RANGE}] ({name}' = {f1}): no \
             minimizer, so there is no M for the closed forms"
        )
    } else {
        let list: Vec<String> = found
            .iter()
            .take(5)
            .map(|c| format!("{var} = {:.6e} with {name}'' = {:.3e}", c.x, c.f2))
            .collect();
        format!(
            "no critical point of {name} in [-{RANGE}, {RANGE}] has {name}'' > 0 ({}): \
             the sharpness there is not positive, so the closed forms do not apply",
            list.join("; ")
        )
    };
    Err(Error::bad_input(
        format!("not a minimizer: {what}"),
        "give a loss with a minimizer where it is curved, or a point with --at (checked exactly)",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimizers_are_found_and_non_minima_refused() {
        let m = require_minimizer("x^3-x", "3*x^2-1", "x", "f").unwrap();
        assert_eq!(m.len(), 2);
        assert!(
            (m[0] + 1.0).abs() < 1e-12 && (m[1] - 1.0).abs() < 1e-12,
            "{m:?}"
        );
        let e = |f1, f2| require_minimizer(f1, f2, "x", "f").unwrap_err().to_string();
        assert!(e("-2*x", "-2").contains("f'' = -2.000e0"));
        // x^3: f' = 3x^2 never changes sign; x^4: f'' = 0 at the only critical point.
        assert!(e("3*x^2", "6*x").contains("does not change sign"));
        assert!(e("4*x^3", "12*x^2").contains("x = 0.000000e0 with f'' = 0.000e0"));
        assert!(e("exp(x)", "exp(x)").contains("does not change sign"));
        assert!(e("3*(x-1)^2", "6*(x-1)").contains("does not change sign"));
    }
}

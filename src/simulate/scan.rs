//! Flip data along a curve of M (docs/math.md §3, §6; issue 10): λ, c1 (at each point's own
//! η* = 2/λ) and |Π_T g|, with the sign of c1 deciding super- or subcritical.
//!
//! Curves: for a depth-2 product loss l(xy) the hyperbola `y = z*/x` parametrized by x
//! ([`product_curve`]); elsewhere a path through θ* along ±Π_T g = ±∇_M λ, parametrized by the
//! sharpness λ itself ([`path_along_m`], each point reached by
//! [`move_along_m`](crate::simulate::local::move_along_m) from its neighbour). The points are
//! analysed independently on the crate's explicit pool, in order.

use crate::flip::{Backend, BackendChoice, FlipPoint};
use crate::loss::Loss;
use crate::simulate::local::{move_along_m, Local};
use crate::tolerance::Tolerances;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// The flip data at one point of the curve.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScanPoint {
    /// The curve parameter (x, or λ for a path along Π_T g).
    pub param: f64,
    /// The point of M.
    pub point: Vec<f64>,
    /// λ (None where the point is not a minimizer within tolerance).
    pub sharpness: Option<f64>,
    /// c1 at η* = 2/λ (None where undefined).
    pub c1: Option<f64>,
    /// |Π_T g|.
    pub drift_norm: Option<f64>,
    /// c1 > 0, decided.
    pub supercritical: Option<bool>,
    /// Why the flip data are missing, if they are.
    pub note: Option<String>,
}

/// A scan along M.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scan {
    /// The parameter's name (`x` or `sharpness`).
    pub parameter: String,
    /// Product-stability `α = 3l'''² − l''l''''` at z* (product losses only; constant on M).
    pub alpha: Option<f64>,
    /// The points, in parameter order.
    pub points: Vec<ScanPoint>,
}

/// `n` log-spaced x in `[x_from, x_to]` (both > 0) with `y = z*/x`.
pub fn product_curve(z_star: f64, x_from: f64, x_to: f64, n: usize) -> Vec<(f64, Vec<f64>)> {
    let n = n.max(2);
    let (a, b) = (x_from.ln(), x_to.ln());
    (0..n)
        .map(|i| {
            let x = (a + (b - a) * i as f64 / (n - 1) as f64).exp();
            (x, vec![x, z_star / x])
        })
        .collect()
}

/// Points of M through `start` with sharpness from `lam_from` to `lam_to` (n values, evenly
/// spaced), each reached along Π_T g from the previous one; the path stops where M cannot be
/// followed (the targets not reached are left out).
pub fn path_along_m<L: Loss>(
    loss: &L,
    start: &[f64],
    start_sharpness: f64,
    lam_from: f64,
    lam_to: f64,
    n: usize,
    tol: &Tolerances,
) -> Vec<(f64, Vec<f64>)> {
    let n = n.max(2);
    let targets: Vec<f64> = (0..n)
        .map(|i| lam_from + (lam_to - lam_from) * i as f64 / (n - 1) as f64)
        .collect();
    let walk = |ts: Vec<f64>| {
        let mut point = start.to_vec();
        let mut out = Vec::new();
        for t in ts {
            match move_along_m(&Local::dense(loss, tol), &point, t, 1e-9, 0.2) {
                Ok(m) if m.converged => {
                    point = m.point.clone();
                    out.push((t, m.point));
                }
                _ => break,
            }
        }
        out
    };
    let mut down = walk(
        targets
            .iter()
            .rev()
            .copied()
            .filter(|t| *t < start_sharpness)
            .collect(),
    );
    down.reverse();
    down.extend(walk(
        targets
            .into_iter()
            .filter(|t| *t >= start_sharpness)
            .collect(),
    ));
    down
}

/// Analyses every point (dense backend) on the pool.
pub fn scan<L: Loss + Sync>(
    loss: &L,
    parameter: &str,
    alpha: Option<f64>,
    points: Vec<(f64, Vec<f64>)>,
    tol: &Tolerances,
) -> Scan {
    let points = crate::parallel::pool().install(|| {
        points
            .into_par_iter()
            .map(|(param, point)| {
                let built =
                    FlipPoint::build(loss, &point, BackendChoice::Use(Backend::Dense), None, tol);
                match built {
                    Ok(fp) => ScanPoint {
                        param,
                        sharpness: Some(fp.sharpness()),
                        c1: fp.coefficients.as_ref().map(|c| c.c1_gd),
                        drift_norm: fp.coefficients.as_ref().map(|c| c.drift.norm()),
                        supercritical: fp.supercritical,
                        note: fp.undefined_reason.clone(),
                        point,
                    },
                    Err(e) => ScanPoint {
                        param,
                        point,
                        sharpness: None,
                        c1: None,
                        drift_norm: None,
                        supercritical: None,
                        note: Some(e.to_string()),
                    },
                }
            })
            .collect()
    });
    Scan {
        parameter: parameter.into(),
        alpha,
        points,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::loss::catalog::link::Link;
    use crate::loss::catalog::product::Product;

    #[test]
    fn squared_product_matches_closed_form() {
        // (xy − 1)²/2: λ = s = x² + y², c1 = 32/s³, |Π_T g| vanishes at x = 1.
        let p = Product {
            depth: 2,
            link: Link::Squared { t: 1.0 },
        };
        let s = scan(
            &p,
            "x",
            None,
            product_curve(1.0, 0.5, 2.0, 5),
            &Tolerances::default(),
        );
        for q in &s.points {
            let sum = q.point[0].powi(2) + q.point[1].powi(2);
            assert!((q.sharpness.unwrap() - sum).abs() < 1e-9);
            assert!((q.c1.unwrap() - 32.0 / sum.powi(3)).abs() < 1e-9);
        }
        assert!(s.points[2].drift_norm.unwrap() < 1e-9);
        let path = path_along_m(&p, &[2.0, 0.5], 4.25, 3.0, 5.0, 5, &Tolerances::default());
        assert_eq!(path.len(), 5);
    }
}

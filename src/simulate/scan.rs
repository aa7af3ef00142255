//! Flip data along a curve of M (docs/math.md §3, §6; issue 10): λ, c1 (at each point's own
//! η* = 2/λ) and |Π_T g|, with the sign of c1 deciding super- or subcritical.
//!
//! Curves: for a depth-2 product loss l(xy) the hyperbola `y = z*/x` parametrized by x
//! ([`product_curve`]); elsewhere a path through θ* along ±Π_T g = ±∇_M λ, parametrized by the
//! sharpness λ itself ([`path_along_m`], each point reached by
//! [`move_along_m`](crate::simulate::local::move_along_m) from its neighbour). The points are
//! analysed independently on the crate's explicit pool, in order.
//!
//! For a depth-2 product loss the scan also carries the closed form of `eosflip product`
//! ([`crate::product`], `theorems/product_stability.md`): α, the exact set of M where the flip is
//! supercritical (in s = x² + y² and in x), and the closed-form c1 at every point, drawn beside
//! the numeric one.

use crate::flip::{Backend, BackendChoice, FlipPoint};
use crate::loss::Loss;
use crate::product::{c1_depth2, supercritical_set, Jet, SupercriticalSet};
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
    /// The closed-form c1 `(s/(3l2²))·Q(z*/s²)` (depth-2 product losses only).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub c1_closed: Option<f64>,
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
    /// The product-stability reduction (depth-2 product losses only).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub product: Option<ProductSet>,
}

/// The closed-form supercritical set of a depth-2 product loss along the curve `y = z*/x`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductSet {
    /// The 4-jet of l at z*.
    pub jet: Jet,
    /// Where c1 > 0 and < 0, in s = x² + y² (exact roots of Q mapped back to s).
    pub set: SupercriticalSet,
    /// The x > 0 where c1 changes sign (two per root s: x and z*/x), ascending.
    pub x_boundaries: Vec<f64>,
}

impl ProductSet {
    /// The set for `jet`, with its sign changes on the branch x > 0 of the curve.
    pub fn new(jet: Jet) -> Self {
        let set = supercritical_set(&jet);
        let z = jet.z_star;
        let mut x_boundaries: Vec<f64> = set
            .s_roots
            .iter()
            .flat_map(|&s| {
                let x = crate::product::point_depth2(z, s)[0];
                [x, z.abs() / x]
            })
            .collect();
        x_boundaries.sort_by(f64::total_cmp);
        x_boundaries.dedup_by(|a, b| (*a - *b).abs() <= 1e-14 * b.abs());
        ProductSet {
            jet,
            set,
            x_boundaries,
        }
    }
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

/// Analyses every point (dense backend) on the pool; `jet` (depth-2 product losses) adds the
/// closed form.
pub fn scan<L: Loss + Sync>(
    loss: &L,
    parameter: &str,
    jet: Option<Jet>,
    points: Vec<(f64, Vec<f64>)>,
    tol: &Tolerances,
) -> Scan {
    let closed = |point: &[f64]| {
        jet.filter(|_| point.len() == 2)
            .map(|j| c1_depth2(&j, point[0] * point[0] + point[1] * point[1]))
    };
    let points = crate::parallel::pool().install(|| {
        points
            .into_par_iter()
            .map(|(param, point)| {
                let built =
                    FlipPoint::build(loss, &point, BackendChoice::Use(Backend::Dense), None, tol);
                let c1_closed = closed(&point);
                match built {
                    Ok(fp) => ScanPoint {
                        param,
                        sharpness: Some(fp.sharpness()),
                        c1: fp.coefficients.as_ref().map(|c| c.c1_gd),
                        drift_norm: fp.coefficients.as_ref().map(|c| c.drift.norm()),
                        supercritical: fp.supercritical,
                        c1_closed,
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
                        c1_closed,
                        note: Some(e.to_string()),
                    },
                }
            })
            .collect()
    });
    Scan {
        parameter: parameter.into(),
        alpha: jet.map(|j| j.alpha()),
        points,
        product: jet.map(ProductSet::new),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::loss::catalog::link::Link;
    use crate::loss::catalog::product::Product;

    #[test]
    fn band_of_subcritical_points_is_found_on_the_curve() {
        // l with z* = −1, l2 = 1, l3 = 3/2, l4 = 6 (α = 3/4 > 0): c1 < 0 on s ∈ [2, 6.7206)
        // (theorems/product_stability.md): the closed form and the numeric c1 agree at every
        // point and change sign at the reported x.
        let j = Jet {
            z_star: -1.0,
            l2: 1.0,
            l3: 1.5,
            l4: 6.0,
        };
        let set = ProductSet::new(j);
        assert_eq!(set.set.s_roots.len(), 1);
        assert_eq!(set.x_boundaries.len(), 2);
        for &x in &set.x_boundaries {
            let s = x * x + 1.0 / (x * x);
            assert!((s - set.set.s_roots[0]).abs() < 1e-12 * s);
            assert!(c1_depth2(&j, s).abs() < 1e-12);
        }
        let loss = crate::product::poly::PolyProduct { depth: 2, jet: j };
        let (x_lo, x_hi) = (set.x_boundaries[0], set.x_boundaries[1]);
        let r = scan(
            &loss,
            "x",
            Some(j),
            product_curve(-1.0, 0.5 * x_lo, 2.0 * x_hi, 41),
            &Tolerances::default(),
        );
        for q in &r.points {
            let (num, closed) = (q.c1.unwrap(), q.c1_closed.unwrap());
            assert!(
                (num - closed).abs() <= 1e-10 * closed.abs().max(1e-3),
                "{num} vs {closed}"
            );
            let inside = q.param > x_lo && q.param < x_hi;
            if (q.param - x_lo).abs() > 1e-3 && (q.param - x_hi).abs() > 1e-3 {
                assert_eq!(num < 0.0, inside, "x = {}: c1 = {num}", q.param);
            }
        }
    }

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
            Some(Jet::of_link(&p.link)),
            product_curve(1.0, 0.5, 2.0, 5),
            &Tolerances::default(),
        );
        for q in &s.points {
            let sum = q.point[0].powi(2) + q.point[1].powi(2);
            assert!((q.sharpness.unwrap() - sum).abs() < 1e-9);
            assert!((q.c1.unwrap() - 32.0 / sum.powi(3)).abs() < 1e-9);
            assert!((q.c1_closed.unwrap() - q.c1.unwrap()).abs() < 1e-12 * q.c1.unwrap());
        }
        let set = s.product.as_ref().unwrap();
        assert!(set.set.everywhere && set.x_boundaries.is_empty());
        assert!(s.points[2].drift_norm.unwrap() < 1e-9);
        let path = path_along_m(&p, &[2.0, 0.5], 4.25, 3.0, 5.0, 5, &Tolerances::default());
        assert_eq!(path.len(), 5);
    }
}

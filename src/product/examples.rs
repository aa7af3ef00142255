//! eosflip's own examples for the statements of `theorems/product_stability.md` and
//! `theorems/product_depth.md` (docs/math.md §6): a search over the quartic links
//! `l = w²/2 + l3 w³/6 + l4 w⁴/24`, `w = z − z*`, with `z* = ±1`, `l3, l4` on a grid of
//! halves, by the closed forms; every example found is then checked with the numeric core
//! (c1 of [`crate::analyze()`] at points of M).
//!
//! - α > 0 is **not necessary** for c1 > 0 on all of M: a link with α = 0 and c1 > 0 on M;
//! - α > 0 is **not sufficient**: a link with α > 0 and a band of s with c1 < 0;
//! - the flip type at the balanced point can **change with the depth**: a link whose balanced
//!   c1 has opposite signs at depths 2 and 3.

use super::poly::PolyProduct;
use super::{balanced, point_depth2, point_forms, supercritical_set, Jet, SupercriticalSet};
use crate::analyze::{analyze, AnalyzeOptions};
use crate::error::Result;
use crate::report::LossInfo;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// c1 at a point of M: closed form against the numeric core.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CoreCheck {
    /// The point.
    pub point: Vec<f64>,
    /// s = E_{D−1}.
    pub s: f64,
    /// c1 from the closed form (both closed forms agree to rounding).
    pub c1_closed: f64,
    /// c1 from the numeric core, GD formula.
    pub c1_gd: f64,
    /// c1 from the numeric core, general map formula.
    pub c1_map: f64,
    /// λ of the core against `l2 s`: relative difference.
    pub sharpness_rel_err: f64,
    /// max relative difference of the two numeric c1 to the closed form.
    pub c1_rel_err: f64,
}

/// Runs the numeric core on `loss` at `point` and compares with the closed forms of `jet`.
pub fn core_check<L: crate::Loss>(loss: &L, jet: &Jet, point: &[f64]) -> Result<CoreCheck> {
    let info = LossInfo {
        name: "product".into(),
        params: BTreeMap::new(),
        dim: point.len(),
    };
    let a = analyze(loss, info, point, &AnalyzeOptions::default())?;
    let pf = point_forms(jet, point);
    let nan = f64::NAN;
    let (gd, map) = (a.c1_gd.unwrap_or(nan), a.c1_map.unwrap_or(nan));
    let rel = |x: f64| (x - pf.c1_gd).abs() / pf.c1_gd.abs().max(1e-300);
    Ok(CoreCheck {
        point: point.to_vec(),
        s: pf.s,
        c1_closed: pf.c1_gd,
        c1_gd: gd,
        c1_map: map,
        sharpness_rel_err: (a.sharpness - pf.sharpness).abs() / pf.sharpness,
        c1_rel_err: rel(gd).max(rel(map)),
    })
}

/// One example link with its supercritical set and the numeric checks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Example {
    /// Its 4-jet.
    pub jet: Jet,
    /// α.
    pub alpha: f64,
    /// Where c1 > 0 on the depth-2 M.
    pub set: SupercriticalSet,
    /// c1 at points of M, closed form against the core.
    pub checks: Vec<CoreCheck>,
}

/// The balanced c1 at two depths with opposite signs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DepthExample {
    /// Its 4-jet.
    pub jet: Jet,
    /// (depth, balanced c1 closed form, balanced c1 numeric core) for D = 2, 3, 4.
    pub balanced: Vec<(usize, f64, f64)>,
}

/// The three examples of the module docs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Examples {
    /// Links searched.
    pub searched: usize,
    /// α = 0 with c1 > 0 on all of M (l3 ≠ 0 preferred over the squared loss's jet).
    pub not_necessary: Option<Example>,
    /// α > 0 with c1 < 0 on a band of M (the widest band found).
    pub not_sufficient: Option<Example>,
    /// The balanced flip type changes between depth 2 and 3.
    pub depth_change: Option<DepthExample>,
}

fn jets() -> Vec<Jet> {
    let mut out = Vec::new();
    for z_star in [1.0, -1.0] {
        for a in -4..=4 {
            for b in -8..=12 {
                out.push(Jet {
                    z_star,
                    l2: 1.0,
                    l3: f64::from(a) / 2.0,
                    l4: f64::from(b) / 2.0,
                });
            }
        }
    }
    out
}

fn checked(jet: Jet, s_values: &[f64]) -> Result<Example> {
    let loss = PolyProduct { depth: 2, jet };
    let checks = s_values
        .iter()
        .map(|&s| core_check(&loss, &jet, &point_depth2(jet.z_star, s)))
        .collect::<Result<_>>()?;
    Ok(Example {
        jet,
        alpha: jet.alpha(),
        set: supercritical_set(&jet),
        checks,
    })
}

/// Searches the family of the module docs and checks what it finds.
pub fn find() -> Result<Examples> {
    let all = jets();
    // α = 0 exactly: 3 l3² = l2 l4 on the grid of halves (l2 = 1) means 3a² = 2b.
    let zero_alpha = |j: &Jet| (3.0 * j.l3 * j.l3 - j.l4).abs() < 1e-15;
    let not_necessary = all
        .iter()
        .filter(|j| zero_alpha(j) && j.l3.abs() > 0.0 && supercritical_set(j).everywhere)
        .min_by(|p, q| (p.l3.abs() + p.l4.abs()).total_cmp(&(q.l3.abs() + q.l4.abs())))
        .copied();
    let band = |j: &Jet| {
        let set = supercritical_set(j);
        set.subcritical
            .first()
            .and_then(|iv| iv.hi.map(|h| h / iv.lo))
            .unwrap_or(0.0)
    };
    let not_sufficient = all
        .iter()
        .filter(|j| j.alpha() > 0.0 && !zero_alpha(j) && band(j) > 1.0)
        .max_by(|p, q| band(p).total_cmp(&band(q)))
        .copied();
    let depth_change = all
        .iter()
        .find(|j| {
            let (b2, b3) = (balanced(j, 2), balanced(j, 3));
            matches!((b2, b3), (Some(p), Some(q)) if p.c1 * q.c1 < 0.0 && p.c1.abs() > 0.05 && q.c1.abs() > 0.05)
        })
        .copied();
    let not_necessary = not_necessary
        .map(|j| checked(j, &[2.0, 2.5, 4.0, 10.0, 40.0].map(|k| k * j.z_star.abs())))
        .transpose()?;
    let not_sufficient = not_sufficient
        .map(|j| {
            let set = supercritical_set(&j);
            let iv = set.subcritical[0];
            let hi = iv.hi.unwrap_or(iv.lo * 4.0);
            let mid = (iv.lo * hi).sqrt();
            checked(j, &[set.s_min, mid, 2.0 * hi])
        })
        .transpose()?;
    let depth_change = depth_change
        .map(|jet| -> Result<DepthExample> {
            let rows = (2..=4)
                .map(|d| {
                    let b = balanced(&jet, d).expect("z* != 0");
                    let a = jet.z_star.abs().powf(1.0 / d as f64);
                    let mut x = vec![a; d];
                    x[0] *= jet.z_star.signum();
                    let c = core_check(&PolyProduct { depth: d, jet }, &jet, &x)?;
                    Ok((d, b.c1, c.c1_gd))
                })
                .collect::<Result<_>>()?;
            Ok(DepthExample {
                jet,
                balanced: rows,
            })
        })
        .transpose()?;
    Ok(Examples {
        searched: all.len(),
        not_necessary,
        not_sufficient,
        depth_change,
    })
}

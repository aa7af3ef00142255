//! The minimizer z* of l (docs/math.md §6: `l'(z*) = 0`, `l''(z*) > 0`): given, or found as a
//! numeric root of the exact l' (sign change − → + on a grid, bisection, Newton with the exact
//! l'' from one dual pass), recognised as a rational where one with denominator ≤ 1000 matches,
//! and then checked with symbolica (l'(z*) simplifies to 0) or, failing that, numerically.

use crate::error::{Error, Result};
use crate::loss::expr::{eval_text, ExprLoss};
use crate::symbolic::product::EllJet;
use crate::Loss;
use num_dual::Dual64;
use serde::Serialize;

/// z* and how it was obtained.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ZStar {
    /// The exact text used (a rational, a given expression, or a decimal).
    pub exact: String,
    /// Its value.
    pub value: f64,
    /// `given` (--zstar or the catalog) or `numeric root`.
    pub how: String,
    /// l'(z*) simplified to exactly 0.
    pub exact_verified: bool,
    /// l'(z*) as symbolica gives it (`0` when verified).
    pub l1_at_star: String,
}

/// A short exact text for `v`: an integer or a rational with denominator ≤ 1000 equal to v
/// within 1e-12 relative, else the shortest decimal that round-trips.
pub fn exact_text(v: f64) -> String {
    for q in 1..=1000_i64 {
        let p = (v * q as f64).round();
        if p.abs() < 1e15 && (p / q as f64 - v).abs() <= 1e-12 * v.abs().max(1.0) {
            let p = p as i64;
            return if q == 1 {
                format!("{p}")
            } else {
                format!("{p}/{q}")
            };
        }
    }
    format!("{v:?}")
}

fn slope(l: &ExprLoss, z: f64) -> f64 {
    l.gradient(&[z])[0]
}

fn curvature(l: &ExprLoss, z: f64) -> f64 {
    l.gradient(&[Dual64::new(z, 1.0)])[0].eps
}

/// Interior minima of l on [−10, 10] (sign changes − → + of l'), nearest to 0 first.
fn minima(l: &ExprLoss) -> Vec<f64> {
    let grid: Vec<f64> = (-1000..=1000).map(|i| f64::from(i) * 0.01).collect();
    let mut out = Vec::new();
    for pair in grid.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        let (fa, fb) = (slope(l, a), slope(l, b));
        if !(fa.is_finite() && fb.is_finite() && fa < 0.0 && fb >= 0.0) {
            continue;
        }
        let (mut lo, mut hi) = (a, b);
        for _ in 0..200 {
            let mid = 0.5 * (lo + hi);
            if slope(l, mid) < 0.0 {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        let mut z = 0.5 * (lo + hi);
        for _ in 0..3 {
            let (f, c) = (slope(l, z), curvature(l, z));
            if c > 0.0 && f.is_finite() {
                z -= f / c;
            }
        }
        out.push(z);
    }
    out.sort_by(|p, q| p.abs().total_cmp(&q.abs()));
    out
}

/// z*: the given text, else the numeric minimum nearest to 0 (see the module docs).
pub fn resolve(_sym: &str, l: &ExprLoss, given: Option<&str>, _jet: &EllJet) -> Result<ZStar> {
    if let Some(text) = given {
        let value = eval_text(text, &[]).map_err(|e| {
            Error::bad_input(
                format!("--zstar '{text}' is not a number: {e}"),
                "give z* as a number or an exact expression, e.g. --zstar 1/2 or --zstar \"log(3)\"",
            )
        })?;
        if !value.is_finite() {
            return Err(Error::bad_input(
                format!("--zstar '{text}' is not finite"),
                "give a finite z*",
            ));
        }
        return Ok(ZStar {
            exact: text.to_string(),
            value,
            how: "given".into(),
            exact_verified: false,
            l1_at_star: String::new(),
        });
    }
    let found = minima(l);
    let Some(&z) = found.first() else {
        return Err(Error::bad_input(
            "no interior minimum of l found on [-10, 10] (no sign change - to + of l'(z))",
            "check that l has a strict minimum, or give it with --zstar",
        ));
    };
    let how = if found.len() > 1 {
        format!(
            "numeric root (the minimum nearest 0 of {} found on [-10, 10]: {}; choose another with --zstar)",
            found.len(),
            found.iter().map(|v| format!("{v:.6}")).collect::<Vec<_>>().join(", ")
        )
    } else {
        "numeric root".into()
    };
    Ok(ZStar {
        exact: exact_text(z),
        value: z,
        how,
        exact_verified: false,
        l1_at_star: String::new(),
    })
}

/// Checks `l'(z*) = 0` (exactly, else to 1e-12) and `l''(z*) > 0` from the values `at`
/// (`l', l'', l''', l''''` at z*); a failure is bad input (exit 2).
pub fn require_minimum(z: &mut ZStar, at: &[String]) -> Result<()> {
    let l1 = at.first().cloned().unwrap_or_default();
    z.l1_at_star = l1.clone();
    let eval = |t: &str| eval_text(t, &[]).unwrap_or(f64::NAN);
    let l2 = at.get(1).map_or(f64::NAN, |t| eval(t));
    if l1 == "0" {
        z.exact_verified = true;
        if z.how.starts_with("numeric") {
            z.how = format!("{}, recognised as {} and verified exactly", z.how, z.exact);
        }
    } else {
        let v = eval(&l1);
        let scale = l2.abs().max(1.0) * z.value.abs().max(1.0);
        if v.is_nan() || v.abs() > 1e-12 * scale {
            return Err(Error::bad_input(
                format!(
                    "l'(z*) = {l1} (= {v:.6e}) is not 0 at z* = {} (= {}): not a critical point of l",
                    z.exact, z.value
                ),
                "give the minimizer of l with --zstar, or leave --zstar out to let eosflip find it",
            ));
        }
    }
    if l2.is_nan() || l2 <= 0.0 {
        return Err(Error::bad_input(
            format!(
                "l''(z*) = {} (= {l2:.6e}) is not > 0 at z* = {}: not a strict minimum of l",
                at.get(1).map_or("?", |s| s.as_str()),
                z.exact
            ),
            "the flip analysis needs l''(z*) > 0: give a strict minimizer with --zstar",
        ));
    }
    Ok(())
}

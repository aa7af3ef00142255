//! Closed forms for a concrete loss of several variables at a given point of M (MATH.md §3, §4;
//! names as in §7), when the Hessian there has rank one.
//!
//! The point is exact (`x = 2, y = 1/2`) or parametrized by new symbols (`x = t, y = 1/t`, a
//! piece of M). Every step is exact and holds identically in those symbols:
//! 1. `∇L = 0` at the point (each partial derivative simplifies to 0), else bad input;
//! 2. `H = ∇²L` there. A symmetric H has rank one iff, for a column `a = H e_j` with
//!    `H_jj ≠ 0`, every `H_ik·H_jj − H_ij·H_jk` vanishes; then `H = a aᵀ/H_jj`, `λ = tr H`, and
//!    `v = a/|a|` (λ > 0 makes H positive semi-definite, else bad input);
//! 3. the rank-one forms of [`super::closed::RankOne`] along `a`.
//!
//! If a minor does not vanish the Hessian has rank > 1 and its top eigenvector is not given in
//! closed form here: the result says so (`available = false`), with the minor as witness.

use super::closed::{check_positive, formula, norm_sq, require_critical, RankOne};
use super::engine::{derivative, simplify, substitute};
use super::{ClosedFormKind, ClosedForms};
use crate::error::{Error, Result};
use std::collections::BTreeMap;

/// The numeric value of an exact text, when it has no free symbol left.
fn numeric(text: &str) -> Option<f64> {
    crate::loss::expr::eval_text(text, &[]).ok()
}

/// Closed forms of a concrete loss `expr` at the point `at` (see the module docs).
pub fn at_point(expr: &str, vars: &[String], at: &BTreeMap<String, String>) -> Result<ClosedForms> {
    let n = vars.len();
    let base: Vec<String> = vars
        .iter()
        .map(|v| at.get(v).cloned().unwrap_or_else(|| v.clone()))
        .collect();
    let grad: Vec<String> = vars
        .iter()
        .map(|v| derivative(expr, v))
        .collect::<Result<_>>()?;
    for (v, gi) in vars.iter().zip(&grad) {
        require_critical(&format!("dL/d{v}"), gi, at)?;
    }
    let mut h = vec![vec![String::new(); n]; n];
    for i in 0..n {
        for k in i..n {
            let hik = simplify(&substitute(&derivative(&grad[i], &vars[k])?, at)?)?;
            h[k][i] = hik.clone();
            h[i][k] = hik;
        }
    }
    let Some(j) = (0..n).find(|&j| h[j][j] != "0") else {
        return Err(if h.iter().flatten().all(|e| e == "0") {
            Error::bad_input(
                "the Hessian vanishes at the point (sharpness 0): the flip analysis needs λ > 0",
                "choose a minimizer where the loss is curved, e.g. check it with eosflip analyze",
            )
        } else {
            Error::bad_input(
                "the Hessian at the point has a zero diagonal but is not zero: it is indefinite, \
                 so the point is not a minimizer",
                "give a minimizer with --at",
            )
        });
    };
    for i in 0..n {
        for k in i..n {
            let minor = simplify(&format!(
                "({})*({})-({})*({})",
                h[i][k], h[j][j], h[i][j], h[j][k]
            ))?;
            if minor != "0" {
                return Ok(rank_above_one(vars, (i, j, k), &minor, &h));
            }
        }
    }
    let lambda = simplify(
        &(0..n)
            .map(|i| format!("({})", h[i][i]))
            .collect::<Vec<_>>()
            .join("+"),
    )?;
    let sign = check_positive(&lambda, Some(&BTreeMap::new()))?;
    let a: Vec<String> = (0..n).map(|i| h[i][j].clone()).collect();
    let s = norm_sq(&a)?;
    // The point is already in `base`: nothing to substitute back, and as `at` the empty map
    // only makes every form factored.
    let none = BTreeMap::new();
    let mut cf = RankOne::along(expr, &grad, vars, &base, &a, &none, &s, &lambda)?
        .assemble(ClosedFormKind::RankOneAtPoint, Some(&none))?;
    for (v, ai) in vars.iter().zip(&a) {
        cf.definitions
            .push((format!("a[{v}] = H[{v},{}]", vars[j]), formula(ai, None)?));
    }
    let point = vars
        .iter()
        .zip(&base)
        .map(|(v, b)| match at.get(v) {
            Some(_) => Ok(format!("{v} = {}", simplify(b)?)),
            None => Ok(format!("{v} symbolic")),
        })
        .collect::<Result<Vec<_>>>()?
        .join(", ");
    cf.note = format!(
        "concrete loss at the point ({point}), where the gradient vanishes exactly; the Hessian \
         there is a a^T/H[{x},{x}] with a its column {x} (rank one), so the top eigenvector is \
         a/|a| and the sharpness its trace; eta = eta_star. That the point is a minimizer with \
         ker H = T M (assumption A2) is not checked here: `eosflip analyze --expr` and \
         `eosflip check` test it{}",
        sign.caveat(),
        x = vars[j]
    );
    Ok(cf)
}

/// The Hessian has rank > 1: no closed form, with the non-vanishing minor as witness.
fn rank_above_one(
    vars: &[String],
    (i, j, k): (usize, usize, usize),
    minor: &str,
    h: &[Vec<String>],
) -> ClosedForms {
    let name = |p: usize, q: usize| format!("H[{},{}]", vars[p], vars[q]);
    let witness = format!(
        "{}*{} - {}*{} = {minor}",
        name(i, k),
        name(j, j),
        name(i, j),
        name(j, k)
    );
    let numerically_zero = numeric(minor).is_some_and(|m| {
        let scale = h
            .iter()
            .flatten()
            .filter_map(|e| numeric(e))
            .fold(0.0_f64, |acc, e| acc.max(e.abs()));
        m.abs() <= 1e-12 * scale * scale
    });
    let why = if numerically_zero {
        format!(
            "no closed form: symbolica could not simplify the 2x2 minor {witness} to 0, although \
             it is 0 to rounding; closed forms need the rank-one structure exactly. Use \
             `eosflip analyze --expr ... --point ...` for the numbers"
        )
    } else {
        format!(
            "no closed form: the Hessian at the point has rank > 1 (the 2x2 minor {witness} is \
             not 0), so its top eigenvector is not given in closed form here. Use `eosflip \
             analyze --expr ... --point ...` for the numbers"
        )
    };
    ClosedForms::unavailable(vars, &why)
}

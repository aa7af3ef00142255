//! Closed forms of a concrete loss `φ(z(θ))` at a symbolic point of M (MATH.md §3, §4, §6): the
//! decomposition found by [`super::composite`] is verified exactly, then the rank-one forms of
//! `l(z)` ([`super::closed`]) are evaluated with `l_k = φ^(k)(z)`.

use super::closed::{formula, rank_one, L_NAMES};
use super::composite::{Composite, W};
use super::engine::{derivative, simplify, substitute};
use super::{ClosedFormKind, ClosedForms};
use crate::error::Result;
use crate::loss::expr::parse::Ast;
use std::collections::BTreeMap;

/// The first candidate `L = φ(z)` ([`super::composite`]) that holds exactly (`φ(z(θ)) − L`
/// simplifies to 0) with φ not affine.
pub(super) fn find(expr: &str, ast: &Ast, vars: &[String]) -> Result<Option<Composite>> {
    for c in super::composite::candidates(ast, vars) {
        let back: BTreeMap<String, String> = [(W.to_string(), c.z.clone())].into();
        let phi_z = substitute(&c.phi, &back)?;
        // An affine φ (φ'' = 0, e.g. z the loss up to a factor) has no minimizer: skip it.
        let phi2 = derivative(&derivative(&c.phi, W)?, W)?;
        if simplify(&format!("({phi_z})-({expr})"))? == "0" && simplify(&phi2)? != "0" {
            return Ok(Some(c));
        }
    }
    Ok(None)
}

/// `L = φ(z)` at a symbolic point of M: the forms of `l(z)` with `l_k = φ^(k)(z)`.
pub(super) fn forms(vars: &[String], c: &Composite) -> Result<ClosedForms> {
    let back: BTreeMap<String, String> = [(W.to_string(), c.z.clone())].into();
    let mut d = c.phi.clone();
    let mut l = BTreeMap::new();
    let phi1 = derivative(&c.phi, W)?;
    let phi2 = derivative(&phi1, W)?;
    let found = super::scan::require_minimizer(&phi1, &phi2, W, "phi")?;
    for k in 1..=4 {
        d = derivative(&d, W)?;
        if k >= 2 {
            l.insert(
                L_NAMES[k - 2].to_string(),
                simplify(&substitute(&d, &back)?)?,
            );
        }
    }
    let mut cf = rank_one(&c.z, vars, "l", Some(&l))?;
    cf.kind = ClosedFormKind::Composite;
    cf.definitions.retain(|(name, _)| name != "alpha");
    let phi = substitute(&c.phi, &[(W.to_string(), "w".to_string())].into())?;
    cf.definitions.push(("phi(w)".into(), formula(&phi, None)?));
    for name in L_NAMES {
        cf.definitions.push((
            format!("{name} = phi^({})(z)", &name[1..]),
            formula(&l[name], None)?,
        ));
    }
    cf.note = "L = phi(z) at a point of M where phi'(z) = 0 and phi''(z) > 0 (the point stays \
               symbolic: on M, z takes the value of a minimizer of phi); the Hessian phi''(z) \
               (grad z)(grad z)^T has rank one, top eigenvector grad z/|grad z|; eta = eta_star"
        .to_string();
    cf.note
        .push_str(&super::closed::minimizers_note("z", &found).replace("f''", "phi''"));
    Ok(cf)
}

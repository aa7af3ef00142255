//! The symbolic front end (feature `symbolic`): text losses with exact symbolic gradients, and
//! closed forms of λ, η*, c1 and the drift (MATH.md §2–4, §6), computed with symbolica.
//!
//! symbolica is source-available (see `docs/symbolica.md` and `LICENSES/`); without a licence
//! key it runs in restricted mode: one symbolica thread per user. Every symbolica call of the
//! process therefore runs on one long-lived worker thread ([`worker`]), and one process of the user
//! at a time ([`crate::symbolica_lock`]); the functions here may be called from any thread and
//! only exchange our own plain types (text, numbers) with it. The library sets no environment
//! variables: a front end sets `SYMBOLICA_HIDE_BANNER=1` (and a quiet `RUST_LOG`) at startup so
//! stdout stays clean, and prints [`RESTRICTED_MODE_NOTICE`] once on stderr.
//!
//! Text losses: [`compile_loss`] validates the text, lets symbolica differentiate it once, and
//! compiles value and gradient into an [`ExprLoss`] that evaluates over every dual-number type,
//! so the whole numeric core runs on it unchanged.

mod closed;
mod closed_composite;
mod closed_point;
mod composite;
mod engine;
pub mod product;
mod scan;
pub mod worker;

use crate::error::{Error, Result};
use crate::loss::expr::{prepare, ExprLoss, Prepared};
use serde::Serialize;
use std::collections::BTreeMap;
use worker::{call, Request, Response};

/// The one line a front end prints on stderr before using this module.
pub const RESTRICTED_MODE_NOTICE: &str =
    "note: symbolica runs in its restricted, non-commercial mode \
     (one symbolica thread per user: a second eosflip process waits for this one)";

/// A closed-form expression, as plain text and (where symbolica can print it) LaTeX.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Formula {
    /// symbolica's plain notation.
    pub plain: String,
    /// LaTeX notation.
    pub latex: Option<String>,
}

/// Which derivation produced a [`ClosedForms`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClosedFormKind {
    /// A loss of one variable.
    OneDimensional,
    /// `l(z(θ))` with l undeclared.
    RankOne,
    /// A concrete `φ(z(θ))` at a symbolic point of M.
    Composite,
    /// A concrete loss whose Hessian has rank one at the point given.
    RankOneAtPoint,
    /// No closed form.
    None,
}

impl std::fmt::Display for ClosedFormKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::OneDimensional => "one_dimensional",
            Self::RankOne => "rank_one",
            Self::Composite => "composite",
            Self::RankOneAtPoint => "rank_one_at_point",
            Self::None => "none",
        })
    }
}

/// Closed forms at a point of M (MATH.md §3, §4, §6; names as in MATH.md §7).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClosedForms {
    /// Variables in parameter order.
    pub vars: Vec<String>,
    /// Which derivation produced the forms.
    pub kind: ClosedFormKind,
    /// Whether closed forms were derived.
    pub available: bool,
    /// Auxiliary quantities the formulas use (e.g. `z`, `s`, `alpha`).
    pub definitions: Vec<(String, Formula)>,
    /// λ.
    pub sharpness: Option<Formula>,
    /// η* = 2/λ.
    pub eta_star: Option<Formula>,
    /// gᵀH⁺g.
    pub g_hplus_g: Option<Formula>,
    /// L4 = ∇⁴L[v,v,v,v].
    pub l4: Option<Formula>,
    /// c1 at η = η*.
    pub c1: Option<Formula>,
    /// Π_T g, one formula per variable.
    pub drift: Option<Vec<Formula>>,
    /// Where the formulas hold, or why there are none.
    pub note: String,
}

impl ClosedForms {
    fn new(vars: Vec<String>, kind: ClosedFormKind) -> ClosedForms {
        ClosedForms {
            vars,
            kind,
            available: true,
            definitions: Vec::new(),
            sharpness: None,
            eta_star: None,
            g_hplus_g: None,
            l4: None,
            c1: None,
            drift: None,
            note: String::new(),
        }
    }
    fn unavailable(vars: &[String], why: &str) -> ClosedForms {
        ClosedForms {
            available: false,
            note: why.into(),
            ..ClosedForms::new(vars.to_vec(), ClosedFormKind::None)
        }
    }
}

fn texts(response: Response) -> Vec<String> {
    match response {
        Response::Texts(t) => t,
        _ => Vec::new(),
    }
}

/// The exact gradient of a prepared expression, one text per variable (MATH.md §2).
pub fn gradient_texts(prepared: &Prepared) -> Result<Vec<String>> {
    let out = texts(call(Request::Gradient {
        expr: prepared.for_symbolica(),
        vars: prepared.vars.clone(),
    })?);
    Ok(out)
}

/// Validates `expr`, differentiates it with symbolica, and compiles value and gradient into an
/// [`ExprLoss`] (MATH.md §2). Variables: `vars`, else in order of first appearance.
pub fn compile_loss(
    expr: &str,
    vars: Option<&[String]>,
    params: &BTreeMap<String, String>,
) -> Result<ExprLoss> {
    let prepared = prepare(expr, vars, params, false)?;
    crate::loss::expr::budget::check_f64(expr, &prepared.ast)?;
    ExprLoss::new(&prepared, &gradient_texts(&prepared)?)
}

/// `h(t) = L(point + t·direction)` for the prepared loss: the exact `h^(k)(0)`, k = 0..=max_order,
/// as symbolica's texts (rationals where the values are rational). The reference for the
/// dual-number directional derivatives (MATH.md §2).
pub fn line_derivatives(
    prepared: &Prepared,
    point: &[String],
    direction: &[String],
    max_order: usize,
) -> Result<Vec<String>> {
    let n = prepared.vars.len();
    if point.len() != n || direction.len() != n {
        return Err(Error::bad_input(
            format!("point and direction need {n} entries"),
            "give one entry per variable",
        ));
    }
    Ok(texts(call(Request::Line {
        expr: prepared.for_symbolica(),
        vars: prepared.vars.clone(),
        point: point.to_vec(),
        direction: direction.to_vec(),
        max_order,
    })?))
}

/// Expands `expr` and puts it over a common denominator (symbolica).
pub fn simplify(expr: &str) -> Result<String> {
    Ok(texts(call(Request::Simplify {
        expr: expr.to_string(),
    })?)
    .remove(0))
}

/// Closed forms of λ, η*, gᵀH⁺g, L4, c1 and Π_T g (MATH.md §3, §4, §6) for one-variable losses
/// and for losses whose Hessian on M has rank one: `l(z(θ))` with `l` undeclared (the point may
/// stay symbolic), or a concrete loss at a point `at` (variable → value: exact numbers, or
/// expressions in new symbols that parametrize part of M, e.g. `x = t, y = 1/t`). Where no closed form exists the
/// result says so (`available = false`).
pub fn closed_forms(
    expr: &str,
    vars: Option<&[String]>,
    params: &BTreeMap<String, String>,
    at: Option<&BTreeMap<String, String>>,
) -> Result<ClosedForms> {
    let prepared = prepare(expr, vars, params, true)?;
    crate::loss::expr::budget::check_closed_forms(expr, &prepared.ast)?;
    if prepared.abstract_functions.len() > 1 {
        return Err(Error::bad_input(
            format!(
                "several undeclared functions ({}): closed forms take one, as in l(x*y)",
                prepared.abstract_functions.join(", ")
            ),
            "write the loss as l(z) with one undeclared l",
        ));
    }
    let at = at
        .map(|m| {
            m.iter()
                .map(|(k, v)| {
                    let value =
                        crate::loss::expr::front::parse_point_value(k, v, &prepared.vars, params)?;
                    Ok((k.clone(), value))
                })
                .collect::<Result<BTreeMap<_, _>>>()
        })
        .transpose()?;
    match call(Request::ClosedForms {
        expr: prepared.for_symbolica(),
        vars: prepared.vars.clone(),
        abstract_functions: prepared.abstract_functions.clone(),
        at,
    })? {
        Response::ClosedForms(cf) => Ok(*cf),
        _ => Err(Error::bad_input(
            "unexpected answer of the symbolica worker",
            "report it",
        )),
    }
}

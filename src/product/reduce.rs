//! `eosflip product`: the reduction for one scalar loss l (docs/math.md §3, §5, §6). The symbolic
//! part runs on the symbolica worker ([`crate::symbolic::product`]); the rest is the `f64`
//! evaluation of the derived forms ([`super`]) and their check against the numeric core.

use super::examples::{core_check, CoreCheck};
use super::{
    balanced, conditions, lambda_inf, point_depth2, supercritical_set, Balanced, Condition, Jet,
    LambdaInf, SupercriticalSet,
};
use crate::error::{Error, Result};
use crate::loss::catalog::link::Link;
use crate::loss::catalog::product::Product;
use crate::loss::expr::parse::{parse, print, Flavor};
use crate::loss::expr::{eval_text, prepare};
use crate::symbolic::product::{derive_ell, derive_general, General};
use crate::symbolic::{compile_loss, simplify};
use crate::Loss;
use serde::Serialize;
use std::collections::BTreeMap;

mod zstar;
pub use zstar::ZStar;

/// Version of the JSON of [`Reduction`].
pub const SCHEMA_VERSION: u32 = 1;

/// Where l comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum EllSource {
    /// A catalog link (`Link::NAMES`).
    Catalog(Link),
    /// A text in the variable `z`.
    Expr(String),
}

/// An exact value (symbolica's text) with its float.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Exact {
    /// The exact text.
    pub exact: String,
    /// Its value.
    pub value: f64,
}

/// A root of Q on M, with the sign of the numeric c1 on both sides.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EndpointCheck {
    /// The endpoint s.
    pub s: f64,
    /// Numeric core c1 at s(1 − 1e-3).
    pub c1_below: f64,
    /// Numeric core c1 at s(1 + 1e-3).
    pub c1_above: f64,
    /// The signs differ.
    pub sign_change: bool,
}

/// Everything `eosflip product` reports.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reduction {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// l as text (our syntax, variable z).
    pub ell: String,
    /// Depth D.
    pub depth: usize,
    /// z* and how it was found.
    pub z_star: ZStar,
    /// l'', l''', l'''' at z*.
    pub l2: Exact,
    /// See l2.
    pub l3: Exact,
    /// See l2.
    pub l4: Exact,
    /// α = 3 l3² − l2 l4.
    pub alpha: Exact,
    /// The symbolic derivation (general l).
    pub derivation: General,
    /// c1 on M with this l's values (in s, and E_{D−2}, E_{D−3} for D ≥ 3).
    pub c1_this_l: String,
    /// Q(w, u) with this l's values.
    pub q_this_l: String,
    /// The discriminant of Q(w, 0) with this l's values.
    pub discriminant: f64,
    /// Depth 2: the exact sign pattern of c1 on M.
    pub set: Option<SupercriticalSet>,
    /// Depth 2: the endpoints `s = √(z*/w±)`, `w± = (−24 l2 l3 ± √Δ)/(192 l2²)`, exactly
    /// (symbolica's text; only where z* is exact), in the order of `set.s_roots`.
    pub s_roots_exact: Vec<String>,
    /// Depth 2: endpoints of the set against sign changes of the numeric c1.
    pub endpoint_checks: Vec<EndpointCheck>,
    /// Depth 2: the clean conditions.
    pub conditions: Vec<Condition>,
    /// The balanced point at this depth (z* ≠ 0).
    pub balanced: Option<Balanced>,
    /// The balanced point at depths 2..=6 (how the flip type there changes with D).
    pub balanced_by_depth: Vec<Balanced>,
    /// Depth 2: λ∞ predictions at a few η.
    pub lambda_inf: Vec<LambdaInf>,
    /// Closed forms against the numeric core at points of M.
    pub checks: Vec<CoreCheck>,
    /// The largest relative c1 error of `checks`.
    pub max_c1_rel_err: f64,
}

/// The loss text with z substituted by the product of the coordinates.
fn composed(ell: &str, vars: &[String]) -> Result<String> {
    let ast = parse(ell)?;
    let prod = format!("({})", vars.join("*"));
    Ok(print(&ast, Flavor::Plain, &|n| {
        (n == "z").then(|| prod.clone())
    }))
}

/// l as text (our syntax) and, for a catalog link, its exact z*.
fn ell_text(source: &EllSource) -> (String, Option<String>) {
    let r = |v: f64| zstar::exact_text(v);
    match *source {
        EllSource::Catalog(Link::Squared { t }) => (format!("(z-({}))^2/2", r(t)), Some(r(t))),
        EllSource::Catalog(Link::Minimalist) => ("(z^2-1)^2/4".into(), Some("1".into())),
        EllSource::Catalog(Link::Logistic { p }) => (
            format!("log(1+exp(z))-({})*z", r(p)),
            Some(format!("log(({p})/(1-({p})))", p = r(p))),
        ),
        EllSource::Catalog(Link::LogCosh { t }) => (format!("log(cosh(z-({})))", r(t)), Some(r(t))),
        EllSource::Catalog(Link::PseudoHuber { t }) => {
            (format!("sqrt(1+(z-({}))^2)-1", r(t)), Some(r(t)))
        }
        EllSource::Expr(ref e) => (e.clone(), None),
    }
}

fn exact(text: &str) -> Result<Exact> {
    let value = eval_text(text, &[]).map_err(|e| {
        Error::bad_input(
            format!("cannot evaluate '{text}' as a number: {e}"),
            "give z* with --zstar as an exact number",
        )
    })?;
    Ok(Exact {
        exact: text.to_string(),
        value,
    })
}

/// The points of M where the closed forms are checked: depth 2 along s; depth D ≥ 3 a few
/// unbalanced points `x = (c_1 a, …, c_D a)` with `∏ c_i = 1`, `a^D = z*` (sign in x1).
fn check_points(z: f64, depth: usize) -> Vec<Vec<f64>> {
    if depth == 2 {
        let base = if z == 0.0 { 1.0 } else { 2.0 * z.abs() };
        return [1.0, 1.3, 2.0, 5.0, 20.0]
            .iter()
            .map(|k| {
                if z == 0.0 {
                    vec![(k * base).sqrt(), 0.0]
                } else {
                    point_depth2(z, k * base).to_vec()
                }
            })
            .collect();
    }
    let a = if z == 0.0 {
        1.0
    } else {
        z.abs().powf(1.0 / depth as f64)
    };
    [1.5, 0.6, 2.3]
        .iter()
        .map(|&k| {
            // x_i = a·c_i with c = (k, 1/(k+0.3), 1.05, 1.15, …), the last fixed by ∏x = z*
            // (z* = 0: the second coordinate is 0).
            let mut x: Vec<f64> = (0..depth)
                .map(|i| match i {
                    0 => a * k,
                    1 if z == 0.0 => 0.0,
                    1 => a / (k + 0.3),
                    i => a * (1.0 + 0.1 * (i as f64 - 1.5)),
                })
                .collect();
            if z != 0.0 {
                let rest: f64 = x[..depth - 1].iter().product();
                x[depth - 1] = z / rest;
            }
            x
        })
        .collect()
}

/// Substitutes the values of l2, l3, l4, z* into a derived text and simplifies it.
fn with_values(text: &str, vals: &BTreeMap<String, String>, simplified: bool) -> Result<String> {
    let ast = parse(text)?;
    let out = print(&ast, Flavor::Plain, &|n| vals.get(n).cloned());
    if simplified {
        simplify(&out)
    } else {
        Ok(out)
    }
}

/// The exact texts of the endpoints `√(z*/w±)` that match `s_roots` (module docs of
/// [`Reduction::s_roots_exact`]).
fn exact_endpoints(vals: &BTreeMap<String, String>, s_roots: &[f64]) -> Result<Vec<String>> {
    let v = |k: &str| vals.get(k).cloned().unwrap_or_default();
    let (z, l2, l3, l4) = (v("z"), v("l2"), v("l3"), v("l4"));
    let mut out = Vec::new();
    for &target in s_roots {
        for pm in ["+", "-"] {
            let text = simplify(&format!(
                "sqrt({z}/((-24*{l2}*{l3}{pm}sqrt(192*{l2}^2*(2*{l2}*{l4}-3*{l3}^2)))/(192*{l2}^2)))"
            ))?;
            if eval_text(&text, &[]).is_ok_and(|x| (x - target).abs() <= 1e-9 * target) {
                out.push(text);
                break;
            }
        }
    }
    Ok(out)
}

/// The reduction of the module docs (depth D in 2..=6; z* given or found).
pub fn reduce(source: &EllSource, depth: usize, z_given: Option<&str>) -> Result<Reduction> {
    if !(2..=6).contains(&depth) {
        return Err(Error::bad_input(
            format!("--depth {depth}: the symbolic derivation is done for depths 2 to 6"),
            "give --depth between 2 and 6",
        ));
    }
    let (ell, catalog_z) = ell_text(source);
    let prepared =
        prepare(&ell, Some(&["z".to_string()]), &BTreeMap::new(), false).map_err(|e| match e {
            Error::BadInput { what, .. } => Error::bad_input(
                format!("--ell-expr: {what}"),
                "l must be a smooth function of the one variable z (numbers and functions \
                 only), e.g. --ell-expr \"(z-1)^2/2 + (z-1)^4\"",
            ),
            other => other,
        })?;
    let sym = prepared.for_symbolica();
    let jet_fn = derive_ell(&sym, None)?;
    let one_dim = compile_loss(&ell, Some(&["z".to_string()]), &BTreeMap::new())?;
    let z_star = zstar::resolve(&sym, &one_dim, z_given.or(catalog_z.as_deref()), &jet_fn)?;
    let at = derive_ell(&sym, Some(&z_star.exact))?
        .at_star
        .unwrap_or_default();
    let mut z_star = z_star;
    zstar::require_minimum(&mut z_star, &at)?;
    let (mut l2, mut l3, mut l4) = (exact(&at[1])?, exact(&at[2])?, exact(&at[3])?);
    if !z_star.exact_verified {
        // z* is known numerically only: the derived forms get decimal values (shortest
        // round-trip texts) instead of symbolica's floating-point expressions.
        for e in [&mut l2, &mut l3, &mut l4] {
            e.exact = format!("{:?}", e.value);
        }
        if z_star.how.starts_with("numeric") {
            z_star.exact = format!("{:?}", z_star.value);
        }
    }
    let alpha_text = simplify(&format!("3*({})^2-({})*({})", l3.exact, l2.exact, l4.exact))?;
    let alpha = exact(&alpha_text)?;
    let jet = Jet {
        z_star: z_star.value,
        l2: l2.value,
        l3: l3.value,
        l4: l4.value,
    };
    let derivation = derive_general(depth)?;
    let vals: BTreeMap<String, String> = [
        ("l2", &l2.exact),
        ("l3", &l3.exact),
        ("l4", &l4.exact),
        ("z", &z_star.exact),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), format!("({v})")))
    .collect();
    let mut vals = vals;
    if depth == 2 {
        // u = q3/s³ = 0 at depth 2.
        vals.insert("u".into(), "0".into());
    }
    // With decimal values symbolica's rational-function normalisation is not reliable
    // (polynomial gcds over floats): substitute without simplifying then.
    let exact_values = z_star.exact_verified;
    let c1_this_l = with_values(&derivation.c1_expanded, &vals, exact_values)?;
    let q_this_l = with_values(&derivation.q, &vals, exact_values)?;
    let vars = crate::symbolic::product::coordinates(depth);
    let text_loss = compile_loss(&composed(&ell, &vars)?, Some(&vars), &BTreeMap::new())?;
    let run = |x: &[f64]| -> Result<CoreCheck> {
        match source {
            EllSource::Catalog(link) => core_check(&Product { depth, link: *link }, &jet, x),
            EllSource::Expr(_) => core_check(&text_loss, &jet, x),
        }
    };
    let checks = check_points(jet.z_star, depth)
        .iter()
        .map(|x| run(x))
        .collect::<Result<Vec<_>>>()?;
    // A comparison that could not be made (NaN) counts as a failed one, never as agreement.
    let max_c1_rel_err = checks.iter().map(|c| c.c1_rel_err).fold(0.0, |m: f64, e| {
        if e.is_nan() {
            f64::INFINITY
        } else {
            m.max(e)
        }
    });
    let (set, s_roots_exact, endpoint_checks, conds, lam) = if depth == 2 {
        let set = supercritical_set(&jet);
        let ends = set
            .s_roots
            .iter()
            .map(|&s| {
                let below = run(&point_depth2(jet.z_star, s * (1.0 - 1e-3)))?.c1_gd;
                let above = run(&point_depth2(jet.z_star, s * (1.0 + 1e-3)))?.c1_gd;
                Ok(EndpointCheck {
                    s,
                    c1_below: below,
                    c1_above: above,
                    sign_change: below * above < 0.0,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let base = if jet.z_star == 0.0 {
            1.0
        } else {
            2.0 * jet.z_star.abs()
        };
        let lam = [1.5, 3.0, 10.0, 30.0, 100.0]
            .iter()
            .filter_map(|k| lambda_inf(&jet, 2.0 / (jet.l2 * k * base)))
            .collect();
        let exact_roots = if exact_values {
            exact_endpoints(&vals, &set.s_roots)?
        } else {
            Vec::new()
        };
        (Some(set), exact_roots, ends, conditions(&jet), lam)
    } else {
        (None, Vec::new(), Vec::new(), Vec::new(), Vec::new())
    };
    let _ = one_dim.dim();
    Ok(Reduction {
        schema_version: SCHEMA_VERSION,
        ell,
        depth,
        discriminant: jet.discriminant(),
        set,
        s_roots_exact,
        endpoint_checks,
        conditions: conds,
        balanced: balanced(&jet, depth),
        balanced_by_depth: (2..=6).filter_map(|d| balanced(&jet, d)).collect(),
        lambda_inf: lam,
        checks,
        max_c1_rel_err,
        z_star,
        l2,
        l3,
        l4,
        alpha,
        derivation,
        c1_this_l,
        q_this_l,
    })
}

//! Closed forms of λ, η*, c1 and the drift Π_T g (MATH.md §3, §4, §6), derived on the worker.
//!
//! - One variable: `λ = f''`, `η* = 2/f''`, `c1 = (3f'''²/f'' − f'''')/(3f'')` (MATH.md §3 at
//!   η = η*), `Π_T g = 0` (isolated minimizer).
//! - `L = l(z(θ))` with `l` undeclared: on `M = {z = z*}`, `l'(z*) = 0`, so `H = l2·a aᵀ`
//!   with `a = ∇z`: rank one, `λ = l2·s`, `s = |a|²`, `v = a/|a|`. Only the 4-jet of `l` at z*
//!   enters derivatives of order ≤ 4 on M, so `l` is replaced exactly by
//!   `l2/2·w² + l3/6·w³ + l4/24·w⁴`, `w = z(θ') − z*`. With `T_k = d^k/dt^k L(θ + t a)|₀`
//!   and `G = d²/dt² ∇L(θ + t a)|₀`: `g = G/s`, `gᵀH⁺g = (g·v)²/λ = T3²/(s³λ)`,
//!   `L4 = T4/s²`, `c1 = (3gᵀH⁺g − L4)/(3λ)`, `Π_T g = g − (g·a)a/s`.
//! - Otherwise the top eigenvector is not available in closed form: say so.

use super::engine::{derivative, factored, latex, simplify, substitute, T};
use super::{ClosedForms, Formula};
use crate::error::{Error, Result};
use crate::loss::expr::parse::{parse as parse_ast, print, Ast, Flavor};
use std::collections::BTreeMap;

/// Symbol standing for z* while differentiating (replaced by z(θ) afterwards).
const ZC: &str = "eosflip_zc";
/// Names the closed forms use for l''(z*), l'''(z*), l''''(z*).
const L_NAMES: [&str; 3] = ["l2", "l3", "l4"];

fn formula(text: &str, at: Option<&BTreeMap<String, String>>) -> Result<Formula> {
    let text = match at {
        Some(map) => factored(&substitute(text, map)?)?,
        None => text.to_string(),
    };
    if text.contains(['¿', '⧞', '∞']) {
        return Err(Error::bad_input(
            "a closed form is undefined at the point (a division by zero: is the sharpness 0 there?)",
            "choose a minimizer with a positive sharpness, or keep the point symbolic",
        ));
    }
    Ok(Formula {
        latex: latex(&text).ok(),
        plain: text,
    })
}

/// At a given point, the sharpness factor `text` must be a positive number (it divides).
fn check_positive(text: &str, at: Option<&BTreeMap<String, String>>) -> Result<()> {
    let Some(map) = at else { return Ok(()) };
    let value = simplify(&substitute(text, map)?)?;
    match crate::loss::expr::eval_text(&value, &[]) {
        Ok(v) if v > 0.0 => Ok(()),
        _ => Err(Error::bad_input(
            format!("the sharpness is not positive at the point ({text} = {value}): closed forms are undefined there"),
            "choose a minimizer with a positive sharpness, or keep the point symbolic",
        )),
    }
}

/// Derives the closed forms (see the module docs). `at` substitutes a point.
pub fn derive(
    expr: &str,
    vars: &[String],
    abstract_functions: &[String],
    at: Option<&BTreeMap<String, String>>,
) -> Result<ClosedForms> {
    for v in vars {
        if L_NAMES.contains(&v.as_str()) || v == T || v == ZC {
            return Err(Error::bad_input(
                format!("the variable name '{v}' is reserved for closed forms"),
                "rename the variable",
            ));
        }
    }
    if let Some(map) = at {
        if let Some(k) = map.keys().find(|k| !vars.contains(k)) {
            return Err(Error::bad_input(
                format!(
                    "--at names '{k}', which is not a variable of the loss ({})",
                    vars.join(",")
                ),
                "give values for the loss's variables only",
            ));
        }
    }
    let ast = parse_ast(expr)?;
    match (&ast, abstract_functions) {
        (Ast::Call(name, args, _), [l]) if name == l && args.len() == 1 => {
            let z = print(&args[0], Flavor::Plain, &|_| None);
            rank_one(&z, vars, l, at)
        }
        (_, [l, ..]) => Err(Error::bad_input(
            format!("the undeclared function '{l}' must be the whole loss, as in l(x*y)"),
            "write the loss as l(z) with z an expression in the variables, e.g. --expr \"l(x*y*z)\"",
        )),
        (_, []) if vars.len() == 1 => one_dim(expr, &vars[0], at),
        _ => Ok(ClosedForms::unavailable(
            vars,
            "no closed form: for a loss of several variables that is not of the form l(z(θ)), the \
             top eigenvector of the Hessian is not expressible in closed form here (its Hessian on M \
             may have rank > 1); write the loss as l(z) with l undeclared for the rank-one forms, or \
             use `eosflip analyze --expr ... --point ...` for the numbers",
        )),
    }
}

fn one_dim(f: &str, x: &str, at: Option<&BTreeMap<String, String>>) -> Result<ClosedForms> {
    let f1 = derivative(f, x)?;
    let f2 = derivative(&f1, x)?;
    let f3 = derivative(&f2, x)?;
    let f4 = derivative(&f3, x)?;
    if let Some(map) = at {
        let slope = simplify(&substitute(&f1, map)?)?;
        if slope != "0" {
            return Err(Error::bad_input(
                format!("the point is not a critical point: f'({x}) = {slope} there, not 0"),
                "give a minimizer with --at, or use --on-manifold to keep the point symbolic",
            ));
        }
    }
    check_positive(&f2, at)?;
    let c1 = simplify(&format!("(3*({f3})^2/({f2})-({f4}))/(3*({f2}))"))?;
    let mut cf = ClosedForms::new(vec![x.to_string()], "one_dimensional");
    cf.definitions.push(("f2".into(), formula(&f2, None)?));
    cf.sharpness = Some(formula(&f2, at)?);
    cf.eta_star = Some(formula(&simplify(&format!("2/({f2})"))?, at)?);
    cf.g_hplus_g = Some(formula(&simplify(&format!("({f3})^2/({f2})"))?, at)?);
    cf.l4 = Some(formula(&f4, at)?);
    cf.c1 = Some(formula(&factored(&c1)?, at)?);
    cf.drift = Some(vec![formula("0", None)?]);
    cf.note = format!(
        "one variable: at a minimizer {x} (f'({x}) = 0, f''({x}) > 0) with eta = eta_star, \
         c1 = (eta/6)(3 f'''^2/f'' - f''''); the drift is 0 (isolated minimizer, T = {{0}})"
    );
    Ok(cf)
}

/// The 4-jet of `l` at z* in `w = z − z*`, with z* the symbol [`ZC`].
fn taylor_l(z: &str) -> String {
    let w = format!("(({z})-{ZC})");
    format!("l2/2*{w}^2+l3/6*{w}^3+l4/24*{w}^4")
}

/// `d^k/dt^k F(θ + t a)` at t = 0 with z* = z(θ) substituted, simplified.
fn line_jet(f: &str, vars: &[String], a: &[String], z: &str, k: usize) -> Result<String> {
    let shift: BTreeMap<String, String> = vars
        .iter()
        .zip(a)
        .map(|(v, ai)| (v.clone(), format!("{v}+{T}*({ai})")))
        .collect();
    let mut h = substitute(f, &shift)?;
    for _ in 0..k {
        h = derivative(&h, T)?;
    }
    let back: BTreeMap<String, String> = [
        (T.to_string(), "0".to_string()),
        (ZC.to_string(), z.to_string()),
    ]
    .into();
    simplify(&substitute(&h, &back)?)
}

fn rank_one(
    z: &str,
    vars: &[String],
    l: &str,
    at: Option<&BTreeMap<String, String>>,
) -> Result<ClosedForms> {
    let z = simplify(z)?;
    let a: Vec<String> = vars
        .iter()
        .map(|v| derivative(&z, v))
        .collect::<Result<_>>()?;
    let s = simplify(
        &a.iter()
            .map(|ai| format!("({ai})^2"))
            .collect::<Vec<_>>()
            .join("+"),
    )?;
    let big_l = taylor_l(&z);
    let t3 = line_jet(&big_l, vars, &a, &z, 3)?;
    let t4 = line_jet(&big_l, vars, &a, &z, 4)?;
    let g: Vec<String> = vars
        .iter()
        .map(|v| {
            let gi = line_jet(&derivative(&big_l, v)?, vars, &a, &z, 2)?;
            simplify(&format!("({gi})/({s})"))
        })
        .collect::<Result<_>>()?;
    let g_dot_a = g
        .iter()
        .zip(&a)
        .map(|(gi, ai)| format!("({gi})*({ai})"))
        .collect::<Vec<_>>()
        .join("+");
    check_positive(&s, at)?;
    let lambda = simplify(&format!("l2*({s})"))?;
    let ghg = simplify(&format!("({t3})^2/(({s})^3*({lambda}))"))?;
    let l4 = simplify(&format!("({t4})/({s})^2"))?;
    let c1 = factored(&format!("(3*({ghg})-({l4}))/(3*({lambda}))"))?;
    let mut cf = ClosedForms::new(vars.to_vec(), "rank_one");
    cf.definitions.push(("z".into(), formula(&z, None)?));
    cf.definitions
        .push(("s = |grad z|^2".into(), formula(&s, None)?));
    cf.definitions
        .push(("alpha".into(), formula("3*l3^2-l2*l4", None)?));
    cf.sharpness = Some(formula(&lambda, at)?);
    cf.eta_star = Some(formula(&format!("2/({lambda})"), at)?);
    cf.g_hplus_g = Some(formula(&factored(&ghg)?, at)?);
    cf.l4 = Some(formula(&factored(&l4)?, at)?);
    cf.c1 = Some(formula(&c1, at)?);
    cf.drift = Some(
        g.iter()
            .zip(&a)
            .map(|(gi, ai)| formula(&factored(&format!("({gi})-({g_dot_a})*({ai})/({s})"))?, at))
            .collect::<Result<_>>()?,
    );
    cf.note = format!(
        "L = {l}(z) at a point of M = {{z = z*}}: l2, l3, l4 are {l}'', {l}''', {l}'''' at z* and \
         {l}'(z*) = 0 (l2 > 0); the Hessian l2 (grad z)(grad z)^T has rank one, top eigenvector \
         grad z/|grad z|; eta = eta_star"
    );
    Ok(cf)
}

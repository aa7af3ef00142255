//! Closed forms of λ, η*, c1 and the drift Π_T g (MATH.md §3, §4, §6), derived on the worker.
//!
//! - One variable: `λ = f''`, `η* = 2/f''`, `c1 = (3f'''²/f'' − f'''')/(3f'')` (MATH.md §3 at
//!   η = η*), `Π_T g = 0` (isolated minimizer).
//! - Rank one. If `H = ∇²L(θ)` has rank one, `H = λ v vᵀ` and every nonzero column `a` of H is
//!   parallel to v. With `s = |a|²`, `T_k = d^k/dt^k L(θ + t a)|₀` and
//!   `G = d²/dt² ∇L(θ + t a)|₀`: `g = G/s`, `gᵀH⁺g = (g·v)²/λ = T3²/(s³λ)`, `L4 = T4/s²`,
//!   `c1 = (3gᵀH⁺g − L4)/(3λ)`, `Π_T g = g − (g·a)a/s` ([`RankOne`]). Sources of `a`:
//!   - `L = l(z(θ))` with `l` undeclared: on `M = {z = z*}`, `l'(z*) = 0`, so `H = l2·a aᵀ`
//!     with `a = ∇z`, `λ = l2·s`. Only the 4-jet of `l` at z* enters derivatives of order ≤ 4 on
//!     M, so `l` is replaced exactly by `l2/2·w² + l3/6·w³ + l4/24·w⁴`, `w = z(θ') − z*`.
//!   - A concrete loss `φ(z(θ))` (recognised by [`super::composite`], verified exactly in
//!     [`super::closed_composite`]) at a symbolic point of M: the forms of `l(z)` with
//!     `l_k = φ^(k)(z)`.
//!   - A concrete loss at a given point ([`super::closed_point`]): the Hessian there, exactly.
//! - Otherwise the top eigenvector is not available in closed form: say so.

use super::engine::{derivative, factored, latex, simplify, substitute, T};
use super::{ClosedFormKind, ClosedForms, Formula};
use crate::error::{Error, Result};
use crate::loss::expr::parse::{parse as parse_ast, print, Ast, Flavor};
use std::collections::BTreeMap;

/// Symbol standing for z* while differentiating (replaced by z(θ) afterwards).
const ZC: &str = "eosflip_zc";
/// Names the closed forms use for l''(z*), l'''(z*), l''''(z*).
pub(super) const L_NAMES: [&str; 3] = ["l2", "l3", "l4"];

/// `text` with the point substituted (factored), as a [`Formula`].
pub(super) fn formula(text: &str, at: Option<&BTreeMap<String, String>>) -> Result<Formula> {
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

/// Whether the sign of the sharpness could be checked.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Sign {
    /// A number, checked positive.
    Checked,
    /// Symbolic (the point, or part of it, is symbolic): assumed positive. When its value with
    /// every free symbol set to [`SAMPLE`] is not positive, that value.
    Assumed(Option<f64>),
    /// No point given: the note states the assumption.
    Stated,
}

impl Sign {
    /// The caveat appended to the note.
    pub(super) fn caveat(&self) -> String {
        match self {
            Sign::Checked | Sign::Stated => String::new(),
            Sign::Assumed(None) => {
                "; the sharpness is symbolic here: the forms hold where it is > 0".into()
            }
            Sign::Assumed(Some(v)) => format!(
                "; the sharpness is symbolic here: the forms hold where it is > 0 (with every free \
                 symbol = {SAMPLE} it is {v:.6e} <= 0: not a minimizer there)"
            ),
        }
    }
}

/// The value given to every free symbol to probe the sign of a symbolic sharpness.
const SAMPLE: f64 = 0.7;

/// The names (free symbols) in `text`, or None when our parser cannot read it.
fn names(text: &str) -> Option<Vec<String>> {
    fn walk(a: &Ast, out: &mut Vec<String>) {
        match a {
            Ast::Num(_) => {}
            Ast::Var(n, _) => out.push(n.clone()),
            Ast::Neg(x) => walk(x, out),
            Ast::Bin(_, x, y) => {
                walk(x, out);
                walk(y, out);
            }
            Ast::Call(_, args, _) => args.iter().for_each(|x| walk(x, out)),
        }
    }
    let mut out = Vec::new();
    walk(&parse_ast(text).ok()?, &mut out);
    Some(out)
}

/// The sharpness factor `text` (after substituting `at`) divides: it must be positive where it
/// is a number; where it stays symbolic its sign is assumed (and said).
pub(super) fn check_positive(text: &str, at: Option<&BTreeMap<String, String>>) -> Result<Sign> {
    let value = match at {
        Some(map) => simplify(&substitute(text, map)?)?,
        None => return Ok(Sign::Stated),
    };
    let eval = crate::loss::expr::eval_text;
    if let Ok(v) = eval(&value, &[]) {
        // A number (possibly with constants such as pi): checked below.
        if v > 0.0 {
            return Ok(Sign::Checked);
        }
    } else {
        let free = names(&value).unwrap_or_default();
        let sample: Vec<(&str, f64)> = free.iter().map(|n| (n.as_str(), SAMPLE)).collect();
        let at_sample = eval(&value, &sample).ok().filter(|v| *v <= 0.0);
        return Ok(Sign::Assumed(at_sample));
    }
    match eval(&value, &[]) {
        Ok(v) if v > 0.0 => Ok(Sign::Checked),
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
        if L_NAMES.contains(&v.as_str()) || v.starts_with("eosflip_") {
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
        (_, []) => match at {
            Some(map) => super::closed_point::at_point(expr, vars, map),
            None => match super::closed_composite::find(expr, &ast, vars)? {
                Some(c) => super::closed_composite::forms(vars, &c),
                None => Ok(ClosedForms::unavailable(
                    vars,
                    "no closed form for a symbolic point: the loss is not of the form phi(z(theta)) \
                     that eosflip can recognise, so M and the top eigenvector are not known in \
                     closed form here. Give a point of M with --at, exact (\"x=2,y=1/2\") or \
                     parametrized by new symbols (\"x=t,y=1/t\"): where the Hessian there has rank \
                     one the forms follow. Or write the loss as l(z) with l undeclared",
                )),
            },
        },
    }
}

/// `f'(x) = 0` at the point, exactly (as symbolica simplifies it), else a bad-input error.
pub(super) fn require_critical(
    name: &str,
    slope: &str,
    at: &BTreeMap<String, String>,
) -> Result<()> {
    let value = simplify(&substitute(slope, at)?)?;
    if value == "0" {
        return Ok(());
    }
    let numeric = crate::loss::expr::eval_text(&value, &[])
        .map(|v| format!(" (≈ {v:.3e})"))
        .unwrap_or_default();
    Err(Error::bad_input(
        format!("the point is not a critical point: {name} = {value}{numeric} there, not 0"),
        "give a minimizer with --at (a point of M, where the gradient vanishes exactly)",
    ))
}

fn one_dim(f: &str, x: &str, at: Option<&BTreeMap<String, String>>) -> Result<ClosedForms> {
    let f1 = derivative(f, x)?;
    let f2 = derivative(&f1, x)?;
    let f3 = derivative(&f2, x)?;
    let f4 = derivative(&f3, x)?;
    let found = match at {
        Some(map) => {
            require_critical(&format!("f'({x})"), &f1, map)?;
            String::new()
        }
        None => minimizers_note(x, &super::scan::require_minimizer(&f1, &f2, x, "f")?),
    };
    let sign = check_positive(&f2, at)?;
    let c1 = simplify(&format!("(3*({f3})^2/({f2})-({f4}))/(3*({f2}))"))?;
    let mut cf = ClosedForms::new(vec![x.to_string()], ClosedFormKind::OneDimensional);
    cf.definitions.push(("f2".into(), formula(&f2, None)?));
    cf.sharpness = Some(formula(&f2, at)?);
    cf.eta_star = Some(formula(&simplify(&format!("2/({f2})"))?, at)?);
    cf.g_hplus_g = Some(formula(&simplify(&format!("({f3})^2/({f2})"))?, at)?);
    cf.l4 = Some(formula(&f4, at)?);
    cf.c1 = Some(formula(&factored(&c1)?, at)?);
    cf.drift = Some(vec![formula("0", None)?]);
    cf.note = format!(
        "one variable: at a minimizer {x} (f'({x}) = 0, f''({x}) > 0) with eta = eta_star, \
         c1 = (eta/6)(3 f'''^2/f'' - f''''); the drift is 0 (isolated minimizer, T = {{0}}){}{found}",
        sign.caveat()
    );
    Ok(cf)
}

/// `"; minimizers found …"` for a note (the numeric scan of [`super::scan`]).
pub(super) fn minimizers_note(var: &str, found: &[f64]) -> String {
    if found.is_empty() {
        return String::new();
    }
    let list: Vec<String> = found.iter().take(6).map(|x| format!("{x:.6}")).collect();
    format!(
        "; minimizers with f'' > 0 found in [-{r}, {r}]: {var} ≈ {}{}",
        list.join(", "),
        if found.len() > 6 { ", …" } else { "" },
        r = super::scan::RANGE
    )
}

/// The 4-jet of `l` at z* in `w = z − z*`, with z* the symbol [`ZC`].
fn taylor_l(z: &str) -> String {
    let w = format!("(({z})-{ZC})");
    format!("l2/2*{w}^2+l3/6*{w}^3+l4/24*{w}^4")
}

/// `d^k/dt^k F(base + t a)` at t = 0 (`base[i]` the value of `vars[i]`, possibly the variable
/// itself), then `back` substituted; simplified.
pub(super) fn line_jet(
    f: &str,
    vars: &[String],
    base: &[String],
    a: &[String],
    back: &BTreeMap<String, String>,
    k: usize,
) -> Result<String> {
    let shift: BTreeMap<String, String> = vars
        .iter()
        .zip(base.iter().zip(a))
        .map(|(v, (b, ai))| (v.clone(), format!("({b})+{T}*({ai})")))
        .collect();
    let mut h = substitute(f, &shift)?;
    for _ in 0..k {
        h = derivative(&h, T)?;
    }
    let mut back = back.clone();
    back.insert(T.to_string(), "0".to_string());
    simplify(&substitute(&h, &back)?)
}

/// The rank-one closed forms of the module docs from a direction `a` ∝ v, `s = |a|²`, λ, `T3`,
/// `T4` and `G = d²/dt² ∇L(θ + t a)|₀`.
pub(super) struct RankOne<'a> {
    vars: &'a [String],
    a: &'a [String],
    s: &'a str,
    lambda: &'a str,
    t3: String,
    t4: String,
    big_g: Vec<String>,
}

/// `|a|²`, simplified.
pub(super) fn norm_sq(a: &[String]) -> Result<String> {
    let terms: Vec<String> = a.iter().map(|ai| format!("({ai})^2")).collect();
    simplify(&terms.join("+"))
}

impl<'a> RankOne<'a> {
    /// The jets `T3`, `T4`, `G` along `a` of the loss text `f` with partial derivatives `grad`,
    /// at `base` (the value of each variable), then `back` substituted; `s = |a|²`, λ given.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn along(
        f: &str,
        grad: &[String],
        vars: &'a [String],
        base: &[String],
        a: &'a [String],
        back: &BTreeMap<String, String>,
        s: &'a str,
        lambda: &'a str,
    ) -> Result<Self> {
        Ok(RankOne {
            vars,
            a,
            s,
            lambda,
            t3: line_jet(f, vars, base, a, back, 3)?,
            t4: line_jet(f, vars, base, a, back, 4)?,
            big_g: grad
                .iter()
                .map(|gi| line_jet(gi, vars, base, a, back, 2))
                .collect::<Result<_>>()?,
        })
    }

    /// λ, η*, gᵀH⁺g, L4, c1 and Π_T g; `at` substitutes a point (definitions and note empty).
    pub(super) fn assemble(
        &self,
        kind: ClosedFormKind,
        at: Option<&BTreeMap<String, String>>,
    ) -> Result<ClosedForms> {
        let (s, lambda) = (self.s, self.lambda);
        let g: Vec<String> = self
            .big_g
            .iter()
            .map(|gi| simplify(&format!("({gi})/({s})")))
            .collect::<Result<_>>()?;
        let g_dot_a = g
            .iter()
            .zip(self.a)
            .map(|(gi, ai)| format!("({gi})*({ai})"))
            .collect::<Vec<_>>()
            .join("+");
        let ghg = simplify(&format!("({})^2/(({s})^3*({lambda}))", &self.t3))?;
        let l4 = simplify(&format!("({})/({s})^2", self.t4))?;
        let c1 = factored(&format!("(3*({ghg})-({l4}))/(3*({lambda}))"))?;
        let mut cf = ClosedForms::new(self.vars.to_vec(), kind);
        cf.sharpness = Some(formula(lambda, at)?);
        cf.eta_star = Some(formula(&format!("2/({lambda})"), at)?);
        cf.g_hplus_g = Some(formula(&factored(&ghg)?, at)?);
        cf.l4 = Some(formula(&factored(&l4)?, at)?);
        cf.c1 = Some(formula(&c1, at)?);
        cf.drift = Some(
            g.iter()
                .zip(self.a)
                .map(|(gi, ai)| {
                    formula(&factored(&format!("({gi})-({g_dot_a})*({ai})/({s})"))?, at)
                })
                .collect::<Result<_>>()?,
        );
        Ok(cf)
    }
}

/// The forms of `l(z)` (module docs); `at` substitutes a point, or the values of l2, l3, l4.
pub(super) fn rank_one(
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
    let s = norm_sq(&a)?;
    let big_l = taylor_l(&z);
    let grad: Vec<String> = vars
        .iter()
        .map(|v| derivative(&big_l, v))
        .collect::<Result<_>>()?;
    let back: BTreeMap<String, String> = [(ZC.to_string(), z.clone())].into();
    let sign = check_positive(&s, at)?;
    let lambda = simplify(&format!("l2*({s})"))?;
    let mut cf = RankOne::along(&big_l, &grad, vars, vars, &a, &back, &s, &lambda)?
        .assemble(ClosedFormKind::RankOne, at)?;
    cf.definitions.push(("z".into(), formula(&z, None)?));
    cf.definitions
        .push(("s = |grad z|^2".into(), formula(&s, None)?));
    cf.definitions
        .push(("alpha".into(), formula("3*l3^2-l2*l4", None)?));
    cf.note = format!(
        "L = {l}(z) at a point of M = {{z = z*}}: l2, l3, l4 are {l}'', {l}''', {l}'''' at z* and \
         {l}'(z*) = 0 (l2 > 0); the Hessian l2 (grad z)(grad z)^T has rank one, top eigenvector \
         grad z/|grad z|; eta = eta_star{}",
        sign.caveat()
    );
    Ok(cf)
}

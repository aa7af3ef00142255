//! Validation of a text loss: functions, variables, parameters (docs/math.md §5, assumption A1).
//!
//! [`prepare`] turns user text into a [`Prepared`] expression: syntax checked, parameters
//! substituted by their exact values, variables ordered (`--vars`, else first appearance),
//! non-smooth functions rejected, and two normalised texts (one for our graph, one for symbolica).

use super::parse::{parse, print, Ast, Flavor};
use crate::error::{Error, Result};
use std::collections::BTreeMap;

/// Functions accepted in a loss: smooth (C^∞) where defined.
pub const SMOOTH_FUNCTIONS: &[&str] = &[
    "exp", "log", "ln", "sqrt", "sin", "cos", "tan", "sinh", "cosh", "tanh",
];

/// Functions rejected because they are not C⁴ (assumption A1, docs/math.md §5).
pub const NON_SMOOTH_FUNCTIONS: &[&str] = &[
    "abs",
    "max",
    "min",
    "sign",
    "sgn",
    "floor",
    "ceil",
    "round",
    "heaviside",
    "step",
    "relu",
    "mod",
    "frac",
    "trunc",
];

/// A validated expression.
#[derive(Debug, Clone, PartialEq)]
pub struct Prepared {
    /// The text as the user gave it.
    pub source: String,
    /// The syntax tree, parameters substituted.
    pub ast: Ast,
    /// Variables in parameter order.
    pub vars: Vec<String>,
    /// Where the order came from: `"--vars"` or `"first appearance"`.
    pub order_source: &'static str,
    /// Undeclared functions of one argument (only when allowed, e.g. `l` in `l(x*y)`).
    pub abstract_functions: Vec<String>,
}

impl Prepared {
    /// Normalised text for our graph (functions as written).
    pub fn plain(&self) -> String {
        print(&self.ast, Flavor::Plain, &|_| None)
    }
    /// Normalised text for symbolica (`tan`, `sinh`, … rewritten through exp, sin, cos).
    pub fn for_symbolica(&self) -> String {
        print(&self.ast, Flavor::Symbolica, &|_| None)
    }
}

/// Parses a parameter value (`1/3`, `-0.5`, `2e-3`): an expression of numbers only.
pub fn parse_param_value(name: &str, text: &str) -> Result<Ast> {
    let ast = parse(text).map_err(|e| {
        Error::bad_input(
            format!("--param {name}={text}: the value is not a number ({e})"),
            "give a rational or decimal, e.g. --param a=1/3",
        )
    })?;
    let mut names = Vec::new();
    collect(&ast, &mut names, &mut Vec::new());
    if !names.is_empty() || has_call(&ast) {
        return Err(Error::bad_input(
            format!(
                "--param {name}={text}: the value must be a number, not an expression in names"
            ),
            "give a rational or decimal, e.g. --param a=1/3",
        ));
    }
    Ok(ast)
}

/// Parses the value of one coordinate of a point (`--at x=1/2` or, parametrizing part of M,
/// `--at x=t` with `t` a new symbol): numbers, new symbols, parameters (substituted) and smooth
/// functions. Names of the loss's variables and reserved names are refused. Returns the value in
/// symbolica's notation.
pub fn parse_point_value(
    name: &str,
    text: &str,
    vars: &[String],
    params: &BTreeMap<String, String>,
) -> Result<String> {
    let ast = parse(text).map_err(|e| {
        Error::bad_input(
            format!("--at {name}={text}: the value is not an expression ({e})"),
            "give a number or an expression in new symbols, e.g. --at \"x=2,y=1/2\" or \"x=t,y=1/t\"",
        )
    })?;
    let (mut names, mut calls) = (Vec::new(), Vec::new());
    collect(&ast, &mut names, &mut calls);
    if let Some((f, _, _)) = calls
        .iter()
        .find(|(f, n, _)| !SMOOTH_FUNCTIONS.contains(&f.as_str()) || *n != 1)
    {
        return Err(Error::bad_input(
            format!("--at {name}={text}: '{f}' is not one of the functions a point may use"),
            format!("use {}", SMOOTH_FUNCTIONS.join(", ")),
        ));
    }
    if let Some((n, _)) = names.iter().find(|(n, _)| vars.contains(n)) {
        return Err(Error::bad_input(
            format!("--at {name}={text}: '{n}' is a variable of the loss, not a free symbol"),
            "parametrize the point by new symbols, e.g. --at \"x=t,y=1/t\"",
        ));
    }
    if let Some((n, _)) = names
        .iter()
        .find(|(n, _)| ["l2", "l3", "l4"].contains(&n.as_str()) || n.starts_with("eosflip_"))
    {
        return Err(Error::bad_input(
            format!("--at {name}={text}: the name '{n}' is reserved for closed forms"),
            "choose another symbol",
        ));
    }
    let params = params
        .iter()
        .map(|(k, v)| Ok((k.clone(), parse_param_value(k, v)?)))
        .collect::<Result<BTreeMap<_, _>>>()?;
    let ast = substitute(&ast, &params);
    super::budget::check(&format!("--at {name}={text}"), &ast)?;
    Ok(print(&ast, Flavor::Symbolica, &|_| None))
}

fn has_call(ast: &Ast) -> bool {
    match ast {
        Ast::Num(_) | Ast::Var(..) => false,
        Ast::Neg(a) => has_call(a),
        Ast::Bin(_, a, b) => has_call(a) || has_call(b),
        Ast::Call(..) => true,
    }
}

/// Rejects `0^c` with a constant exponent `c ≤ 0` (`0^0` is undefined here: a convention
/// would silently change the gradient; `0^-1` divides by zero).
fn check_zero_powers(src: &str, ast: &Ast) -> Result<()> {
    match ast {
        Ast::Num(_) | Ast::Var(..) => Ok(()),
        Ast::Neg(a) => check_zero_powers(src, a),
        Ast::Bin(op, a, b) => {
            if *op == '^' {
                if let (Ast::Num(x), Some(y)) = (a.as_ref(), const_value(b)) {
                    if x.to_f64() == 0.0 && y <= 0.0 {
                        return Err(Error::bad_input(
                            format!("'0^{y}' in '{src}' is undefined (0^0, or a division by zero)"),
                            "remove the term, or write its intended value (e.g. 1 for 0^0)",
                        ));
                    }
                }
            }
            check_zero_powers(src, a)?;
            check_zero_powers(src, b)
        }
        Ast::Call(_, args, _) => args.iter().try_for_each(|a| check_zero_powers(src, a)),
    }
}

fn const_value(ast: &Ast) -> Option<f64> {
    match ast {
        Ast::Num(r) => Some(r.to_f64()),
        Ast::Neg(a) => const_value(a).map(|v| -v),
        _ => None,
    }
}

/// Collects variable names (first appearance) and called function names with positions.
fn collect(ast: &Ast, vars: &mut Vec<(String, usize)>, calls: &mut Vec<(String, usize, usize)>) {
    match ast {
        Ast::Num(_) => {}
        Ast::Var(n, pos) => {
            // `pi` is the constant π (symbolica reads it so), not a variable.
            if n != "pi" && !vars.iter().any(|(v, _)| v == n) {
                vars.push((n.clone(), *pos));
            }
        }
        Ast::Neg(a) => collect(a, vars, calls),
        Ast::Bin(_, a, b) => {
            collect(a, vars, calls);
            collect(b, vars, calls);
        }
        Ast::Call(n, args, pos) => {
            calls.push((n.clone(), args.len(), *pos));
            args.iter().for_each(|a| collect(a, vars, calls));
        }
    }
}

fn substitute(ast: &Ast, params: &BTreeMap<String, Ast>) -> Ast {
    let s = |a: &Ast| Box::new(substitute(a, params));
    match ast {
        Ast::Var(n, _) => params.get(n).cloned().unwrap_or_else(|| ast.clone()),
        Ast::Num(_) => ast.clone(),
        Ast::Neg(a) => Ast::Neg(s(a)),
        Ast::Bin(op, a, b) => Ast::Bin(*op, s(a), s(b)),
        Ast::Call(n, args, p) => Ast::Call(
            n.clone(),
            args.iter().map(|a| substitute(a, params)).collect(),
            *p,
        ),
    }
}

fn at(src: &str, pos: usize) -> String {
    format!("\n    {src}\n    {}^", " ".repeat(pos))
}

fn check_calls(
    src: &str,
    calls: &[(String, usize, usize)],
    allow_abstract: bool,
) -> Result<Vec<String>> {
    let mut abstract_fns = Vec::new();
    for (name, arity, pos) in calls {
        if NON_SMOOTH_FUNCTIONS.contains(&name.as_str()) {
            return Err(Error::bad_input(
                format!(
                    "'{name}' is not smooth: it violates assumption A1 (L is C^4 near the point){}",
                    at(src, *pos)
                ),
                "replace it by a smooth expression (e.g. abs(x) -> sqrt(x^2 + eps^2) with a parameter eps)",
            ));
        }
        if SMOOTH_FUNCTIONS.contains(&name.as_str()) {
            if *arity != 1 {
                return Err(Error::bad_input(
                    format!("'{name}' takes one argument, got {arity}{}", at(src, *pos)),
                    format!("write {name}(u)"),
                ));
            }
        } else if allow_abstract && *arity == 1 {
            if !abstract_fns.contains(name) {
                abstract_fns.push(name.clone());
            }
        } else {
            return Err(Error::bad_input(
                format!("unknown function '{name}'{}", at(src, *pos)),
                format!(
                    "use one of {}{}",
                    SMOOTH_FUNCTIONS.join(" "),
                    if allow_abstract {
                        " or an undeclared function of one argument, like l(x*y)"
                    } else {
                        ""
                    }
                ),
            ));
        }
    }
    Ok(abstract_fns)
}

fn parse_params(params: &BTreeMap<String, String>) -> Result<BTreeMap<String, Ast>> {
    params
        .iter()
        .map(|(k, v)| Ok((k.clone(), parse_param_value(k, v)?)))
        .collect()
}

fn check_declared(src: &str, found: &[(String, usize)], declared: &[String]) -> Result<()> {
    let mut seen = Vec::new();
    for v in declared {
        let ok = v
            .chars()
            .next()
            .is_some_and(|c| c.is_alphabetic() || c == '_')
            && v.chars().all(|c| c.is_alphanumeric() || c == '_');
        if !ok || seen.contains(v) {
            return Err(Error::bad_input(
                format!(
                    "--vars: '{v}' is {}",
                    if ok { "given twice" } else { "not a name" }
                ),
                "write e.g. --vars x,y with distinct names",
            ));
        }
        seen.push(v.clone());
    }
    if let Some((name, pos)) = found.iter().find(|(n, _)| !declared.contains(n)) {
        return Err(Error::bad_input(
            format!(
                "unknown variable '{name}' (not in --vars {}){}",
                declared.join(","),
                at(src, *pos)
            ),
            format!("add it to --vars, or give its value with --param {name}=VALUE"),
        ));
    }
    Ok(())
}

/// Validates `src` (docs/math.md §5, A1): see the module docs. `allow_abstract` admits undeclared
/// functions of one argument (closed forms of `l(x*y)`).
pub fn prepare(
    src: &str,
    vars: Option<&[String]>,
    params: &BTreeMap<String, String>,
    allow_abstract: bool,
) -> Result<Prepared> {
    let raw = super::parse::parse_input(src)?;
    let mut names = Vec::new();
    let mut calls = Vec::new();
    collect(&raw, &mut names, &mut calls);
    let abstract_functions = check_calls(src, &calls, allow_abstract)?;
    if let Some((_, pos)) = names
        .iter()
        .find(|(n, _)| n == "e" && !params.contains_key("e"))
    {
        return Err(Error::bad_input(
            format!(
                "the name 'e' is ambiguous: Euler's number or a variable{}",
                at(src, *pos)
            ),
            "write exp(x) for Euler's number to a power (e itself: exp(1)), or name the variable otherwise",
        ));
    }
    check_zero_powers(src, &raw)?;
    if let Some(unused) = params.keys().find(|k| !names.iter().any(|(n, _)| n == *k)) {
        return Err(Error::bad_input(
            format!("--param {unused} does not occur in the expression '{src}'"),
            "remove it, or check its spelling",
        ));
    }
    let values = parse_params(params)?;
    let ast = substitute(&raw, &values);
    super::budget::check(src, &ast)?;
    let found: Vec<(String, usize)> = names
        .into_iter()
        .filter(|(n, _)| !params.contains_key(n))
        .collect();
    if let Some((n, pos)) = found
        .iter()
        .find(|(n, _)| calls.iter().any(|(c, _, _)| c == n))
    {
        return Err(Error::bad_input(
            format!(
                "'{n}' is used both as a variable and as a function{}",
                at(src, *pos)
            ),
            "rename one of them",
        ));
    }
    let (vars, order_source) = match vars {
        Some(declared) => {
            check_declared(src, &found, declared)?;
            (declared.to_vec(), "--vars")
        }
        None => (
            found.into_iter().map(|(n, _)| n).collect(),
            "first appearance",
        ),
    };
    if vars.is_empty() {
        return Err(Error::bad_input(
            format!("the expression '{src}' has no variable"),
            "a loss needs at least one variable, e.g. --expr \"(x^2 - 1)^2/4\"",
        ));
    }
    Ok(Prepared {
        source: src.to_string(),
        ast,
        vars,
        order_source,
        abstract_functions,
    })
}

//! The symbolica calls (worker thread only): parse, differentiate, simplify, print. Atoms never
//! leave this module; results are returned as text.

use crate::error::{Error, Result};
use crate::loss::expr::parse::{parse as parse_ast, print, Flavor};
use std::collections::BTreeMap;
use symbolica::atom::{Atom, AtomCore};
use symbolica::printer::PrintOptions;
use symbolica::{symbol, try_parse};

/// Name of the line parameter `t` (not a valid user name clash: users are told it is reserved).
pub const T: &str = "eosflip_t";

/// Parses text in symbolica syntax.
pub fn atom(text: &str) -> Result<Atom> {
    try_parse!(text).map_err(|e| {
        Error::bad_input(
            format!("symbolica cannot parse '{text}': {e}"),
            "check the expression syntax",
        )
    })
}

/// `d text / d var`, as text.
pub fn derivative(text: &str, var: &str) -> Result<String> {
    Ok(atom(text)?.derivative(symbol!(var)).to_string())
}

/// Expanded and over a common denominator.
pub fn simplify(text: &str) -> Result<String> {
    Ok(atom(text)?.expand().together().to_string())
}

/// Over a common denominator, numerator and denominator factored where symbolica can.
pub fn factored(text: &str) -> Result<String> {
    Ok(atom(text)?.together().factor().to_string())
}

/// The LaTeX rendering of `text`.
pub fn latex(text: &str) -> Result<String> {
    let a = atom(text)?;
    Ok(format!("{}", a.printer(PrintOptions::latex())))
}

/// Substitutes variables simultaneously (by text, through our parser) and lets symbolica
/// normalise the result (without expanding it).
pub fn substitute(text: &str, map: &BTreeMap<String, String>) -> Result<String> {
    let ast = parse_ast(text)?;
    let replaced = print(&ast, Flavor::Plain, &|name| map.get(name).cloned());
    Ok(atom(&replaced)?.to_string())
}

/// Partial derivatives by each variable (MATH.md §2: the gradient compiled once).
pub fn gradient(expr: &str, vars: &[String]) -> Result<Vec<String>> {
    let a = atom(expr)?;
    Ok(vars
        .iter()
        .map(|v| a.derivative(symbol!(v.as_str())).to_string())
        .collect())
}

/// `h(t) = expr(point + t·direction)`; returns `h^(k)(0)`, `k = 0..=max_order`, exactly.
pub fn line_derivatives(
    expr: &str,
    vars: &[String],
    point: &[String],
    direction: &[String],
    max_order: usize,
) -> Result<Vec<String>> {
    let shift: BTreeMap<String, String> = vars
        .iter()
        .zip(point.iter().zip(direction))
        .map(|(v, (p, w))| (v.clone(), format!("({p})+{T}*({w})")))
        .collect();
    let ast = parse_ast(expr)?;
    let line = print(&ast, Flavor::Plain, &|name| shift.get(name).cloned());
    let mut h = atom(&line)?;
    let zero: BTreeMap<String, String> = [(T.to_string(), "0".to_string())].into();
    let mut out = Vec::with_capacity(max_order + 1);
    for k in 0..=max_order {
        if k > 0 {
            h = h.derivative(symbol!(T));
        }
        out.push(
            atom(&substitute(&h.to_string(), &zero)?)?
                .expand()
                .to_string(),
        );
    }
    // symbolica prints an undefined value (0^0, 1/0) as '¿'.
    if out.iter().any(|v| v.contains('¿')) {
        return Err(Error::bad_input(
            format!("'{expr}' is undefined along the line (0^0 or a division by zero)"),
            "choose another point",
        ));
    }
    Ok(out)
}

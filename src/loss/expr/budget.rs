//! Budgets on a text loss, checked on our own syntax tree before any symbolic work starts
//! (issue 11; the limits are listed in README, "Limits"). Each refusal is an
//! [`Error::Budget`] naming the limit, the offending sub-expression and how to stay inside it.
//!
//! Every text loss ([`check`], called by [`super::prepare`]):
//! - an integer or constant exponent of a non-constant base: `|n| ≤` [`MAX_EXPONENT`]
//!   (dual-number `powi` multiplies `n(n−1)(n−2)` in `i32`; symbolica's derivatives grow with n);
//! - an exact constant: at most [`MAX_EXACT_DIGITS`] decimal digits, estimated from the literals
//!   (`7^3000000000`, `2^2^2^2^2^2` are refused before symbolica computes them);
//! - nesting of function calls `≤` [`MAX_FUNCTION_DEPTH`];
//! - the size of the text handed to symbolica (`tanh(u)` is rewritten with four copies of u, so
//!   nested `tanh` grows as 4^depth) `≤` [`MAX_SYMBOLIC_SIZE`] nodes.
//!
//! Losses evaluated in f64 ([`check_f64`]: case files, `--expr`): every constant sub-expression
//! finite in f64 (`(2^500)^3` would evaluate to inf).
//!
//! Closed forms (`eosflip symbolic`, [`check_closed_forms`]) expand and factor rational
//! functions of the fourth derivatives, so they have tighter budgets: polynomial degree
//! `≤` [`MAX_CLOSED_FORM_DEGREE`], expanded terms `≤` [`MAX_CLOSED_FORM_TERMS`] and function
//! nesting `≤` [`MAX_CLOSED_FORM_DEPTH`].
//!
//! The walks recurse over the tree, whose depth the parser bounds (nesting ≤ 500, long flat
//! sums and products balanced: [`super::parse`]).

use super::parse::{print, Ast, Flavor};
use crate::error::{Error, Result};

/// Largest `|n|` in a power `u^n` of a non-constant u.
pub const MAX_EXPONENT: f64 = 1000.0;
/// Largest exact constant or coefficient, in decimal digits (numerator and denominator
/// together), estimated as `log10` of the literals, multiplied by the exponents of powers and
/// added over products (so `x*2^999*2^999*2^999*2^999` is refused like `2^3996`).
pub const MAX_EXACT_DIGITS: f64 = 1000.0;
/// Deepest nesting of function calls (`sin(sin(x))` is 2).
pub const MAX_FUNCTION_DEPTH: usize = 12;
/// Largest tree handed to symbolica, in nodes, after rewriting `tan`, `sinh`, `cosh`, `tanh`.
pub const MAX_SYMBOLIC_SIZE: f64 = 12_000.0;
/// Closed forms: largest polynomial degree (counting every function call as one atom).
pub const MAX_CLOSED_FORM_DEGREE: f64 = 100.0;
/// Closed forms: largest number of terms after full expansion (an upper estimate).
pub const MAX_CLOSED_FORM_TERMS: f64 = 10_000.0;
/// Closed forms: deepest nesting of function calls.
pub const MAX_CLOSED_FORM_DEPTH: usize = 4;

/// What the walk measures of a subtree.
#[derive(Debug, Clone, Copy)]
struct Measure {
    /// The value, when the subtree is a constant.
    constant: Option<f64>,
    /// Decimal digits of the exact constant, or of the largest coefficient.
    digits: f64,
    /// Nodes after symbolica's rewriting.
    size: f64,
    /// Nesting of function calls.
    depth: usize,
    /// Polynomial degree (function calls are atoms of degree 1).
    degree: f64,
    /// Terms after full expansion (upper estimate, saturating).
    terms: f64,
}

fn over(what: String, limit: String, hint: &str) -> Error {
    Error::Budget {
        what,
        limit,
        hint: hint.into(),
    }
}

fn excerpt(ast: &Ast) -> String {
    let s = print(ast, Flavor::Plain, &|_| None);
    if s.chars().count() > 80 {
        s.chars().take(80).collect::<String>() + "…"
    } else {
        s
    }
}

/// `C(t + n − 1, n)`: monomials of degree n in t terms, saturating at 1e300. Computed as
/// `C(t + n − 1, m)` with `m = min(n, t − 1)` factors, each ≥ 2 once m > 1, so the loop is short.
fn multiset(t: f64, n: f64) -> f64 {
    let (top, m) = (t + n - 1.0, n.min(t - 1.0));
    let mut out = 1.0_f64;
    let mut k = 1.0;
    while k <= m && out < 1e300 {
        out *= (top - m + k) / k;
        k += 1.0;
    }
    out.min(1e300)
}

fn measure(src: &str, ast: &Ast) -> Result<Measure> {
    let leaf = |constant: Option<f64>, digits: f64, degree: f64| Measure {
        constant,
        digits,
        size: 1.0,
        depth: 0,
        degree,
        terms: 1.0,
    };
    Ok(match ast {
        Ast::Num(r) => leaf(Some(r.to_f64()), r.digits(), 0.0),
        Ast::Var(n, _) if n == "pi" || n == "𝜋" => leaf(Some(std::f64::consts::PI), 0.5, 0.0),
        Ast::Var(n, _) if n == "𝑒" => leaf(Some(std::f64::consts::E), 0.5, 0.0),
        Ast::Var(..) => leaf(None, 0.0, 1.0),
        Ast::Neg(a) => {
            let m = measure(src, a)?;
            Measure {
                constant: m.constant.map(|v| -v),
                size: m.size + 1.0,
                ..m
            }
        }
        Ast::Bin(op, a, b) => binary(src, ast, *op, measure(src, a)?, measure(src, b)?)?,
        Ast::Call(name, args, _) => {
            let ms = args
                .iter()
                .map(|a| measure(src, a))
                .collect::<Result<Vec<_>>>()?;
            let inner: f64 = ms.iter().map(|m| m.size).sum();
            // The rewriting of super::parse::print (Flavor::Symbolica).
            let size = match name.as_str() {
                "tan" => 2.0 * inner + 3.0,
                "sinh" | "cosh" => 2.0 * inner + 6.0,
                "tanh" => 4.0 * inner + 8.0,
                _ => inner + 1.0,
            };
            let depth = 1 + ms.iter().map(|m| m.depth).max().unwrap_or(0);
            if depth > MAX_FUNCTION_DEPTH {
                return Err(over(
                    format!("'{}' in '{src}' nests {depth} function calls", excerpt(ast)),
                    format!("function nesting ≤ {MAX_FUNCTION_DEPTH}"),
                    "un-nest the expression (e.g. introduce the inner function as a variable), \
                     or use a catalog loss or a model file",
                ));
            }
            let constant = if ms.iter().all(|m| m.constant.is_some()) {
                Some(f64::NAN)
            } else {
                None
            };
            Measure {
                constant,
                digits: 1.0,
                size,
                depth,
                degree: ms.iter().map(|m| m.degree).fold(1.0, f64::max),
                terms: 1.0,
            }
        }
    })
}

fn binary(src: &str, ast: &Ast, op: char, a: Measure, b: Measure) -> Result<Measure> {
    let constant = match (a.constant, b.constant) {
        (Some(x), Some(y)) => Some(match op {
            '+' => x + y,
            '-' => x - y,
            '*' => x * y,
            '/' => x / y,
            _ => x.powf(y),
        }),
        _ => None,
    };
    let size = a.size + b.size + 1.0;
    let depth = a.depth.max(b.depth);
    let (mut digits, degree, terms) = match op {
        '+' | '-' => (
            if constant.is_some() {
                a.digits + b.digits
            } else {
                a.digits.max(b.digits)
            },
            a.degree.max(b.degree),
            a.terms + b.terms,
        ),
        '*' | '/' => (a.digits + b.digits, a.degree + b.degree, a.terms * b.terms),
        _ => match b.constant {
            Some(e) if e.is_finite() => {
                let n = e.abs();
                if a.constant.is_none() && n > MAX_EXPONENT {
                    return Err(over(
                        format!("the exponent {e} in '{}' (in '{src}')", excerpt(ast)),
                        format!("|exponent| ≤ {MAX_EXPONENT}"),
                        "rescale the loss or lower the power; exact derivatives of such powers \
                         are beyond eosflip's symbolic budget",
                    ));
                }
                let t = if e.fract() == 0.0 {
                    multiset(a.terms, n)
                } else {
                    a.terms + b.terms
                };
                (a.digits * n.max(1.0), a.degree * n.ceil(), t)
            }
            _ => (a.digits + b.digits, a.degree + b.degree, a.terms + b.terms),
        },
    };
    if b.constant.is_none() && op == '^' {
        digits = a.digits.max(b.digits);
    }
    if digits > MAX_EXACT_DIGITS {
        return Err(over(
            format!(
                "the exact {} '{}' in '{src}' has about {} decimal digits",
                if constant.is_some() {
                    "constant"
                } else {
                    "coefficient of"
                },
                excerpt(ast),
                if digits < 1e300 {
                    format!("{digits:.0}")
                } else {
                    "more than 1e300".into()
                }
            ),
            format!("exact constants ≤ {MAX_EXACT_DIGITS} digits"),
            "write the constant as a decimal (e.g. 1.5e300) or a parameter, or drop it",
        ));
    }
    Ok(Measure {
        constant,
        digits,
        size,
        depth,
        degree,
        terms,
    })
}

/// For losses evaluated in f64 (every numeric use of a text loss; not closed forms, which are
/// exact): every constant sub-expression must be finite in f64, so `(2^500)^3` is refused here
/// rather than evaluated as inf.
pub fn check_f64(src: &str, ast: &Ast) -> Result<()> {
    finite_constant(src, ast).map(|_| ())
}

/// The value of a constant subtree (`None` when it has a variable or a function call); an
/// error at the first constant that overflows f64 from finite operands (not a division by 0).
fn finite_constant(src: &str, ast: &Ast) -> Result<Option<f64>> {
    Ok(match ast {
        Ast::Num(r) => Some(r.to_f64()),
        Ast::Var(n, _) if n == "pi" || n == "𝜋" => Some(std::f64::consts::PI),
        Ast::Var(n, _) if n == "𝑒" => Some(std::f64::consts::E),
        Ast::Var(..) => None,
        Ast::Neg(a) => finite_constant(src, a)?.map(|v| -v),
        Ast::Call(_, args, _) => {
            for a in args {
                finite_constant(src, a)?;
            }
            None
        }
        Ast::Bin(op, a, b) => {
            let (x, y) = (finite_constant(src, a)?, finite_constant(src, b)?);
            let (Some(x), Some(y)) = (x, y) else {
                return Ok(None);
            };
            let v = match op {
                '+' => x + y,
                '-' => x - y,
                '*' => x * y,
                '/' => x / y,
                _ => x.powf(y),
            };
            if v.is_infinite() && x.is_finite() && y.is_finite() && !(*op == '/' && y == 0.0) {
                return Err(over(
                    format!(
                        "the constant '{}' in '{src}' is beyond the range of f64",
                        excerpt(ast)
                    ),
                    format!("|constant| ≤ {:.1e}", f64::MAX),
                    "rescale the loss (e.g. divide it by the constant) or drop the factor",
                ));
            }
            Some(v)
        }
    })
}

/// The budgets for every text loss (module docs); `src` names the expression in errors.
pub fn check(src: &str, ast: &Ast) -> Result<()> {
    let m = measure(src, ast)?;
    if m.size > MAX_SYMBOLIC_SIZE {
        return Err(over(
            format!(
                "'{src}' is {:.0} nodes once tan, sinh, cosh, tanh are written through exp, sin, cos",
                m.size
            ),
            format!("symbolic size ≤ {MAX_SYMBOLIC_SIZE}"),
            "nest tan/sinh/cosh/tanh less deeply, or use a catalog loss or a model file",
        ));
    }
    Ok(())
}

/// The tighter budgets of closed forms (module docs).
pub fn check_closed_forms(src: &str, ast: &Ast) -> Result<()> {
    let m = measure(src, ast)?;
    let hint = "closed forms expand and factor fourth derivatives: use `eosflip analyze --expr` \
                for the numbers, or simplify the loss";
    if m.degree > MAX_CLOSED_FORM_DEGREE {
        return Err(over(
            format!("'{src}' has polynomial degree about {:.0}", m.degree),
            format!("closed forms: degree ≤ {MAX_CLOSED_FORM_DEGREE}"),
            hint,
        ));
    }
    if m.terms > MAX_CLOSED_FORM_TERMS {
        return Err(over(
            format!(
                "'{src}' expands to about {:.3e} terms",
                m.terms.min(f64::MAX)
            ),
            format!("closed forms: expanded terms ≤ {MAX_CLOSED_FORM_TERMS}"),
            hint,
        ));
    }
    if m.depth > MAX_CLOSED_FORM_DEPTH {
        return Err(over(
            format!("'{src}' nests {} function calls", m.depth),
            format!("closed forms: function nesting ≤ {MAX_CLOSED_FORM_DEPTH}"),
            hint,
        ));
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::float_cmp)]
mod tests;

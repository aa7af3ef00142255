//! Finds a composite structure `L(θ) = φ(z(θ))` in a concrete loss (MATH.md §6: product losses
//! `l(xy)` written out, e.g. `(x*y - 1)^2/2`), so that its closed forms can stay at a symbolic
//! point of M like those of `l(z)` with `l` undeclared.
//!
//! Syntactic search on our own syntax tree, no algebra: the candidates for z are the subtrees
//! that contain a variable (smallest first, the whole loss excluded); a candidate is accepted when
//! replacing each of its occurrences by a fresh symbol w leaves no variable. Products are matched
//! as multisets of factors, so `x*y` is found in `3/4*x*y` (parsed `((3/4)*x)*y`). The caller
//! verifies the result exactly (`φ(z) − L` simplifies to 0) before using it.

use crate::loss::expr::parse::{print, Ast, Flavor};

/// The fresh symbol standing for z in φ.
pub const W: &str = "eosflip_w";

/// `L = φ(z)`: z and φ (in [`W`]) as text in symbolica's notation.
#[derive(Debug, Clone, PartialEq)]
pub struct Composite {
    /// The inner expression z(θ).
    pub z: String,
    /// The outer function φ(w).
    pub phi: String,
}

/// Structural equality, ignoring source positions.
fn same(a: &Ast, b: &Ast) -> bool {
    match (a, b) {
        (Ast::Num(x), Ast::Num(y)) => x == y,
        (Ast::Var(x, _), Ast::Var(y, _)) => x == y,
        (Ast::Neg(x), Ast::Neg(y)) => same(x, y),
        (Ast::Bin(o, a1, a2), Ast::Bin(p, b1, b2)) => o == p && same(a1, b1) && same(a2, b2),
        (Ast::Call(f, xs, _), Ast::Call(g, ys, _)) => {
            f == g && xs.len() == ys.len() && xs.iter().zip(ys).all(|(x, y)| same(x, y))
        }
        _ => false,
    }
}

fn has_var(a: &Ast, vars: &[String]) -> bool {
    match a {
        Ast::Num(_) => false,
        Ast::Var(n, _) => vars.contains(n),
        Ast::Neg(x) => has_var(x, vars),
        Ast::Bin(_, x, y) => has_var(x, vars) || has_var(y, vars),
        Ast::Call(_, xs, _) => xs.iter().any(|x| has_var(x, vars)),
    }
}

fn size(a: &Ast) -> usize {
    match a {
        Ast::Num(_) | Ast::Var(..) => 1,
        Ast::Neg(x) => 1 + size(x),
        Ast::Bin(_, x, y) => 1 + size(x) + size(y),
        Ast::Call(_, xs, _) => 1 + xs.iter().map(size).sum::<usize>(),
    }
}

/// The factors of a product chain `a*b*c` (a node that is not a product is one factor).
fn factors(a: &Ast) -> Vec<&Ast> {
    match a {
        Ast::Bin('*', x, y) => {
            let mut f = factors(x);
            f.extend(factors(y));
            f
        }
        _ => vec![a],
    }
}

fn product(mut fs: Vec<Ast>) -> Ast {
    let first = fs.remove(0);
    fs.into_iter()
        .fold(first, |acc, f| Ast::Bin('*', Box::new(acc), Box::new(f)))
}

fn w() -> Ast {
    Ast::Var(W.to_string(), 0)
}

/// `a` with every occurrence of `z` replaced by w (products: as sub-multisets of factors).
fn replace(a: &Ast, z: &Ast) -> Ast {
    if same(a, z) {
        return w();
    }
    if let (Ast::Bin('*', ..), Ast::Bin('*', ..)) = (a, z) {
        let mut rest: Vec<&Ast> = factors(a);
        let all = factors(z).iter().all(|f| {
            let found = rest.iter().position(|r| same(r, f));
            found.map(|i| rest.remove(i)).is_some()
        });
        if all {
            let mut out = vec![w()];
            out.extend(rest.into_iter().map(|r| replace(r, z)));
            return product(out);
        }
    }
    match a {
        Ast::Num(_) | Ast::Var(..) => a.clone(),
        Ast::Neg(x) => Ast::Neg(Box::new(replace(x, z))),
        Ast::Bin(o, x, y) => Ast::Bin(*o, Box::new(replace(x, z)), Box::new(replace(y, z))),
        Ast::Call(f, xs, p) => Ast::Call(f.clone(), xs.iter().map(|x| replace(x, z)).collect(), *p),
    }
}

fn subtrees<'a>(a: &'a Ast, out: &mut Vec<&'a Ast>) {
    out.push(a);
    match a {
        Ast::Num(_) | Ast::Var(..) => {}
        Ast::Neg(x) => subtrees(x, out),
        Ast::Bin(_, x, y) => {
            subtrees(x, out);
            subtrees(y, out);
        }
        Ast::Call(_, xs, _) => xs.iter().for_each(|x| subtrees(x, out)),
    }
}

/// Candidate decompositions `L = φ(z)`, simplest z first (see the module docs). Each must be
/// verified exactly by the caller.
pub fn candidates(loss: &Ast, vars: &[String]) -> Vec<Composite> {
    let mut subs = Vec::new();
    subtrees(loss, &mut subs);
    let mut subs: Vec<&Ast> = subs
        .into_iter()
        .skip(1)
        .filter(|s| has_var(s, vars) && !matches!(s, Ast::Neg(_)))
        .collect();
    subs.sort_by_key(|s| size(s));
    let mut out: Vec<Composite> = Vec::new();
    for z in subs {
        let phi = replace(loss, z);
        // φ must not depend on θ, and φ = w would make z the whole loss.
        if has_var(&phi, vars) || size(&phi) <= 1 {
            continue;
        }
        let c = Composite {
            z: print(z, Flavor::Symbolica, &|_| None),
            phi: print(&phi, Flavor::Symbolica, &|_| None),
        };
        if !out.contains(&c) {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::loss::expr::parse::parse;

    fn first(expr: &str, vars: &[&str]) -> Option<(String, String)> {
        let vars: Vec<String> = vars.iter().map(|v| v.to_string()).collect();
        candidates(&parse(expr).unwrap(), &vars)
            .into_iter()
            .next()
            .map(|c| (c.z.replace(['(', ')'], ""), c.phi))
    }

    #[test]
    fn finds_the_inner_product() {
        let (z, phi) = first("(x*y-1)^2/2", &["x", "y"]).unwrap();
        assert_eq!(z, "x*y");
        assert!(phi.contains(W) && !phi.contains('x'), "{phi}");
        let (z, _) = first("log(1+exp(x*y)) - 3/4*x*y", &["x", "y"]).unwrap();
        assert_eq!(z, "x*y");
        let (z, _) = first("((x*y*z)^2-1)^2/4", &["x", "y", "z"]).unwrap();
        assert_eq!(z, "x*y*z");
    }

    #[test]
    fn non_composite_losses_give_only_affine_or_no_candidates() {
        // Only the affine φ(w) = w/2 (z = twice the loss), which the caller rejects.
        let (z, phi) = first("(x*y-1)^2*(1+x^2)/2", &["x", "y"]).unwrap();
        assert_eq!(
            (z.as_str(), phi.as_str()),
            ("x*y-1^2*1+x^2", "(eosflip_w/2)")
        );
        assert_eq!(first("x^2 + 2*y^2", &["x", "y"]), None);
    }
}

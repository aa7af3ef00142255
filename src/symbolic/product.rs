//! The symbolic derivation behind `eosflip product` (worker thread only; docs/math.md §3, §6;
//! `theorems/product_stability.md`, `theorems/product_depth.md`). Only our own types leave.
//!
//! For `L = l(x1⋯xD)` at a symbolic point of `M = {z = z*}`, `a = ∇z`:
//! 1. the line `z(θ + t a) = Σ_k q_k t^k` is expanded by symbolica, and each coefficient is
//!    verified to equal `z^{k−1}·E_{D−k}` (`E_k = e_k(x1², …, xD²)`; so `q1 = s = |a|²`);
//! 2. H = l2 a aᵀ on M (rank one, v = a/√s), so the general formula
//!    `c1 = (3gᵀH⁺g − L4)/(3λ)` needs only `T3, T4 = d³, d⁴/dt³,⁴ l(z* + q1 t + q2 t² + …)`
//!    (`gᵀH⁺g = T3²/(s³λ)`, `L4 = T4/s²`, `λ = l2 s`; l replaced by its 4-jet at z*):
//!    symbolica differentiates and simplifies c1 in `s, q2, q3`;
//! 3. with `q2 = w s²`, `q3 = u s³` it yields `c1·3l2²/s = Q(w, u)`, checked free of s; its
//!    coefficients in w and the discriminant follow;
//! 4. cross-check: the c1 and Π_T g of [`super::closed::rank_one`] for `l(x1⋯xD)` (the general
//!    rank-one derivation, in the coordinates) minus the invariant forms simplify to 0; the
//!    drift's invariant form `|Π_T g|² = 4l2²(s E_{D−2} + 3z²E_{D−3} − 4z²E_{D−2}²/s)` was
//!    derived by hand and is verified here;
//! 5. the balanced point `E_k = C(D,k) r^k`, `r^D = z²`: `w, u` and `Q` there.

use super::closed::{line_jet, rank_one};
use super::engine::{derivative, factored, simplify, substitute, T};
use crate::error::Result;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The general derivation at depth D (symbolic l2, l3, l4 and point).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct General {
    /// Depth D.
    pub depth: usize,
    /// The coordinates.
    pub vars: Vec<String>,
    /// `q_k`, k = 0..=D, coefficients of `z(θ + t∇z)` (in the coordinates).
    pub line: Vec<String>,
    /// Their invariant forms `z^{k−1} E_{D−k}` (as texts in `z`, `s`, `E1`, …).
    pub line_invariant: Vec<String>,
    /// Every `q_k − z^{k−1}E_{D−k}` simplified to 0.
    pub line_verified: bool,
    /// `T3`, `T4` in `s, q2, q3`.
    pub t3: String,
    /// See `t3`.
    pub t4: String,
    /// c1 in `s, q2, q3` (factored).
    pub c1_line: String,
    /// c1 in the invariants (`s`, `z`, and `E_{D−2}`, `E_{D−3}` for D ≥ 3), factored.
    pub c1: String,
    /// The same, expanded into a sum of terms.
    pub c1_expanded: String,
    /// `Q(w, u) = c1·3l2²/s`, `w = q2/s²`, `u = q3/s³`.
    pub q: String,
    /// Q is free of s (symbolica: ∂Q/∂s = 0).
    pub q_free_of_s: bool,
    /// The coefficients of w⁰, w¹, w² of Q at u = 0, and of u.
    pub q_coefficients: [String; 4],
    /// The constant coefficient equals `α = 3l3² − l2l4`.
    pub q0_is_alpha: bool,
    /// The discriminant of Q(w, 0) in w, factored.
    pub discriminant: String,
    /// c1 of the rank-one derivation in the coordinates.
    pub c1_coordinates: String,
    /// It equals the invariant form (the difference simplifies to 0).
    pub c1_agrees: bool,
    /// `|Π_T g|²` from the rank-one derivation (factored).
    pub drift_sq_coordinates: String,
    /// The invariant form of `|Π_T g|²`.
    pub drift_sq: String,
    /// The two agree.
    pub drift_agrees: bool,
    /// w and u at the balanced point (`r^D = z²` used).
    pub balanced_wu: [String; 2],
    /// Q at the balanced point, in z, l2, l3, l4.
    pub balanced_q: String,
}

/// The derivatives of a concrete l, and their values at z*.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EllJet {
    /// `l', l'', l''', l''''` as functions of z.
    pub derivatives: Vec<String>,
    /// Their values at z* (simplified), when z* was given.
    pub at_star: Option<Vec<String>>,
}

/// The coordinate names at depth D.
pub fn coordinates(depth: usize) -> Vec<String> {
    if depth == 2 {
        vec!["x".into(), "y".into()]
    } else {
        (1..=depth).map(|i| format!("x{i}")).collect()
    }
}

/// `e_k(x1², …, xD²)` as text, k = 0..=D.
fn elementary(vars: &[String]) -> Vec<String> {
    let d = vars.len();
    (0..=d)
        .map(|k| {
            let mut terms = Vec::new();
            for mask in 0u32..(1 << d) {
                if mask.count_ones() as usize == k {
                    let f: Vec<String> = (0..d)
                        .filter(|i| mask & (1 << i) != 0)
                        .map(|i| format!("{}^2", vars[i]))
                        .collect();
                    terms.push(if f.is_empty() {
                        "1".into()
                    } else {
                        f.join("*")
                    });
                }
            }
            terms.join("+")
        })
        .collect()
}

fn factorial(k: usize) -> u64 {
    (1..=k as u64).product()
}

fn binomial(n: usize, k: usize) -> u64 {
    factorial(n) / (factorial(k) * factorial(n - k))
}

/// `d^k/dt^k f` at t = 0 (in the line parameter [`T`]).
fn jet0(f: &str, k: usize) -> Result<String> {
    let mut h = f.to_string();
    for _ in 0..k {
        h = derivative(&h, T)?;
    }
    let zero: BTreeMap<String, String> = [(T.to_string(), "0".to_string())].into();
    simplify(&substitute(&h, &zero)?)
}

fn is_zero(text: &str) -> Result<bool> {
    Ok(simplify(text)? == "0")
}

fn map(pairs: &[(&str, String)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

/// The invariant names: `E_{D−2}`, `E_{D−3}` as symbols (`1`, `0` where they are constants).
fn invariant_names(d: usize) -> (String, String) {
    let name = |k: isize| match k {
        k if k < 0 => "0".to_string(),
        0 => "1".to_string(),
        k => format!("E{k}"),
    };
    (name(d as isize - 2), name(d as isize - 3))
}

/// The general derivation of the module docs at depth D.
pub fn general(depth: usize) -> Result<General> {
    let vars = coordinates(depth);
    let z = vars.join("*");
    let a: Vec<String> = vars
        .iter()
        .map(|v| derivative(&z, v))
        .collect::<Result<_>>()?;
    let none = BTreeMap::new();
    let line: Vec<String> = (0..=depth)
        .map(|k| {
            simplify(&format!(
                "({})/{}",
                line_jet(&z, &vars, &vars, &a, &none, k)?,
                factorial(k)
            ))
        })
        .collect::<Result<_>>()?;
    let e = elementary(&vars);
    let mut line_verified = true;
    let mut line_invariant = vec!["z".to_string()];
    for k in 1..=depth {
        let diff = format!("({}) - ({z})^({k}-1)*({})", line[k], e[depth - k]);
        line_verified &= is_zero(&diff)?;
        let ek = match depth - k {
            0 => "1".to_string(),
            j if j == depth - 1 => "s".to_string(),
            j => format!("E{j}"),
        };
        line_invariant.push(simplify(&format!("z^({k}-1)*{ek}"))?);
    }
    // Step 2: the line jet of the 4-jet of l.
    let delta = format!("s*{T}+q2*{T}^2+q3*{T}^3+q4*{T}^4");
    let ll = format!("l2/2*({delta})^2+l3/6*({delta})^3+l4/24*({delta})^4");
    let (t3, t4) = (jet0(&ll, 3)?, jet0(&ll, 4)?);
    let c1_raw = simplify(&format!("(3*({t3})^2/(s^3*l2*s) - ({t4})/s^2)/(3*l2*s)"))?;
    // Step 3: Q.
    let wu = map(&[("q2", "w*s^2".into()), ("q3", "u*s^3".into())]);
    let q = simplify(&substitute(&format!("({c1_raw})*3*l2^2/s"), &wu)?)?;
    let q_free_of_s = is_zero(&derivative(&q, "s")?)?;
    let at0 = map(&[("w", "0".into()), ("u", "0".into())]);
    let coef = |text: String, k: usize| -> Result<String> {
        simplify(&format!("({})/{}", substitute(&text, &at0)?, factorial(k)))
    };
    let dw = derivative(&q, "w")?;
    let q_coefficients = [
        coef(q.clone(), 0)?,
        coef(dw.clone(), 1)?,
        coef(derivative(&dw, "w")?, 2)?,
        coef(derivative(&q, "u")?, 1)?,
    ];
    let q0_is_alpha = is_zero(&format!("({}) - (3*l3^2-l2*l4)", q_coefficients[0]))?;
    let [q0, q1, q2, _] = &q_coefficients;
    let discriminant = factored(&simplify(&format!("({q1})^2-4*({q0})*({q2})"))?)?;
    // The invariant c1.
    let (em2, em3) = invariant_names(depth);
    let inv = map(&[("q2", format!("z*{em2}")), ("q3", format!("z^2*{em3}"))]);
    let c1_inv = simplify(&substitute(&c1_raw, &inv)?)?;
    // Step 4: the rank-one derivation in the coordinates.
    let cf = rank_one(&z, &vars, "l", None)?;
    let c1_coordinates = cf.c1.map(|f| f.plain).unwrap_or_default();
    let mut back = map(&[
        ("z", format!("({z})")),
        ("s", format!("({})", e[depth - 1])),
    ]);
    for (k, ek) in e.iter().enumerate().take(depth.saturating_sub(1)).skip(1) {
        back.insert(format!("E{k}"), format!("({ek})"));
    }
    let c1_agrees = is_zero(&format!(
        "({c1_coordinates}) - ({})",
        substitute(&c1_inv, &back)?
    ))?;
    let drift = cf.drift.unwrap_or_default();
    let drift_sq_coordinates = factored(
        &drift
            .iter()
            .map(|f| format!("({})^2", f.plain))
            .collect::<Vec<_>>()
            .join("+"),
    )?;
    let drift_sq = format!("4*l2^2*(s*{em2}+3*z^2*{em3}-4*z^2*{em2}^2/s)");
    let drift_sq = simplify(&drift_sq)?;
    let drift_agrees = is_zero(&format!(
        "({drift_sq_coordinates}) - ({})",
        substitute(&drift_sq, &back)?
    ))?;
    // Step 5: the balanced point, E_k = C(D,k) r^k with r^D = z².
    let d = depth as u64;
    let w_bal = simplify(&format!("z*{}/({}*z^2)", binomial(depth, 2), d * d))?;
    let u_bal = if depth >= 3 {
        simplify(&format!("z^2*{}/({}*z^4)", binomial(depth, 3), d * d * d))?
    } else {
        "0".to_string()
    };
    let balanced_q = factored(&substitute(
        &q,
        &map(&[("w", w_bal.clone()), ("u", u_bal.clone())]),
    )?)?;
    Ok(General {
        depth,
        vars,
        line,
        line_invariant,
        line_verified,
        t3,
        t4,
        c1_line: factored(&c1_raw)?,
        c1: factored(&c1_inv)?,
        c1_expanded: c1_inv,
        q,
        q_free_of_s,
        q_coefficients,
        q0_is_alpha,
        discriminant,
        c1_coordinates,
        c1_agrees,
        drift_sq_coordinates,
        drift_sq,
        drift_agrees,
        balanced_wu: [w_bal, u_bal],
        balanced_q,
    })
}

/// The derivatives of `expr` (a function of `z`) and, given z*, their values there.
pub fn ell_jet(expr: &str, z_star: Option<&str>) -> Result<EllJet> {
    let mut derivatives = Vec::with_capacity(4);
    let mut f = expr.to_string();
    for _ in 0..4 {
        f = derivative(&f, "z")?;
        derivatives.push(simplify(&f)?);
    }
    let at_star = z_star
        .map(|zs| {
            let at = map(&[("z", format!("({zs})"))]);
            derivatives
                .iter()
                .map(|d| simplify(&substitute(d, &at)?))
                .collect::<Result<Vec<_>>>()
        })
        .transpose()?;
    Ok(EllJet {
        derivatives,
        at_star,
    })
}

/// The answer of the worker to the product requests.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// [`general`].
    General(Box<General>),
    /// [`ell_jet`].
    Ell(EllJet),
}

fn unexpected() -> crate::error::Error {
    crate::error::Error::bad_input("unexpected answer of the symbolica worker", "report it")
}

/// [`general`] through the worker (callable from any thread).
pub fn derive_general(depth: usize) -> Result<General> {
    match super::worker::call(super::worker::Request::ProductGeneral { depth })? {
        super::worker::Response::Product(Answer::General(g)) => Ok(*g),
        _ => Err(unexpected()),
    }
}

/// [`ell_jet`] through the worker (callable from any thread); `expr` in symbolica syntax.
pub fn derive_ell(expr: &str, z_star: Option<&str>) -> Result<EllJet> {
    let request = super::worker::Request::ProductEll {
        expr: expr.to_string(),
        z_star: z_star.map(str::to_string),
    };
    match super::worker::call(request)? {
        super::worker::Response::Product(Answer::Ell(e)) => Ok(e),
        _ => Err(unexpected()),
    }
}

//! Exactness: at rational points, the first to fourth directional derivatives from dual-number
//! passes of the compiled value and gradient graphs match symbolica's exact evaluation of the
//! differentiated expression (MATH.md §2). All symbolica use goes through the worker thread.
#![cfg(feature = "symbolic")]

use eosflip::loss::expr::{eval_text, prepare, ExprLoss};
use eosflip::symbolic::{gradient_texts, line_derivatives};
use eosflip::Loss;
use num_dual::{
    first_derivative, second_derivative, third_derivative, Dual2_64, Dual3_64, Dual64, DualNum,
};
use proptest::prelude::*;
use std::collections::BTreeMap;

/// Relative agreement demanded ("to rounding"): |a − b| ≤ TOL · max(1, |b|).
const TOL: f64 = 1e-12;

fn shifted<D: DualNum<Primitive = f64> + Copy>(p: &[f64], w: &[f64], t: D) -> Vec<D> {
    p.iter().zip(w).map(|(&pi, &wi)| t * wi + pi).collect()
}

fn dot<D: DualNum<Primitive = f64> + Copy>(g: Vec<D>, w: &[f64]) -> D {
    g.into_iter().zip(w).map(|(gi, &wi)| gi * wi).sum()
}

/// Directional derivatives h', …, h'''' of h(t) = L(p + t w) from dual passes: value passes
/// give h'..h''' (Dual64, Dual2_64, Dual3_64); gradient passes of w·∇L give h''..h''''.
fn dual_line(l: &ExprLoss, p: &[f64], w: &[f64]) -> ([f64; 3], [f64; 4]) {
    let (_, v1) = first_derivative(|t: Dual64| l.value(&shifted(p, w, t)), 0.0);
    let (_, _, v2) = second_derivative(|t: Dual2_64| l.value(&shifted(p, w, t)), 0.0);
    let (_, _, _, v3) = third_derivative(|t: Dual3_64| l.value(&shifted(p, w, t)), 0.0);
    let g0: Vec<f64> = l.gradient(p);
    let h1: f64 = g0.iter().zip(w).map(|(g, wi)| g * wi).sum();
    let (_, h2) = first_derivative(|t: Dual64| dot(l.gradient(&shifted(p, w, t)), w), 0.0);
    let (_, _, h3) = second_derivative(|t: Dual2_64| dot(l.gradient(&shifted(p, w, t)), w), 0.0);
    let (_, _, _, h4) = third_derivative(|t: Dual3_64| dot(l.gradient(&shifted(p, w, t)), w), 0.0);
    ([v1, v2, v3], [h1, h2, h3, h4])
}

fn close(a: f64, b: f64, scale: f64) -> bool {
    (a - b).abs() <= TOL * b.abs().max(scale)
}

/// Checks one expression at a rational point along a rational direction.
fn check(expr: &str, point: &[&str], dir: &[&str]) {
    let prepared = prepare(expr, None, &BTreeMap::new(), false).unwrap();
    let loss = ExprLoss::new(&prepared, &gradient_texts(&prepared).unwrap()).unwrap();
    let point: Vec<String> = point.iter().map(|s| s.to_string()).collect();
    let dir: Vec<String> = dir.iter().map(|s| s.to_string()).collect();
    let exact_text = line_derivatives(&prepared, &point, &dir, 4).unwrap();
    let exact: Vec<f64> = exact_text
        .iter()
        .map(|t| eval_text(t, &[]).unwrap())
        .collect();
    let p: Vec<f64> = point.iter().map(|t| eval_text(t, &[]).unwrap()).collect();
    let w: Vec<f64> = dir.iter().map(|t| eval_text(t, &[]).unwrap()).collect();
    let v0: f64 = loss.value(&p);
    // Rounding of a Taylor coefficient is relative to the size of the whole line jet (its terms
    // cancel): the scale is the largest |h^(k)(0)|, at least 1.
    let scale = exact.iter().fold(1.0f64, |m, x| m.max(x.abs()));
    assert!(
        close(v0, exact[0], scale),
        "{expr}: value {v0} vs {}",
        exact[0]
    );
    let (from_value, from_grad) = dual_line(&loss, &p, &w);
    for k in 0..3 {
        assert!(
            close(from_value[k], exact[k + 1], scale),
            "{expr}: h^({}) from the value pass {} vs exact {} ({})",
            k + 1,
            from_value[k],
            exact[k + 1],
            exact_text[k + 1]
        );
    }
    for k in 0..4 {
        assert!(
            close(from_grad[k], exact[k + 1], scale),
            "{expr}: h^({}) from the gradient pass {} vs exact {} ({})",
            k + 1,
            from_grad[k],
            exact[k + 1],
            exact_text[k + 1]
        );
    }
}

#[test]
fn polynomial_derivatives_are_exact_rationals() {
    let prepared = prepare("(x*y - 1)^2/2 + x^3/3", None, &BTreeMap::new(), false).unwrap();
    let d = line_derivatives(
        &prepared,
        &["2".into(), "1/3".into()],
        &["1".into(), "-1".into()],
        4,
    )
    .unwrap();
    // h(t) = ((2+t)(1/3−t) − 1)²/2 + (2+t)³/3, by hand: h(0) = 1/18 + 8/3 = 49/18,
    // h'(0) = −(−5/3)/3 + 4 = 41/9; h''''(0) = 12 (from the quartic term t⁴/2).
    assert_eq!(d[0], "49/18");
    assert_eq!(d[1], "41/9");
    assert_eq!(d[4], "12");
    check("(x*y - 1)^2/2 + x^3/3", &["2", "1/3"], &["1", "-1"]);
}

#[test]
fn many_expressions_match_symbolica() {
    let cases: &[(&str, &[&str], &[&str])] = &[
        ("x^4/4 - x^2/2", &["3/2"], &["1"]),
        ("(x^2 - 1)^2/4", &["-2/3"], &["5/7"]),
        ("exp(x*y) + log(1 + x^2)", &["1/2", "-1/3"], &["1", "2"]),
        (
            "sin(x)*cos(y) + tan(x*y/3)",
            &["1/5", "2/3"],
            &["-1", "1/2"],
        ),
        ("sqrt(1 + x^2 + y^2)", &["1/3", "3/4"], &["2", "-1"]),
        (
            "sinh(x) + cosh(y) + tanh(x*y)",
            &["1/4", "-1/2"],
            &["1", "1"],
        ),
        ("x^(3/2)*y + y**-2", &["9/4", "3/2"], &["1/3", "-1/5"]),
        (
            "1/(1 + x^2) - 0.25*y^3 + 1.5e-1*x*y",
            &["1/2", "2"],
            &["1", "1"],
        ),
        (
            "(x*y*z - 2)^2 + x^4/3",
            &["1", "2", "1/2"],
            &["1", "-1", "1/2"],
        ),
        ("exp(-(x^2 + y^2)/2)", &["1/3", "-2/3"], &["1/2", "1/2"]),
        ("log(x)*y + x/y", &["5/2", "3/2"], &["-1", "1/3"]),
    ];
    for (expr, p, w) in cases {
        check(expr, p, w);
    }
}

fn poly_strategy() -> impl Strategy<Value = String> {
    let term = (-5i32..=5, 1i32..=4, 0u32..=2, 0u32..=2, 0u32..=2).prop_map(|(n, d, a, b, c)| {
        // No zero powers: x^0 at x = 0 would be 0^0, which symbolica leaves undefined.
        let f: Vec<String> = [("x", a), ("y", b), ("z", c)]
            .iter()
            .filter(|(_, e)| *e > 0)
            .map(|(v, e)| format!("*{v}^{e}"))
            .collect();
        format!("({n}/{d}){}", f.concat())
    });
    prop::collection::vec(term, 1..4).prop_map(|t| t.join(" + "))
}

fn rational() -> impl Strategy<Value = String> {
    (-7i32..=7, 1i32..=5).prop_map(|(n, d)| format!("{n}/{d}"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]
    #[test]
    fn random_compositions_match_symbolica(
        poly in poly_strategy(),
        wrap in 0usize..4,
        p in prop::collection::vec(rational(), 3),
        w in prop::collection::vec(rational(), 3),
    ) {
        // Make sure all three variables occur (fixed order x, y, z) and wrap in a smooth function.
        let base = format!("{poly} + x*y*z/7 + (x + y + z)^2/3");
        let expr = match wrap {
            0 => base,
            1 => format!("exp(({base})/50)"),
            // Scaled so that sin's argument stays moderate: sin(537) in f64 is itself only
            // good to ~1e-13 relative, and the reference is evaluated in f64 too.
            2 => format!("sin(({base})/20)"),
            _ => format!("sqrt(1 + ({base})^2/100)"),
        };
        let p: Vec<&str> = p.iter().map(|s| s.as_str()).collect();
        let w: Vec<&str> = w.iter().map(|s| s.as_str()).collect();
        check(&expr, &p, &w);
    }
}

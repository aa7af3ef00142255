//! The text-loss core without symbolica: parsing, validation, the graph, ExprLoss.

use eosflip::loss::expr::{eval_text, prepare, ExprLoss, Prepared};
use eosflip::{Error, Loss};
use num_dual::{first_derivative, Dual64};
use std::collections::BTreeMap;

fn prep(expr: &str) -> Result<Prepared, Error> {
    prepare(expr, None, &BTreeMap::new(), false)
}

fn what(e: Error) -> String {
    match e {
        Error::BadInput { what, .. } => what,
        other => panic!("expected BadInput, got {other:?}"),
    }
}

#[test]
fn parse_errors_point_at_the_position() {
    let w = what(prep("x*(y+)").unwrap_err());
    assert!(w.contains("expected a number, a name or '('"), "{w}");
    assert!(w.contains("found ')' at position 6"), "{w}");
    assert!(w.ends_with("    x*(y+)\n         ^"), "{w:?}");
    let w = what(prep("x y").unwrap_err());
    assert!(w.contains("found the name 'y' at position 3"), "{w}");
    let w = what(prep("2 $ x").unwrap_err());
    assert!(w.contains("found '$' at position 3"), "{w}");
    let w = what(prep("(x+1").unwrap_err());
    assert!(w.contains("expected an operator or ')'"), "{w}");
}

#[test]
fn functions_are_checked() {
    let w = what(prep("abs(x) + y").unwrap_err());
    assert!(w.contains("'abs' is not smooth") && w.contains("A1"), "{w}");
    for f in ["max(x,y)", "sign(x)", "floor(x)", "min(x,1)", "ceil(x)"] {
        assert!(
            what(prep(f).unwrap_err()).contains("violates assumption A1"),
            "{f}"
        );
    }
    let w = what(prep("foo(x)").unwrap_err());
    assert!(w.contains("unknown function 'foo'"), "{w}");
    let w = what(prep("exp(x, y)").unwrap_err());
    assert!(w.contains("'exp' takes one argument, got 2"), "{w}");
    // Abstract functions only where allowed.
    let p = prepare("l(x*y)", None, &BTreeMap::new(), true).unwrap();
    assert_eq!(p.abstract_functions, vec!["l".to_string()]);
}

#[test]
fn variables_params_and_order() {
    let p = prep("y^2 + x**3 - 2*y").unwrap();
    assert_eq!(p.vars, vec!["y", "x"]);
    assert_eq!(p.order_source, "first appearance");
    assert_eq!(p.plain(), "(((y^2)+(x^3))-(2*y))");
    let vars = vec!["x".to_string(), "y".to_string(), "z".to_string()];
    let p = prepare("y^2 + x", Some(&vars), &BTreeMap::new(), false).unwrap();
    assert_eq!(p.vars, vars);
    assert_eq!(p.order_source, "--vars");
    let only_x = vec!["x".to_string()];
    let w = what(prepare("y^2 + x", Some(&only_x), &BTreeMap::new(), false).unwrap_err());
    assert!(w.contains("unknown variable 'y'"), "{w}");
    let params: BTreeMap<String, String> = [("a".to_string(), "1/3".to_string())].into();
    let p = prepare("a*x^2 + 0.25", None, &params, false).unwrap();
    assert_eq!(p.vars, vec!["x"]);
    assert_eq!(p.plain(), "(((1/3)*(x^2))+(25/100))");
    let bad: BTreeMap<String, String> = [("a".to_string(), "x".to_string())].into();
    assert!(what(prepare("a*x", None, &bad, false).unwrap_err()).contains("must be a number"));
    let unused: BTreeMap<String, String> = [("b".to_string(), "1".to_string())].into();
    assert!(what(prepare("x", None, &unused, false).unwrap_err()).contains("does not occur"));
    assert!(what(prep("2 + 3").unwrap_err()).contains("has no variable"));
    // pi is the constant π, as in symbolica (never a variable).
    assert_eq!(prep("pi*x^2").unwrap().vars, vec!["x"]);
    assert_eq!(eval_text("pi/2", &[]).unwrap(), std::f64::consts::FRAC_PI_2);
}

#[test]
fn powers_bind_right_and_tighter_than_unary_minus() {
    assert_eq!(eval_text("-2^2", &[]).unwrap(), -4.0);
    assert_eq!(eval_text("2^3^2", &[]).unwrap(), 512.0);
    assert_eq!(eval_text("2**-1", &[]).unwrap(), 0.5);
    assert_eq!(eval_text("8/2/2", &[]).unwrap(), 2.0);
    assert_eq!(eval_text("1.5e1 - 3*x", &[("x", 2.0)]).unwrap(), 9.0);
}

/// L = x²y + exp(x·y) with the gradient written by hand.
fn hand_loss() -> ExprLoss {
    let p = prep("x^2*y + exp(x*y)").unwrap();
    ExprLoss::new(
        &p,
        &[
            "2*x*y + y*exp(x*y)".to_string(),
            "x^2 + x*exp(x*y)".to_string(),
        ],
    )
    .unwrap()
}

#[test]
fn expr_loss_value_gradient_and_duals() {
    let l = hand_loss();
    assert_eq!(l.dim(), 2);
    let (x, y) = (0.5_f64, -1.5_f64);
    let v: f64 = l.value(&[x, y]);
    assert!((v - (x * x * y + (x * y).exp())).abs() < 1e-15);
    let g: Vec<f64> = l.gradient(&[x, y]);
    assert!((g[0] - (2.0 * x * y + y * (x * y).exp())).abs() < 1e-15);
    assert!((g[1] - (x * x + x * (x * y).exp())).abs() < 1e-15);
    // The value's Dual64 pass along w reproduces w·∇L (the graph differentiates exactly).
    let w = [0.3, -0.7];
    let (_, dv) = first_derivative(
        |t: Dual64| l.value(&[Dual64::from(x) + t * w[0], Dual64::from(y) + t * w[1]]),
        0.0,
    );
    assert!((dv - (g[0] * w[0] + g[1] * w[1])).abs() < 1e-14);
    // exp(x*y) occurs in the value and both gradient components: one node.
    let before = l.graph().len();
    assert!(before <= 16, "graph has {before} nodes");
}

#[test]
fn non_finite_points_name_the_term() {
    let p = prep("log(x) + y^2").unwrap();
    let l = ExprLoss::new(&p, &["1/x".to_string(), "2*y".to_string()]).unwrap();
    let w = what(l.check_finite(&[0.0, 1.0]).unwrap_err());
    assert!(w.contains("the term log(x) is -inf"), "{w}");
    assert!(w.contains("x=0, y=1"), "{w}");
    assert!(l.check_finite(&[1.0, 1.0]).is_ok());
    let p = prep("1/(x - y)").unwrap();
    let l = ExprLoss::new(&p, &["0".to_string(), "0".to_string()]).unwrap();
    let w = what(l.check_finite(&[2.0, 2.0]).unwrap_err());
    assert!(w.contains("the term 1/(x - y) is inf"), "{w}");
}

/// `e` is not silently a variable and `0^0` is not silently a convention (issue 11).
#[test]
fn ambiguous_e_and_zero_powers_are_refused() {
    use eosflip::loss::expr::prepare;
    use std::collections::BTreeMap;
    let none = BTreeMap::new();
    let err = prepare("e^x + x^2", None, &none, false)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("'e' is ambiguous") && err.contains("exp("),
        "{err}"
    );
    for src in ["0^0 + x^2", "x^2 + 0^(-1)", "x^2*0^-2"] {
        let err = prepare(src, None, &none, false).unwrap_err().to_string();
        assert!(err.contains("undefined"), "{src}: {err}");
    }
    assert!(prepare("exp(x) + 0^2*x", None, &none, false).is_ok());
    let with_e: BTreeMap<String, String> = [("e".to_string(), "2".to_string())].into();
    assert!(prepare("e*x^2", None, &with_e, false).is_ok());
}

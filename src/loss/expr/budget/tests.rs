//! Tests of the budgets on text losses (issue 11; README, "Limits").

use super::*;
use crate::loss::expr::parse::parse;

fn refused(text: &str) -> Option<String> {
    check(text, &parse(text).unwrap())
        .err()
        .map(|e| e.to_string())
}

/// A constant that overflows f64 is refused for numeric use (the exact budget admits it).
#[test]
fn constants_beyond_f64_are_refused_for_numeric_losses() {
    let f64_err = |t: &str| {
        check_f64(t, &parse(t).unwrap())
            .err()
            .map(|e| e.to_string())
    };
    let inf = f64_err("(x^2-1)^2/4*(2^500)^3").unwrap();
    assert!(
        inf.contains("(2^500)^3)'") && inf.contains("beyond the range of f64"),
        "{inf}"
    );
    assert_eq!(refused("(x^2-1)^2/4*(2^500)^3"), None);
    assert!(f64_err("x^2 + 1e200*1e200").unwrap().contains("f64"));
    assert!(f64_err("x^2 + 2^3000*x").unwrap().contains("(2^3000)"));
    assert_eq!(f64_err("x^2 + (2^500)^2*x + 1/0*0 + 10^-400*x"), None);
}

#[test]
fn huge_exponents_and_constants_are_refused_before_any_work() {
    assert!(refused("x^100000 + x^2")
        .unwrap()
        .contains("|exponent| ≤ 1000"));
    assert!(refused("(1 + x^2)^100000").unwrap().contains("exponent"));
    assert!(refused("0*7^(3000000000) + x^2")
        .unwrap()
        .contains("digits"));
    assert!(refused("2^2^2^2^2^2*x^2").unwrap().contains("digits"));
    assert_eq!(
        refused("x^2 + (2^3000/3^900)*x").map(|e| e.contains("about 1332 decimal")),
        Some(true)
    );
    assert_eq!(
        refused("x^1000 + 2^3000*x + 10^999*x^2 + 0^5000*x + 1^10000*x"),
        None
    );
    assert_eq!(refused("(x*y - 1)^2/2 + 10^-300*x"), None);
    let coefficient = refused("x*2^999*2^999*2^999*2^999").unwrap();
    assert!(coefficient.contains("coefficient of"), "{coefficient}");
    assert!(refused("(2^999*x)^4").unwrap().contains("coefficient of"));
    assert_eq!(refused("2^999*x + 2^999*y + x^(2^9)"), None);
}

#[test]
fn nesting_and_rewriting_growth_are_bounded() {
    let nest = |f: &str, d: usize| (0..d).fold("x".to_string(), |acc, _| format!("{f}({acc})"));
    assert!(refused(&nest("sin", 20)).unwrap().contains("nesting ≤ 12"));
    assert_eq!(refused(&nest("sin", 12)), None);
    assert!(refused(&nest("tanh", 6)).unwrap().contains("symbolic size"));
    assert_eq!(refused(&nest("tanh", 5)), None);
}

#[test]
fn closed_forms_have_tighter_budgets() {
    let cf = |t: &str| {
        check_closed_forms(t, &parse(t).unwrap())
            .err()
            .map(|e| e.to_string())
    };
    assert!(cf("x^400 + x^2").unwrap().contains("degree ≤ 100"));
    assert!(cf("(1 + x + y + z)^40").unwrap().contains("terms"));
    assert!(cf("sin(sin(sin(sin(sin(x)))))")
        .unwrap()
        .contains("nesting ≤ 4"));
    assert_eq!(cf("(x*y - 1)^2/2 + (x^2 - 1)^4"), None);
    assert_eq!(cf("log(1 + exp(x*y)) - 3/4*x*y"), None);
    assert_eq!(multiset(1.0, 3e9), 1.0);
    assert_eq!(multiset(2.0, 3e9), 3e9 + 1.0);
    assert_eq!(multiset(4.0, 40.0), 12341.0);
}

/// A flat sum of 30,000 terms, a product of 30,000 factors (as symbolica may print them
/// back) and 10,000 nested parentheses, on a thread with a 1 MB stack: parsing, the
/// budgets, the graph, evaluation, printing and dropping never recurse deeply.
#[test]
fn long_and_deep_inputs_do_not_overflow_a_small_stack() {
    std::thread::Builder::new()
        .stack_size(1024 * 1024)
        .spawn(|| {
            let sum: String = (0..30_000)
                .map(|i| if i % 3 == 1 { "-x" } else { "+x" })
                .collect();
            let product = format!("{}/x", vec!["x"; 30_000].join("*"));
            for (text, expect) in [(sum, 10_000.0), (product, 1.0)] {
                let ast = parse(&text).unwrap();
                measure(&text, &ast).unwrap();
                let printed = print(&ast, Flavor::Symbolica, &|_| None);
                let mut g = crate::loss::expr::Graph::new(vec!["x".into()]);
                let id = g.add_ast(&ast).unwrap();
                let v = g.eval(&g.schedule(&[id]), &[1.0])[id];
                assert_eq!(v, expect, "{}", &printed[..40]);
                assert!(!g.node_text(id, 50).is_empty());
            }
            let deep = format!("{}x{}", "(".repeat(10_000), ")".repeat(10_000));
            let e = parse(&deep).unwrap_err().to_string();
            assert!(e.contains("(limit: nesting depth ≤ 500)"), "{e}");
            // The deepest accepted input (docs: nesting depth 500) runs every pass too.
            for deep in [
                format!("{}x{}", "(".repeat(500), ")".repeat(500)),
                format!("{}x{}", "sin(".repeat(500), ")".repeat(500)),
                format!("{}x", "-".repeat(500)),
                format!("{}x", "x^".repeat(500)),
            ] {
                let ast = parse(&deep).unwrap_or_else(|e| panic!("{}: {e}", &deep[..9]));
                let _ = measure(&deep, &ast);
                let printed = print(&ast, Flavor::Symbolica, &|_| None);
                assert!(printed.contains('x'));
                let mut g = crate::loss::expr::Graph::new(vec!["x".into()]);
                let id = g.add_ast(&ast).unwrap();
                let _ = g.eval(&g.schedule(&[id]), &[1.0])[id];
                assert!(!g.node_text(id, 50).is_empty());
            }
            for deep in [
                format!("{}x{}", "(".repeat(501), ")".repeat(501)),
                format!("{}x", "-".repeat(501)),
            ] {
                let e = parse(&deep).unwrap_err().to_string();
                assert!(e.contains("nested more than 500 levels"), "{e}");
            }
        })
        .unwrap()
        .join()
        .unwrap();
}

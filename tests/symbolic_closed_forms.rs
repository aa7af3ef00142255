//! Closed forms (MATH.md §3, §4, §6) checked against hand-derived formulas and against the
//! numeric c1 of the core. All symbolica use goes through the worker thread.
#![cfg(feature = "symbolic")]

use eosflip::analyze::{analyze, AnalyzeOptions};
use eosflip::loss::catalog::link::Link;
use eosflip::loss::catalog::product::Product;
use eosflip::loss::expr::eval_text;
use eosflip::report::LossInfo;
use eosflip::symbolic::ClosedFormKind;
use eosflip::symbolic::{closed_forms, compile_loss, simplify, ClosedForms};
use eosflip::Loss;
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::sync::OnceLock;

fn none() -> BTreeMap<String, String> {
    BTreeMap::new()
}

fn info(dim: usize) -> LossInfo {
    LossInfo {
        name: "test".into(),
        params: BTreeMap::new(),
        dim,
    }
}

fn lxy() -> &'static ClosedForms {
    static CF: OnceLock<ClosedForms> = OnceLock::new();
    CF.get_or_init(|| closed_forms("l(x*y)", None, &none(), None).unwrap())
}

fn lxyz() -> &'static ClosedForms {
    static CF: OnceLock<ClosedForms> = OnceLock::new();
    CF.get_or_init(|| closed_forms("l(x*y*z)", None, &none(), None).unwrap())
}

fn eval(text: &str, values: &[(&str, f64)]) -> f64 {
    eval_text(text, values).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn rel(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs().max(1e-300)
}

#[test]
fn l_xy_matches_the_reference_formula() {
    let cf = lxy();
    assert_eq!(cf.kind, ClosedFormKind::RankOne);
    assert_eq!(cf.vars, vec!["x", "y"]);
    let c1 = &cf.c1.as_ref().unwrap().plain;
    let drift = cf.drift.as_ref().unwrap();
    for &(x, y, l2, l3, l4) in &[
        (2.0f64, 0.5f64, 1.0f64, 0.3f64, -0.7f64),
        (-1.3, 0.4, 0.21, 0.084, -0.0546),
        (0.7, 3.1, 2.5, -1.0, 4.0),
    ] {
        let v = [("x", x), ("y", y), ("l2", l2), ("l3", l3), ("l4", l4)];
        let (z, s) = (x * y, x * x + y * y);
        let alpha = 3.0 * l3 * l3 - l2 * l4;
        let reference =
            alpha * s / (3.0 * l2 * l2) + 8.0 * l3 * z / (l2 * s) + 32.0 * z * z / s.powi(3);
        assert!(
            rel(eval(c1, &v), reference) < 1e-13,
            "c1 {} vs {reference}",
            eval(c1, &v)
        );
        let k = 2.0 * l2 * (x * x - y * y) / s;
        assert!((eval(&drift[0].plain, &v) - k * x).abs() < 1e-13 * k.abs().max(1.0));
        assert!((eval(&drift[1].plain, &v) + k * y).abs() < 1e-13 * k.abs().max(1.0));
        let lam = eval(&cf.sharpness.as_ref().unwrap().plain, &v);
        assert!(rel(lam, l2 * s) < 1e-15);
        assert!(
            rel(
                eval(&cf.eta_star.as_ref().unwrap().plain, &v),
                2.0 / (l2 * s)
            ) < 1e-15
        );
    }
}

/// Product-stability derived from the general c1, exactly: symbolica's c1 for l(xy) minus the
/// reference `α s/(3 l2²) + 8 l3 z/(l2 s) + 32 z²/s³` (z = xy, s = x² + y², α = 3l3² − l2 l4)
/// simplifies to 0, so for s ≫ |z| the sign of c1 is the sign of α (MATH.md §6); likewise the
/// drift `2 l2 (x² − y²)/s·(x, −y)` and λ = l2 s.
#[test]
fn l_xy_reduces_to_the_product_stability_formula_exactly() {
    let cf = lxy();
    let c1 = &cf.c1.as_ref().unwrap().plain;
    let reference =
        "(3*l3^2-l2*l4)*(x^2+y^2)/(3*l2^2)+8*l3*x*y/(l2*(x^2+y^2))+32*(x*y)^2/(x^2+y^2)^3";
    assert_eq!(simplify(&format!("({c1})-({reference})")).unwrap(), "0");
    let d = cf.drift.as_ref().unwrap();
    let k = "2*l2*(x^2-y^2)/(x^2+y^2)";
    assert_eq!(simplify(&format!("({})-({k})*x", d[0].plain)).unwrap(), "0");
    assert_eq!(simplify(&format!("({})+({k})*y", d[1].plain)).unwrap(), "0");
    let lam = &cf.sharpness.as_ref().unwrap().plain;
    assert_eq!(simplify(&format!("({lam})-l2*(x^2+y^2)")).unwrap(), "0");
    // A wrong reference (the 8 l3 z/(l2 s) term dropped) does not simplify to 0.
    let wrong = "(3*l3^2-l2*l4)*(x^2+y^2)/(3*l2^2)+32*(x*y)^2/(x^2+y^2)^3";
    assert_ne!(simplify(&format!("({c1})-({wrong})")).unwrap(), "0");
}

/// Analyses the catalog product loss l(x1⋯xD) with a logistic link at a point of M.
fn core_product(depth: usize, p: f64, point: &[f64]) -> eosflip::report::Analysis {
    let loss = Product {
        depth,
        link: Link::Logistic { p },
    };
    analyze(&loss, info(depth), point, &AnalyzeOptions::default()).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]
    /// c1 and the drift of l(x*y) and l(x*y*z) agree with the core's numeric values on the
    /// catalog product loss with the logistic link (l2, l3, l4 in closed form).
    #[test]
    fn rank_one_forms_match_the_core(p in 0.15f64..0.85, x in 0.4f64..2.5, y in 0.4f64..2.5, neg in any::<bool>()) {
        let link = Link::Logistic { p };
        let [l2, l3, l4] = link.derivatives_at_min();
        let zs = link.z_star();
        let x = if neg { -x } else { x };
        // depth 2: the point (x, z*/x) of M
        let pt = [x, zs / x];
        let a = core_product(2, p, &pt);
        let v = [("x", pt[0]), ("y", pt[1]), ("l2", l2), ("l3", l3), ("l4", l4)];
        let c1 = eval(&lxy().c1.as_ref().unwrap().plain, &v);
        prop_assert!(rel(c1, a.c1.unwrap()) < 1e-9, "c1 {} vs core {}", c1, a.c1.unwrap());
        let drift = a.drift.unwrap();
        for (f, d) in lxy().drift.as_ref().unwrap().iter().zip(&drift) {
            prop_assert!((eval(&f.plain, &v) - d).abs() < 1e-9 * (1.0 + d.abs()));
        }
        // depth 3: the point (x, y, z*/(x y)) of M
        let pt = [x, y, zs / (x * y)];
        let a = core_product(3, p, &pt);
        let v = [("x", pt[0]), ("y", pt[1]), ("z", pt[2]), ("l2", l2), ("l3", l3), ("l4", l4)];
        let c1 = eval(&lxyz().c1.as_ref().unwrap().plain, &v);
        prop_assert!(rel(c1, a.c1.unwrap()) < 1e-9, "c1 {} vs core {}", c1, a.c1.unwrap());
        let lam = eval(&lxyz().sharpness.as_ref().unwrap().plain, &v);
        prop_assert!(rel(lam, a.sharpness) < 1e-12);
        let drift = a.drift.unwrap();
        for (f, d) in lxyz().drift.as_ref().unwrap().iter().zip(&drift) {
            prop_assert!((eval(&f.plain, &v) - d).abs() < 1e-9 * (1.0 + d.abs()));
        }
    }
}

#[test]
fn one_dim_reduces_to_the_schwarzian_form() {
    let cf = closed_forms("(x^2 - 1)^2/4", None, &none(), None).unwrap();
    assert_eq!(cf.kind, ClosedFormKind::OneDimensional);
    let c1 = &cf.c1.as_ref().unwrap().plain;
    for &x in &[1.0, -0.8, 1.7, 2.2] {
        // f = (x²−1)²/4: f'' = 3x² − 1, f''' = 6x, f'''' = 6; (η/6)(3f'''²/f'' − f'''') at η = 2/f''.
        let (f2, f3, f4) = (3.0 * x * x - 1.0, 6.0 * x, 6.0);
        let eta = 2.0 / f2;
        let reference = eta / 6.0 * (3.0 * f3 * f3 / f2 - f4);
        assert!(rel(eval(c1, &[("x", x)]), reference) < 1e-14);
    }
    let at: BTreeMap<String, String> = [("x".to_string(), "1".to_string())].into();
    let cf = closed_forms("(x^2 - 1)^2/4", None, &none(), Some(&at)).unwrap();
    assert_eq!(cf.c1.as_ref().unwrap().plain, "8");
    assert_eq!(cf.sharpness.as_ref().unwrap().plain, "2");
    assert_eq!(cf.eta_star.as_ref().unwrap().plain, "1");
    let off: BTreeMap<String, String> = [("x".to_string(), "1/2".to_string())].into();
    let err = closed_forms("(x^2 - 1)^2/4", None, &none(), Some(&off)).unwrap_err();
    assert!(err.to_string().contains("not a critical point"), "{err}");
}

#[test]
fn text_loss_runs_through_the_core() {
    // l(z) = (z − 1)²/2 + (z − 1)³/3 as text: l2 = 1, l3 = 2, l4 = 0 at z* = 1.
    let loss = compile_loss("(x*y - 1)^2/2 + (x*y - 1)^3/3", None, &none()).unwrap();
    assert_eq!(loss.vars(), ["x", "y"]);
    let pt = [2.0, 0.5];
    loss.check_finite(&pt).unwrap();
    let a = analyze(&loss, info(2), &pt, &AnalyzeOptions::default()).unwrap();
    let v = [
        ("x", 2.0),
        ("y", 0.5),
        ("l2", 1.0),
        ("l3", 2.0),
        ("l4", 0.0),
    ];
    let c1 = eval(&lxy().c1.as_ref().unwrap().plain, &v);
    assert!(
        rel(a.c1.unwrap(), c1) < 1e-10,
        "core {} vs closed form {c1}",
        a.c1.unwrap()
    );
    assert!(rel(a.sharpness, 4.25) < 1e-14);
    assert_eq!(loss.dim(), 2);
}

#[test]
fn several_variables_without_l_have_no_closed_form() {
    let cf = closed_forms("(x*y - 1)^2 + x^2*y", None, &none(), None).unwrap();
    assert!(!cf.available);
    assert_eq!(cf.kind, ClosedFormKind::None);
    assert!(cf.note.contains("no closed form"), "{}", cf.note);
    assert!(cf.c1.is_none());
}

fn snapshot_view(cf: &ClosedForms) -> serde_json::Value {
    serde_json::to_value(cf).unwrap()
}

#[test]
fn snapshots_of_printed_closed_forms() {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        insta::assert_json_snapshot!("closed_l_xy", snapshot_view(lxy()));
        insta::assert_json_snapshot!("closed_l_xyz", snapshot_view(lxyz()));
        let quartic = closed_forms("(x^2 - 1)^2/4", None, &none(), None).unwrap();
        insta::assert_json_snapshot!("closed_quartic_1d", snapshot_view(&quartic));
        let at: BTreeMap<String, String> = [
            ("x".to_string(), "2".to_string()),
            ("y".to_string(), "1/2".to_string()),
        ]
        .into();
        let at_point = closed_forms("l(x*y)", None, &none(), Some(&at)).unwrap();
        insta::assert_json_snapshot!("closed_l_xy_at_2_half", snapshot_view(&at_point));
    });
    assert!(Loss::dim(&compile_loss("x^2", None, &none()).unwrap()) == 1);
}

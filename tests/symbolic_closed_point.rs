//! Closed forms of a concrete loss at a point of M (exact, or parametrized by new symbols) where
//! the Hessian has rank one (MATH.md §3, §4): checked against hand-derived values, against the
//! l(xy) reference c1 = αs/(3l2²) + 8 l3 z/(l2 s) + 32 z²/s³ (theorems/closed_forms.md), and
//! against the numeric core (proptest). All symbolica use goes through the worker thread.
#![cfg(feature = "symbolic")]

mod common;

use common::{analyze_at, assert_rel, rel};
use eosflip::loss::expr::eval_text;
use eosflip::symbolic::ClosedFormKind;
use eosflip::symbolic::{closed_forms, compile_loss, ClosedForms};
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::sync::OnceLock;

fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn at(expr: &str, point: &[(&str, &str)]) -> ClosedForms {
    closed_forms(expr, None, &BTreeMap::new(), Some(&map(point)))
        .unwrap_or_else(|e| panic!("{expr}: {e}"))
}

fn eval(text: &str, values: &[(&str, f64)]) -> f64 {
    eval_text(text, values).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn plain(f: &Option<eosflip::symbolic::Formula>) -> &str {
    &f.as_ref().expect("formula present").plain
}

#[test]
fn product_squared_at_a_rational_point_is_exact() {
    // (xy − 1)²/2 at (2, 1/2), z = xy = 1, s = x² + y² = 17/4, λ = s. Along a = (y, x):
    // L(θ + ta) = (ts + t²z)²/2, so T3 = 6sz, T4 = 12z²: gᵀH⁺g = T3²/(s³λ) = 36/s² = 576/289,
    // L4 = T4/s² = 12/s² = 192/289, c1 = (3·36 − 12)/(3s³) = 32/s³ = 2048/4913, and
    // Π_T g = 2(x² − y²)/s·(x, −y) = (60/17, −15/17).
    let cf = at("(x*y-1)^2/2", &[("x", "2"), ("y", "1/2")]);
    assert_eq!(cf.kind, ClosedFormKind::RankOneAtPoint);
    assert_eq!(plain(&cf.sharpness), "17/4");
    assert_eq!(plain(&cf.eta_star), "8/17");
    assert_eq!(plain(&cf.g_hplus_g), "576/289");
    assert_eq!(plain(&cf.l4), "192/289");
    assert_eq!(plain(&cf.c1), "2048/4913");
    let drift: Vec<&str> = cf
        .drift
        .as_ref()
        .unwrap()
        .iter()
        .map(|f| f.plain.as_str())
        .collect();
    assert_eq!(drift, ["60/17", "-15/17"]);
}

/// (name, text, l2, l3, l4) of the catalog links with target z* = 1.
const LINKS: [(&str, &str, f64, f64, f64); 4] = [
    ("squared", "(x*y-1)^2/2", 1.0, 0.0, 0.0),
    ("minimalist", "((x*y)^2-1)^2/4", 2.0, 6.0, 6.0),
    ("logcosh", "log(cosh(x*y-1))", 1.0, 0.0, -2.0),
    ("pseudo_huber", "sqrt(1+(x*y-1)^2)-1", 1.0, 0.0, -3.0),
];

fn link_forms() -> &'static Vec<ClosedForms> {
    static CF: OnceLock<Vec<ClosedForms>> = OnceLock::new();
    CF.get_or_init(|| {
        LINKS
            .iter()
            .map(|(_, text, ..)| at(text, &[("x", "t"), ("y", "1/t")]))
            .collect()
    })
}

#[test]
fn parametrized_links_reduce_to_the_l_xy_reference() {
    for ((name, _, l2, l3, l4), cf) in LINKS.iter().zip(link_forms()) {
        assert_eq!(cf.kind, ClosedFormKind::RankOneAtPoint, "{name}");
        for t in [0.35, 0.8, 1.0, 1.7, 3.2] {
            let (x, y) = (t, 1.0 / t);
            let s = x * x + y * y;
            let alpha = 3.0 * l3 * l3 - l2 * l4;
            let c1_ref = alpha * s / (3.0 * l2 * l2) + 8.0 * l3 / (l2 * s) + 32.0 / s.powi(3);
            let v = [("t", t)];
            assert_rel(eval(plain(&cf.c1), &v), c1_ref, 1e-13, 0.0, name);
            assert_rel(eval(plain(&cf.sharpness), &v), l2 * s, 1e-14, 0.0, name);
            let d = cf.drift.as_ref().unwrap();
            let k = 2.0 * l2 * (x * x - y * y) / s;
            assert_rel(eval(&d[0].plain, &v), k * x, 1e-13, 1e-14, name);
            assert_rel(eval(&d[1].plain, &v), -k * y, 1e-13, 1e-14, name);
        }
    }
}

#[test]
fn tilted_keeps_the_free_coordinate_symbolic() {
    // L = (1 + κy)x²/2 + q x⁴/24 on M = {x = 0}: λ = 1 + κy, g = (κ, 0) in the order (y, x),
    // tangent, so gᵀH⁺g = 0 and c1 = −q/(3λ); Π_T g = (κ, 0).
    let params = map(&[("k", "3/10"), ("q", "-1")]);
    let cf = closed_forms(
        "(1+k*y)*x^2/2+q*x^4/24",
        None,
        &params,
        Some(&map(&[("x", "0")])),
    )
    .unwrap();
    assert_eq!(cf.vars, ["y", "x"]);
    assert_eq!(plain(&cf.g_hplus_g), "0");
    assert_eq!(plain(&cf.l4), "-1");
    for y in [-2.0, 0.0, 3.0] {
        let lambda = 1.0 + 0.3 * y;
        let v = [("y", y)];
        assert_rel(
            eval(plain(&cf.c1), &v),
            1.0 / (3.0 * lambda),
            1e-14,
            0.0,
            "c1",
        );
        assert_rel(eval(plain(&cf.sharpness), &v), lambda, 1e-15, 0.0, "λ");
    }
    let drift: Vec<&str> = cf
        .drift
        .as_ref()
        .unwrap()
        .iter()
        .map(|f| f.plain.as_str())
        .collect();
    assert_eq!(drift, ["3/10", "0"]);
    assert!(cf.note.contains("y symbolic"), "{}", cf.note);
    assert!(
        cf.note.contains("forms hold where it is > 0"),
        "{}",
        cf.note
    );
}

#[test]
fn rank_two_hessian_has_no_closed_form_and_bad_points_are_errors() {
    let cf = at("x^2+2*y^2", &[("x", "0"), ("y", "0")]);
    assert!(!cf.available);
    assert_eq!(cf.kind, ClosedFormKind::None);
    assert!(
        cf.note.contains("rank > 1") && cf.note.contains("= 8"),
        "{}",
        cf.note
    );
    assert!(cf.c1.is_none());
    let err = |expr: &str, point: &[(&str, &str)]| {
        closed_forms(expr, None, &BTreeMap::new(), Some(&map(point)))
            .unwrap_err()
            .to_string()
    };
    let e = err("(x*y-1)^2/2", &[("x", "1"), ("y", "2")]);
    assert!(
        e.contains("not a critical point") && e.contains("dL/dx = 2"),
        "{e}"
    );
    let e = err("x^2*y^2", &[("x", "0"), ("y", "0")]);
    assert!(e.contains("Hessian vanishes"), "{e}");
    let e = err("x*y", &[("x", "0"), ("y", "0")]);
    assert!(e.contains("indefinite"), "{e}");
    let e = err("(x*y-1)^2/2", &[("x", "-t"), ("y", "1/t")]);
    assert!(e.contains("not a critical point"), "{e}");
    let e = err("(x*y-1)^2/2", &[("x", "y")]);
    assert!(e.contains("'y' is a variable of the loss"), "{e}");
    let e = err("(x*y-1)^2/2", &[("x", "abs(t)")]);
    assert!(e.contains("'abs'"), "{e}");
    let e = err("(x*y-1)^2/2", &[("x", "l2")]);
    assert!(e.contains("reserved"), "{e}");
}

/// Losses with a rank-one Hessian on M that are not of the form l(z): the factor in front makes
/// the third and fourth derivatives depend on more than z. Points parametrized by t (and u).
const NOT_L_OF_Z: [(&str, &[(&str, &str)]); 2] = [
    ("(x*y-1)^2*(1+x^2)/2", &[("x", "t"), ("y", "1/t")]),
    (
        "(x*y*z-1)^2*exp(x-z)/2+(x*y*z-1)^3/3",
        &[("x", "t"), ("y", "1/(t*u)"), ("z", "u")],
    ),
];

fn not_l_of_z() -> &'static Vec<(ClosedForms, eosflip::loss::expr::ExprLoss)> {
    static CF: OnceLock<Vec<(ClosedForms, eosflip::loss::expr::ExprLoss)>> = OnceLock::new();
    CF.get_or_init(|| {
        NOT_L_OF_Z
            .iter()
            .map(|(expr, point)| {
                let cf = at(expr, point);
                assert_eq!(
                    cf.kind,
                    ClosedFormKind::RankOneAtPoint,
                    "{expr}: {}",
                    cf.note
                );
                (cf, compile_loss(expr, None, &BTreeMap::new()).unwrap())
            })
            .collect()
    })
}

/// The closed forms `cf` evaluated at `v` against the numeric core at `point`: c1, L4 and
/// gᵀH⁺g to 1e-10, λ to 1e-12, the drift to 1e-10 of its largest entry.
fn match_core(
    cf: &ClosedForms,
    loss: &eosflip::loss::expr::ExprLoss,
    point: &[f64],
    v: &[(&str, f64)],
) -> Result<(), TestCaseError> {
    let a = analyze_at(loss, point);
    let c1 = eval(plain(&cf.c1), v);
    prop_assert!(
        rel(a.c1.unwrap(), c1, 1e-3) < 1e-10,
        "core {:?} vs closed {c1}",
        a.c1
    );
    prop_assert!(rel(a.sharpness, eval(plain(&cf.sharpness), v), 0.0) < 1e-12);
    prop_assert!(rel(a.l4.unwrap(), eval(plain(&cf.l4), v), 1e-3) < 1e-10);
    prop_assert!(rel(a.g_hplus_g.unwrap(), eval(plain(&cf.g_hplus_g), v), 1e-3) < 1e-10);
    let drift = a.drift.unwrap();
    let scale = drift.iter().fold(1e-3f64, |m, d| m.max(d.abs()));
    for (d, f) in drift.iter().zip(cf.drift.as_ref().unwrap()) {
        let closed = eval(&f.plain, v);
        prop_assert!((d - closed).abs() <= 1e-10 * scale, "drift {d} vs {closed}");
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]
    #[test]
    fn parametrized_forms_match_the_numeric_core(
        which in 0usize..2,
        t in prop_oneof![0.4f64..2.5, -2.5f64..-0.4],
        u in 0.5f64..2.0,
    ) {
        let (cf, loss) = &not_l_of_z()[which];
        let v = [("t", t), ("u", u)];
        let point: Vec<f64> = if which == 0 { vec![t, 1.0 / t] } else { vec![t, 1.0 / (t * u), u] };
        match_core(cf, loss, &point, &v)?;
    }
}

#[test]
fn snapshots_of_parametrized_catalog_links() {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        for ((name, ..), cf) in LINKS.iter().zip(link_forms()) {
            insta::assert_json_snapshot!(format!("closed_point_{name}_t"), cf);
        }
    });
}

/// Concrete losses of the form φ(z(θ)) keep the point symbolic; (name, text, variables, point of
/// M as a function of the parameters t, u).
type PointOnM = fn(f64, f64) -> Vec<f64>;
const COMPOSITE: [(&str, &str, PointOnM); 3] = [
    ("minimalist", "((x*y)^2-1)^2/4", |t, _| vec![t, 1.0 / t]),
    ("logistic", "log(1+exp(x*y))-3/4*x*y", |t, _| {
        vec![t, 3f64.ln() / t]
    }),
    ("squared_depth3", "(x*y*z-1)^2/2", |t, u| {
        vec![t, 1.0 / (t * u), u]
    }),
];

fn composite_forms() -> &'static Vec<(ClosedForms, eosflip::loss::expr::ExprLoss)> {
    static CF: OnceLock<Vec<(ClosedForms, eosflip::loss::expr::ExprLoss)>> = OnceLock::new();
    CF.get_or_init(|| {
        COMPOSITE
            .iter()
            .map(|(name, expr, _)| {
                let cf = closed_forms(expr, None, &BTreeMap::new(), None).unwrap();
                assert_eq!(cf.kind, ClosedFormKind::Composite, "{name}: {}", cf.note);
                (cf, compile_loss(expr, None, &BTreeMap::new()).unwrap())
            })
            .collect()
    })
}

#[test]
fn composite_squared_product_at_a_symbolic_point() {
    // (xy − 1)²/2 = φ(xy), φ(w) = (w − 1)²/2: l2 = 1, l3 = l4 = 0, and on M z = xy = 1, so the
    // l(xy) reference gives c1 = 32z²/s³, gᵀH⁺g = 36z²/s², L4 = 12z²/s², Π_T g = 2(x² − y²)/s·(x, −y).
    let cf = closed_forms("(x*y-1)^2/2", None, &BTreeMap::new(), None).unwrap();
    assert_eq!(cf.kind, ClosedFormKind::Composite);
    assert_eq!(plain(&cf.sharpness), "x^2+y^2");
    assert_eq!(plain(&cf.c1), "32*x^2*y^2/(x^2+y^2)^3");
    assert_eq!(plain(&cf.g_hplus_g), "36*x^2*y^2/(x^2+y^2)^2");
    assert_eq!(plain(&cf.l4), "12*x^2*y^2/(x^2+y^2)^2");
    let d = cf.drift.as_ref().unwrap();
    for (x, y) in [(2.0f64, 0.5f64), (0.3, 1.0 / 0.3)] {
        let v = [("x", x), ("y", y)];
        let k = 2.0 * (x * x - y * y) / (x * x + y * y);
        assert_rel(eval(&d[0].plain, &v), k * x, 1e-14, 0.0, "drift x");
        assert_rel(eval(&d[1].plain, &v), -k * y, 1e-14, 0.0, "drift y");
    }
    insta::with_settings!({snapshot_path => "snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_json_snapshot!("closed_composite_squared", cf);
    });
    // Not of the form φ(z): no closed form at a symbolic point (but one at a given point).
    let none = closed_forms("(x*y-1)^2*(1+x^2)/2", None, &BTreeMap::new(), None).unwrap();
    assert!(
        !none.available && none.note.contains("--at"),
        "{}",
        none.note
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]
    #[test]
    fn composite_forms_match_the_numeric_core(
        which in 0usize..3,
        t in prop_oneof![0.4f64..2.5, -2.5f64..-0.4],
        u in 0.5f64..2.0,
    ) {
        let (cf, loss) = &composite_forms()[which];
        let point = (COMPOSITE[which].2)(t, u);
        let names = ["x", "y", "z"];
        let v: Vec<(&str, f64)> = names.iter().copied().zip(point.iter().copied()).collect();
        match_core(cf, loss, &point, &v)?;
    }
}

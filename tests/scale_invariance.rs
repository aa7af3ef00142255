//! L ↦ κL for κ from 1e-100 to 1e100 leaves every decision unchanged (rank, criticality,
//! simplicity, the sign and degeneracy of c1, A1–A5) and c1 itself (issue 11 §5): the
//! tolerances have no absolute floors.

mod common;

use common::{analyze_at, build, rel};
use eosflip::loss::transform::Reparam;
use proptest::prelude::*;

/// (catalog entry, parameters, point or the default point).
type Case = (
    &'static str,
    Vec<(&'static str, &'static str)>,
    Option<Vec<f64>>,
);

fn cases() -> Vec<Case> {
    vec![
        ("quartic1d", vec![], None),
        ("double_well", vec![], None),
        ("product", vec![("l", "minimalist")], Some(vec![2.0, 0.5])),
        ("tilted", vec![], None),
        ("polynomial", vec![("dim", "3")], None),
        (
            "separable",
            vec![("k2", "1,1"), ("k3", "0,0"), ("k4", "0,0")],
            None,
        ),
        ("quartic1d", vec![("k3", "0"), ("k4", "0")], None),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn decisions_do_not_depend_on_the_scale_of_the_loss(which in 0usize..7, exp in -100i32..=100) {
        let (name, params, point) = cases().swap_remove(which);
        let inst = build(name, &params);
        let point = point.unwrap_or_else(|| inst.default_point.clone());
        let kappa = 10f64.powi(exp);
        let a = analyze_at(&inst.loss, &point);
        let b = analyze_at(&Reparam::new(inst.loss.clone(), kappa, 1.0, None), &point);
        prop_assert_eq!(a.normal_dim, b.normal_dim, "{} κ = {:e}", name, kappa);
        prop_assert_eq!(a.tangent_dim, b.tangent_dim);
        prop_assert_eq!(a.top_simple, b.top_simple);
        prop_assert_eq!(a.supercritical, b.supercritical);
        prop_assert_eq!(a.c1.is_some(), b.c1.is_some());
        if let (Some(x), Some(y)) = (a.c1, b.c1) {
            prop_assert!(rel(x, y, 1e-12 * (a.g_hplus_g.unwrap_or(0.0).abs() + a.l4.unwrap_or(0.0).abs()) * a.eta_star.unwrap_or(1.0) + f64::MIN_POSITIVE) < 1e-8,
                "{} κ = {:e}: c1 {} vs {}", name, kappa, x, y);
        }
        prop_assert!(rel(b.sharpness, kappa * a.sharpness, f64::MIN_POSITIVE) < 1e-12);
    }
}

//! Property tests (MATH.md §3): two formulas for c1 agree; invariances under orthogonal
//! changes of coordinates, L ↦ αL and L(θ) ↦ L(sθ); dual-number derivatives against central
//! finite differences (a documented baseline, loose tolerance); g = ∇λ.

mod common;

use common::{analyze_at, assert_rel, build, rel};
use eosflip::derivatives::{hvp, line_jet, mixed_fourth, mixed_third, third_along};
use eosflip::loss::catalog::link::Link;
use eosflip::loss::catalog::product::Product;
use eosflip::loss::transform::Reparam;
use eosflip::spectrum::{dense_hessian, Spectrum};
use eosflip::tolerance::Tolerances;
use eosflip::Loss;
use nalgebra::{DMatrix, DVector};
use proptest::prelude::*;

fn link_strategy() -> impl Strategy<Value = Link> {
    prop_oneof![
        (-2.0f64..2.0)
            .prop_filter("t ≠ 0", |t| t.abs() > 0.2)
            .prop_map(|t| Link::Squared { t }),
        Just(Link::Minimalist),
        (0.1f64..0.9)
            .prop_filter("z* ≠ 0", |p| (p - 0.5f64).abs() > 0.05)
            .prop_map(|p| Link::Logistic { p }),
        (0.3f64..2.0).prop_map(|t| Link::LogCosh { t }),
        (0.3f64..2.0).prop_map(|t| Link::PseudoHuber { t }),
    ]
}

/// A random point of M = {x1⋯xD = z*} with coordinates of moderate size.
fn product_point(link: &Link, free: &[f64]) -> Vec<f64> {
    let mut x = free.to_vec();
    let rest: f64 = x.iter().product();
    x.push(link.z_star() / rest);
    x
}

fn coords() -> impl Strategy<Value = f64> {
    prop_oneof![0.4f64..1.8, -1.8f64..-0.4]
}

/// A random orthogonal matrix (Q of a QR factorization of a seeded Gaussian matrix).
fn orthogonal(p: usize, seed: u64) -> DMatrix<f64> {
    let mut rng = eosflip::loss::rng::SplitMix64::new(seed);
    DMatrix::from_fn(p, p, |_, _| rng.normal()).qr().q()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn c1_formulas_agree_on_polynomials(dim in 1usize..7, terms in 0usize..8, seed in 0u64..10_000) {
        let inst = build("polynomial", &[("dim", &dim.to_string()), ("terms", &terms.to_string()), ("seed", &seed.to_string())]);
        let a = analyze_at(&inst.loss, &inst.default_point);
        prop_assume!(a.top_simple);
        let (gd, map) = (a.c1_gd.unwrap(), a.c1_map.unwrap());
        let scale = a.eta_star.unwrap() * (a.g_hplus_g.unwrap().abs() / 2.0 + a.l4.unwrap().abs() / 6.0);
        prop_assert!((gd - map).abs() <= 1e-10 * scale.max(gd.abs()), "gd {gd} map {map}");
    }

    #[test]
    fn c1_formulas_agree_on_product_manifolds(link in link_strategy(), free in prop::collection::vec(coords(), 1..4)) {
        let x = product_point(&link, &free);
        prop_assume!(x.iter().all(|v| v.abs() > 0.05 && v.abs() < 20.0));
        let a = analyze_at(&Product { depth: x.len(), link }, &x);
        let (gd, map) = (a.c1_gd.unwrap(), a.c1_map.unwrap());
        let scale = a.eta_star.unwrap() * (a.g_hplus_g.unwrap().abs() / 2.0 + a.l4.unwrap().abs() / 6.0);
        prop_assert!((gd - map).abs() <= 1e-10 * scale, "gd {gd} map {map} scale {scale}");
        prop_assert_eq!(a.tangent_dim, Some(x.len() - 1));
    }

    /// λ ↦ αs²λ, c1 ↦ s²c1 (independent of α and of the rotation), |Π_T g| ↦ α s³ |Π_T g|.
    #[test]
    fn invariances_rotation_output_and_input_scaling(
        link in link_strategy(), free in prop::collection::vec(coords(), 1..3),
        alpha in 0.2f64..5.0, s in prop_oneof![0.3f64..3.0, -3.0f64..-0.3], seed in 0u64..1000,
    ) {
        let x = product_point(&link, &free);
        prop_assume!(x.iter().all(|v| v.abs() > 0.05 && v.abs() < 20.0));
        let base = Product { depth: x.len(), link };
        let a = analyze_at(&base, &x);
        let q = orthogonal(x.len(), seed);
        let wrapped = Reparam::new(base, alpha, s, Some(q));
        let a2 = analyze_at(&wrapped, &wrapped.from_inner_point(&x));
        prop_assert!(rel(a2.sharpness, alpha * s * s * a.sharpness, 0.0) < 1e-12);
        prop_assert!(rel(a2.c1.unwrap(), s * s * a.c1.unwrap(), 1e-12 * a.c1.unwrap().abs()) < 1e-9,
            "c1 {} vs s² c1 {}", a2.c1.unwrap(), s * s * a.c1.unwrap());
        let dn = alpha * s.abs().powi(3) * a.drift_norm.unwrap();
        prop_assert!((a2.drift_norm.unwrap() - dn).abs() <= 1e-9 * (dn + alpha * s.abs().powi(3) * a.sharpness));
    }

    #[test]
    fn invariances_on_polynomials(dim in 2usize..6, seed in 0u64..1000, alpha in 0.2f64..5.0, s in 0.3f64..3.0) {
        let inst = build("polynomial", &[("dim", &dim.to_string()), ("seed", &seed.to_string())]);
        let a = analyze_at(&inst.loss, &inst.default_point);
        prop_assume!(a.top_simple);
        let wrapped = Reparam::new(inst.loss.clone(), alpha, s, Some(orthogonal(dim, seed + 1)));
        let a2 = analyze_at(&wrapped, &vec![0.0; dim]);
        let scale = a.eta_star.unwrap() * (a.g_hplus_g.unwrap().abs() / 2.0 + a.l4.unwrap().abs() / 6.0);
        prop_assert!((a2.c1.unwrap() - s * s * a.c1.unwrap()).abs() <= 1e-10 * s * s * scale);
        prop_assert!(rel(a2.sharpness, alpha * s * s * a.sharpness, 0.0) < 1e-12);
    }

    /// Dual-number passes against central finite differences of the pass one order lower.
    #[test]
    fn dual_derivatives_match_finite_differences(dim in 1usize..5, seed in 0u64..1000, pt in prop::collection::vec(-0.5f64..0.5, 4), dir in prop::collection::vec(-1.0f64..1.0, 4)) {
        let inst = build("polynomial", &[("dim", &dim.to_string()), ("seed", &seed.to_string())]);
        let (th, w) = (&pt[..dim], &dir[..dim]);
        let shifted = |t: f64| -> Vec<f64> { th.iter().zip(w).map(|(a, b)| a + t * b).collect() };
        let h = 1e-4;
        let jet = line_jet(&inst.loss, th, w);
        let grad = |t: f64| DVector::from_vec(inst.loss.gradient(&shifted(t)));
        let fd1 = (grad(h) - grad(-h)) / (2.0 * h);
        let fd2 = (hvp(&inst.loss, &shifted(h), w) - hvp(&inst.loss, &shifted(-h), w)) / (2.0 * h);
        let fd3 = (third_along(&inst.loss, &shifted(h), w) - third_along(&inst.loss, &shifted(-h), w)) / (2.0 * h);
        let tol = |x: &DVector<f64>| 1e-6 * (1.0 + x.amax());
        prop_assert!((&jet.d1 - &fd1).amax() < tol(&jet.d1));
        prop_assert!((&jet.d2 - &fd2).amax() < tol(&jet.d2));
        prop_assert!((&jet.d3 - &fd3).amax() < tol(&jet.d3));
        // Mixed passes with equal directions reproduce the line jet exactly (to rounding).
        prop_assert!((mixed_third(&inst.loss, th, w, w) - &jet.d2).amax() < 1e-12 * (1.0 + jet.d2.amax()));
        prop_assert!((mixed_fourth(&inst.loss, th, w, w, w) - &jet.d3).amax() < 1e-12 * (1.0 + jet.d3.amax()));
    }

    /// g = ∇³L[v,v,·] equals ∇λ (first-order eigenvalue perturbation), checked by central
    /// differences of the dense top eigenvalue.
    #[test]
    fn g_is_the_gradient_of_the_sharpness(link in link_strategy(), free in prop::collection::vec(coords(), 1..3), off in prop::collection::vec(-0.2f64..0.2, 3)) {
        let x0 = product_point(&link, &free);
        prop_assume!(x0.iter().all(|v| v.abs() > 0.05 && v.abs() < 20.0));
        let loss = Product { depth: x0.len(), link };
        // Any point with a simple top eigenvalue will do: move off M.
        let x: Vec<f64> = x0.iter().zip(&off).map(|(a, b)| a + b).collect();
        let tol = Tolerances::default();
        let lam = |p: &[f64]| Spectrum::of_symmetric(dense_hessian(&loss, p).0, &tol.rank).unwrap().sharpness();
        let spec = Spectrum::of_symmetric(dense_hessian(&loss, &x).0, &tol.rank).unwrap();
        prop_assume!(spec.eigenvalues[0] - spec.eigenvalues[1] > 1e-3 * spec.eigenvalues[0].abs());
        let g = third_along(&loss, &x, spec.top_eigvec().as_slice());
        let h = 1e-5;
        for i in 0..x.len() {
            let mut xp = x.clone();
            let mut xm = x.clone();
            xp[i] += h;
            xm[i] -= h;
            let fd = (lam(&xp) - lam(&xm)) / (2.0 * h);
            prop_assert!((fd - g[i]).abs() < 1e-5 * (1.0 + g.amax()), "i {i}: fd {fd} g {}", g[i]);
        }
    }
}

/// The transform wrapper itself: value and gradient of α·L(sQθ) against the definition.
#[test]
fn reparam_gradient_matches_definition() {
    let inst = build("polynomial", &[("dim", "3"), ("seed", "5")]);
    let q = orthogonal(3, 9);
    let w = Reparam::new(inst.loss.clone(), 2.5, -0.7, Some(q.clone()));
    let th = [0.1, -0.2, 0.3];
    let inner_pt = (&q * DVector::from_column_slice(&th)) * -0.7;
    let gi = DVector::from_vec(inst.loss.gradient(inner_pt.as_slice()));
    let expected = q.transpose() * gi * (2.5 * -0.7);
    let got = DVector::from_vec(w.gradient(&th));
    assert!((got - expected).amax() < 1e-14);
    assert_rel(
        w.value(&th),
        2.5 * inst.loss.value(inner_pt.as_slice()),
        1e-14,
        0.0,
        "value",
    );
    let back = w.from_inner_point(inner_pt.as_slice());
    assert!(back.iter().zip(&th).all(|(a, b)| (a - b).abs() < 1e-15));
}

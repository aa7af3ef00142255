//! `eosflip product` (theorems/product_stability.md, theorems/product_depth.md): the derived
//! closed forms against the numeric core at random points of M, the supercritical set against
//! sign changes of the numeric c1, eosflip's examples, the balanced point and λ∞.

use eosflip::loss::catalog::link::Link;
use eosflip::loss::catalog::product::Product;
use eosflip::product::poly::PolyProduct;
use eosflip::product::{
    balanced, c1_depth2, examples, lambda_inf, point_depth2, point_forms, supercritical_set, Jet,
};
use eosflip::Loss;
use proptest::prelude::*;

mod common;
use common::analyze_at as core;

fn rel(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs().max(1e-300)
}

fn jet_of(link: &Link) -> Jet {
    Jet::of_link(link)
}

fn links() -> Vec<Link> {
    vec![
        Link::Squared { t: 1.0 },
        Link::Squared { t: -0.7 },
        Link::Minimalist,
        Link::Logistic { p: 0.75 },
        Link::Logistic { p: 0.2 },
        Link::LogCosh { t: 1.0 },
        Link::PseudoHuber { t: -1.5 },
    ]
}

/// A point of M = {∏x = z*} from free coordinates `f` (the last one fixed by the product).
fn on_m(z: f64, f: &[f64]) -> Vec<f64> {
    let mut x = f.to_vec();
    let p: f64 = x.iter().product();
    x.push(z / p);
    x
}

/// λ, both closed-form c1 and |Π_T g|² against the numeric core (both c1 formulas).
fn check_forms<L: Loss>(loss: &L, jet: &Jet, x: &[f64], tol: f64) {
    let a = core(loss, x);
    let pf = point_forms(jet, x);
    assert!(rel(a.sharpness, pf.sharpness) < tol, "λ at {x:?}");
    for (name, v) in [("gd", a.c1_gd.unwrap()), ("map", a.c1_map.unwrap())] {
        assert!(
            rel(v, pf.c1_gd) < tol,
            "c1 {name} at {x:?}: core {v} closed {}",
            pf.c1_gd
        );
    }
    assert!(
        rel(pf.c1_factored, pf.c1_gd) < 1e-12,
        "factored c1 at {x:?}"
    );
    let dn = a.drift_norm.unwrap();
    let scale = pf.sharpness * pf.sharpness;
    assert!(
        (dn * dn - pf.drift_sq).abs() <= tol * pf.drift_sq.max(1e-6 * scale),
        "|Π_T g|² at {x:?}: core {} closed {}",
        dn * dn,
        pf.drift_sq
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn closed_forms_match_the_core_for_every_catalog_link(
        k in 0usize..7, depth in 2usize..=4,
        f in proptest::collection::vec(0.4f64..2.5, 3), signs in 0u8..8,
    ) {
        let link = links()[k];
        let jet = jet_of(&link);
        let free: Vec<f64> = f[..depth - 1]
            .iter()
            .enumerate()
            .map(|(i, v)| if signs & (1 << i) != 0 { -v } else { *v })
            .collect();
        let x = on_m(jet.z_star, &free);
        check_forms(&Product { depth, link }, &jet, &x, 1e-10);
    }

    #[test]
    fn closed_forms_match_the_core_for_quartic_links(
        l3 in -2.0f64..2.0, l4 in -3.0f64..6.0, z in prop_oneof![-1.5f64..-0.3, 0.3f64..1.5],
        depth in 2usize..=4, f in proptest::collection::vec(0.5f64..2.0, 3),
    ) {
        let jet = Jet { z_star: z, l2: 1.3, l3, l4 };
        let x = on_m(z, &f[..depth - 1]);
        check_forms(&PolyProduct { depth, jet }, &jet, &x, 1e-10);
    }

    /// Each endpoint of the supercritical set is a sign change of the numeric c1, and inside
    /// each interval the numeric c1 has the interval's sign.
    #[test]
    fn supercritical_set_matches_numeric_signs(
        l3 in -3.0f64..3.0, l4 in -2.0f64..8.0, z in prop_oneof![-1.5f64..-0.3, 0.3f64..1.5],
    ) {
        let jet = Jet { z_star: z, l2: 1.0, l3, l4 };
        let set = supercritical_set(&jet);
        let loss = PolyProduct { depth: 2, jet };
        let c1 = |s: f64| core(&loss, &point_depth2(z, s)).c1.unwrap();
        for &s in &set.s_roots {
            if s > set.s_min * (1.0 + 1e-3) {
                prop_assert!(c1(s * (1.0 - 1e-4)) * c1(s * (1.0 + 1e-4)) < 0.0, "no sign change at {s}");
            }
        }
        for (ivs, sign) in [(&set.supercritical, 1.0), (&set.subcritical, -1.0)] {
            for iv in ivs.iter() {
                let mid = iv.hi.map_or(iv.lo * 3.0 + 1.0, |h| (iv.lo * h).sqrt());
                prop_assert!(sign * c1(mid) > 0.0, "sign at s = {mid} in {iv:?}");
            }
        }
        // "everywhere" is exactly: no sign change and c1 > 0 at the balanced point.
        prop_assert_eq!(set.everywhere, set.subcritical.is_empty() && set.s_roots.is_empty());
    }
}

#[test]
fn band_example_of_the_theorem() {
    // l = w²/2 + w³/6 + 5w⁴/48, w = z + 1: c1 < 0 exactly for s in (2.0986, 6.6027).
    let jet = Jet {
        z_star: -1.0,
        l2: 1.0,
        l3: 1.0,
        l4: 2.5,
    };
    let set = supercritical_set(&jet);
    assert_eq!(set.s_roots.len(), 2);
    // Roots of 96w² + 24w + 1/2: w = (−24 ± √384)/192, s = √(z*/w).
    let exact = |sgn: f64| (-1.0 / ((-24.0 + sgn * 384f64.sqrt()) / 192.0)).sqrt();
    assert!(rel(set.s_roots[0], exact(-1.0)) < 1e-14);
    assert!(rel(set.s_roots[1], exact(1.0)) < 1e-14);
    assert!((set.s_roots[0] - 2.098_590_493).abs() < 1e-8);
    assert!((set.s_roots[1] - 6.602_720_496).abs() < 1e-8);
    assert!(set.supercritical[0].lo_closed && !set.everywhere);
    assert!(c1_depth2(&jet, 4.0) < 0.0);
}

#[test]
fn eosflip_finds_the_examples_and_the_core_confirms_them() {
    let ex = examples::find().unwrap();
    let nn = ex.not_necessary.unwrap();
    assert!(nn.alpha.abs() < 1e-15 && nn.set.everywhere);
    assert!(nn
        .checks
        .iter()
        .all(|c| c.c1_gd > 0.0 && c.c1_rel_err < 1e-10));
    let ns = ex.not_sufficient.unwrap();
    assert!(ns.alpha > 0.0 && !ns.set.subcritical.is_empty());
    assert!(ns.checks.iter().any(|c| c.c1_gd < 0.0));
    assert!(ns.checks.iter().all(|c| c.c1_rel_err < 1e-10));
    let dc = ex.depth_change.unwrap();
    let (_, c2, n2) = dc.balanced[0];
    let (_, c3, n3) = dc.balanced[1];
    assert!(c2 * c3 < 0.0 && n2 * n3 < 0.0);
    assert!(rel(n2, c2) < 1e-10 && rel(n3, c3) < 1e-10);
}

#[test]
fn balanced_point_has_zero_drift_and_the_derived_c1() {
    for link in links() {
        let jet = jet_of(&link);
        for depth in 2..=4 {
            let b = balanced(&jet, depth).unwrap();
            let a = jet.z_star.abs().powf(1.0 / depth as f64);
            let mut x = vec![a; depth];
            x[0] *= jet.z_star.signum();
            let an = core(&Product { depth, link }, &x);
            assert!(
                an.drift_norm.unwrap() < 1e-12 * an.sharpness,
                "{link:?} D={depth}"
            );
            assert!(rel(an.c1.unwrap(), b.c1) < 1e-10, "{link:?} D={depth}");
            assert!(rel(an.sharpness, b.sharpness) < 1e-12);
        }
    }
}

#[test]
fn lambda_inf_expansion_has_fifth_order_error() {
    let jet = jet_of(&Link::Logistic { p: 0.75 });
    let err = |eta: f64| {
        let l = lambda_inf(&jet, eta).unwrap();
        (l.lambda_inf_pred.unwrap() - l.asymptotic.unwrap()).abs()
    };
    let (e1, e2) = (err(0.2), err(0.1));
    // O(η⁵): halving η divides the error by about 32.
    let ratio = e1 / e2;
    assert!((20.0..45.0).contains(&ratio), "ratio {ratio}");
    // The first-order prediction itself, against 2/η − ηG/(4c1) from the numeric core.
    let eta = 0.1;
    let l = lambda_inf(&jet, eta).unwrap();
    let x = point_depth2(jet.z_star, l.s);
    let an = core(
        &Product {
            depth: 2,
            link: Link::Logistic { p: 0.75 },
        },
        &x,
    );
    let g = an.drift_norm.unwrap().powi(2);
    let pred = 2.0 / eta - eta * g / (4.0 * an.c1.unwrap());
    assert!(rel(l.lambda_inf_pred.unwrap(), pred) < 1e-10);
    assert!(rel(an.sharpness, 2.0 / eta) < 1e-12);
}

#[cfg(feature = "symbolic")]
mod symbolic {
    use super::*;
    use eosflip::loss::expr::eval_text;
    use eosflip::product::reduce::{reduce, EllSource};

    fn flags(r: &eosflip::product::reduce::Reduction) {
        let d = &r.derivation;
        assert!(
            d.line_verified && d.q_free_of_s && d.q0_is_alpha,
            "{}",
            r.ell
        );
        assert!(d.c1_agrees && d.drift_agrees, "{}", r.ell);
        assert!(r.max_c1_rel_err < 1e-10, "{}: {}", r.ell, r.max_c1_rel_err);
    }

    /// The derived c1 text (general l) evaluated at random points against the numeric core.
    fn text_c1_matches(r: &eosflip::product::reduce::Reduction, jet: &Jet, x: &[f64], c1: f64) {
        let d = x.len();
        let e = eosflip::product::elementary(x);
        let mut vals = vec![
            ("s", e[d - 1]),
            ("z", jet.z_star),
            ("l2", jet.l2),
            ("l3", jet.l3),
            ("l4", jet.l4),
        ];
        let names = ["E1", "E2", "E3", "E4"];
        for (k, n) in names.iter().enumerate().take(d.saturating_sub(2)) {
            vals.push((n, e[k + 1]));
        }
        let v = eval_text(&r.derivation.c1, &vals).unwrap();
        assert!(
            rel(v, c1) < 1e-10,
            "{}: text {v} core {c1}",
            r.derivation.c1
        );
    }

    /// c1 on M with this l's values substituted (depth 2, a function of s) against c1(s).
    fn this_l_c1_matches(r: &eosflip::product::reduce::Reduction) {
        let jet = Jet {
            z_star: r.z_star.value,
            l2: r.l2.value,
            l3: r.l3.value,
            l4: r.l4.value,
        };
        for s in [2.0 * jet.z_star.abs() + 0.1, 3.7, 11.0] {
            let v = eval_text(&r.c1_this_l, &[("s", s)]).unwrap();
            assert!(rel(v, c1_depth2(&jet, s)) < 1e-10, "{}: {v}", r.c1_this_l);
        }
    }

    #[test]
    fn reduce_every_catalog_link_and_a_user_expression() {
        for depth in 2..=4 {
            for link in [
                Link::Squared { t: 1.0 },
                Link::Minimalist,
                Link::Logistic { p: 0.75 },
                Link::LogCosh { t: 1.0 },
                Link::PseudoHuber { t: 1.0 },
            ] {
                let r = reduce(&EllSource::Catalog(link), depth, None).unwrap();
                flags(&r);
                let jet = jet_of(&link);
                assert!(rel(r.alpha.value, link.alpha()) < 1e-12);
                let x = on_m(jet.z_star, &[1.7, 0.6, 1.1][..depth - 1]);
                let an = core(&Product { depth, link }, &x);
                text_c1_matches(&r, &jet, &x, an.c1.unwrap());
                if depth == 2 {
                    this_l_c1_matches(&r);
                }
            }
            let user = "(z+1)^2/2 + (z+1)^3/6 + 5*(z+1)^4/48 + (z+1)^5";
            let r = reduce(&EllSource::Expr(user.into()), depth, None).unwrap();
            flags(&r);
            assert!(r.z_star.exact_verified && r.z_star.exact == "-1");
            assert_eq!((r.l3.exact.as_str(), r.l4.exact.as_str()), ("1", "5/2"));
            if depth == 2 {
                let set = r.set.as_ref().unwrap();
                assert!((set.s_roots[0] - 2.098_590_493).abs() < 1e-8);
                assert_eq!(r.endpoint_checks.len(), 2);
                // s± = √(z*/w±) exactly: √(192/(24 ± 8√6)).
                assert_eq!(r.s_roots_exact.len(), 2);
                for (text, w) in r.s_roots_exact.iter().zip([8.0, -8.0]) {
                    let s = eval_text(text, &[]).unwrap();
                    assert!(
                        rel(s, (192.0 / (24.0 + w * 6f64.sqrt())).sqrt()) < 1e-14,
                        "{text}"
                    );
                }
                assert!(r.endpoint_checks.iter().all(|e| e.sign_change));
            }
        }
    }

    #[test]
    fn numeric_root_and_bad_minima() {
        // l = cosh(z − 1/3) − z: l' = sinh(z − 1/3) − 1 = 0 at z* = 1/3 + asinh(1), not rational.
        let r = reduce(&EllSource::Expr("cosh(z-1/3)-z".into()), 2, None).unwrap();
        let z = 1.0 / 3.0 + 1f64.asinh();
        assert!((r.z_star.value - z).abs() < 1e-14, "{}", r.z_star.value);
        assert!(!r.z_star.exact_verified);
        assert!(rel(r.l2.value, 2f64.sqrt()) < 1e-12);
        flags(&r);
        this_l_c1_matches(&r);
        for (e, zs) in [("(z-1)^2", "2"), ("-(z-1)^2", "1"), ("z^4", "0")] {
            let err = reduce(&EllSource::Expr(e.into()), 2, Some(zs)).unwrap_err();
            assert!(matches!(err, eosflip::Error::BadInput { .. }), "{e}");
        }
    }
}

/// theorems/product_depth.md, "Large s": at D = 3, along x = (n^{-1/2}, n^{-1/2}, z* n), c1 ~
/// (s/(3l2²))·(α + 6 l2 l3/z* + 6 l2²/z*²), negative for l3 = −3/2, l4 = 4 although α > 0.
#[test]
fn depth3_far_out_c1_follows_the_depth2_balanced_q() {
    let jet = Jet {
        z_star: 1.0,
        l2: 1.0,
        l3: -1.5,
        l4: 4.0,
    };
    assert!(jet.alpha() > 0.0);
    let n = 1e4_f64;
    let x = [n.powf(-0.5), n.powf(-0.5), n];
    let pf = point_forms(&jet, &x);
    let an = core(&PolyProduct { depth: 3, jet }, &x);
    assert!(
        rel(an.c1.unwrap(), pf.c1_gd) < 1e-8,
        "{} vs {}",
        an.c1.unwrap(),
        pf.c1_gd
    );
    let q2bal = jet.alpha() + 6.0 * jet.l3 + 6.0;
    assert!(q2bal < 0.0 && an.c1.unwrap() < 0.0);
    let predicted = pf.s / 3.0 * q2bal;
    assert!(
        rel(an.c1.unwrap(), predicted) < 1e-3,
        "{} vs {predicted}",
        an.c1.unwrap()
    );
}

/// `l ↦ κl` (κ from 1e-300 to 1e300) leaves c1, the supercritical set, the conditions, the
/// balanced c1 and ε_rel unchanged and scales λ, α, Q and λ∞ (at η/κ) by κ (resp. κ²), with no
/// NaN and no overflow of the jets' products (the hostile input `(z²−1)²/4·1e160` gave NaN).
#[test]
fn closed_forms_are_invariant_under_scaling_the_link() {
    let base = Jet {
        z_star: -1.0,
        l2: 1.0,
        l3: 1.0,
        l4: 2.5,
    };
    let set0 = supercritical_set(&base);
    let bal0 = balanced(&base, 3).unwrap();
    let lam0 = lambda_inf(&base, 0.1).unwrap();
    for e in [-300, -160, -100, -13, 0, 13, 100, 160, 300] {
        let k = 10f64.powi(e);
        let jet = Jet {
            z_star: base.z_star,
            l2: k * base.l2,
            l3: k * base.l3,
            l4: k * base.l4,
        };
        for s in [2.0, 2.5, 4.0, 10.0] {
            assert!(
                rel(c1_depth2(&jet, s), c1_depth2(&base, s)) < 1e-14,
                "κ = {k:e}"
            );
        }
        let set = supercritical_set(&jet);
        assert_eq!(set.s_roots.len(), set0.s_roots.len(), "κ = {k:e}");
        for (a, b) in set.s_roots.iter().zip(&set0.s_roots) {
            assert!(rel(*a, *b) < 1e-14, "κ = {k:e}: {a} vs {b}");
        }
        let holds: Vec<bool> = eosflip::product::conditions(&jet)
            .iter()
            .map(|c| c.holds)
            .collect();
        let holds0: Vec<bool> = eosflip::product::conditions(&base)
            .iter()
            .map(|c| c.holds)
            .collect();
        assert_eq!(holds, holds0, "κ = {k:e}");
        // α = κ²/2 underflows to 0 at κ = 1e-300 (not representable), never negative or NaN.
        assert!(
            jet.alpha() >= 0.0 && !jet.discriminant().is_nan(),
            "κ = {k:e}"
        );
        let bal = balanced(&jet, 3).unwrap();
        assert!(rel(bal.c1, bal0.c1) < 1e-14 && rel(bal.sharpness, k * bal0.sharpness) < 1e-14);
        let lam = lambda_inf(&jet, 0.1 / k).unwrap();
        assert!(rel(lam.c1, lam0.c1) < 1e-14, "κ = {k:e}");
        assert!(rel(lam.eps_rel.unwrap(), lam0.eps_rel.unwrap()) < 1e-13);
        let (p, p0) = (lam.lambda_inf_pred.unwrap(), lam0.lambda_inf_pred.unwrap());
        assert!(rel(p, k * p0) < 1e-13, "κ = {k:e}: {p} vs {}", k * p0);
    }
}

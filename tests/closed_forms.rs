//! c1, λ, g, L4 and the drift against closed forms derived by hand (theorems/closed_forms.md).

mod common;

use common::{analyze_at, assert_rel, assert_vec_rel, build};
use eosflip::loss::catalog::link::Link;
use eosflip::loss::catalog::product::Product;
use eosflip::loss::catalog::CatalogLoss;

/// 1-D: c1 = (η/6)(3 f'''²/f'' − f'''') at η = 2/f''.
#[test]
fn quartic1d_matches_one_dimensional_formula() {
    for &(k2, k3, k4) in &[
        (1.0, 1.0, 1.0),
        (2.5, -0.7, 3.0),
        (0.3, 0.0, 1.0),
        (4.0, 2.0, -5.0),
        (1.0, 1.0, 3.0),
    ] {
        let inst = build(
            "quartic1d",
            &[
                ("k2", &k2.to_string()),
                ("k3", &k3.to_string()),
                ("k4", &k4.to_string()),
            ],
        );
        let a = analyze_at(&inst.loss, &[0.0]);
        let eta = 2.0 / k2;
        let expected = eta / 6.0 * (3.0 * k3 * k3 / k2 - k4);
        assert_rel(a.sharpness, k2, 1e-15, 0.0, "sharpness");
        assert_rel(a.c1_gd.unwrap(), expected, 1e-13, 1e-300, "c1_gd");
        assert_rel(a.c1_map.unwrap(), expected, 1e-13, 1e-300, "c1_map");
        assert_rel(a.g.as_ref().unwrap()[0], k3, 1e-15, 1e-300, "g = f'''");
        assert_rel(a.l4.unwrap(), k4, 1e-15, 1e-300, "L4 = f''''");
    }
    // k3 = 0, k4 > 0: c1 = (η/6)(3k3²/k2 − k4) at η = 2/k2, i.e. −k4/(3 k2) < 0, subcritical.
    let a = analyze_at(
        &build("quartic1d", &[("k2", "2"), ("k3", "0"), ("k4", "3")]).loss,
        &[0.0],
    );
    assert_eq!(a.supercritical, Some(false));
    // 3 k3² = k2 k4: c1 = 0, the flip is degenerate and no verdict is given.
    let a = analyze_at(
        &build("quartic1d", &[("k2", "1"), ("k3", "1"), ("k4", "3")]).loss,
        &[0.0],
    );
    assert_eq!(a.supercritical, None);
    assert!(a.c1.unwrap().abs() < 1e-14);
}

/// Chen & Bruna: f = (x² − 1)²/4 at x = ±1: λ = 2, η* = 1, c1 = 8.
#[test]
fn double_well_c1_is_eight() {
    let inst = build("double_well", &[]);
    for x in [1.0, -1.0] {
        let a = analyze_at(&inst.loss, &[x]);
        assert_rel(a.sharpness, 2.0, 1e-15, 0.0, "λ");
        assert_rel(a.eta_star.unwrap(), 1.0, 1e-15, 0.0, "η*");
        assert_rel(a.c1.unwrap(), 8.0, 1e-14, 0.0, "c1");
        assert_rel(a.c1_map.unwrap(), 8.0, 1e-14, 0.0, "c1_map");
        // two-step cubic coefficient and Schwarzian scaling: −2 c1 = −16.
        assert_rel(a.c1_two_step.unwrap(), -16.0, 1e-14, 0.0, "two-step");
    }
}

/// Closed form for l(xy) at a point of M (theorems/closed_forms.md §2):
/// λ = l2 s, c1 = α s/(3 l2²) + 8 l3 z/(l2 s) + 32 z²/s³, Π_T g = 2 l2 (x² − y²)/s · (x, −y),
/// L4 = l4 s² + 12 l3 z + 12 l2 z²/s², g·v = l3 s^{3/2} + 6 l2 z/√s.
fn product2_closed_form(link: &Link, x: f64, y: f64) -> (f64, f64, [f64; 2], f64, f64) {
    let [l2, l3, l4] = link.derivatives_at_min();
    let (z, s) = (x * y, x * x + y * y);
    let alpha = 3.0 * l3 * l3 - l2 * l4;
    let c1 = alpha * s / (3.0 * l2 * l2) + 8.0 * l3 * z / (l2 * s) + 32.0 * z * z / (s * s * s);
    let k = 2.0 * l2 * (x * x - y * y) / s;
    let l4v = l4 * s * s + 12.0 * l3 * z + 12.0 * l2 * z * z / (s * s);
    let gv = l3 * s.powf(1.5) + 6.0 * l2 * z / s.sqrt();
    (l2 * s, c1, [k * x, -k * y], l4v, gv)
}

fn links() -> Vec<Link> {
    vec![
        Link::Squared { t: 1.0 },
        Link::Squared { t: -0.6 },
        Link::Minimalist,
        Link::Logistic { p: 0.75 },
        Link::Logistic { p: 0.2 },
        Link::LogCosh { t: 1.3 },
        Link::PseudoHuber { t: 0.8 },
    ]
}

#[test]
fn product_depth2_balanced_and_unbalanced_points() {
    for link in links() {
        let z = link.z_star();
        let a0 = z.abs().sqrt();
        let sg = z.signum();
        // balanced (|x| = |y|), mildly and strongly unbalanced points of M.
        for ratio in [1.0, 1.7, 4.0] {
            let x = a0 * ratio;
            let y = sg * a0 / ratio;
            let p = Product { depth: 2, link };
            let a = analyze_at(&p, &[x, y]);
            let (lam, c1, drift, l4v, gv) = product2_closed_form(&link, x, y);
            let what = format!("{} at ({x}, {y})", link.name());
            assert_rel(a.sharpness, lam, 1e-14, 0.0, &format!("λ {what}"));
            assert_rel(a.c1_gd.unwrap(), c1, 1e-12, 0.0, &format!("c1_gd {what}"));
            assert_rel(a.c1_map.unwrap(), c1, 1e-12, 0.0, &format!("c1_map {what}"));
            assert_rel(a.l4.unwrap(), l4v, 1e-12, 1e-12, &format!("L4 {what}"));
            assert_rel(
                a.g_hplus_g.unwrap(),
                gv * gv / lam,
                1e-12,
                1e-12,
                &format!("gH+g {what}"),
            );
            assert_vec_rel(
                a.drift.as_ref().unwrap(),
                &drift,
                1e-12,
                gv.abs(),
                &format!("drift {what}"),
            );
            assert_eq!(a.normal_dim, Some(1));
            assert_eq!(a.tangent_dim, Some(1));
            if ratio == 1.0 {
                assert!(
                    a.drift_norm.unwrap() < 1e-13 * lam,
                    "balanced point has no drift"
                );
            }
        }
    }
}

/// Depth D: along u, z(θ + t u) = z ∏(1 + t r_i), r_i = u_i/x_i, so z' = z e1, z'' = 2 z e2,
/// z''' = 6 z e3, z'''' = 24 z e4 (elementary symmetric polynomials of r). With v = ∇z/|∇z|:
/// g·v = l3 z'³ + 3 l2 z' z'', L4 = l4 z'⁴ + 6 l3 z'² z'' + l2 (3 z''² + 4 z' z'''),
/// g_i = a_i [l3 z'² + l2 z'' + 2 l2 z' (e1 − r_i)], a_i = z/x_i.
fn product_closed_form(link: &Link, x: &[f64]) -> (f64, f64, Vec<f64>) {
    let [l2, l3, l4] = link.derivatives_at_min();
    let z: f64 = x.iter().product();
    let a: Vec<f64> = x.iter().map(|xi| z / xi).collect();
    let na = a.iter().map(|t| t * t).sum::<f64>().sqrt();
    let r: Vec<f64> = x.iter().zip(&a).map(|(xi, ai)| ai / na / xi).collect();
    let mut e = [1.0, 0.0, 0.0, 0.0, 0.0];
    for &ri in &r {
        for k in (1..5).rev() {
            e[k] += e[k - 1] * ri;
        }
    }
    let (z1, z2, z3) = (z * e[1], 2.0 * z * e[2], 6.0 * z * e[3]);
    let lam = l2 * na * na;
    let gv = l3 * z1.powi(3) + 3.0 * l2 * z1 * z2;
    let l4v = l4 * z1.powi(4) + 6.0 * l3 * z1 * z1 * z2 + l2 * (3.0 * z2 * z2 + 4.0 * z1 * z3);
    let c1 = (3.0 * gv * gv / lam - l4v) / (3.0 * lam);
    let g: Vec<f64> = a
        .iter()
        .zip(&r)
        .map(|(ai, ri)| ai * (l3 * z1 * z1 + l2 * z2 + 2.0 * l2 * z1 * (e[1] - ri)))
        .collect();
    (lam, c1, g)
}

#[test]
fn product_depth_d_matches_elementary_symmetric_closed_form() {
    for link in links() {
        for depth in 2..=5usize {
            let z = link.z_star();
            let mut x: Vec<f64> = (0..depth).map(|i| 0.6 + 0.35 * i as f64).collect();
            let rest: f64 = x[..depth - 1].iter().product();
            x[depth - 1] = z / rest;
            let a = analyze_at(&Product { depth, link }, &x);
            let (lam, c1, g) = product_closed_form(&link, &x);
            let what = format!("{} depth {depth}", link.name());
            assert_rel(a.sharpness, lam, 1e-13, 0.0, &format!("λ {what}"));
            assert_rel(a.c1_gd.unwrap(), c1, 1e-11, 0.0, &format!("c1_gd {what}"));
            assert_rel(a.c1_map.unwrap(), c1, 1e-11, 0.0, &format!("c1_map {what}"));
            assert_vec_rel(a.g.as_ref().unwrap(), &g, 1e-12, 0.0, &format!("g {what}"));
            assert_eq!(a.tangent_dim, Some(depth - 1), "{what}");
        }
    }
}

/// Rank-one factorization at (u0, v0), A = |u0|, B = |v0|, S = A² + B²: eigenvalues S, A² (m−1
/// times), B² (n−1 times), 0; c1 = 32 A²B²/S³; |Π_T g| = 2|A² − B²|/√S; L4 = 12A²B²/S².
#[test]
fn rank_one_factorization_closed_form() {
    for (n, m, seed) in [(3usize, 2usize, 1u64), (2, 4, 7), (1, 1, 3), (5, 3, 11)] {
        let inst = build(
            "factorization",
            &[
                ("n", &n.to_string()),
                ("m", &m.to_string()),
                ("seed", &seed.to_string()),
            ],
        );
        let CatalogLoss::Factorization(f) = &inst.loss else {
            unreachable!()
        };
        let a = analyze_at(&inst.loss, &f.seed_point);
        let a2: f64 = f.seed_point[..n].iter().map(|t| t * t).sum();
        let b2: f64 = f.seed_point[n..].iter().map(|t| t * t).sum();
        let s = a2 + b2;
        let mut expected = vec![s];
        expected.extend(std::iter::repeat_n(a2, m - 1));
        expected.extend(std::iter::repeat_n(b2, n - 1));
        expected.push(0.0);
        expected.sort_by(|p, q| q.total_cmp(p));
        assert_vec_rel(&a.eigenvalues, &expected, 1e-13, 0.0, "eigenvalues");
        assert_rel(a.c1.unwrap(), 32.0 * a2 * b2 / s.powi(3), 1e-12, 0.0, "c1");
        assert_rel(
            a.c1_map.unwrap(),
            32.0 * a2 * b2 / s.powi(3),
            1e-12,
            0.0,
            "c1_map",
        );
        assert_rel(a.l4.unwrap(), 12.0 * a2 * b2 / (s * s), 1e-12, 0.0, "L4");
        assert_rel(
            a.g_hplus_g.unwrap(),
            36.0 * a2 * b2 / (s * s),
            1e-12,
            0.0,
            "gH+g",
        );
        assert_rel(
            a.drift_norm.unwrap(),
            2.0 * (a2 - b2).abs() / s.sqrt(),
            1e-12,
            0.0,
            "drift_norm",
        );
        assert_eq!(a.tangent_dim, Some(1));
    }
}

/// The seeded polynomial against its own coefficients: H = Q0 + Σ μ_k w_k w_kᵀ,
/// g = Σ c_k (w_k·v)² w_k, L4 = Σ d_k (w_k·v)⁴, c1 = (η/2) gᵀH⁻¹g − (η/6) L4.
#[test]
fn polynomial_matches_its_coefficients() {
    for seed in [1u64, 2, 3, 42] {
        let inst = build(
            "polynomial",
            &[("dim", "4"), ("terms", "5"), ("seed", &seed.to_string())],
        );
        let CatalogLoss::Polynomial(p) = &inst.loss else {
            unreachable!()
        };
        let a = analyze_at(&inst.loss, &[0.0; 4]);
        let h = p.hessian_at_min();
        let eig = h.clone().symmetric_eigen();
        let lam = eig.eigenvalues.max();
        assert_rel(a.sharpness, lam, 1e-13, 0.0, "λ");
        let v = nalgebra::DVector::from_column_slice(&a.top_eigvec);
        assert!(
            ((&h * &v) - &v * lam).norm() < 1e-12 * lam,
            "v is the top eigenvector"
        );
        let mut g = nalgebra::DVector::zeros(4);
        let mut l4 = 0.0;
        for (k, [_, ck, dk]) in p.coeffs.iter().enumerate() {
            let wk: nalgebra::DVector<f64> = p.w.column(k).into();
            let t = wk.dot(&v);
            g += &wk * (ck * t * t);
            l4 += dk * t.powi(4);
        }
        let ghg = g.dot(&h.clone().cholesky().unwrap().solve(&g));
        let eta = 2.0 / lam;
        let c1 = eta / 2.0 * ghg - eta / 6.0 * l4;
        assert_vec_rel(a.g.as_ref().unwrap(), g.as_slice(), 1e-13, 0.0, "g");
        assert_rel(a.l4.unwrap(), l4, 1e-13, 1e-12, "L4");
        assert_rel(a.c1.unwrap(), c1, 1e-12, 1e-12, "c1");
        assert_rel(a.c1_map.unwrap(), c1, 1e-12, 1e-12, "c1_map");
        assert_eq!(a.tangent_dim, Some(0));
        assert!(a.drift_norm.unwrap() == 0.0);
    }
}

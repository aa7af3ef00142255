//! A6 (MATH.md §3, §5; theorems/sharpness_on_manifold.md): the exact Hessian of λ restricted
//! to M against closed forms and against finite differences of λ along M (the only place
//! differences are used: a test baseline; points of M by `manifold::refine`).
mod common;
use common::{assert_rel, build};
use eosflip::assumptions::a6::{check_sharpness_minimal, manifold_hessian};
use eosflip::assumptions::Outcome;
use eosflip::flip::{Backend, BackendChoice, FlipPoint};
use eosflip::loss::Loss;
use eosflip::manifold::refine::refine;
use eosflip::spectrum::{dense_hessian, Spectrum};
use eosflip::tolerance::Tolerances;
use nalgebra::DVector;

fn flip_point<L: Loss>(loss: &L, theta: &[f64]) -> FlipPoint {
    let tol = Tolerances::default();
    FlipPoint::build(loss, theta, BackendChoice::Use(Backend::Dense), None, &tol).unwrap()
}

fn lambda<L: Loss>(loss: &L, theta: &[f64]) -> f64 {
    let (h, _) = dense_hessian(loss, theta);
    Spectrum::of_symmetric(h, &Tolerances::default().rank)
        .unwrap()
        .sharpness()
}

/// `(λ(γ(s)) − 2λ(θ*) + λ(γ(−s)))/s²` with `γ(s)` = refine(θ* + s t): a curve of M with
/// γ'(0) = t (refine moves normally), so the quotient → Hess_M λ[t, t] (Π_T ∇λ = 0).
fn fd_along_m<L: Loss>(loss: &L, theta: &[f64], t: &DVector<f64>, s: f64) -> f64 {
    let tol = Tolerances::default();
    let at = |sg: f64| {
        let start: Vec<f64> = theta
            .iter()
            .zip(t.iter())
            .map(|(x, d)| x + sg * d)
            .collect();
        let p = refine(loss, &start, &tol, 200).unwrap().point;
        lambda(loss, &p)
    };
    (at(s) - 2.0 * lambda(loss, theta) + at(-s)) / (s * s)
}

/// Compares every entry Hess_M λ[t_j, t_k] with differences along t_j, t_k and t_j + t_k.
fn check_against_fd<L: Loss>(loss: &L, theta: &[f64], tol: f64) {
    let fp = flip_point(loss, theta);
    let h = manifold_hessian(loss, &fp, &Tolerances::default())
        .unwrap()
        .unwrap();
    let tb = fp.spectral.spectrum.as_ref().unwrap().tangent_basis();
    let m = tb.ncols();
    let s = 1e-3;
    for j in 0..m {
        for k in j..m {
            let t: DVector<f64> = if j == k {
                tb.column(j).into()
            } else {
                (tb.column(j) + tb.column(k)) * std::f64::consts::FRAC_1_SQRT_2
            };
            let mut a = vec![0.0; m];
            a[j] += 1.0;
            a[k] += 1.0;
            let norm = if j == k { 2.0 } else { 2f64.sqrt() };
            let coords: Vec<f64> = a.iter().map(|x| x / norm).collect();
            let exact = h.quadratic(&coords, &coords);
            let fd = fd_along_m(loss, theta, &t, s);
            assert!(
                (fd - exact).abs() <= tol * exact.abs().max(1.0),
                "entry ({j},{k}): exact {exact}, differences {fd}"
            );
        }
    }
}

#[test]
fn parabolic_has_hess_m_lambda_2a_and_a6_follows_its_sign() {
    for (a, want) in [(0.5, Outcome::Holds), (-0.5, Outcome::Fails)] {
        let inst = build("parabolic", &[("a", &a.to_string()), ("q", "-1")]);
        let fp = flip_point(&inst.loss, &[0.0, 0.0]);
        let h = manifold_hessian(&inst.loss, &fp, &Tolerances::default())
            .unwrap()
            .unwrap();
        assert_eq!(h.dim, 1);
        assert_rel(h.eigenvalues[0], 2.0 * a, 1e-12, 0.0, "Hess_M λ = 2a");
        let c = check_sharpness_minimal(&inst.loss, &fp, &Tolerances::default());
        assert_eq!(c.outcome, want, "{}", c.detail);
        check_against_fd(&inst.loss, &[0.0, 0.0], 1e-5);
    }
}

#[test]
fn balanced_products_have_hess_m_lambda_4_l2() {
    // l(xy) at (√z*, √z*): λ = l2·s along M, Hess_M λ = 4·l2 (theorems/sharpness_on_manifold.md).
    for (l, l2) in [("minimalist", 2.0), ("squared", 1.0)] {
        let inst = build("product", &[("l", l)]);
        let fp = flip_point(&inst.loss, &[1.0, 1.0]);
        let h = manifold_hessian(&inst.loss, &fp, &Tolerances::default())
            .unwrap()
            .unwrap();
        assert_rel(h.eigenvalues[0], 4.0 * l2, 1e-12, 0.0, l);
        assert!(h.curvature_part > 1.0, "M is curved: II enters");
        let c = check_sharpness_minimal(&inst.loss, &fp, &Tolerances::default());
        assert_eq!(c.outcome, Outcome::Holds, "{}", c.detail);
        check_against_fd(&inst.loss, &[1.0, 1.0], 1e-5);
    }
}

#[test]
fn depth3_balanced_product_matches_differences_along_a_curved_surface() {
    // (xyz − 1)²/2 at (1, 1, 1): M = {xyz = 1} is 2-dimensional and curved, Π_T g = 0 by symmetry.
    let inst = build("product", &[("depth", "3"), ("l", "squared")]);
    let theta = [1.0, 1.0, 1.0];
    let fp = flip_point(&inst.loss, &theta);
    let c = check_sharpness_minimal(&inst.loss, &fp, &Tolerances::default());
    assert_eq!(c.outcome, Outcome::Holds, "{}", c.detail);
    // x = e^u, y = e^w, z = e^{−u−w}: λ = e^{−2u} + e^{−2w} + e^{2u+2w} has Hessian 4G in (u, w),
    // G the metric of the parametrization, so Hess_M λ = 4·I.
    let h = manifold_hessian(&inst.loss, &fp, &Tolerances::default())
        .unwrap()
        .unwrap();
    for e in &h.eigenvalues {
        assert_rel(*e, 4.0, 1e-12, 0.0, "Hess_M λ (depth 3)");
    }
    check_against_fd(&inst.loss, &theta, 1e-5);
}

#[test]
fn a6_is_not_applicable_where_the_drift_does_not_vanish_or_m_is_zero() {
    let inst = build("product", &[("l", "minimalist")]);
    let fp = flip_point(&inst.loss, &inst.default_point);
    let c = check_sharpness_minimal(&inst.loss, &fp, &Tolerances::default());
    assert_eq!(c.outcome, Outcome::NotApplicable);
    assert!(c.detail.starts_with("not applicable"), "{}", c.detail);
    let inst = build("double_well", &[]);
    let fp = flip_point(&inst.loss, &[1.0]);
    let c = check_sharpness_minimal(&inst.loss, &fp, &Tolerances::default());
    assert_eq!(c.outcome, Outcome::NotApplicable);
}

#[test]
fn exception_fixed_point_above_threshold_stays_and_a_kick_leaves() {
    use eosflip::simulate::exception::{exception_at, ExceptionOptions};
    let inst = build("product", &[("l", "minimalist")]);
    let fp = flip_point(&inst.loss, &[2.0, 0.5]);
    let r = exception_at(&inst.loss, &fp, &ExceptionOptions::default());
    assert_eq!(r.grad_norm, 0.0);
    assert_eq!(r.stay_displacement, 0.0, "{}", r.note);
    assert!(r.sharpness > 2.0 / r.eta);
    // |1 − ηλ| = 1.02 per step: 100× the kick after ln 100 / ln 1.02 ≈ 233 steps.
    let k = r.left_after.expect("the kick grows") as f64;
    assert!((k - 100f64.ln() / 1.02f64.ln()).abs() < 5.0, "{k}");
    let l = r.final_sharpness.expect("converges");
    assert!(l <= 2.0 / r.eta, "{l}");
    assert_eq!(r.outcome, eosflip::simulate::Outcome::Pass);
}

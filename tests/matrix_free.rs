//! Matrix-free flip data (Lanczos + CGLS on Hessian-vector products, MATH.md §3–4) against the
//! dense pipeline on losses with tens of parameters: two formulas, one answer, both ways.
mod common;

use common::{analyze_at, build};
use eosflip::loss::catalog::mlp::{Activation, Mlp};
use eosflip::normal_form::matrix_free::{flip_matrix_free, MatrixFreeOptions};
use eosflip::Loss;

fn compare<L: Loss>(name: &str, loss: &L, point: &[f64]) {
    let dense = analyze_at(loss, point);
    let mf = flip_matrix_free(loss, point, None, &MatrixFreeOptions::default());
    eprintln!(
        "{name}: P = {}, normal_dim {:?}, {} HVPs ({} Lanczos, {} CGLS), converged {}",
        point.len(),
        dense.normal_dim,
        mf.hvps,
        mf.lanczos_iterations,
        mf.cg_iterations,
        mf.converged
    );
    assert!(mf.converged, "{name}: {mf:?}");
    let lam = dense.sharpness;
    assert!((mf.sharpness - lam).abs() <= 1e-12 * lam, "{name}: λ");
    let c1 = dense.c1.unwrap();
    let scale = c1.abs().max(1e-12);
    assert!(
        (mf.c1_gd - c1).abs() <= 1e-9 * scale,
        "{name}: c1_gd {} vs {c1}",
        mf.c1_gd
    );
    assert!(
        (mf.c1_map - c1).abs() <= 1e-9 * scale,
        "{name}: c1_map {} vs {c1}",
        mf.c1_map
    );
    let ghg = dense.g_hplus_g.unwrap();
    assert!(
        (mf.g_hplus_g - ghg).abs() <= 1e-9 * ghg.abs(),
        "{name}: gH+g"
    );
    let g_norm: f64 = mf.g.iter().map(|x| x * x).sum::<f64>().sqrt();
    for (a, b) in mf.drift.iter().zip(dense.drift.as_ref().unwrap()) {
        assert!(
            (a - b).abs() <= 1e-8 * g_norm.max(1.0),
            "{name}: drift {a} vs {b}"
        );
    }
}

#[test]
fn matrix_free_agrees_with_dense() {
    for act in [Activation::Tanh, Activation::Softplus] {
        let mlp = Mlp::seeded(3, 10, 8, act, 4);
        compare(&format!("mlp {act:?}"), &mlp, &mlp.teacher.clone());
    }
    let prod = build("product", &[("depth", "6"), ("l", "logistic")]);
    compare("product depth 6", &prod.loss, &prod.default_point);
    let fac = build("factorization", &[("n", "6"), ("m", "5"), ("r", "2")]);
    compare("factorization 6x5 r=2", &fac.loss, &fac.default_point);
    let poly = build("polynomial", &[("dim", "40"), ("terms", "30")]);
    compare("polynomial P = 40", &poly.loss, &poly.default_point);
}

/// The CGLS solve really is H⁺: a wrong tolerance that stops it after one iteration gives a
/// visibly different gᵀH⁺g on a loss with several normal modes (the test can fail).
#[test]
fn an_unconverged_solve_is_reported_not_hidden() {
    let mlp = Mlp::seeded(3, 10, 8, Activation::Tanh, 4);
    let opts = MatrixFreeOptions {
        cg_max_iter: 1,
        ..MatrixFreeOptions::default()
    };
    let mf = flip_matrix_free(&mlp, &mlp.teacher, None, &opts);
    assert!(!mf.converged && mf.cg_relative_residual > 1e-6);
    let dense = analyze_at(&mlp, &mlp.teacher);
    assert!((mf.g_hplus_g - dense.g_hplus_g.unwrap()).abs() > 1e-6);
}

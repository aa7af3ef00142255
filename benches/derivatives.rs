//! Cost of each dual-number pass in gradient-evaluation equivalents (MATH.md §2).
//!
//! Run: `cargo bench --bench derivatives`. Divide each time by the `gradient_f64` time of the
//! same loss to get the cost in gradient evaluations; bench/README.md records measured ratios.
//! The central finite-difference HVP (two f64 gradients) is the documented baseline.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use eosflip::derivatives::{gradient, hvp, line_jet, mixed_fourth, mixed_third, third_along};
use eosflip::loss::catalog::{self, CatalogLoss};
use eosflip::normal_form::FlipCoefficients;
use eosflip::spectrum::{dense_hessian, Spectrum};
use eosflip::tolerance::Tolerances;
use std::collections::BTreeMap;
use std::hint::black_box;

fn polynomial(dim: usize) -> CatalogLoss {
    let params: BTreeMap<String, String> = [
        ("dim", dim.to_string()),
        ("terms", dim.to_string()),
        ("seed", "1".into()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    catalog::build("polynomial", &params).unwrap().loss
}

fn passes(c: &mut Criterion) {
    let mut group = c.benchmark_group("passes");
    for dim in [20usize, 100] {
        let loss = polynomial(dim);
        let th: Vec<f64> = (0..dim).map(|i| 0.01 * (i as f64).sin()).collect();
        let w: Vec<f64> = (0..dim).map(|i| (i as f64).cos()).collect();
        group.bench_with_input(BenchmarkId::new("gradient_f64", dim), &dim, |b, _| {
            b.iter(|| gradient(&loss, black_box(&th)))
        });
        group.bench_with_input(BenchmarkId::new("hvp_dual64", dim), &dim, |b, _| {
            b.iter(|| hvp(&loss, black_box(&th), &w))
        });
        group.bench_with_input(
            BenchmarkId::new("hvp_central_fd_baseline", dim),
            &dim,
            |b, _| {
                b.iter(|| {
                    let h = 1e-6;
                    let p: Vec<f64> = th.iter().zip(&w).map(|(a, d)| a + h * d).collect();
                    let m: Vec<f64> = th.iter().zip(&w).map(|(a, d)| a - h * d).collect();
                    (gradient(&loss, &p) - gradient(&loss, &m)) / (2.0 * h)
                })
            },
        );
        group.bench_with_input(BenchmarkId::new("g_dual2", dim), &dim, |b, _| {
            b.iter(|| third_along(&loss, black_box(&th), &w))
        });
        group.bench_with_input(BenchmarkId::new("line_jet_dual3", dim), &dim, |b, _| {
            b.iter(|| line_jet(&loss, black_box(&th), &w))
        });
        group.bench_with_input(
            BenchmarkId::new("mixed_third_hyperdual", dim),
            &dim,
            |b, _| b.iter(|| mixed_third(&loss, black_box(&th), &w, &w)),
        );
        group.bench_with_input(
            BenchmarkId::new("mixed_fourth_hyperhyperdual", dim),
            &dim,
            |b, _| b.iter(|| mixed_fourth(&loss, black_box(&th), &w, &w, &w)),
        );
    }
    group.finish();
}

fn pipeline(c: &mut Criterion) {
    let mut group = c.benchmark_group("pipeline");
    group.sample_size(20);
    let dim = 100;
    let loss = polynomial(dim);
    let th = vec![0.0; dim];
    let tol = Tolerances::default();
    group.bench_function("dense_spectrum_100", |b| {
        b.iter(|| {
            Spectrum::of_symmetric(dense_hessian(&loss, black_box(&th)).0, &tol.rank).unwrap()
        })
    });
    let spec = Spectrum::of_symmetric(dense_hessian(&loss, &th).0, &tol.rank).unwrap();
    group.bench_function("flip_coefficients_100", |b| {
        b.iter(|| FlipCoefficients::compute(&loss, black_box(&th), &spec, 2.0 / spec.sharpness()))
    });
    group.finish();
}

/// The flip data of a two-layer perceptron at its teacher, dense (spectrum + coefficients) vs
/// matrix-free (Lanczos + CGLS on HVPs), against one f64 gradient of the same loss.
fn matrix_free(c: &mut Criterion) {
    use eosflip::loss::catalog::mlp::{Activation, Mlp};
    use eosflip::normal_form::matrix_free::{flip_matrix_free, MatrixFreeOptions};
    let mut group = c.benchmark_group("matrix_free");
    group.sample_size(10);
    let tol = Tolerances::default();
    for (d, h, n) in [(5usize, 30usize, 20usize), (8, 60, 40)] {
        let mlp = Mlp::seeded(d, h, n, Activation::Tanh, 1);
        let th = mlp.teacher.clone();
        let p = th.len();
        group.bench_with_input(BenchmarkId::new("mlp_gradient_f64", p), &p, |b, _| {
            b.iter(|| gradient(&mlp, black_box(&th)))
        });
        group.bench_with_input(BenchmarkId::new("mlp_dense_flip", p), &p, |b, _| {
            b.iter(|| {
                let spec = Spectrum::of_symmetric(dense_hessian(&mlp, &th).0, &tol.rank).unwrap();
                FlipCoefficients::compute(&mlp, black_box(&th), &spec, 2.0 / spec.sharpness())
            })
        });
        let opts = MatrixFreeOptions::default();
        group.bench_with_input(BenchmarkId::new("mlp_matrix_free_flip", p), &p, |b, _| {
            b.iter(|| flip_matrix_free(&mlp, black_box(&th), None, &opts))
        });
    }
    group.finish();
}

criterion_group!(benches, passes, pipeline, matrix_free);
criterion_main!(benches);

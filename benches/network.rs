//! Networks at scale (issue 8): one f64 gradient, each dual-number pass, and the whole
//! Gauss–Newton and matrix-free flip points of a two-hidden-layer tanh network
//! (10 → h → h → 1, n = 64, at its teacher: an interpolating minimizer). Ratios to the
//! gradient are the gradient-equivalents of bench/README.md.
//!
//! Run: `cargo bench --no-default-features --bench network -- --warm-up-time 1 --measurement-time 5`
//! (`EOSFLIP_BENCH_WIDTH=310` gives P = 100,131; the default 95 gives P = 10,261).

use criterion::{criterion_group, criterion_main, Criterion};
use eosflip::derivatives::{fourth_along_value, gradient, hvp, line_jet, third_contracted_value};
use eosflip::flip::{Backend, BackendChoice, FlipPoint};
use eosflip::loss::network::{seeded::teacher, Activation, Objective};
use eosflip::tolerance::Tolerances;
use std::hint::black_box;

fn network(c: &mut Criterion) {
    let h: usize = std::env::var("EOSFLIP_BENCH_WIDTH")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(95);
    let (net, theta) = teacher(&[10, h, h, 1], Activation::Tanh, Objective::Mse, 64, 1);
    let p = theta.len();
    let v: Vec<f64> = (0..p)
        .map(|i| ((i as f64) * 0.37).sin() / (p as f64).sqrt())
        .collect();
    let tol = Tolerances::default();
    let mut g = c.benchmark_group(format!("network_P{p}"));
    g.sample_size(10);
    g.bench_function("gradient_f64", |b| {
        b.iter(|| gradient(&net, black_box(&theta)))
    });
    g.bench_function("hvp_dual64", |b| {
        b.iter(|| hvp(&net, black_box(&theta), &v))
    });
    g.bench_function("line_jet_dual3", |b| {
        b.iter(|| line_jet(&net, black_box(&theta), &v))
    });
    g.bench_function("value_dual2_dual64", |b| {
        b.iter(|| third_contracted_value(&net, black_box(&theta), &v, &v))
    });
    g.bench_function("value_dual3_dual64", |b| {
        b.iter(|| fourth_along_value(&net, black_box(&theta), &v))
    });
    g.bench_function("flip_gauss_newton", |b| {
        b.iter(|| {
            FlipPoint::build(
                &net,
                black_box(&theta),
                BackendChoice::Use(Backend::GaussNewton),
                Some(&net),
                &tol,
            )
            .unwrap()
        })
    });
    if p <= 20_000 {
        g.bench_function("flip_matrix_free", |b| {
            b.iter(|| {
                FlipPoint::build(
                    &net,
                    black_box(&theta),
                    BackendChoice::Use(Backend::MatrixFree),
                    None,
                    &tol,
                )
                .unwrap()
            })
        });
    }
    g.finish();
}

criterion_group!(benches, network);
criterion_main!(benches);

//! Speed of the symbolic front end: closed-form c1 of l(x1⋯xD), D = 2..6, and the gradient
//! compilation of a 200-term polynomial. The same derivations in SymPy: bench/sympy_c1.py;
//! ratios in bench/README.md.

use criterion::{criterion_group, criterion_main, Criterion};
use eosflip::symbolic::{closed_forms, compile_loss};
use std::collections::BTreeMap;
use std::hint::black_box;

/// `l(x1*x2*…*xD)`.
fn product_expr(d: usize) -> String {
    let vars: Vec<String> = (1..=d).map(|i| format!("x{i}")).collect();
    format!("l({})", vars.join("*"))
}

/// A deterministic 200-term polynomial in x1..x5 (shared with bench/sympy_c1.py).
pub fn poly200() -> String {
    let mut terms = Vec::with_capacity(200);
    let mut state: u64 = 12345;
    let mut next = |m: u64| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) % m
    };
    for _ in 0..200 {
        let num = next(19) as i64 - 9;
        let den = next(5) + 1;
        let exps: Vec<String> = (1..=5).map(|i| format!("x{i}^{}", next(5))).collect();
        terms.push(format!("({num}/{den})*{}", exps.join("*")));
    }
    terms.join(" + ")
}

fn bench(c: &mut Criterion) {
    eprintln!("{}", eosflip::symbolic::RESTRICTED_MODE_NOTICE);
    let none = BTreeMap::new();
    let mut group = c.benchmark_group("c1_closed_form");
    for d in 2..=6 {
        let expr = product_expr(d);
        group.bench_function(format!("l(x1..x{d})"), |b| {
            b.iter(|| closed_forms(black_box(&expr), None, &none, None).unwrap())
        });
    }
    group.finish();
    let poly = poly200();
    c.bench_function("gradient_compile_poly200", |b| {
        b.iter(|| compile_loss(black_box(&poly), None, &none).unwrap())
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = bench
}
criterion_main!(benches);

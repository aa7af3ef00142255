//! Restricted mode allows one symbolica thread per user: requests from many threads at once
//! must all be served by the one worker thread (a second symbolica thread would abort).
#![cfg(feature = "symbolic")]

use eosflip::symbolic::{closed_forms, compile_loss, simplify};
use eosflip::Loss;
use std::collections::BTreeMap;

#[test]
fn eight_threads_at_once() {
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(8));
    let handles: Vec<_> = (0..8)
        .map(|i| {
            let barrier = barrier.clone();
            std::thread::spawn(move || {
                barrier.wait();
                let k = i as f64 + 1.0;
                let params: BTreeMap<String, String> =
                    [("k".to_string(), format!("{}", i + 1))].into();
                // L = k x^3 y + exp(x): ∂L/∂x = 3k x² y + eˣ at (1, 2) = 6k + e.
                let loss = compile_loss("k*x^3*y + exp(x)", None, &params).unwrap();
                let g: Vec<f64> = loss.gradient(&[1.0, 2.0]);
                assert!(
                    (g[0] - (6.0 * k + std::f64::consts::E)).abs() < 1e-12,
                    "{g:?}"
                );
                assert!((g[1] - k).abs() < 1e-14, "{g:?}");
                let s = simplify(&format!("(x+{})^2 - x^2", i + 1)).unwrap();
                // (x + k)² − x² = k² + 2kx: no x² left, and the value at x = 3 is k² + 6k.
                assert!(!s.contains("x^2"), "{s}");
                let at3 = eosflip::loss::expr::eval_text(&s, &[("x", 3.0)]).unwrap();
                assert!((at3 - (k * k + 6.0 * k)).abs() < 1e-12, "{s}");
                if i % 4 == 0 {
                    let cf = closed_forms("l(x*y)", None, &BTreeMap::new(), None).unwrap();
                    assert_eq!(cf.kind, eosflip::symbolic::ClosedFormKind::RankOne);
                }
            })
        })
        .collect();
    for h in handles {
        h.join().expect("a requesting thread failed");
    }
}

//! Validation 2 (issue 4, MATH.md §4): two GD steps from θ* + p·v move along M by −η p² Π_T g.
//! Closed form for the squared product (xy − 1)²/2 at (x, y) ∈ M: λ = s = x² + y²,
//! Π_T g = 2(x² − y²)/s · (x, −y).
mod common;
use common::{build, Tilted};
use eosflip::simulate::drift::{tangent_drift, DriftCheck, DriftOptions};
use eosflip::simulate::Outcome;

fn print(name: &str, d: &DriftCheck) {
    eprintln!(
        "{name}: order {:?}, outcome {:?}",
        d.order.map(|f| f.order),
        d.outcome
    );
    for p in &d.points {
        eprintln!(
            "  p = {:.4e}: cos = {:.12}, ratio = {:.6}, rel_err = {:.3e}",
            p.p, p.cosine, p.magnitude_ratio, p.rel_error
        );
    }
}

#[test]
fn squared_product_drift_matches_closed_form() {
    let inst = build("product", &[]);
    for x in [2.0f64, 1.5] {
        let y = 1.0 / x;
        let d = tangent_drift(&inst.loss, &[x, y], &DriftOptions::default()).unwrap();
        print(&format!("product squared ({x}, {y:.4})"), &d);
        let s = x * x + y * y;
        let k = 2.0 * (x * x - y * y) / s;
        let eta = d.eta.expect("a defined flip");
        let want = [-eta * k * x, eta * k * y];
        assert!((eta - 2.0 / s).abs() < 1e-12);
        for (a, b) in d.predicted.iter().zip(want) {
            assert!((a - b).abs() < 1e-10, "{:?} vs {want:?}", d.predicted);
        }
        assert_eq!(d.outcome, Outcome::Pass);
        let f = d.order.unwrap();
        assert!((f.order - 1.0).abs() < 0.15, "order {}", f.order);
        let last = d.points.last().unwrap();
        assert!(last.cosine > 1.0 - 1e-9 && (last.magnitude_ratio - 1.0).abs() < 2e-3);
    }
}

#[test]
fn tilted_loss_drift() {
    let t = Tilted {
        kappa: 0.3,
        q: -1.0,
    };
    let d = tangent_drift(&t, &[0.0, 0.0], &DriftOptions::default()).unwrap();
    print("tilted kappa=0.3", &d);
    assert_eq!(d.outcome, Outcome::Pass);
    assert!((d.predicted[1] + 2.0 * 0.3).abs() < 1e-12 && d.predicted[0].abs() < 1e-15);
}

#[test]
fn balanced_point_has_no_drift() {
    let inst = build("product", &[]);
    let d = tangent_drift(&inst.loss, &[1.0, 1.0], &DriftOptions::default()).unwrap();
    assert_eq!(d.outcome, Outcome::Inconclusive);
    assert!(d.points.is_empty());
}

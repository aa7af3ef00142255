//! Validations at points where the flip is undefined (A3 fails: repeated top eigenvalue; or no
//! positive eigenvalue) are `inconclusive` results with the reason, not errors; a point off M
//! is an error (refine it first).
use eosflip::loss::{Loss, Scalar};
use eosflip::simulate::amplitude::{amplitude_sweep, AmplitudeOptions};
use eosflip::simulate::drift::{tangent_drift, DriftOptions};
use eosflip::simulate::gd::NoObserver;
use eosflip::simulate::threshold::{threshold_convergence, ThresholdOptions};
use eosflip::simulate::Outcome;

/// `|θ|²/2 + (x⁴ + y⁴)/24`: H = I at 0, a repeated top eigenvalue (A3 fails).
struct Isotropic;
impl Loss for Isotropic {
    fn dim(&self) -> usize {
        2
    }
    fn value<D: Scalar>(&self, t: &[D]) -> D {
        (t[0] * t[0] + t[1] * t[1]) * 0.5 + (t[0].powi(4) + t[1].powi(4)) * (1.0 / 24.0)
    }
    fn gradient<D: Scalar>(&self, t: &[D]) -> Vec<D> {
        t.iter().map(|&x| x + x.powi(3) * (1.0 / 6.0)).collect()
    }
}

/// `x⁴/4`: H = 0 at the minimizer, no positive eigenvalue.
struct Flat;
impl Loss for Flat {
    fn dim(&self) -> usize {
        1
    }
    fn value<D: Scalar>(&self, t: &[D]) -> D {
        t[0].powi(4) * 0.25
    }
    fn gradient<D: Scalar>(&self, t: &[D]) -> Vec<D> {
        vec![t[0].powi(3)]
    }
}

#[test]
fn repeated_top_eigenvalue_is_inconclusive() {
    let a = amplitude_sweep(
        &Isotropic,
        &[0.0, 0.0],
        &AmplitudeOptions::default(),
        &mut NoObserver,
    )
    .unwrap();
    assert_eq!(a.outcome, Outcome::Inconclusive);
    assert!(a.note.contains("A3"), "{}", a.note);
    let d = tangent_drift(&Isotropic, &[0.0, 0.0], &DriftOptions::default()).unwrap();
    assert_eq!(d.outcome, Outcome::Inconclusive);
    let r = threshold_convergence(
        &Isotropic,
        &[0.0, 0.0],
        &ThresholdOptions::default(),
        &mut NoObserver,
    )
    .unwrap();
    assert_eq!(r.outcome, Outcome::Inconclusive);
    assert!((r.threshold_sharpness - 1.0).abs() < 1e-12);
    serde_json::from_str::<eosflip::simulate::threshold::ThresholdRun>(
        &serde_json::to_string(&r).unwrap(),
    )
    .unwrap();
}

#[test]
fn no_positive_eigenvalue_is_inconclusive_and_off_manifold_is_an_error() {
    let a = amplitude_sweep(&Flat, &[0.0], &AmplitudeOptions::default(), &mut NoObserver).unwrap();
    assert_eq!(a.outcome, Outcome::Inconclusive);
    let r = threshold_convergence(&Flat, &[0.0], &ThresholdOptions::default(), &mut NoObserver)
        .unwrap();
    assert_eq!(r.outcome, Outcome::Inconclusive);
    assert_eq!(
        (r.eta, r.c1, r.eps_rel),
        (None, None, None),
        "undefined, not 0"
    );
    serde_json::from_str::<eosflip::simulate::threshold::ThresholdRun>(
        &serde_json::to_string(&r).unwrap(),
    )
    .unwrap();
    assert!(tangent_drift(&Flat, &[0.5], &DriftOptions::default()).is_err());
}

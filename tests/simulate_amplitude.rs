//! Validation 1 and 4 (issue 4): 2-cycle amplitude √(β/c1) where Π_T g = 0, escape and
//! unstable cycles for c1 < 0, Floquet certificates. Closed forms: double_well c1 = 8 (λ = 2);
//! quartic1d(k3 = 0, k4 = 1) c1 = −1/3 (λ = 1); product l = minimalist at the balanced point
//! (1, 1): λ = 4, c1 = 32, dim T = 1, Π_T g = 0.
mod common;
use common::build;
use eosflip::simulate::amplitude::{
    amplitude_sweep, AmplitudeKind, AmplitudeOptions, AmplitudeSweep,
};
use eosflip::simulate::cycle::Stability;
use eosflip::simulate::gd::NoObserver;
use eosflip::simulate::Outcome;

fn print(name: &str, s: &AmplitudeSweep) {
    eprintln!(
        "{name}: c1 = {:?}, order = {:?}, outcome {:?}",
        s.c1,
        s.order.map(|f| f.order),
        s.outcome
    );
    for p in &s.points {
        eprintln!(
            "  {:?} beta = {:+.4e}: amp {:?} pred {:.6e} rel_err {:?} moduli {:?}",
            p.kind,
            p.beta,
            p.measured,
            p.predicted,
            p.rel_error,
            p.floquet.as_ref().map(|f| f.moduli.clone())
        );
    }
}

fn assert_order_one(s: &AmplitudeSweep) {
    let f = s.order.expect("an order fit");
    assert!((f.order - 1.0).abs() < 0.1, "order {}", f.order);
    let errs: Vec<f64> = s.points.iter().filter_map(|p| p.rel_error).collect();
    assert!(
        errs.windows(2).all(|w| w[1] < w[0]),
        "errors shrink: {errs:?}"
    );
}

#[test]
fn double_well_stable_cycles_of_amplitude_sqrt_beta_over_8() {
    let inst = build("double_well", &[]);
    let mut calls = 0usize;
    let mut obs = |_: usize, _: usize| calls += 1;
    let s = amplitude_sweep(&inst.loss, &[1.0], &AmplitudeOptions::default(), &mut obs).unwrap();
    print("double_well", &s);
    assert!(calls >= 8);
    assert!((s.c1.unwrap() - 8.0).abs() < 1e-12);
    assert_eq!(s.outcome, Outcome::Pass);
    assert_order_one(&s);
    for p in &s.points {
        assert_eq!(p.kind, AmplitudeKind::StableCycle);
        let f = p.floquet.as_ref().unwrap();
        assert_eq!(f.stability, Stability::Stable);
        // Two-step multiplier of the normal form: 1 − 4β + O(β²).
        assert!((f.moduli[0] - (1.0 - 4.0 * p.beta)).abs() < 2.0 * p.beta * p.beta);
    }
    assert!(s.points.last().unwrap().rel_error.unwrap() < 2e-4);
}

#[test]
fn subcritical_quartic_escapes_and_has_unstable_cycles() {
    let inst = build("quartic1d", &[("k3", "0"), ("k4", "1")]);
    let s = amplitude_sweep(
        &inst.loss,
        &[0.0],
        &AmplitudeOptions::default(),
        &mut NoObserver,
    )
    .unwrap();
    print("quartic1d k3=0 k4=1", &s);
    assert!((s.c1.unwrap() + 1.0 / 3.0).abs() < 1e-12);
    assert_eq!(s.outcome, Outcome::Pass);
    assert_order_one(&s);
    let escapes = s.points.iter().filter(|p| p.kind == AmplitudeKind::Escape);
    assert_eq!(escapes.filter(|p| p.outcome == Outcome::Pass).count(), 8);
    for p in s
        .points
        .iter()
        .filter(|p| p.kind == AmplitudeKind::UnstableCycle)
    {
        assert!(p.beta < 0.0);
        let f = p.floquet.as_ref().unwrap();
        assert_eq!(f.stability, Stability::Unstable);
        assert!((f.moduli[0] - (1.0 + 4.0 * p.beta.abs())).abs() < 5.0 * p.beta * p.beta);
    }
}

#[test]
fn minimalist_product_at_balanced_point_has_stable_cycle() {
    let inst = build("product", &[("l", "minimalist")]);
    let s = amplitude_sweep(
        &inst.loss,
        &[1.0, 1.0],
        &AmplitudeOptions::default(),
        &mut NoObserver,
    )
    .unwrap();
    print("product minimalist (1,1)", &s);
    assert!((s.c1.unwrap() - 32.0).abs() < 1e-9);
    assert_eq!(s.tangent_dim, 1);
    assert_eq!(s.outcome, Outcome::Pass);
    assert_order_one(&s);
    for p in &s.points {
        let f = p.floquet.as_ref().unwrap();
        assert_eq!(f.moduli.len(), 2);
        assert!(f.moduli[0] < 1.0 && f.neutral_count == 0);
    }
}

#[test]
fn drift_makes_the_amplitude_sweep_inconclusive() {
    let inst = build("product", &[]);
    let s = amplitude_sweep(
        &inst.loss,
        &inst.default_point,
        &AmplitudeOptions::default(),
        &mut NoObserver,
    )
    .unwrap();
    assert_eq!(s.outcome, Outcome::Inconclusive);
    assert!(s.points.is_empty() && s.drift_norm.unwrap() > 0.1 && s.note.contains("Π_T g"));
}

#[test]
fn not_a_critical_point_is_an_error_and_results_roundtrip_json() {
    let inst = build("double_well", &[]);
    assert!(amplitude_sweep(
        &inst.loss,
        &[1.1],
        &AmplitudeOptions::default(),
        &mut NoObserver
    )
    .is_err());
    let opts = AmplitudeOptions {
        betas: vec![0.02, 0.01],
        ..AmplitudeOptions::default()
    };
    let s = amplitude_sweep(&inst.loss, &[1.0], &opts, &mut NoObserver).unwrap();
    let json = serde_json::to_string(&s).unwrap();
    assert!(json.contains("\"outcome\":\"pass\"") && json.contains("\"stable_cycle\""));
    let back: AmplitudeSweep = serde_json::from_str(&json).unwrap();
    // serde_json parses floats to within an ulp (no `float_roundtrip` feature): compare loosely.
    assert_eq!(back.points.len(), s.points.len());
    assert_eq!(back.outcome, s.outcome);
    let (b, c) = (back.c1.unwrap(), s.c1.unwrap());
    assert!((b - c).abs() <= 1e-15 * c.abs());
    assert_eq!(
        back.points[1].floquet.as_ref().unwrap().stability,
        Stability::Stable
    );
}

#[test]
fn rotation_family_gives_one_neutral_multiplier() {
    use common::Ring;
    use eosflip::simulate::cycle::{floquet, FloquetOptions};
    let theta = [0.6, 0.8];
    let s = amplitude_sweep(&Ring, &theta, &AmplitudeOptions::default(), &mut NoObserver).unwrap();
    print("ring (0.6, 0.8)", &s);
    assert!((s.c1.unwrap() - 8.0).abs() < 1e-9 && s.tangent_dim == 1);
    assert_eq!(s.outcome, Outcome::Pass);
    assert_order_one(&s);
    for p in &s.points {
        let f = p.floquet.as_ref().unwrap();
        assert_eq!(f.neutral_count, 1, "{:?}", f.moduli);
        assert_eq!(f.stability, Stability::Stable);
    }
    // Without the symmetry allowance the exact multiplier 1 cannot be decided.
    let p = &s.points[0];
    let c = eosflip::simulate::cycle::refine_two_cycle(
        &Ring,
        &[
            0.6 * (1.0 + p.measured.unwrap()),
            0.8 * (1.0 + p.measured.unwrap()),
        ],
        p.eta,
        &Default::default(),
    );
    assert!(c.converged);
    let strict = floquet(
        &Ring,
        &c.point_a,
        p.eta,
        &FloquetOptions {
            unit_tol: 1e-9,
            tangent_dim: 0,
        },
    );
    assert_eq!(strict.stability, Stability::Inconclusive);
}

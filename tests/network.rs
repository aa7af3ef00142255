//! Networks from model files (issue 8): the batched dual-number backpropagation against its
//! own value and against PyTorch, the model file, fitting, and the three flip backends
//! (Gauss–Newton and matrix-free against dense, MATH.md §3: two formulas and three spectra,
//! one answer).
mod common;

use common::assert_rel;
use eosflip::analyze::{analyze_point, AnalyzeOptions};
use eosflip::assumptions::check_all;
use eosflip::flip::{Backend, BackendChoice};
use eosflip::loss::network::{
    describe, fit::fit, model_file, seeded::teacher, Activation, Network, Objective,
};
use eosflip::report::Analysis;
use eosflip::Loss;
use proptest::prelude::*;
use std::path::Path;

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

#[test]
fn outputs_loss_and_gradient_match_pytorch() {
    let m = model_file::load(&fixture("torch_seq_2_8_1.json")).unwrap();
    let want: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(fixture("torch_seq_2_8_1.outputs.json")).unwrap(),
    )
    .unwrap();
    let f = m.network.outputs(&m.theta);
    for (a, b) in f.iter().zip(want["outputs"].as_array().unwrap()) {
        assert_rel(*a, b.as_f64().unwrap(), 1e-14, 1e-300, "output");
    }
    assert_rel(
        m.network.value(&m.theta),
        want["loss"].as_f64().unwrap(),
        1e-14,
        1e-300,
        "loss",
    );
    let g = m.network.gradient(&m.theta);
    let gw = want["gradient"].as_array().unwrap();
    assert_eq!(g.len(), gw.len());
    let gmax = g.iter().fold(0.0f64, |a, b| a.max(b.abs()));
    for (a, b) in g.iter().zip(gw) {
        assert!(
            (a - b.as_f64().unwrap()).abs() <= 1e-14 * gmax,
            "{a} vs {b}"
        );
    }
}

#[test]
fn safetensors_state_dict_gives_the_same_parameters() {
    let dir = tempdir();
    let json = std::fs::read_to_string(fixture("torch_seq_2_8_1.json")).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let theta = v.as_object_mut().unwrap().remove("theta").unwrap();
    v["theta_safetensors"] = fixture("torch_seq_2_8_1.safetensors")
        .display()
        .to_string()
        .into();
    let p = dir.join("st.json");
    std::fs::write(&p, v.to_string()).unwrap();
    let m = model_file::load(&p).unwrap();
    let want: Vec<f64> = theta
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect();
    assert_eq!(
        m.theta, want,
        "bit-identical parameters from safetensors and from JSON"
    );
}

fn tempdir() -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!(
        "eosflip-net-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn gradient_matches_value(net: &Network, theta: &[f64]) {
    common::assert_gradient_is_value_derivative("network", net, theta);
}

#[test]
fn gradient_is_the_derivative_of_the_value_for_every_activation_and_loss() {
    let acts = [
        Activation::Tanh,
        Activation::Softplus,
        Activation::Sigmoid,
        Activation::GeluTanh,
        Activation::Identity,
    ];
    for (i, act) in acts.into_iter().enumerate() {
        for obj in [Objective::Mse, Objective::CrossEntropy] {
            let k = if obj == Objective::Mse { 2 } else { 3 };
            let (mut net, theta) = teacher(&[3, 4, 3, k], act, obj, 5, 11 + i as u64);
            net.weight_decay = 0.05;
            let off: Vec<f64> = theta
                .iter()
                .enumerate()
                .map(|(j, t)| t + 0.1 * ((j as f64) * 1.3).sin())
                .collect();
            gradient_matches_value(&net, &off);
        }
    }
}

fn analysis(
    net: &Network,
    theta: &[f64],
    backend: Backend,
) -> (Analysis, eosflip::flip::FlipPoint) {
    let opts = AnalyzeOptions {
        backend: BackendChoice::Use(backend),
        ..AnalyzeOptions::default()
    };
    analyze_point(net, describe(net, "test"), theta, &opts, Some(net)).unwrap()
}

/// Gauss–Newton and matrix-free against dense: λ, gᵀH⁺g, c1 (both formulas), the drift, the
/// split and the verdicts.
fn backends_agree(net: &Network, theta: &[f64], what: &str) {
    let (d, dfp) = analysis(net, theta, Backend::Dense);
    let (g, gfp) = analysis(net, theta, Backend::GaussNewton);
    let (m, _) = analysis(net, theta, Backend::MatrixFree);
    assert_eq!(
        (d.backend, g.backend, m.backend),
        (Backend::Dense, Backend::GaussNewton, Backend::MatrixFree)
    );
    assert_eq!(d.normal_dim, g.normal_dim, "{what}: rank");
    let c1 = d.c1.unwrap();
    for (other, tol) in [(&g, 1e-10), (&m, 1e-9)] {
        let name = format!("{what} ({})", other.backend.name());
        assert_rel(
            other.sharpness,
            d.sharpness,
            1e-12,
            0.0,
            &format!("{name}: λ"),
        );
        assert_rel(
            other.g_hplus_g.unwrap(),
            d.g_hplus_g.unwrap(),
            tol,
            1e-12,
            &format!("{name}: gᵀH⁺g"),
        );
        assert_rel(
            other.c1_gd.unwrap(),
            c1,
            tol,
            1e-12,
            &format!("{name}: c1_gd"),
        );
        assert_rel(
            other.c1_map.unwrap(),
            c1,
            tol,
            1e-12,
            &format!("{name}: c1_map"),
        );
        assert_rel(
            other.drift_norm.unwrap(),
            d.drift_norm.unwrap(),
            tol * 10.0,
            1e-12,
            &format!("{name}: |Π_T g|"),
        );
        let dd = d.drift.as_ref().unwrap();
        let od = other.drift.as_ref().unwrap();
        let err = dd
            .iter()
            .zip(od)
            .map(|(a, b)| (a - b).powi(2))
            .sum::<f64>()
            .sqrt();
        assert!(
            err <= tol * 10.0 * d.drift_norm.unwrap().max(1e-12),
            "{name}: drift vector {err:.3e}"
        );
    }
    let tol = eosflip::tolerance::Tolerances::default();
    let cd = check_all(net, &d, &dfp, Some("network"), &tol);
    let cg = check_all(net, &g, &gfp, Some("network"), &tol);
    for (a, b) in cd.iter().zip(&cg) {
        assert_eq!(
            a.outcome, b.outcome,
            "{what}: {} dense {} vs Gauss–Newton {}",
            a.id, a.detail, b.detail
        );
    }
}

#[test]
fn gauss_newton_and_matrix_free_agree_with_dense_on_small_networks() {
    let cases: Vec<(&str, Vec<usize>, Activation, Objective, usize)> = vec![
        (
            "tanh mse k=1",
            vec![3, 6, 1],
            Activation::Tanh,
            Objective::Mse,
            5,
        ),
        (
            "two hidden layers",
            vec![2, 5, 4, 1],
            Activation::Tanh,
            Objective::Mse,
            6,
        ),
        (
            "softplus k=2",
            vec![3, 5, 2],
            Activation::Softplus,
            Objective::Mse,
            4,
        ),
        (
            "gelu deep",
            vec![2, 4, 4, 4, 1],
            Activation::GeluTanh,
            Objective::Mse,
            5,
        ),
        (
            "cross-entropy k=3",
            vec![2, 6, 3],
            Activation::Tanh,
            Objective::CrossEntropy,
            4,
        ),
    ];
    for (i, (what, w, act, obj, n)) in cases.into_iter().enumerate() {
        let (net, theta) = teacher(&w, act, obj, n, 100 + i as u64);
        assert!(net.dim() <= 300);
        backends_agree(&net, &theta, what);
    }
}

#[test]
fn auto_picks_gauss_newton_at_interpolation_and_not_with_weight_decay() {
    let (mut net, theta) = teacher(&[2, 5, 1], Activation::Tanh, Objective::Mse, 4, 7);
    let opts = AnalyzeOptions::default();
    let (a, _) = analyze_point(&net, describe(&net, "t"), &theta, &opts, Some(&net)).unwrap();
    assert_eq!(a.backend, Backend::GaussNewton);
    assert_eq!(a.normal_dim, Some(4));
    net.weight_decay = 1e-3;
    let gn = AnalyzeOptions {
        backend: BackendChoice::Use(Backend::GaussNewton),
        ..opts
    };
    let e = analyze_point(&net, describe(&net, "t"), &theta, &gn, Some(&net)).unwrap_err();
    assert!(e.to_string().contains("weight decay"), "{e}");
}

#[test]
fn fit_reaches_interpolation_from_a_perturbed_start_and_reports_failure() {
    let (net, theta) = teacher(&[3, 8, 1], Activation::Tanh, Objective::Mse, 6, 3);
    let start: Vec<f64> = theta
        .iter()
        .enumerate()
        .map(|(j, t)| t + 0.3 * ((j as f64) * 0.7).cos())
        .collect();
    let r = fit(&net, &start, 100);
    assert!(r.interpolates, "{r:?}");
    assert!(r.loss < 1e-24 && r.grad_norm < 1e-10, "{r:?}");
    let (ce, th) = teacher(&[2, 6, 3], Activation::Tanh, Objective::CrossEntropy, 4, 5);
    let r = fit(&ce, &th.iter().map(|t| t * 0.5).collect::<Vec<_>>(), 100);
    assert!(r.interpolates, "cross-entropy: {r:?}");
    // One hidden unit, identity: a linear model cannot fit 6 generic targets of 3 inputs.
    let (mut lin, _) = teacher(&[3, 1, 1], Activation::Identity, Objective::Mse, 6, 9);
    lin.y
        .iter_mut()
        .enumerate()
        .for_each(|(i, y)| *y += (i as f64).sin());
    let r = fit(&lin, &vec![0.1; lin.dim()], 100);
    assert!(!r.interpolates && r.residual > 1e-3, "{r:?}");
}

#[test]
fn model_file_round_trip_is_exact_and_bad_files_name_the_field() {
    let (net, theta) = teacher(
        &[2, 3, 2],
        Activation::Sigmoid,
        Objective::CrossEntropy,
        3,
        4,
    );
    let text = model_file::to_json(&net, &theta).to_string();
    let back = model_file::parse(&text, "rt", Path::new(".")).unwrap();
    assert_eq!(back.network, net);
    assert_eq!(back.theta, theta);
    let good: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("torch_seq_2_8_1.json")).unwrap())
            .unwrap();
    let with = |f: &dyn Fn(&mut serde_json::Map<String, serde_json::Value>)| {
        let mut v = good.clone();
        f(v.as_object_mut().unwrap());
        v.to_string()
    };
    let cases = [
        (
            with(&|o| {
                o.insert("widths".into(), serde_json::json!([2, 9, 1]));
            }),
            "P = 37",
        ),
        (
            with(&|o| {
                o.insert("activation".into(), "relu".into());
            }),
            "activation",
        ),
        (
            with(&|o| {
                o.insert("format".into(), "x".into());
            }),
            "format",
        ),
        (
            with(&|o| {
                o.insert("loss".into(), 3.into());
            }),
            "loss",
        ),
        (
            with(&|o| {
                o["x"][0] = serde_json::json!([0.1]);
            }),
            "row 0 of 'x' has 1 numbers, expected 2",
        ),
        (
            with(&|o| {
                o["x"][0][1] = "NaN".into();
            }),
            "x[0][1]",
        ),
        (
            with(&|o| {
                o.insert("weight_decay".into(), (-1.0).into());
            }),
            "weight_decay",
        ),
        (
            with(&|o| {
                let y = o.remove("y").unwrap();
                o.insert("why".into(), y);
            }),
            "unknown field 'why'",
        ),
        (
            with(&|o| {
                o.remove("theta");
            }),
            "'theta' is missing",
        ),
    ];
    for (text, needle) in cases {
        let e = model_file::parse(&text, "m.json", Path::new("."))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains(needle) && e.contains("m.json"),
            "expected '{needle}' in: {e}"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]
    /// Permuting the hidden units of the first layer (rows of W1, b1 and columns of W2) is a
    /// symmetry of the loss: λ and c1 are unchanged (MATH.md §3: orthogonal invariance).
    #[test]
    fn c1_is_invariant_under_permutations_of_hidden_units(seed in 0u64..1000, shift in 1usize..5) {
        let (net, theta) = teacher(&[2, 5, 1], Activation::Tanh, Objective::Mse, 4, seed);
        let h = 5;
        let perm: Vec<usize> = (0..h).map(|j| (j + shift) % h).collect();
        let mut t = theta.clone();
        let (w1, b1, w2) = (0, 10, 15);
        for (new, &old) in perm.iter().enumerate() {
            for c in 0..2 { t[w1 + new * 2 + c] = theta[w1 + old * 2 + c]; }
            t[b1 + new] = theta[b1 + old];
            t[w2 + new] = theta[w2 + old];
        }
        let (a, _) = analysis(&net, &theta, Backend::GaussNewton);
        let (b, _) = analysis(&net, &t, Backend::GaussNewton);
        prop_assert!((a.sharpness - b.sharpness).abs() <= 1e-12 * a.sharpness);
        let (c1a, c1b) = (a.c1.unwrap(), b.c1.unwrap());
        prop_assert!((c1a - c1b).abs() <= 1e-10 * c1a.abs().max(1e-12), "{} vs {}", c1a, c1b);
    }
}

/// `eosflip analyze --model` on the PyTorch fixture fitted by `eosflip fit` (Gauss–Newton by
/// auto): the snapshotted values are rounded to 9 digits; the dense backend, an independent
/// computation, must give the same numbers (checked here on every run).
#[test]
fn analyze_model_snapshot_of_a_fitted_network() {
    let path = fixture("torch_seq_2_8_1.fitted.json");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_eosflip"))
        .args(["analyze", "--model", path.to_str().unwrap(), "--json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let a: Analysis = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(a.backend, Backend::GaussNewton);
    let m = model_file::load(&path).unwrap();
    let (d, _) = analysis(&m.network, &m.theta, Backend::Dense);
    for (x, y, what) in [
        (a.sharpness, d.sharpness, "λ"),
        (a.c1.unwrap(), d.c1.unwrap(), "c1"),
        (a.g_hplus_g.unwrap(), d.g_hplus_g.unwrap(), "gᵀH⁺g"),
        (a.l4.unwrap(), d.l4.unwrap(), "L4"),
        (a.drift_norm.unwrap(), d.drift_norm.unwrap(), "|Π_T g|"),
    ] {
        assert_rel(x, y, 1e-10, 1e-12, what);
    }
    let r = |x: f64| format!("{x:.9e}");
    insta::assert_json_snapshot!(serde_json::json!({
        "backend": a.backend,
        "dim": a.loss.dim,
        "normal_dim": a.normal_dim,
        "tangent_dim": a.tangent_dim,
        "sharpness": r(a.sharpness),
        "eta_star": r(a.eta_star.unwrap()),
        "l4": r(a.l4.unwrap()),
        "g_hplus_g": r(a.g_hplus_g.unwrap()),
        "c1": r(a.c1.unwrap()),
        "c1_map": r(a.c1_map.unwrap()),
        "drift_norm": r(a.drift_norm.unwrap()),
        "supercritical": a.supercritical,
    }));
}

/// The drift validation through the Gauss–Newton factor (Π_T x = x − SᵀG⁺Sx, no dense
/// spectrum) measures the same two-step displacements as through the dense spectrum.
#[test]
fn drift_validation_by_gauss_newton_matches_the_dense_one() {
    use eosflip::simulate::drift::{tangent_drift_at, DriftOptions};
    use eosflip::simulate::Outcome;
    let (net, theta) = teacher(&[2, 5, 4, 1], Activation::Tanh, Objective::Mse, 6, 21);
    let (_, dfp) = analysis(&net, &theta, Backend::Dense);
    let (_, gfp) = analysis(&net, &theta, Backend::GaussNewton);
    assert!(gfp.spectral.spectrum.is_none());
    let o = DriftOptions::default();
    let d = tangent_drift_at(&net, dfp, None, &o).unwrap();
    let g = tangent_drift_at(&net, gfp.clone(), Some(&net), &o).unwrap();
    assert_eq!(d.outcome, Outcome::Pass, "{}", d.note);
    assert_eq!(g.outcome, Outcome::Pass, "{}", g.note);
    assert_eq!(d.points.len(), g.points.len());
    for (a, b) in d.points.iter().zip(&g.points) {
        let err: f64 = a
            .displacement
            .iter()
            .zip(&b.displacement)
            .map(|(x, y)| (x - y).powi(2))
            .sum::<f64>()
            .sqrt();
        let n: f64 = a.displacement.iter().map(|x| x * x).sum::<f64>().sqrt();
        assert!(err <= 1e-6 * n, "p = {}: {err:.3e} vs |d| = {n:.3e}", a.p);
    }
    // Without the structure there is no Π_T: inconclusive with the reason, not a wrong answer.
    let none = tangent_drift_at(&net, gfp, None, &o).unwrap();
    assert_eq!(none.outcome, Outcome::Inconclusive);
    assert!(none.note.contains("Π_T"), "{}", none.note);
}

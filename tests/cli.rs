//! The `eosflip` binary: JSON schema (strict deserialization), refinement, bad input → exit 2.

mod common;

use eosflip::report::{Analysis, SCHEMA_VERSION};
use std::process::{Command, Output};

fn eosflip(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_eosflip"))
        .args(args)
        .env_remove("COLUMNS")
        .output()
        .expect("binary runs")
}

fn analysis(args: &[&str]) -> Analysis {
    let out = eosflip(args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout)
        .expect("stdout is exactly one Analysis (deny_unknown_fields)")
}

#[track_caller]
fn bad_input(args: &[&str], needle: &str) {
    let out = eosflip(args);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{args:?} should exit 2; stderr: {err}"
    );
    assert!(
        err.contains(needle),
        "{args:?}: stderr should mention '{needle}': {err}"
    );
    assert!(!err.contains("panicked"), "{args:?} panicked: {err}");
    assert!(
        out.stdout.is_empty(),
        "{args:?}: nothing on stdout on error"
    );
}

#[test]
fn json_has_the_documented_keys_and_values() {
    let a = analysis(&[
        "analyze",
        "--loss",
        "double_well",
        "--json",
        "--eta",
        "1.02",
    ]);
    assert_eq!(a.schema_version, SCHEMA_VERSION);
    assert_eq!(a.point, vec![1.0]);
    assert!((a.c1.unwrap() - 8.0).abs() < 1e-13);
    // β = 1.02·2 − 2 = 0.04, amplitude √(β/c1) = √0.005.
    assert!((a.beta.unwrap() - 0.04).abs() < 1e-14);
    assert!((a.amplitude_pred.unwrap() - 0.005f64.sqrt()).abs() < 1e-13);
    let raw: serde_json::Value =
        serde_json::from_slice(&eosflip(&["analyze", "--loss", "product", "--json"]).stdout)
            .unwrap();
    for key in [
        "schema_version",
        "point",
        "sharpness",
        "eta_star",
        "top_eigvec",
        "eigenvalues",
        "normal_dim",
        "tangent_dim",
        "spectral_gap",
        "g",
        "l4",
        "g_hplus_g",
        "c1",
        "c1_map",
        "c1_gd",
        "supercritical",
        "drift",
        "drift_norm",
        "lambda_inf_pred",
    ] {
        assert!(raw.get(key).is_some(), "missing key {key}");
    }
    // Subcritical: no limiting sharpness, no amplitude for β > 0.
    let a = analysis(&[
        "analyze",
        "--loss",
        "quartic1d",
        "--param",
        "k3=0",
        "--param",
        "k4=2",
        "--eta",
        "2.1",
        "--json",
    ]);
    assert_eq!(a.supercritical, Some(false));
    assert!(a.lambda_inf_pred.is_none() && a.amplitude_pred.is_none());
}

#[test]
fn refine_moves_a_perturbed_point_onto_the_manifold() {
    // l(xy) squared, t = 1, from (2.1, 0.45): the refined point has xy = 1 to rounding and lies
    // close to the start (the step is normal to M).
    let a = analysis(&[
        "analyze", "--loss", "product", "--point", "2.1,0.45", "--refine", "--json",
    ]);
    let r = a.refinement.as_ref().expect("refinement reported");
    assert!(
        (a.point[0] * a.point[1] - 1.0).abs() < 1e-13,
        "on M: {:?}",
        a.point
    );
    // Distance from (2.1, 0.45) to the hyperbola xy = 1 is 0.02555 (1-D minimisation).
    assert!((r.moved - 0.02555).abs() < 2e-4, "moved {}", r.moved);
    assert!(a.grad_norm < 1e-13);
    // The closed form c1 = 32 z²/s³ at the refined point.
    let s = a.point[0].powi(2) + a.point[1].powi(2);
    assert!((a.c1.unwrap() - 32.0 / s.powi(3)).abs() < 1e-12 * a.c1.unwrap());
}

#[test]
fn vanishing_hessian_leaves_c1_undefined() {
    // l(xyz) with t = 0 at the origin: ∇L = 0 and H = 0 (no normal direction, no flip).
    let a = analysis(&[
        "analyze", "--loss", "product", "--param", "t=0", "--param", "depth=3", "--point", "0,0,0",
        "--json",
    ]);
    assert_eq!(a.normal_dim, Some(0));
    assert!(a.c1.is_none() && a.eta_star.is_none());
    assert!(a
        .undefined_reason
        .unwrap()
        .contains("no positive eigenvalue"));
}

#[test]
fn bad_inputs_exit_2_with_a_clear_message() {
    bad_input(&["analyze", "--loss", "nope"], "unknown loss 'nope'");
    bad_input(
        &["analyze", "--loss", "product", "--param", "q=1"],
        "unknown parameter 'q'",
    );
    bad_input(
        &["analyze", "--loss", "product", "--param", "l=hinge"],
        "unknown scalar loss",
    );
    bad_input(
        &[
            "analyze",
            "--loss",
            "product",
            "--param",
            "l=logistic",
            "--param",
            "p=1.5",
        ],
        "out of range",
    );
    bad_input(
        &[
            "analyze",
            "--loss",
            "product",
            "--param",
            "l=logistic",
            "--param",
            "t=2",
        ],
        "not used by l=logistic",
    );
    bad_input(
        &["analyze", "--loss", "quartic1d", "--param", "k2=-1"],
        "k2",
    );
    bad_input(
        &["analyze", "--loss", "quartic1d", "--param", "k2"],
        "not of the form k=v",
    );
    bad_input(
        &["analyze", "--loss", "double_well", "--point", "1,2"],
        "2 coordinates",
    );
    bad_input(
        &["analyze", "--loss", "double_well", "--point", "abc"],
        "not a number",
    );
    bad_input(
        &["analyze", "--loss", "double_well", "--point", "inf"],
        "inf",
    );
    bad_input(
        &["analyze", "--loss", "double_well", "--point", "NaN"],
        "NaN",
    );
    bad_input(
        &["analyze", "--loss", "double_well", "--eta", "-1"],
        "--eta",
    );
    bad_input(
        &["analyze", "--loss", "double_well", "--point", "0.5"],
        "not a critical point",
    );
    bad_input(
        &["analyze", "--loss", "double_well", "--point", "0"],
        "not a minimizer",
    );
    bad_input(
        &["analyze", "--loss", "product", "--point", "0,0"],
        "not a minimizer",
    );
    bad_input(
        &[
            "analyze",
            "--loss",
            "product",
            "--point",
            "0.01,-0.02",
            "--refine",
        ],
        "not a minimizer",
    );
    bad_input(&["analyze", "--param", "k2=1"], "need --loss");
    bad_input(
        &["analyze", "--loss", "factorization", "--param", "r=3"],
        "out of range",
    );
    bad_input(&["frobnicate"], "unrecognized subcommand");
}

#[test]
fn catalog_summary_runs_every_entry() {
    let out = eosflip(&["analyze"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for e in eosflip::loss::catalog::ENTRIES {
        assert!(
            text.lines()
                .any(|l| l.starts_with(&format!("│ {} ", e.name))),
            "summary row for {}",
            e.name
        );
    }
    assert!(
        text.contains("c1 > 0: supercritical"),
        "the convention is stated"
    );
    let json: serde_json::Value =
        serde_json::from_slice(&eosflip(&["analyze", "--json"]).stdout).unwrap();
    let analyses: Vec<Analysis> = serde_json::from_value(json["analyses"].clone()).unwrap();
    assert_eq!(analyses.len(), eosflip::loss::catalog::ENTRIES.len());
}

#[test]
fn matrix_free_analysis_matches_the_dense_one() {
    let args = [
        "analyze",
        "--loss",
        "mlp",
        "--param",
        "width=12",
        "--param",
        "samples=9",
        "--json",
    ];
    let dense = analysis(&args);
    let out = eosflip(&[&args[..], &["--matrix-free"]].concat());
    assert!(out.status.success());
    let mf: eosflip::report::Analysis = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(mf.backend, eosflip::flip::Backend::MatrixFree);
    assert_eq!(dense.backend, eosflip::flip::Backend::Dense);
    assert_eq!(mf.normal_dim, None);
    let c1 = dense.c1.unwrap();
    assert!((mf.c1_gd.unwrap() - c1).abs() <= 1e-9 * c1.abs());
    assert!((mf.c1_map.unwrap() - c1).abs() <= 1e-9 * c1.abs());
    assert!((mf.sharpness - dense.sharpness).abs() <= 1e-12 * dense.sharpness);
    let dn = mf.drift_norm.unwrap();
    assert!((dn - dense.drift_norm.unwrap()).abs() <= 1e-8 * dn);
    // Two Lanczos runs (the second on the deflated Hessian H − λvvᵀ, for λ2) and CGLS: fewer
    // HVPs than twice the dense Hessian's P = 48 columns.
    assert!(
        mf.solver.converged && mf.solver.hvps < 2 * 48,
        "{} HVPs",
        mf.solver.hvps
    );
    assert!(mf.solver.note.as_deref().unwrap_or("").contains("A2"));
    bad_input(
        &["analyze", "--loss", "mlp", "--matrix-free", "--refine"],
        "cannot be used with",
    );
    bad_input(
        &[
            "analyze",
            "--loss",
            "mlp",
            "--matrix-free",
            "--point",
            "1,2,3",
        ],
        "12 parameters",
    );
}

//! The CLI on text losses: clean JSON on stdout, one notice on stderr, exit code 2 for bad input.
//! Processes run one after another (restricted mode: one symbolica thread per user).
#![cfg(feature = "symbolic")]

use std::process::Command;

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_eosflip"))
        .args(args)
        .env_remove("COLUMNS")
        .output()
        .expect("eosflip runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn bad(args: &[&str], needle: &str) {
    let (code, stdout, stderr) = run(args);
    assert_eq!(code, 2, "{args:?}: {stderr}");
    assert!(stdout.is_empty(), "{args:?} printed on stdout: {stdout}");
    assert!(
        stderr.contains(needle),
        "{args:?}: expected '{needle}' in: {stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn cli_text_losses() {
    // analyze --expr: JSON parses, the order is reported, c1 matches the closed form of l(xy)
    // with l2 = 1, l3 = 2, l4 = 0 at (2, 1/2): α = 12, s = 17/4, z = 1:
    // c1 = 12·(17/4)/3 + 16/(17/4) + 32/(17/4)³.
    let (code, stdout, stderr) = run(&[
        "analyze",
        "--expr",
        "(x*y - 1)^2/2 + (x*y - 1)^3/3",
        "--point",
        "2,0.5",
        "--json",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("restricted, non-commercial mode"));
    let v: serde_json::Value = serde_json::from_str(&stdout).expect("stdout is one JSON object");
    assert_eq!(v["variables"], serde_json::json!(["x", "y"]));
    assert_eq!(v["variable_order"], "first appearance");
    let s: f64 = 17.0 / 4.0;
    let expected = 12.0 * s / 3.0 + 16.0 / s + 32.0 / s.powi(3);
    let c1 = v["c1"].as_f64().unwrap();
    assert!(
        (c1 - expected).abs() < 1e-9 * expected,
        "{c1} vs {expected}"
    );

    // --vars reorders the parameters; --param substitutes an exact rational.
    let (code, stdout, stderr) = run(&[
        "analyze",
        "--expr",
        "a*(x*y - 1)^2",
        "--param",
        "a=1/2",
        "--vars",
        "y,x",
        "--point",
        "0.5,2",
        "--json",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["variables"], serde_json::json!(["y", "x"]));
    assert_eq!(v["variable_order"], "--vars");
    // λ = l2·(x² + y²) = 17/4; top eigenvector ∝ ∇(xy) = (x, y) in the order (y, x) = (2, 1/2)/|·|.
    assert!((v["sharpness"].as_f64().unwrap() - 4.25).abs() < 1e-13);
    let u = v["top_eigvec"].as_array().unwrap();
    assert!(
        (u[0].as_f64().unwrap() - 2.0 / 4.25f64.sqrt()).abs() < 1e-12,
        "{u:?}"
    );

    let (code, stdout, _) = run(&["symbolic", "--expr", "(x^2 - 1)^2/4", "--at", "x=1"]);
    assert_eq!(code, 0);
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("│ c1 ") && l.trim_end_matches(['│', ' ']).ends_with(" 8")),
        "{stdout}"
    );
    let (code, stdout, _) = run(&["symbolic", "--expr", "l(x*y)", "--json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["closed_forms"]["kind"], "rank_one");
    let (code, stdout, _) = run(&["symbolic", "--expr", "x^2*y^2 + (x - y)^2"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("no closed form"), "{stdout}");

    bad(&["analyze", "--expr", "x*(y+)", "--point", "1,1"], "^");
    bad(
        &["analyze", "--expr", "abs(x) + y^2", "--point", "1,1"],
        "A1",
    );
    bad(
        &["analyze", "--expr", "foo(x)", "--point", "1"],
        "unknown function 'foo'",
    );
    bad(
        &["analyze", "--expr", "x*y", "--vars", "x", "--point", "1"],
        "unknown variable 'y'",
    );
    bad(
        &["analyze", "--expr", "log(x) + y^2", "--point", "0,1"],
        "log(x)",
    );
    bad(&["analyze", "--expr", "x^2"], "--point");
    bad(
        &[
            "analyze",
            "--expr",
            "x^2",
            "--loss",
            "double_well",
            "--point",
            "1",
        ],
        "cannot be used with",
    );
    bad(&["symbolic", "--expr", "max(x, 1)"], "A1");
    bad(
        &["symbolic", "--expr", "x^4", "--at", "x=0"],
        "sharpness is not positive",
    );
    bad(
        &["symbolic", "--expr", "(x^2-1)^2", "--at", "x=1/2"],
        "not a critical point",
    );
    // A concrete loss on a parametrized piece of M: c1 = 32/s³ with s = t² + 1/t².
    let (code, stdout, stderr) = run(&[
        "symbolic",
        "--expr",
        "(x*y-1)^2/2",
        "--at",
        "x=t,y=1/t",
        "--json",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["closed_forms"]["kind"], "rank_one_at_point");
    assert_eq!(v["closed_forms"]["c1"]["plain"], "32*t^6/(1+t^4)^3");
    bad(
        &["symbolic", "--expr", "(x*y-1)^2/2", "--at", "x=y"],
        "'y' is a variable of the loss",
    );
    bad(
        &["symbolic", "--expr", "(x*y-1)^2/2", "--at", "x=1,y=2"],
        "dL/dx = 2",
    );
}

//! `eosflip product` through the binary: JSON on stdout, exit 2 with a clear message for bad
//! input (not a critical point, not a minimum, unknown link, depth out of range), never a panic.
//! Processes run one after another (restricted mode: one symbolica thread per user).
#![cfg(feature = "symbolic")]

use std::process::Command;

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_eosflip"))
        .arg("product")
        .args(args)
        .output()
        .expect("eosflip runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn bad_inputs_exit_2_with_a_message() {
    for (args, needle) in [
        (
            &["--ell-expr", "(z-1)^2", "--zstar", "2"][..],
            "not a critical point",
        ),
        (
            &["--ell-expr", "-(z-1)^2", "--zstar", "1"][..],
            "not a strict minimum",
        ),
        (
            &["--ell-expr", "z^4", "--zstar", "0"][..],
            "not a strict minimum",
        ),
        (&["--ell-expr", "z"][..], "no interior minimum"),
        (&["--ell", "nope"][..], "not a catalog scalar loss"),
        (&["--ell-expr", "x*z"][..], "unknown variable 'x'"),
        (&["--ell-expr", "abs(z)"][..], "not smooth"),
        (
            &["--ell", "minimalist", "--depth", "9"][..],
            "depths 2 to 6",
        ),
        (&["--ell", "logistic", "--param", "p=2"][..], "(0, 1)"),
        (
            &["--ell", "minimalist", "--param", "t=2"][..],
            "not a parameter",
        ),
    ] {
        let (code, stdout, stderr) = run(args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(stdout.is_empty(), "{args:?}: {stdout}");
        assert!(
            stderr.contains(needle),
            "{args:?}: '{needle}' not in {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

#[test]
fn json_of_the_band_example() {
    let (code, stdout, stderr) = run(&[
        "--ell-expr",
        "(z+1)^2/2 + (z+1)^3/6 + 5*(z+1)^4/48",
        "--json",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let v: serde_json::Value = serde_json::from_str(&stdout).expect("one JSON object");
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["alpha"]["exact"], "1/2");
    let sub = &v["set"]["subcritical"][0];
    assert!((sub["lo"].as_f64().unwrap() - 2.098_590_493).abs() < 1e-8);
    assert!((sub["hi"].as_f64().unwrap() - 6.602_720_496).abs() < 1e-8);
    assert_eq!(v["set"]["everywhere"], false);
    assert!(v["max_c1_rel_err"].as_f64().unwrap() < 1e-10);
}

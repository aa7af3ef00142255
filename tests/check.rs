//! `eosflip check`: embedded cases, expected verdicts, exit codes, snapshots of the reports.

use eosflip::assumptions::Outcome;
use eosflip::check::case::{EMBEDDED, EMBEDDED_SYMBOLIC};
use eosflip::check::{embedded_cases, run_case, CaseFile, CheckOptions};
use std::process::Command;

fn eosflip(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_eosflip"))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn embedded_list_matches_the_cases_directory() {
    let mut files: Vec<String> =
        std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/theorems/cases"))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.ends_with(".toml"))
            .collect();
    files.sort();
    // Text-loss cases are named text_*.toml and embedded only with the `symbolic` feature.
    let (text, catalog): (Vec<String>, Vec<String>) =
        files.into_iter().partition(|n| n.starts_with("text_"));
    let embedded: Vec<String> = EMBEDDED.iter().map(|(n, _)| n.to_string()).collect();
    assert_eq!(
        catalog, embedded,
        "add new case files to EMBEDDED in src/check/case.rs"
    );
    assert!(embedded.len() >= 14);
    let embedded_text: Vec<String> = EMBEDDED_SYMBOLIC
        .iter()
        .map(|(n, _)| n.to_string())
        .collect();
    if cfg!(feature = "symbolic") {
        assert_eq!(
            text, embedded_text,
            "add text_*.toml files to EMBEDDED_SYMBOLIC"
        );
    } else {
        assert!(embedded_text.is_empty());
    }
}

/// Negative cases fail exactly the hypothesis they are about (and no other fails unexpectedly):
/// every case's verdicts equal the expectations of its file, and each negative case has the
/// documented pattern.
#[test]
fn negative_cases_fail_the_right_hypothesis_only() {
    let cases = embedded_cases().unwrap();
    let verdicts = |name: &str| -> Vec<Outcome> {
        let case = cases.iter().find(|c| c.name == name).unwrap();
        let r = run_case(
            case,
            &CheckOptions::default(),
            &mut eosflip::simulate::gd::NoObserver,
        );
        assert!(
            r.met,
            "{name}: {:?}",
            r.expectations.iter().filter(|e| !e.met).collect::<Vec<_>>()
        );
        r.checks.iter().map(|c| c.outcome).collect()
    };
    use Outcome::*;
    // A2 fails on x⁴/4 + y² + y³/6 (ker H ≠ T M); A5 fails there too (no drift on an isolated point).
    assert_eq!(
        verdicts("non_morse_bott"),
        vec![Holds, Fails, Holds, Holds, Fails, Inconclusive]
    );
    // A3 fails on a repeated top eigenvalue; A4 and A5 cannot be decided without v.
    assert_eq!(
        verdicts("repeated_top_eigenvalue"),
        vec![
            Holds,
            Holds,
            Fails,
            Inconclusive,
            Inconclusive,
            NotApplicable
        ]
    );
    // A5 fails at the balanced point of the minimalist loss; A6 holds (Hess_M λ = 8).
    assert_eq!(
        verdicts("zhu_minimalist_balanced"),
        vec![Holds, Holds, Holds, Holds, Fails, Holds]
    );
    // A6 fails where the sharpness is maximal on M.
    assert_eq!(
        verdicts("a6_fails_unstable_cycle"),
        vec![Holds, Holds, Holds, Holds, Fails, Fails]
    );
    // A4 fails for c1 < 0, and for c1 = 0 by c2 = −2 < 0 (fifth order).
    assert_eq!(
        verdicts("quartic1d_subcritical"),
        vec![Holds, Holds, Holds, Fails, Fails, NotApplicable]
    );
    assert_eq!(
        verdicts("quartic1d_degenerate"),
        vec![Holds, Holds, Holds, Fails, Fails, NotApplicable]
    );
    // The positive manifold cases: every hypothesis holds.
    for name in [
        "zhu_minimalist_unbalanced",
        "song_yun_logcosh",
        "product_squared",
        "product_depth3",
        "factorization_rank_one",
    ] {
        let v = verdicts(name);
        assert_eq!(v[..5], [Holds; 5], "{name}");
        assert_eq!(v[5], NotApplicable, "{name}: the drift does not vanish");
    }
}

#[test]
fn check_exits_0_when_all_met_1_when_not_2_on_bad_input() {
    let out = eosflip(&["check", "--quiet", "--no-validate"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let n = EMBEDDED.len() + EMBEDDED_SYMBOLIC.len();
    assert!(text.contains(&format!(
        "summary: {n} cases, {n} met all expectations, 0 did not"
    )));

    let dir = std::env::temp_dir().join(format!("eosflip-check-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // A wrong expectation (double well is supercritical) → exit 1 and the unmet line.
    let wrong = dir.join("wrong.toml");
    std::fs::write(&wrong, "name = \"w\"\ndescription = \"d\"\n[loss]\ncatalog = \"double_well\"\n[expect]\nA4 = \"fails\"\n").unwrap();
    let out = eosflip(&["check", "--quiet", "--no-validate", wrong.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("unmet: A4 expected fails got holds"));
    // --only restricts the checks and the verdict expectations.
    let out = eosflip(&[
        "check",
        "--quiet",
        "--no-validate",
        "--only",
        "A5",
        wrong.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0));
    // Malformed files and options → exit 2 with the reason.
    let bad = dir.join("bad.toml");
    std::fs::write(&bad, "name = \"b\"\ndescription = \"d\"\n[loss]\ncatalog = \"double_well\"\n[expect]\nA4 = \"maybe\"\n").unwrap();
    for (args, needle) in [
        (vec!["check", bad.to_str().unwrap()], "case file"),
        (
            vec!["check", "/nonexistent/case.toml"],
            "cannot read case file",
        ),
        (
            vec!["check", "--only", "A9"],
            "invalid value 'A9' for '--only <IDS>'",
        ),
    ] {
        let out = eosflip(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(needle),
            "{args:?}"
        );
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn unknown_validation_is_rejected() {
    let text = "name = \"x\"\ndescription = \"d\"\nvalidations = [\"wobble\"]\n[loss]\ncatalog = \"double_well\"\n";
    let err = CaseFile::parse(text, "x.toml").unwrap_err().to_string();
    assert!(err.contains("unknown validation 'wobble'"));
}

//! insta snapshots of the `check` report of every embedded case: verdicts and outcomes exact,
//! measured numbers rounded to 6 significant digits, validation lines as the CLI prints them
//! (`src/cli/summary.rs`; their numbers have 3–4 digits). Each case's expectations (closed-form c1, verdicts, validation
//! outcomes) are asserted before the snapshot, so a snapshot only pins what was already checked.

use eosflip::check::{embedded_cases, run_case, CheckOptions};

/// The CLI's printer of validation lines (the library returns typed results only).
#[path = "../src/cli/summary.rs"]
mod summary;
use eosflip::simulate::gd::NoObserver;
use serde_json::{json, Value};

fn r6(x: Option<f64>) -> Value {
    match x {
        None => Value::Null,
        Some(v) if v.abs() < 1e-12 => json!(0.0),
        Some(v) => json!(format!("{v:.5e}").parse::<f64>().unwrap()),
    }
}

#[test]
fn check_report_snapshots_for_every_case() {
    let opts = CheckOptions {
        only: vec![],
        validate: true,
    };
    for case in embedded_cases().unwrap() {
        let r = run_case(&case, &opts, &mut NoObserver);
        let unmet: Vec<_> = r.expectations.iter().filter(|e| !e.met).collect();
        assert!(
            r.met && r.error.is_none(),
            "{}: unmet {unmet:?}, error {:?}",
            case.name,
            r.error
        );
        let compact = json!({
            "name": r.name,
            "c1": r6(r.analysis.as_ref().and_then(|a| a.c1)),
            "checks": r.checks.iter().map(|c| json!({
                "id": c.id, "outcome": c.outcome, "measured": r6(c.measured), "margin": r6(c.margin),
            })).collect::<Vec<_>>(),
            "validations": r.validations.iter().map(|v| json!({
                "name": v.name, "outcome": v.outcome, "summary": summary::validation_line(v),
            })).collect::<Vec<_>>(),
            "expectations_met": r.expectations.len(),
        });
        insta::assert_json_snapshot!(format!("check_{}", case.name), compact);
    }
}

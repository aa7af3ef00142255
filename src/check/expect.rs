//! Comparison of a case's results with the expectations of its case file.

use super::case::{Expectations, ValueExpect};
use super::validations::ValidationReport;
use crate::assumptions::CheckResult;
use crate::report::Analysis;
use serde::{Deserialize, Serialize};

/// One expectation and whether it was met.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectationResult {
    /// What was expected (`A4`, `c1`, `validation drift`, …).
    pub what: String,
    /// Expected value, as text.
    pub expected: String,
    /// Obtained value, as text.
    pub got: String,
    /// Whether they agree.
    pub met: bool,
}

fn value(what: &str, e: &ValueExpect, got: Option<f64>) -> ExpectationResult {
    let met =
        got.is_some_and(|g| (g - e.value).abs() <= e.rel * e.value.abs().max(f64::MIN_POSITIVE));
    ExpectationResult {
        what: what.into(),
        expected: format!("{} (rel {:.0e})", e.value, e.rel),
        got: got.map_or("undefined".into(), |g| format!("{g}")),
        met,
    }
}

/// Compares the validations that ran with their expected outcomes.
pub fn compare_validations(
    exp: &Expectations,
    reports: &[ValidationReport],
) -> Vec<ExpectationResult> {
    let name = |o: crate::simulate::Outcome| format!("{o:?}").to_lowercase();
    exp.validations
        .iter()
        .filter_map(|(v, want)| {
            let r = reports.iter().find(|r| r.name.name() == v)?;
            Some(ExpectationResult {
                what: format!("validation {v}"),
                expected: name(*want),
                got: name(r.outcome),
                met: r.outcome == *want,
            })
        })
        .collect()
}

/// Compares the verdicts (restricted to `only`, if given) and values with the expectations.
pub fn compare(
    exp: &Expectations,
    checks: &[CheckResult],
    a: Option<&Analysis>,
) -> Vec<ExpectationResult> {
    let mut out = Vec::new();
    for c in checks {
        if let Some(want) = exp.verdict(c.id) {
            out.push(ExpectationResult {
                what: c.id.to_string(),
                expected: want.as_str().into(),
                got: c.outcome.as_str().into(),
                met: want == c.outcome,
            });
        }
    }
    if let Some(want) = exp.supercritical {
        let got = a.and_then(|a| a.supercritical);
        out.push(ExpectationResult {
            what: "supercritical".into(),
            expected: want.to_string(),
            got: got.map_or("undecided".into(), |g| g.to_string()),
            met: got == Some(want),
        });
    }
    if let Some(e) = &exp.c1 {
        out.push(value("c1", e, a.and_then(|a| a.c1)));
    }
    if let Some(e) = &exp.c2 {
        out.push(value("c2", e, a.and_then(|a| a.c2)));
    }
    if let Some(e) = &exp.sharpness {
        out.push(value("sharpness", e, a.map(|a| a.sharpness)));
    }
    if let Some(e) = &exp.drift_norm {
        out.push(value("drift_norm", e, a.and_then(|a| a.drift_norm)));
    }
    out
}

//! Hypotheses A1–A5 of the convergence theorem and A6 of the 2-cycle on M (MATH.md §3, §5) as
//! checks with verdicts.
//!
//! Each check returns a [`CheckResult`]: the outcome (`holds` / `fails` / `inconclusive`; A6
//! also `not_applicable`), the measured quantity, the tolerance it was compared with and the
//! margin (measured − tolerance, signed so that a positive margin means "holds"). A check never turns NaN, an undefined
//! quantity or a non-converged solve into `holds`.

pub mod a6;
pub mod checks;
pub mod morse_bott;

use serde::{Deserialize, Serialize};

/// Verdict of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The hypothesis holds within tolerance.
    Holds,
    /// The hypothesis fails beyond tolerance.
    Fails,
    /// Cannot be decided (a quantity is within tolerance of the boundary, undefined, or a
    /// solver did not converge).
    Inconclusive,
    /// The hypothesis does not apply at this point (A6 where Π_T g ≠ 0 or m = 0).
    NotApplicable,
}

impl Outcome {
    /// The lowercase name used in reports and case files.
    pub fn as_str(&self) -> &'static str {
        match self {
            Outcome::Holds => "holds",
            Outcome::Fails => "fails",
            Outcome::Inconclusive => "inconclusive",
            Outcome::NotApplicable => "not_applicable",
        }
    }
}

/// The identifiers of the hypotheses.
pub const IDS: [&str; 6] = ["A1", "A2", "A3", "A4", "A5", "A6"];

/// One hypothesis check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckResult {
    /// `A1` … `A5`.
    pub id: String,
    /// Short name (`smoothness`, `morse_bott`, `spectral_gap`, `supercritical_flip`,
    /// `transversal_drift`).
    pub name: String,
    /// The verdict.
    pub outcome: Outcome,
    /// What was measured (null when undefined).
    pub measured: Option<f64>,
    /// The tolerance it was compared with.
    pub tolerance: Option<f64>,
    /// Signed margin: positive means on the "holds" side.
    pub margin: Option<f64>,
    /// A sentence with the numbers behind the verdict.
    pub detail: String,
}

impl CheckResult {
    /// A result with the given fields.
    pub fn new(
        id: &str,
        name: &str,
        outcome: Outcome,
        measured: Option<f64>,
        tolerance: Option<f64>,
        margin: Option<f64>,
        detail: String,
    ) -> Self {
        let clean = |x: Option<f64>| x.filter(|v| v.is_finite());
        let outcome = if measured.is_some_and(|m| !m.is_finite()) {
            Outcome::Inconclusive
        } else {
            outcome
        };
        CheckResult {
            id: id.into(),
            name: name.into(),
            outcome,
            measured: clean(measured),
            tolerance: clean(tolerance),
            margin: clean(margin),
            detail,
        }
    }
}

pub use checks::check_all;

//! Hypotheses A1–A5 of the convergence theorem and A6 of the 2-cycle on M (docs/math.md §3, §5) as
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

/// A hypothesis of the theorems (docs/math.md §3, §5); serialized as `"A1"` … `"A6"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Hypothesis {
    /// Smoothness: L is C⁴ near θ*.
    A1,
    /// Morse–Bott: ker H = T M, H ≻ 0 on N, constant rank.
    A2,
    /// Spectral gap: λ simple, the other normal eigenvalues in (0, λ).
    A3,
    /// Supercritical flip: c1 > 0.
    A4,
    /// Transversal drift: Π_T g ≠ 0.
    A5,
    /// Where Π_T g = 0 on M: θ* a strict local minimum of λ on M.
    A6,
}

impl Hypothesis {
    /// Every hypothesis, in order.
    pub const ALL: [Hypothesis; 6] = [
        Hypothesis::A1,
        Hypothesis::A2,
        Hypothesis::A3,
        Hypothesis::A4,
        Hypothesis::A5,
        Hypothesis::A6,
    ];

    /// `"A1"` … `"A6"`.
    pub fn id(self) -> &'static str {
        IDS[self as usize]
    }

    /// The hypothesis with identifier `id` (`A1` … `A6`), if any.
    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|h| h.id() == id)
    }
}

impl std::fmt::Display for Hypothesis {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

/// One hypothesis check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckResult {
    /// Which hypothesis.
    pub id: Hypothesis,
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
        id: Hypothesis,
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
            id,
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

//! Theorem checks on concrete cases: case files (`theorems/cases/*.toml`), the assumption
//! verdicts A1–A6 (docs/math.md §3, §5), the validations by simulation, and the comparison with the
//! expectations written in the case file.

pub mod case;
pub mod expect;
pub mod preflight;
pub mod run;
pub mod validations;

pub use case::{embedded_cases, CaseFile};
pub use run::{run_case, CaseReport, CheckOptions};

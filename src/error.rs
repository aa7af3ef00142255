//! One error type for failures of the toolkit.
//!
//! Verdicts are not errors: a failed assumption or an inconclusive check is a *result*.
//! An [`Error`] means the computation could not be carried out as asked (bad input, a
//! refinement that did not converge, a point that is not a minimizer). The CLI maps every
//! `Error` to exit code 2.

use thiserror::Error;

/// Why an analysis could not be carried out.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum Error {
    /// The user asked for something that does not exist or is malformed.
    #[error("bad input: {what}\n  hint: {hint}")]
    BadInput {
        /// What is wrong, and where.
        what: String,
        /// How to fix it.
        hint: String,
    },
    /// A number that must be finite is not (NaN or infinite).
    #[error("non-finite value: {what}\n  hint: {hint}")]
    NonFinite {
        /// Which quantity, where.
        what: String,
        /// How to fix it.
        hint: String,
    },
    /// The analysed point is not a critical point of the loss.
    #[error(
        "the point is not a critical point: |grad L| = {grad_norm:.3e} > tolerance {tolerance:.3e}\n  \
         hint: pass --refine to move it onto the minimizer set first, or give a point of the minimizer set"
    )]
    NotCritical {
        /// Euclidean norm of the gradient at the point.
        grad_norm: f64,
        /// The tolerance it was compared with.
        tolerance: f64,
    },
    /// The critical point has a negative Hessian eigenvalue beyond tolerance.
    #[error(
        "the critical point is not a minimizer: Hessian eigenvalue {eigenvalue:.6e} < -{tolerance:.3e} \
         (a saddle or a maximum)\n  hint: start closer to the minimizer set"
    )]
    NotAMinimizer {
        /// The most negative eigenvalue.
        eigenvalue: f64,
        /// The tolerance it was compared with.
        tolerance: f64,
    },
    /// Refinement onto the minimizer set did not converge.
    #[error(
        "refinement onto the minimizer set did not converge after {iterations} iterations: \
         |grad L| = {grad_norm:.3e} > tolerance {tolerance:.3e}\n  hint: start closer to the minimizer set"
    )]
    RefineFailed {
        /// Iterations performed.
        iterations: usize,
        /// Gradient norm at the last iterate.
        grad_norm: f64,
        /// The tolerance that was not reached.
        tolerance: f64,
    },
    /// The input is valid but exceeds a documented budget (README, limits), checked before the
    /// work starts.
    #[error("over budget: {what} (limit: {limit})\n  hint: {hint}")]
    Budget {
        /// What exceeds the budget, and where.
        what: String,
        /// The limit, with its name.
        limit: String,
        /// How to stay inside it, or to go past it.
        hint: String,
    },
    /// An internal failure (a panic caught in an engine): not the user's fault.
    #[error("internal error: {what}\n  hint: {hint}")]
    Internal {
        /// What failed, on which input.
        what: String,
        /// What to do.
        hint: String,
    },
}

impl Error {
    /// Shorthand for [`Error::BadInput`].
    pub fn bad_input(what: impl Into<String>, hint: impl Into<String>) -> Self {
        Error::BadInput {
            what: what.into(),
            hint: hint.into(),
        }
    }
}

/// Result alias used across the crate.
pub type Result<T> = std::result::Result<T, Error>;

//! # eosflip
//!
//! Exact symbolic-numeric verification of the bifurcation theory of gradient descent at the
//! Edge of Stability. GD with step η is the map `F(θ) = θ − η∇L(θ)`; at a minimizer θ* with
//! sharpness λ, `η* = 2/λ` is a flip bifurcation whose first Lyapunov coefficient `c1` decides
//! whether GD settles into a stable 2-cycle. Conventions: `theorems/conventions.md`.
//!
//! Data flow, one module per stage: [`loss`] → [`derivatives`] → [`spectrum`] →
//! [`manifold`] (refinement onto M) → [`normal_form`] → [`report`] (via [`analyze()`]).
//!
//! ```
//! use eosflip::analyze::{analyze, AnalyzeOptions};
//! use eosflip::loss::catalog;
//! use std::collections::BTreeMap;
//!
//! // Chen & Bruna's double well (x² − 1)²/4 at x = 1: λ = 2, η* = 1, c1 = 8.
//! let inst = catalog::build("double_well", &BTreeMap::new()).unwrap();
//! let info = eosflip::report::LossInfo { name: inst.name.clone(), params: inst.params.clone(), dim: 1 };
//! let a = analyze(&inst.loss, info, &inst.default_point, &AnalyzeOptions::default()).unwrap();
//! assert!((a.sharpness - 2.0).abs() < 1e-14);
//! assert!((a.c1.unwrap() - 8.0).abs() < 1e-12);
//! assert_eq!(a.supercritical, Some(true));
//! ```

#![deny(missing_docs)]
#![deny(clippy::float_cmp)]

pub mod analyze;
pub mod assumptions;
pub mod check;
pub mod derivatives;
pub mod error;
pub mod flip;
pub mod loss;
pub mod manifold;
pub mod normal_form;
pub mod parallel;
pub mod product;
pub mod report;
pub mod simulate;
pub mod spectrum;
#[cfg(feature = "symbolic")]
pub mod symbolic;
pub mod symbolica_lock;
pub mod tolerance;

pub use analyze::analyze;
pub use error::{Error, Result};
pub use loss::Loss;

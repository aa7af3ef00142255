//! Typed, serde-serializable results. `schema_version` changes whenever a key changes meaning
//! or disappears; the JSON of `eosflip analyze --json` is exactly [`Analysis`].

use crate::manifold::refine::Refined;
use crate::tolerance::Tolerances;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Version of the JSON schema of [`Analysis`].
pub const SCHEMA_VERSION: u32 = 1;

/// The sign convention, stated with every result.
pub const CONVENTION: &str = "normal form p -> -(1+beta) p + c1 p^3, beta = eta*lambda - 2; \
c1 > 0: supercritical, a stable 2-cycle with p^2 ~ beta/c1 for eta slightly above eta* = 2/lambda; \
c1 < 0: subcritical";

/// Which loss was analysed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LossInfo {
    /// Catalog name (or a description of the loss).
    pub name: String,
    /// Parameters with defaults filled in.
    pub params: BTreeMap<String, String>,
    /// Number of parameters P.
    pub dim: usize,
}

/// One analysis of a loss at a point of its minimizer set (docs/math.md §1–5; names of §7).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Analysis {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// The loss.
    pub loss: LossInfo,
    /// The backend that computed the spectrum and the coefficients.
    pub backend: crate::flip::Backend,
    /// Refinement onto M, when asked for.
    pub refinement: Option<Refined>,
    /// The analysed point θ*.
    pub point: Vec<f64>,
    /// |∇L(θ*)|.
    pub grad_norm: f64,
    /// Relative asymmetry of the assembled Hessian before symmetrisation (rounding diagnostic;
    /// dense backend only).
    pub hessian_asymmetry: Option<f64>,
    /// λ = λ_max(H).
    pub sharpness: f64,
    /// η* = 2/λ (null when H has no positive eigenvalue).
    pub eta_star: Option<f64>,
    /// Unit top eigenvector v (largest-magnitude component positive).
    pub top_eigvec: Vec<f64>,
    /// `|Hv − λv|`, measured with one HVP.
    pub top_residual: f64,
    /// The eigenvalues of H the backend knows, descending: all (dense), the normal ones
    /// (Gauss–Newton), the Ritz values (matrix-free).
    pub eigenvalues: Vec<f64>,
    /// Multipliers `1 − η*·λ_i` of A = DF at η*, in the order of `eigenvalues`.
    pub multipliers: Option<Vec<f64>>,
    /// dim N (numerical rank of H; null for matrix-free).
    pub normal_dim: Option<usize>,
    /// dim T = dim ker H (null for matrix-free).
    pub tangent_dim: Option<usize>,
    /// The rank threshold τ used for the split.
    pub rank_threshold: f64,
    /// Whether λ is a simple eigenvalue (within `tolerances.simple`).
    pub top_simple: bool,
    /// λ − λ_2(N) (λ when dim N = 1).
    pub spectral_gap: f64,
    /// g = ∇³L[v,v,·] = ∇λ.
    pub g: Option<Vec<f64>>,
    /// L4 = ∇⁴L[v,v,v,v].
    pub l4: Option<f64>,
    /// gᵀH⁺g.
    pub g_hplus_g: Option<f64>,
    /// c1 (the GD formula's value; null when undefined).
    pub c1: Option<f64>,
    /// c1 by the general map formula.
    pub c1_map: Option<f64>,
    /// c1 by the GD formula.
    pub c1_gd: Option<f64>,
    /// |c1_map − c1_gd| / c1 scale: the two formulas' relative spread.
    pub c1_rel_spread: Option<f64>,
    /// Cubic coefficient of the two-step map, −2·c1.
    pub c1_two_step: Option<f64>,
    /// c1 > 0 (null when c1 is undefined or zero within rounding).
    pub supercritical: Option<bool>,
    /// Fifth-order coefficient c2 of `p ↦ −(1+β)p + c1p³ + c2p⁵` at η* where c1 = 0
    /// (docs/math.md §7; null otherwise or where it cannot be computed).
    #[serde(default)]
    pub c2: Option<f64>,
    /// The order that decides the flip: 3 (c1 ≠ 0), 5 (c1 = 0, c2 ≠ 0); null when undecided.
    #[serde(default)]
    pub flip_order: Option<u32>,
    /// Π_T g.
    pub drift: Option<Vec<f64>>,
    /// |Π_T g|.
    pub drift_norm: Option<f64>,
    /// 2/η* − η*·|Π_T g|²/(4 c1), null unless c1 > 0.
    pub lambda_inf_pred: Option<f64>,
    /// ε_rel = η*²·|Π_T g|²/(8 c1): the order of the relative error of `lambda_inf_pred`
    /// (docs/math.md §5; null with it).
    pub eps_rel: Option<f64>,
    /// Validity of `lambda_inf_pred`: `first_order` (ε_rel ≤ 0.02) or `outside_first_order`
    /// (a mismatch with a simulation is then expected, not a bug); null with it.
    pub regime: Option<String>,
    /// The step given with `--eta`.
    pub eta: Option<f64>,
    /// β = η·λ − 2 for the given step.
    pub beta: Option<f64>,
    /// Predicted 2-cycle amplitude √(β/c1) along v (null where β/c1 ≤ 0).
    pub amplitude_pred: Option<f64>,
    /// The β = ηλ − 2 that `amplitude_pred` assumes (null with it).
    pub amplitude_beta: Option<f64>,
    /// Validity of `amplitude_pred`: `local` (|β| ≤ 0.5) or `outside_local` (the normal form
    /// is a statement for β → 0); null with it.
    pub amplitude_regime: Option<String>,
    /// Why c1 (and what depends on it) is null, when it is.
    pub undefined_reason: Option<String>,
    /// Work done and the state of the iterative solvers.
    pub solver: crate::flip::SolverInfo,
    /// Tolerances used.
    pub tolerances: Tolerances,
    /// The sign convention ([`CONVENTION`]).
    pub convention: String,
}

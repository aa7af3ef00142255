//! The types of the amplitude validation ([`super::amplitude`]; docs/math.md §3, §5, §7).

use crate::simulate::cycle::{Floquet, NewtonOptions};
use crate::simulate::gd::GdStop;
use crate::simulate::{geometric, OrderFit, Outcome};
use crate::tolerance::Tolerances;
use serde::{Deserialize, Serialize};

/// Options of the amplitude sweep.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AmplitudeOptions {
    /// The magnitudes `|β|` (positive), e.g. `0.08, 0.04, …` (8 points).
    pub betas: Vec<f64>,
    /// The kick along v is `kick_factor · p*`.
    pub kick_factor: f64,
    /// Neighbourhood radius `escape_factor · p*` around θ*.
    pub escape_factor: f64,
    /// Period-2 detection tolerance relative to `2|β|p*`.
    pub detect_rel: f64,
    /// GD step budget per β.
    pub max_steps: usize,
    /// Newton options.
    pub newton: NewtonOptions,
    /// τ of the Floquet certificate.
    pub unit_tol: f64,
    /// `Π_T g` counts as zero when `|Π_T g| ≤ drift_rel_tol · max(|g|, λ)`.
    pub drift_rel_tol: f64,
    /// A point fails when its amplitude relative error exceeds this.
    pub max_rel_error: f64,
    /// The sweep passes when the fitted order is `≥ 1 − order_tol`.
    pub order_tol: f64,
    /// Tolerances for the spectrum at θ*.
    pub tolerances: Tolerances,
}

impl Default for AmplitudeOptions {
    fn default() -> Self {
        AmplitudeOptions {
            betas: geometric(0.08, 0.5, 8),
            kick_factor: 0.5,
            escape_factor: 5.0,
            detect_rel: 0.05,
            max_steps: 400_000,
            newton: NewtonOptions::default(),
            unit_tol: 1e-9,
            drift_rel_tol: 1e-8,
            max_rel_error: 0.5,
            order_tol: 0.3,
            tolerances: Tolerances::default(),
        }
    }
}

/// What a point of the sweep tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AmplitudeKind {
    /// c1 > 0, β > 0: a stable 2-cycle of amplitude √(β/c1).
    StableCycle,
    /// c1 < 0, β > 0: GD leaves the neighbourhood.
    Escape,
    /// c1 < 0, β < 0: an unstable 2-cycle of amplitude √(β/c1).
    UnstableCycle,
    /// c1 > 0 on M where A6 fails (Hess_M λ has a negative eigenvalue): the cycle exists
    /// for β > 0 and is unstable along M (located by Newton).
    UnstableOnM,
}

/// One β of the sweep.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AmplitudePoint {
    /// What is tested.
    pub kind: AmplitudeKind,
    /// β = ηλ − 2 (signed).
    pub beta: f64,
    /// η = (2 + β)/λ.
    pub eta: f64,
    /// `p* = √(|β/c1|)`.
    pub predicted: f64,
    /// Measured amplitude `|⟨θ_b − θ_a, v⟩|/2` of the refined cycle.
    pub measured: Option<f64>,
    /// `|measured − p*|/p*`.
    pub rel_error: Option<f64>,
    /// GD steps (0 for the unstable cycle, located by Newton alone).
    pub gd_steps: usize,
    /// Why GD stopped.
    pub gd_stop: Option<GdStop>,
    /// Newton residual `|F(F(θ_a)) − θ_a|`, when Newton ran.
    pub newton_residual: Option<f64>,
    /// Whether Newton converged.
    pub newton_converged: Option<bool>,
    /// Floquet multipliers and certificate of the refined cycle.
    pub floquet: Option<Floquet>,
    /// Verdict for this β.
    pub outcome: Outcome,
    /// Why, in words.
    pub note: String,
}

/// The amplitude validation at one point of M.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AmplitudeSweep {
    /// θ*.
    pub point: Vec<f64>,
    /// λ at θ*.
    pub sharpness: f64,
    /// c1 at η* = 2/λ (null when undefined: see `note`).
    pub c1: Option<f64>,
    /// |Π_T g| at θ* (null when undefined).
    pub drift_norm: Option<f64>,
    /// dim T at θ*.
    pub tangent_dim: usize,
    /// c2 where the flip is degenerate (c1 = 0) and c2 decides: then `p* = |β/c2|^{1/4}`.
    #[serde(default)]
    pub c2: Option<f64>,
    /// The A6 verdict the expectation used (m > 0 with Π_T g = 0).
    #[serde(default)]
    pub a6: Option<crate::assumptions::Outcome>,
    /// One entry per β (stable cycles or escapes; then unstable cycles when c1 < 0).
    pub points: Vec<AmplitudePoint>,
    /// Fitted order of the amplitude relative error in |β| (measured cycles only).
    pub order: Option<OrderFit>,
    /// Overall verdict.
    pub outcome: Outcome,
    /// Why, in words.
    pub note: String,
}

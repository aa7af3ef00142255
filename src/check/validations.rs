//! The validations by simulation of a case (docs/math.md §3–5, issue 4 items 1–4), run through
//! [`crate::simulate`]. Results are typed ([`ValidationReport`]: the kind, the outcome and
//! everything measured); the CLI's printers turn them into lines for people.
//!
//! - `amplitude`: [`amplitude_sweep_at`] at the case's point (2-cycle amplitude against √(β/c1),
//!   fitted order, Floquet certificate; escape and unstable cycle when c1 < 0);
//! - `drift`: [`tangent_drift_at`] (tangent displacement of two steps against −η p² Π_T g);
//! - `convergence`: [`threshold_convergence_at`] from the point itself with a small normal kick
//!   (β0 = 0), and from a point of M above the threshold (β0/ε_rel from the options, default
//!   20); plus [`threshold_sweep`] over the case's `sweep_points` when given (ε_rel → 0);
//! - `exception`: [`exception_at`] (GD from a point of M with λ > 2/η stays, a kick leaves:
//!   the exceptional set of the bound λ∞ ≤ 2/η, docs/math.md §5).

use crate::error::Result;
use crate::flip::FlipPoint;
use crate::loss::Loss;
use crate::simulate::amplitude::{amplitude_sweep_at, AmplitudeOptions, AmplitudeSweep};
use crate::simulate::drift::{tangent_drift_at, DriftCheck, DriftOptions};
use crate::simulate::exception::{exception_at, ExceptionOptions, ExceptionRun};
use crate::simulate::gd::Observer;
use crate::simulate::local::Local;
use crate::simulate::threshold::{threshold_convergence_at, ThresholdOptions, ThresholdRun};
use crate::simulate::threshold_sweep::{threshold_sweep, ThresholdSweep};
use crate::simulate::Outcome;
use serde::{Deserialize, Serialize};

/// Options of the validations, as given in a case file's `[options]` table.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValidationOptions {
    /// Options of the amplitude sweep.
    #[serde(default)]
    pub amplitude: AmplitudeOptions,
    /// Options of the drift check.
    #[serde(default)]
    pub drift: DriftOptions,
    /// Options of the threshold runs.
    #[serde(default)]
    pub convergence: ThresholdOptions,
    /// Options of the exception validation.
    #[serde(default)]
    pub exception: ExceptionOptions,
    /// Threshold points of M for the ε_rel → 0 sweep (none: no sweep).
    #[serde(default)]
    pub sweep_points: Vec<Vec<f64>>,
}

/// Which validation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ValidationKind {
    /// 2-cycle amplitude against √(β/c1) (docs/math.md §3, §5).
    Amplitude,
    /// Tangent displacement against −η p² Π_T g (§4).
    Drift,
    /// Limiting sharpness at the threshold (§5).
    Convergence,
    /// The exceptional set of the bound λ∞ ≤ 2/η (§5).
    Exception,
}

impl ValidationKind {
    /// Every kind, in the order of the case-file documentation.
    pub const ALL: [ValidationKind; 4] = [
        ValidationKind::Amplitude,
        ValidationKind::Drift,
        ValidationKind::Convergence,
        ValidationKind::Exception,
    ];

    /// The name used in case files and JSON.
    pub fn name(self) -> &'static str {
        match self {
            ValidationKind::Amplitude => "amplitude",
            ValidationKind::Drift => "drift",
            ValidationKind::Convergence => "convergence",
            ValidationKind::Exception => "exception",
        }
    }

    /// The kind named `name`, if any.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.name() == name)
    }
}

impl std::fmt::Display for ValidationKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The full result of one validation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ValidationDetail {
    /// Amplitude sweep.
    Amplitude(AmplitudeSweep),
    /// Drift check.
    Drift(DriftCheck),
    /// Threshold runs (from the point, from above) and the optional sweep.
    Convergence(Box<ConvergenceDetail>),
    /// The exceptional set (fixed point above the threshold, kick).
    Exception(ExceptionRun),
    /// The validation could not run.
    NotRun {
        /// Why (first line of the error).
        reason: String,
    },
}

/// The threshold runs of the `convergence` validation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConvergenceDetail {
    /// From the point with a small normal kick.
    pub at_threshold: ThresholdRun,
    /// From a point of M above the threshold.
    pub from_above: ThresholdRun,
    /// ε_rel → 0 sweep, when sweep points were given.
    pub sweep: Option<ThresholdSweep>,
}

/// One validation of a case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValidationReport {
    /// Which validation.
    pub name: ValidationKind,
    /// Pass / fail / inconclusive.
    pub outcome: Outcome,
    /// Everything measured.
    pub detail: ValidationDetail,
}

/// Runs validation `name` at the analysis's flip point (built once, not rebuilt here).
pub fn run_validation<L: Loss>(
    name: ValidationKind,
    loss: &L,
    point: &FlipPoint,
    structure: Option<&dyn crate::flip::GaussNewtonStructure>,
    o: &ValidationOptions,
    obs: &mut dyn Observer,
) -> ValidationReport {
    // The simulations' local flip data (cycles, moves along M) use the dense spectrum: a flip
    // point from another backend is rebuilt densely where P allows it, else not run.
    if point.backend == crate::flip::Backend::GaussNewton && structure.is_some() {
        // The drift needs only gradients and Π_T, the convergence runs gradients and local flip
        // points: the Gauss–Newton factor gives both at scale, with no dense spectrum.
        match name {
            ValidationKind::Drift => return report(name, drift(loss, point, structure, &o.drift)),
            ValidationKind::Convergence => {
                return report(name, convergence(loss, point, structure, o, obs))
            }
            _ => {}
        }
    }
    let dense;
    let point = if point.spectral.spectrum.is_some() {
        point
    } else if point.point.len() <= crate::flip::DENSE_MAX {
        dense =
            match crate::simulate::local::flip_point(loss, &point.point, &o.convergence.tolerances)
            {
                Ok(fp) => fp,
                Err(e) => return not_run(name, e.to_string()),
            };
        &dense
    } else {
        return not_run(
            name,
            format!(
                "the validations by simulation need the dense backend (P ≤ {}), this flip point has P = {} ({} backend)",
                crate::flip::DENSE_MAX,
                point.point.len(),
                point.backend.name()
            ),
        );
    };
    let result = match name {
        ValidationKind::Amplitude => amplitude(loss, point, &o.amplitude, obs),
        ValidationKind::Drift => drift(loss, point, None, &o.drift),
        ValidationKind::Convergence => convergence(loss, point, None, o, obs),
        ValidationKind::Exception => {
            let r = exception_at(loss, point, &o.exception);
            Ok((r.outcome, ValidationDetail::Exception(r)))
        }
    };
    report(name, result)
}

fn report(name: ValidationKind, result: Run) -> ValidationReport {
    match result {
        Ok((outcome, detail)) => ValidationReport {
            name,
            outcome,
            detail,
        },
        Err(e) => not_run(name, e.to_string()),
    }
}

fn not_run(name: ValidationKind, why: String) -> ValidationReport {
    ValidationReport {
        name,
        outcome: Outcome::Inconclusive,
        detail: ValidationDetail::NotRun {
            reason: why.lines().next().unwrap_or("").to_string(),
        },
    }
}

type Run = Result<(Outcome, ValidationDetail)>;

fn amplitude<L: Loss>(
    loss: &L,
    point: &FlipPoint,
    o: &AmplitudeOptions,
    obs: &mut dyn Observer,
) -> Run {
    let s = amplitude_sweep_at(loss, point.clone(), o, obs)?;
    Ok((s.outcome, ValidationDetail::Amplitude(s)))
}

fn drift<L: Loss>(
    loss: &L,
    point: &FlipPoint,
    structure: Option<&dyn crate::flip::GaussNewtonStructure>,
    o: &DriftOptions,
) -> Run {
    let d = tangent_drift_at(loss, point.clone(), structure, o)?;
    Ok((d.outcome, ValidationDetail::Drift(d)))
}

fn convergence<L: Loss>(
    loss: &L,
    point: &FlipPoint,
    structure: Option<&dyn crate::flip::GaussNewtonStructure>,
    o: &ValidationOptions,
    obs: &mut dyn Observer,
) -> Run {
    if let Some((i, p)) = o
        .sweep_points
        .iter()
        .enumerate()
        .find(|(_, p)| p.len() != loss.dim())
    {
        return Err(crate::error::Error::bad_input(
            format!(
                "[options] sweep_points[{i}] has {} coordinates, the loss has {} parameters",
                p.len(),
                loss.dim()
            ),
            format!("give {} numbers per sweep point", loss.dim()),
        ));
    }
    let local = Local::at(loss, structure, &point.point, &o.convergence.tolerances);
    // Both runs keep a thinned trace (λ at ≤ TRACE_POINTS steps) for the report's pictures.
    let traced = ThresholdOptions {
        trace_points: match o.convergence.trace_points {
            0 => crate::simulate::thinned_trace::TRACE_POINTS,
            n => n,
        },
        ..o.convergence.clone()
    };
    let at_opts = ThresholdOptions {
        beta0_over_eps: 0.0,
        ..traced.clone()
    };
    let at_threshold = threshold_convergence_at(&local, point.clone(), &at_opts, obs)?;
    let from_above = threshold_convergence_at(&local, point.clone(), &traced, obs)?;
    let sweep = if o.sweep_points.is_empty() {
        None
    } else {
        Some(threshold_sweep(loss, &o.sweep_points, &o.convergence, obs)?)
    };
    let mut outcome = at_threshold.outcome.and(from_above.outcome);
    if let Some(s) = &sweep {
        outcome = outcome.and(s.outcome);
    }
    let detail = ConvergenceDetail {
        at_threshold,
        from_above,
        sweep,
    };
    Ok((outcome, ValidationDetail::Convergence(Box::new(detail))))
}

//! Running one case: build the loss, analyse, check A1–A6, validate, compare expectations.

use super::case::CaseFile;
use super::expect::{compare, compare_validations, ExpectationResult};
use super::validations::{run_validation, ValidationKind, ValidationReport};
use crate::analyze::{analyze_point, AnalyzeOptions};
use crate::assumptions::{check_all, CheckResult};
use crate::loss::catalog;
use crate::loss::Loss;
use crate::report::{Analysis, LossInfo};
use crate::simulate::gd::Observer;
use crate::tolerance::Tolerances;
use serde::{Deserialize, Serialize};

/// Version of the JSON schema of [`CaseReport`].
pub const CHECK_SCHEMA_VERSION: u32 = 1;

/// Options of `check`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CheckOptions {
    /// Restrict to these hypotheses; empty = all.
    pub only: Vec<crate::assumptions::Hypothesis>,
    /// Run the validations by simulation requested by the case.
    pub validate: bool,
}

/// The result of one case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseReport {
    /// Case name.
    pub name: String,
    /// Case description.
    pub description: String,
    /// The analysis (null when it failed: see `error`).
    pub analysis: Option<Analysis>,
    /// Why the analysis failed, if it did.
    pub error: Option<String>,
    /// Hypothesis checks.
    pub checks: Vec<CheckResult>,
    /// Validations by simulation (empty with `--no-validate`).
    pub validations: Vec<ValidationReport>,
    /// Expectations of the case file and whether they were met.
    pub expectations: Vec<ExpectationResult>,
    /// Every expectation met (and no error).
    pub met: bool,
}

/// Runs `case`; `observer` receives the progress of the simulations.
pub fn run_case(case: &CaseFile, opts: &CheckOptions, observer: &mut dyn Observer) -> CaseReport {
    run_case_in(case, None, opts, observer)
}

/// Runs `case` read from a file in `base_dir` (model paths are relative to it; None: an
/// embedded case).
pub fn run_case_in(
    case: &CaseFile,
    base_dir: Option<&std::path::Path>,
    opts: &CheckOptions,
    observer: &mut dyn Observer,
) -> CaseReport {
    let mut report = CaseReport {
        name: case.name.clone(),
        description: case.description.clone(),
        analysis: None,
        error: None,
        checks: Vec::new(),
        validations: Vec::new(),
        expectations: Vec::new(),
        met: false,
    };
    let built = match (&case.loss.catalog, &case.loss.expr) {
        (None, None) if case.loss.model.is_some() => case.load_model(base_dir).map(|m| {
            let info = crate::loss::network::describe(
                &m.network,
                case.loss.model.as_deref().unwrap_or(""),
            );
            let point = case.point.at.clone().unwrap_or_else(|| m.theta.clone());
            run_loaded(
                case,
                opts,
                observer,
                &m.network,
                info,
                &point,
                "network with a smooth activation (analytic)",
                Some(&m.network),
                &mut report,
            )
        }),
        (Some(name), _) => catalog::build(name, &case.params_text()).map(|inst| {
            let info = LossInfo {
                name: inst.name.clone(),
                params: inst.params.clone(),
                dim: inst.loss.dim(),
            };
            let point = case
                .point
                .at
                .clone()
                .unwrap_or_else(|| inst.default_point.clone());
            run_loaded(
                case,
                opts,
                observer,
                &inst.loss,
                info,
                &point,
                "catalog loss built from analytic functions",
                None,
                &mut report,
            )
        }),
        (None, Some(expr)) => run_text(case, opts, observer, expr, &mut report),
        (None, None) => Err(crate::error::Error::bad_input(
            "no loss in the case",
            "catalog or expr",
        )),
    };
    if let Err(e) = built {
        report.error = Some(e.to_string());
    }
    report
}

#[cfg(feature = "symbolic")]
fn run_text(
    case: &CaseFile,
    opts: &CheckOptions,
    observer: &mut dyn Observer,
    expr: &str,
    report: &mut CaseReport,
) -> crate::error::Result<()> {
    let params = case.params_text();
    let loss = crate::symbolic::compile_loss(expr, case.loss.vars.as_deref(), &params)?;
    let point = case.point.at.clone().unwrap_or_default();
    loss.check_finite(&point)?;
    let info = LossInfo {
        name: format!("{expr} (variables {})", loss.vars().join(", ")),
        params,
        dim: loss.dim(),
    };
    let why = "text loss: only smooth functions (non-smooth ones are rejected when parsed)";
    run_loaded(case, opts, observer, &loss, info, &point, why, None, report);
    Ok(())
}

#[cfg(not(feature = "symbolic"))]
fn run_text(
    _: &CaseFile,
    _: &CheckOptions,
    _: &mut dyn Observer,
    expr: &str,
    _: &mut CaseReport,
) -> crate::error::Result<()> {
    Err(crate::error::Error::bad_input(
        format!("the text loss '{expr}' needs the symbolic front end"),
        "build eosflip with its default feature `symbolic`",
    ))
}

/// Analysis, checks, validations and expectations for a built loss.
#[allow(clippy::too_many_arguments)]
fn run_loaded<L: Loss>(
    case: &CaseFile,
    opts: &CheckOptions,
    observer: &mut dyn Observer,
    loss: &L,
    info: LossInfo,
    point: &[f64],
    smooth_reason: &str,
    structure: Option<&dyn crate::flip::GaussNewtonStructure>,
    report: &mut CaseReport,
) {
    let tol = Tolerances::default();
    let aopts = AnalyzeOptions {
        refine: case.point.refine,
        tolerances: tol,
        ..AnalyzeOptions::default()
    };
    let (a, fp) = match analyze_point(loss, info, point, &aopts, structure) {
        Ok(r) => r,
        Err(e) => {
            report.error = Some(e.to_string());
            return;
        }
    };
    let mut checks = check_all(loss, &a, &fp, Some(smooth_reason), &tol);
    if !opts.only.is_empty() {
        checks.retain(|c| opts.only.contains(&c.id));
    }
    let mut expectations = compare(&case.expect, &checks, Some(&a));
    if !opts.only.is_empty() {
        expectations.retain(|e| {
            crate::assumptions::Hypothesis::from_id(&e.what).is_none_or(|h| opts.only.contains(&h))
        });
    }
    if opts.validate {
        report.validations = case
            .validations
            .iter()
            .filter_map(|v| ValidationKind::from_name(v))
            .map(|v| run_validation(v, loss, &fp, structure, &case.options, observer))
            .collect();
        expectations.extend(compare_validations(&case.expect, &report.validations));
    }
    report.met = expectations.iter().all(|e| e.met);
    report.checks = checks;
    report.expectations = expectations;
    report.analysis = Some(a);
}

//! Checks of a case file's content beyond its syntax, made before anything runs: a malformed
//! case is bad input (exit 2, with what is wrong and where), never an unmet expectation.
//!
//! [`validate`] needs only the text (called by [`super::case::CaseFile::parse`]): expectations
//! on validations the case does not run, non-finite or negative tolerances, non-finite values,
//! validation options that are not finite and positive, amplitude β values outside the local
//! regime of the flip. [`preflight`] also builds the loss (catalog or model file, not a text
//! loss: that needs symbolica) to check the point's and the sweep points' length.

use super::case::{CaseFile, ValueExpect, VALIDATIONS};
use crate::error::{Error, Result};

/// Largest amplitude β = ηλ − 2 accepted: the normal form is local (β → 0), and a sweep at
/// β of order one measures the global map, not the flip.
pub const MAX_AMPLITUDE_BETA: f64 = 0.5;

fn bad(origin: &str, what: String, hint: &str) -> Error {
    Error::bad_input(format!("case file {origin}: {what}"), hint)
}

fn check_value(origin: &str, key: &str, e: &ValueExpect) -> Result<()> {
    if !e.value.is_finite() {
        return Err(bad(
            origin,
            format!("[expect] {key}.value = {} is not finite", e.value),
            "give the expected value as a finite number",
        ));
    }
    if !(e.rel.is_finite() && e.rel >= 0.0) {
        return Err(bad(
            origin,
            format!(
                "[expect] {key}.rel = {} must be a finite number ≥ 0",
                e.rel
            ),
            "give a relative tolerance such as rel = 1e-10 (an infinite tolerance accepts any value)",
        ));
    }
    Ok(())
}

/// Every number of the options must be finite and ≥ 0 (NaN and ±∞ serialize as null).
fn walk(origin: &str, path: &str, v: &serde_json::Value) -> Result<()> {
    use serde_json::Value;
    match v {
        Value::Null => Err(bad(
            origin,
            format!("[options] {path} is not a finite number"),
            "give finite numbers in [options]",
        )),
        Value::Number(n) if n.as_f64().is_some_and(|x| x < 0.0) => Err(bad(
            origin,
            format!("[options] {path} = {n} is negative"),
            "give numbers ≥ 0 in [options] (see docs/case-format.md)",
        )),
        Value::Array(a) => a
            .iter()
            .enumerate()
            .try_for_each(|(i, x)| walk(origin, &format!("{path}[{i}]"), x)),
        Value::Object(m) => m.iter().try_for_each(|(k, x)| {
            let p = if path.is_empty() {
                k.clone()
            } else {
                format!("{path}.{k}")
            };
            walk(origin, &p, x)
        }),
        _ => Ok(()),
    }
}

/// The content checks that need only the case file (see the module doc).
pub fn validate(case: &CaseFile, origin: &str) -> Result<()> {
    for v in case.expect.validations.keys() {
        if !VALIDATIONS.contains(&v.as_str()) {
            return Err(bad(
                origin,
                format!("[expect] validations: unknown validation '{v}'"),
                &format!("validations are: {}", VALIDATIONS.join(", ")),
            ));
        }
        if !case.validations.iter().any(|r| r == v) {
            return Err(bad(
                origin,
                format!("[expect] validations.{v} is expected but '{v}' is not in validations"),
                &format!("add validations = [\"{v}\"] to the case, or remove the expectation"),
            ));
        }
    }
    let e = &case.expect;
    for (key, ve) in [
        ("c1", &e.c1),
        ("sharpness", &e.sharpness),
        ("drift_norm", &e.drift_norm),
    ] {
        if let Some(ve) = ve {
            check_value(origin, key, ve)?;
        }
    }
    if let Some(p) = &case.point.at {
        if let Some((i, x)) = p.iter().enumerate().find(|(_, x)| !x.is_finite()) {
            return Err(bad(
                origin,
                format!("[point] at[{i}] = {x} is not finite"),
                "give the point as finite numbers",
            ));
        }
    }
    let opts = serde_json::to_value(&case.options).unwrap_or_default();
    walk(origin, "", &opts)?;
    let o = &case.options;
    for (name, list) in [
        ("amplitude.betas", &o.amplitude.betas),
        ("drift.ps", &o.drift.ps),
    ] {
        if let Some(x) = list.iter().find(|&&x| x <= 0.0) {
            return Err(bad(
                origin,
                format!("[options] {name} contains {x}: the values must be > 0"),
                "give positive magnitudes (β = ηλ − 2 above the threshold, amplitudes p)",
            ));
        }
    }
    if let Some(b) = o.amplitude.betas.iter().find(|&&b| b > MAX_AMPLITUDE_BETA) {
        return Err(bad(
            origin,
            format!(
                "[options] amplitude.betas contains {b}, outside the local regime of the flip \
                 (β ≤ {MAX_AMPLITUDE_BETA}); p² ≈ β/c1 is a statement for β → 0"
            ),
            "use small β values, e.g. betas = [0.08, 0.04, 0.02, 0.01]",
        ));
    }
    if let Some((i, _)) = o
        .sweep_points
        .iter()
        .enumerate()
        .find(|(_, p)| p.is_empty())
    {
        return Err(bad(
            origin,
            format!("[options] sweep_points[{i}] is empty"),
            "give each sweep point with one number per parameter of the loss",
        ));
    }
    Ok(())
}

/// Builds the loss of a catalog or model case and checks the lengths of the point and the sweep
/// points against its dimension; parses and budget-checks a text loss; `base_dir` as in
/// [`super::run::run_case_in`].
pub fn preflight(case: &CaseFile, base_dir: Option<&std::path::Path>) -> Result<()> {
    use crate::loss::Loss;
    let origin = &case.name;
    let dim = if let Some(name) = &case.loss.catalog {
        let inst = crate::loss::catalog::build(name, &case.params_text()).map_err(|e| match e {
            Error::BadInput { what, hint } => {
                Error::bad_input(format!("case '{origin}': [loss] {what}"), hint)
            }
            other => other,
        })?;
        inst.loss.dim()
    } else if case.loss.model.is_some() {
        case.load_model(base_dir)?.theta.len()
    } else if let Some(expr) = &case.loss.expr {
        // Parse and budget-check the text (src/loss/expr/budget.rs) before anything runs: a text
        // over the budget is bad input (exit 2), not a failed case.
        crate::loss::expr::prepare(expr, case.loss.vars.as_deref(), &case.params_text(), false)
            .and_then(|p| crate::loss::expr::budget::check_f64(expr, &p.ast))
            .map_err(|e| match e {
                Error::BadInput { what, hint } => {
                    Error::bad_input(format!("case '{origin}': [loss] expr: {what}"), hint)
                }
                Error::Budget { what, limit, hint } => Error::Budget {
                    what: format!("case '{origin}': [loss] expr: {what}"),
                    limit,
                    hint,
                },
                other => other,
            })?;
        return Ok(());
    } else {
        return Ok(());
    };
    let lens = case
        .point
        .at
        .iter()
        .map(|p| ("[point] at".to_string(), p.len()))
        .chain(
            case.options
                .sweep_points
                .iter()
                .enumerate()
                .map(|(i, p)| (format!("[options] sweep_points[{i}]"), p.len())),
        );
    for (what, n) in lens {
        if n != dim {
            return Err(Error::bad_input(
                format!(
                    "case '{origin}': {what} has {n} coordinates, the loss has {dim} parameters"
                ),
                format!("give {dim} numbers"),
            ));
        }
    }
    Ok(())
}

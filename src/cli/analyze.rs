//! `eosflip analyze`: argument validation, the analysis, and printing.

use super::args::AnalyzeArgs;
use super::table;
use eosflip::analyze::{analyze, analyze_point, AnalyzeOptions};
use eosflip::flip::{Backend, BackendChoice};
use eosflip::loss::catalog::{self, ENTRIES};
use eosflip::loss::network::{describe, model_file};
use eosflip::report::{LossInfo, SCHEMA_VERSION};
use eosflip::{Error, Loss, Result};
use std::collections::BTreeMap;

/// Parses `k=v` pairs; a repeated key is an error.
pub fn parse_params(pairs: &[String]) -> Result<BTreeMap<String, String>> {
    let mut map = BTreeMap::new();
    for p in pairs {
        let (k, v) = p.split_once('=').ok_or_else(|| {
            Error::bad_input(
                format!("--param '{p}' is not of the form k=v"),
                "write e.g. --param k2=1.5",
            )
        })?;
        let (k, v) = (k.trim(), v.trim());
        if k.is_empty() || v.is_empty() {
            return Err(Error::bad_input(
                format!("--param '{p}' has an empty name or value"),
                "write e.g. --param k2=1.5",
            ));
        }
        if map.insert(k.to_string(), v.to_string()).is_some() {
            return Err(Error::bad_input(
                format!("--param {k} is given twice"),
                "give each parameter once",
            ));
        }
    }
    Ok(map)
}

/// Parses a comma-separated list of finite numbers; `what` names the option.
pub fn parse_numbers(text: &str, what: &str) -> Result<Vec<f64>> {
    text.split(',')
        .enumerate()
        .map(|(i, t)| {
            let t = t.trim();
            let v: f64 = t.parse().map_err(|_| {
                Error::bad_input(
                    format!(
                        "{what}: entry {} '{t}' is not a number (in '{text}')",
                        i + 1
                    ),
                    format!("write {what} as comma-separated numbers, e.g. {what} 1,0.5"),
                )
            })?;
            if !v.is_finite() {
                return Err(Error::bad_input(
                    format!("{what}: entry {} is {v}", i + 1),
                    "give finite numbers",
                ));
            }
            Ok(v)
        })
        .collect()
}

fn parse_eta(text: &Option<String>) -> Result<Option<f64>> {
    match text {
        None => Ok(None),
        Some(t) => {
            let v = parse_numbers(t, "--eta")?;
            match v.as_slice() {
                [x] if *x > 0.0 => Ok(Some(*x)),
                _ => Err(Error::bad_input(
                    format!("--eta '{t}' must be one positive number"),
                    "e.g. --eta 0.51",
                )),
            }
        }
    }
}

/// Builds catalog entry `name` and describes it.
fn build(
    name: &str,
    params: &BTreeMap<String, String>,
) -> Result<(catalog::CatalogInstance, LossInfo)> {
    let inst = catalog::build(name, params)?;
    let info = LossInfo {
        name: inst.name.clone(),
        params: inst.params.clone(),
        dim: inst.loss.dim(),
    };
    Ok((inst, info))
}

fn run_one(
    name: &str,
    params: &BTreeMap<String, String>,
    point: Option<&[f64]>,
    opts: &AnalyzeOptions,
) -> Result<eosflip::report::Analysis> {
    let (inst, info) = build(name, params)?;
    analyze(&inst.loss, info, point.unwrap_or(&inst.default_point), opts)
}

fn backend(args: &AnalyzeArgs) -> Result<BackendChoice> {
    Ok(match (args.backend.as_str(), args.matrix_free) {
        (_, true) if args.backend != "auto" && args.backend != "matrix-free" => {
            return Err(Error::bad_input(
                format!("--matrix-free contradicts --backend {}", args.backend),
                "give one of them",
            ))
        }
        (_, true) | ("matrix-free", _) => BackendChoice::Use(Backend::MatrixFree),
        ("dense", _) => BackendChoice::Use(Backend::Dense),
        ("gauss-newton", _) => BackendChoice::Use(Backend::GaussNewton),
        _ => BackendChoice::Auto,
    })
}

pub fn run(args: &AnalyzeArgs) -> Result<i32> {
    let opts = AnalyzeOptions {
        refine: args.refine,
        eta: parse_eta(&args.eta)?,
        backend: backend(args)?,
        ..AnalyzeOptions::default()
    };
    let params = parse_params(&args.params)?;
    let point = args
        .point
        .as_deref()
        .map(|p| parse_numbers(p, "--point"))
        .transpose()?;
    if args.vars.is_some() && args.expr.is_none() {
        return Err(Error::bad_input(
            "--vars names the variables of a text loss and needs --expr",
            "drop --vars, or give the loss as text with --expr",
        ));
    }
    if let Some(vars) = &args.vars {
        if let Some(v) = vars
            .split(',')
            .map(str::trim)
            .find(|v| params.contains_key(*v))
        {
            return Err(Error::bad_input(
                format!("'{v}' is given both in --vars (a variable) and in --param (a constant)"),
                format!("drop '{v}' from --vars to keep it a constant, or drop --param {v}=…"),
            ));
        }
    }
    if args.expr.is_some() {
        return super::symbolic::run_analyze_expr(args, &params, point.as_deref(), &opts);
    }
    if let Some(path) = &args.model {
        let m = model_file::load(path)?;
        let info = describe(&m.network, &path.display().to_string());
        let pt = point.unwrap_or(m.theta);
        let (a, _) = analyze_point(&m.network, info, &pt, &opts, Some(&m.network))?;
        print_one(&a, args.json);
        return Ok(0);
    }
    let Some(name) = &args.loss else {
        if !params.is_empty() || point.is_some() {
            return Err(Error::bad_input(
                "--param and --point need --loss",
                "name the loss: --loss NAME",
            ));
        }
        return run_catalog(args.json, &opts);
    };
    let a = run_one(name, &params, point.as_deref(), &opts)?;
    print_one(&a, args.json);
    Ok(0)
}

fn print_one(a: &eosflip::report::Analysis, json: bool) {
    if json {
        outln!("{}", serde_json::to_string_pretty(a).expect("serializable"));
    } else {
        outp!("{}", table::detail(a));
    }
}

/// Every catalog entry at its default point: one summary table (or a JSON object).
fn run_catalog(json: bool, opts: &AnalyzeOptions) -> Result<i32> {
    let empty = BTreeMap::new();
    let rows: Vec<(String, std::result::Result<_, String>)> = ENTRIES
        .iter()
        .map(|e| {
            (
                e.name.to_string(),
                run_one(e.name, &empty, None, opts).map_err(|err| err.to_string()),
            )
        })
        .collect();
    let failed = rows.iter().any(|(_, r)| r.is_err());
    if json {
        let analyses: Vec<_> = rows.iter().filter_map(|(_, r)| r.as_ref().ok()).collect();
        let out = serde_json::json!({ "schema_version": SCHEMA_VERSION, "analyses": analyses });
        outln!(
            "{}",
            serde_json::to_string_pretty(&out).expect("serializable")
        );
    } else {
        outp!("{}", table::summary(&rows));
    }
    Ok(if failed { 2 } else { 0 })
}

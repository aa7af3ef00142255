//! `eosflip analyze`: configuration (which loss, point, backend), the analysis, and its
//! printers (a detail table, one summary table over the catalog, or JSON).

use super::args::{AnalyzeArgs, BackendArg};
use super::{table, write_json, Ctx, ExitStatus, Format};
use eosflip::analyze::{analyze, analyze_point, AnalyzeOptions};
use eosflip::flip::{Backend, BackendChoice};
use eosflip::loss::catalog::{self, ENTRIES};
use eosflip::loss::network::{describe, model_file};
use eosflip::report::{Analysis, LossInfo, SCHEMA_VERSION};
use eosflip::{Error, Result};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

/// `--param k=v` pairs as a map; a repeated key is an error.
pub fn param_map(pairs: &[(String, String)]) -> Result<BTreeMap<String, String>> {
    let mut map = BTreeMap::new();
    for (k, v) in pairs {
        if map.insert(k.clone(), v.clone()).is_some() {
            return Err(Error::bad_input(
                format!("--param {k} is given twice"),
                "give each parameter once",
            ));
        }
    }
    Ok(map)
}

/// A name both in `--vars` (a variable) and in `--param` (a constant) is an error.
pub fn check_vars_params(vars: Option<&[String]>, params: &BTreeMap<String, String>) -> Result<()> {
    if let Some(v) = vars.into_iter().flatten().find(|v| params.contains_key(*v)) {
        return Err(Error::bad_input(
            format!("'{v}' is given both in --vars (a variable) and in --param (a constant)"),
            format!("drop '{v}' from --vars to keep it a constant, or drop --param {v}=…"),
        ));
    }
    Ok(())
}

/// What to analyse.
pub enum Target {
    /// Every catalog entry at its default point.
    Catalog,
    /// One catalog entry.
    Entry(String),
    /// A model file.
    Model(PathBuf),
    /// A text loss with its variable order.
    Expr(String, Option<Vec<String>>),
}

/// The validated configuration of `analyze`.
pub struct Config {
    pub target: Target,
    pub params: BTreeMap<String, String>,
    pub point: Option<Vec<f64>>,
    pub opts: AnalyzeOptions,
}

fn backend(args: &AnalyzeArgs) -> Result<BackendChoice> {
    Ok(match (args.backend, args.matrix_free) {
        (BackendArg::Auto | BackendArg::MatrixFree, true) | (BackendArg::MatrixFree, false) => {
            BackendChoice::Use(Backend::MatrixFree)
        }
        (b, true) => {
            return Err(Error::bad_input(
                format!("--matrix-free contradicts --backend {b:?}"),
                "give one of them",
            ))
        }
        (BackendArg::Dense, _) => BackendChoice::Use(Backend::Dense),
        (BackendArg::GaussNewton, _) => BackendChoice::Use(Backend::GaussNewton),
        (BackendArg::Auto, _) => BackendChoice::Auto,
    })
}

impl Config {
    pub fn new(args: &AnalyzeArgs) -> Result<Self> {
        let opts = AnalyzeOptions {
            refine: args.refine,
            eta: args.eta,
            backend: backend(args)?,
            ..AnalyzeOptions::default()
        };
        let params = param_map(&args.params)?;
        if args.vars.is_some() && args.expr.is_none() {
            return Err(Error::bad_input(
                "--vars names the variables of a text loss and needs --expr",
                "drop --vars, or give the loss as text with --expr",
            ));
        }
        check_vars_params(args.vars.as_deref(), &params)?;
        let target = match (&args.expr, &args.model, &args.loss) {
            (Some(e), _, _) => Target::Expr(e.clone(), args.vars.clone()),
            (None, Some(m), _) => Target::Model(m.clone()),
            (None, None, Some(l)) => Target::Entry(l.clone()),
            (None, None, None) => {
                if !params.is_empty() || args.point.is_some() {
                    return Err(Error::bad_input(
                        "--param and --point need --loss",
                        "name the loss: --loss NAME",
                    ));
                }
                Target::Catalog
            }
        };
        Ok(Config {
            target,
            params,
            point: args.point.clone(),
            opts,
        })
    }
}

/// The result of `analyze`.
pub enum Output {
    /// One analysis; for a text loss also its variables and where their order came from.
    One(Box<Analysis>, Option<(Vec<String>, String)>),
    /// Every catalog entry (an error as text where one failed).
    Catalog(Vec<(String, std::result::Result<Analysis, String>)>),
}

fn run_one(
    name: &str,
    params: &BTreeMap<String, String>,
    point: Option<&[f64]>,
    opts: &AnalyzeOptions,
) -> Result<Analysis> {
    let inst = catalog::build(name, params)?;
    let info = LossInfo {
        name: inst.name.clone(),
        params: inst.params.clone(),
        dim: eosflip::Loss::dim(&inst.loss),
    };
    analyze(&inst.loss, info, point.unwrap_or(&inst.default_point), opts)
}

/// Runs the analysis.
pub fn compute(cfg: &Config) -> Result<Output> {
    let point = cfg.point.as_deref();
    Ok(match &cfg.target {
        Target::Expr(expr, vars) => {
            let (a, vars) = super::symbolic::analyze_expr(
                expr,
                vars.as_deref(),
                &cfg.params,
                point,
                &cfg.opts,
            )?;
            Output::One(Box::new(a), Some(vars))
        }
        Target::Model(path) => {
            let m = model_file::load(path)?;
            let info = describe(&m.network, &path.display().to_string());
            let pt = cfg.point.clone().unwrap_or(m.theta);
            let (a, _) = analyze_point(&m.network, info, &pt, &cfg.opts, Some(&m.network))?;
            Output::One(Box::new(a), None)
        }
        Target::Entry(name) => Output::One(
            Box::new(run_one(name, &cfg.params, point, &cfg.opts)?),
            None,
        ),
        Target::Catalog => {
            let empty = BTreeMap::new();
            Output::Catalog(
                ENTRIES
                    .iter()
                    .map(|e| {
                        (
                            e.name.to_string(),
                            run_one(e.name, &empty, None, &cfg.opts).map_err(|err| err.to_string()),
                        )
                    })
                    .collect(),
            )
        }
    })
}

/// Prints the result.
pub fn print(o: &Output, format: Format, w: &mut dyn Write) -> std::io::Result<()> {
    match (o, format) {
        (Output::One(a, None), Format::Table) => table::detail(w, a),
        (Output::One(a, Some((vars, order))), Format::Table) => {
            writeln!(w, "variables: {} (order: {order})", vars.join(", "))?;
            table::detail(w, a)
        }
        (Output::One(a, vars), _) => {
            let mut v = serde_json::to_value(a).expect("serializable");
            if let Some((vars, order)) = vars {
                v["variables"] = serde_json::json!(vars);
                v["variable_order"] = serde_json::json!(order);
            }
            write_json(w, format, &v)
        }
        (Output::Catalog(rows), Format::Table) => table::summary(w, rows),
        (Output::Catalog(rows), _) => {
            let analyses: Vec<_> = rows.iter().filter_map(|(_, r)| r.as_ref().ok()).collect();
            if format == Format::Jsonl {
                return analyses.iter().try_for_each(|a| write_json(w, format, a));
            }
            let out = serde_json::json!({ "schema_version": SCHEMA_VERSION, "analyses": analyses });
            write_json(w, format, &out)
        }
    }
}

pub fn run(args: &AnalyzeArgs, ctx: &Ctx, w: &mut dyn Write) -> Result<ExitStatus> {
    let out = compute(&Config::new(args)?)?;
    print(&out, ctx.format, w).map_err(super::out::io)?;
    Ok(match &out {
        Output::Catalog(rows) if rows.iter().any(|(_, r)| r.is_err()) => ExitStatus::Error,
        _ => ExitStatus::Success,
    })
}

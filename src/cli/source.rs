//! The loss of the picture commands (`bifurcate`, `simulate`, `scan`): one way to load it —
//! a catalog entry (`--loss NAME --param k=v`), a model file (`--model FILE`) or a text loss
//! (`--expr EXPR [--vars x,y] [--param k=v]`) — and the point θ* of M the pictures are drawn
//! around, analysed once.

use super::analyze::{check_vars_params, param_map};
use eosflip::analyze::{analyze_point, AnalyzeOptions};
use eosflip::flip::{FlipPoint, GaussNewtonStructure};
use eosflip::loss::catalog::{self, CatalogLoss};
use eosflip::loss::network::{describe, model_file};
use eosflip::report::{Analysis, LossInfo};
use eosflip::{Error, Loss, Result};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Where the loss comes from.
#[derive(Debug, clap::Args)]
pub struct SourceArgs {
    /// Catalog loss (see `eosflip list`).
    #[arg(
        long,
        value_name = "NAME",
        conflicts_with_all = ["model", "expr"],
        required_unless_present_any = ["model", "expr"]
    )]
    pub loss: Option<String>,
    /// A loss given as text, e.g. "(x*y - 1)^2/2" (needs --point; symbolica differentiates it).
    #[arg(
        long,
        value_name = "EXPR",
        allow_hyphen_values = true,
        conflicts_with = "model"
    )]
    pub expr: Option<String>,
    /// Variable order for --expr, comma-separated (default: order of first appearance).
    #[arg(long, value_name = "X,Y,...", value_delimiter = ',')]
    pub vars: Option<Vec<String>>,
    /// Parameter of the catalog or text loss, `k=v` (repeatable).
    #[arg(long = "param", value_name = "K=V", value_parser = super::values::param)]
    pub params: Vec<(String, String)>,
    /// A network from a model file (docs/model-format.md), at its θ.
    #[arg(long, value_name = "FILE", conflicts_with = "params")]
    pub model: Option<PathBuf>,
    /// θ*, a point of M, comma-separated (default: the entry's default point, the model's θ;
    /// required with --expr).
    #[arg(long, value_name = "A,B,...", value_delimiter = ',', allow_hyphen_values = true, value_parser = super::values::finite)]
    pub point: Option<Vec<f64>>,
    /// Refine θ* onto M first.
    #[arg(long)]
    pub refine: bool,
}

/// Which loss.
#[derive(Debug, Clone)]
enum Kind {
    Catalog(String),
    Model(PathBuf),
    Expr(String, Option<Vec<String>>),
}

/// The validated source.
#[derive(Debug, Clone)]
pub struct Source {
    kind: Kind,
    params: BTreeMap<String, String>,
    point: Option<Vec<f64>>,
    refine: bool,
}

impl Source {
    /// Validates the arguments.
    pub fn new(a: &SourceArgs) -> Result<Self> {
        let params = param_map(&a.params)?;
        if a.vars.is_some() && a.expr.is_none() {
            return Err(Error::bad_input(
                "--vars names the variables of a text loss and needs --expr",
                "drop --vars, or give the loss as text with --expr",
            ));
        }
        check_vars_params(a.vars.as_deref(), &params)?;
        let kind = match (&a.expr, &a.model, &a.loss) {
            (Some(e), _, _) => {
                if a.point.is_none() {
                    return Err(Error::bad_input(
                        "--expr needs --point (a text loss has no default point)",
                        "give θ*, a point of M, e.g. --point 1,1",
                    ));
                }
                Kind::Expr(e.clone(), a.vars.clone())
            }
            (None, Some(m), _) => Kind::Model(m.clone()),
            (None, None, Some(l)) => Kind::Catalog(l.clone()),
            (None, None, None) => {
                return Err(Error::bad_input(
                    "no loss given",
                    "give --loss NAME (see eosflip list), --expr EXPR or --model FILE",
                ))
            }
        };
        Ok(Source {
            kind,
            params,
            point: a.point.clone(),
            refine: a.refine,
        })
    }
}

/// The loss, analysed at θ*.
pub struct Loaded<'a, L> {
    /// The loss.
    pub loss: &'a L,
    /// The catalog entry, when it is one.
    pub catalog: Option<&'a CatalogLoss>,
    /// The analysis at θ*.
    pub analysis: Analysis,
    /// The flip point at θ*.
    pub flip: FlipPoint,
}

/// A command run on the loaded loss, generic over its type.
pub trait WithLoss {
    /// What the command returns.
    type Out;
    /// Runs the command.
    fn run<L: Loss + Sync>(self, loaded: Loaded<'_, L>) -> Result<Self::Out>;
}

fn flip_of<L: Loss>(
    loss: &L,
    info: LossInfo,
    point: &[f64],
    refine: bool,
    structure: Option<&dyn GaussNewtonStructure>,
) -> Result<(Analysis, FlipPoint)> {
    let opts = AnalyzeOptions {
        refine,
        ..AnalyzeOptions::default()
    };
    analyze_point(loss, info, point, &opts, structure)
}

/// Loads the loss, analyses it at θ* and runs `w` on it.
pub fn with_loss<W: WithLoss>(s: &Source, w: W) -> Result<W::Out> {
    match &s.kind {
        Kind::Model(path) => {
            let m = model_file::load(path)?;
            let info = describe(&m.network, &path.display().to_string());
            let pt = s.point.clone().unwrap_or_else(|| m.theta.clone());
            let (analysis, flip) = flip_of(&m.network, info, &pt, s.refine, Some(&m.network))?;
            w.run(Loaded {
                loss: &m.network,
                catalog: None,
                analysis,
                flip,
            })
        }
        Kind::Expr(expr, vars) => {
            let loss = super::symbolic::compile(expr, vars.as_deref(), &s.params)?;
            let pt = s.point.clone().unwrap_or_default();
            loss.check_finite(&pt)?;
            let info = LossInfo {
                name: expr.clone(),
                params: s.params.clone(),
                dim: loss.dim(),
            };
            let (analysis, flip) = flip_of(&loss, info, &pt, s.refine, None)?;
            w.run(Loaded {
                loss: &loss,
                catalog: None,
                analysis,
                flip,
            })
        }
        Kind::Catalog(name) => {
            let inst = catalog::build(name, &s.params)?;
            let info = LossInfo {
                name: inst.name.clone(),
                params: inst.params.clone(),
                dim: inst.loss.dim(),
            };
            let pt = s
                .point
                .clone()
                .unwrap_or_else(|| inst.default_point.clone());
            let (analysis, flip) = flip_of(&inst.loss, info, &pt, s.refine, None)?;
            w.run(Loaded {
                loss: &inst.loss,
                catalog: Some(&inst.loss),
                analysis,
                flip,
            })
        }
    }
}

/// `name (k=v, …)` for titles.
pub fn describe_loss(info: &LossInfo) -> String {
    let params: Vec<String> = info
        .params
        .iter()
        .filter(|(k, _)| k.as_str() != "source")
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    if params.is_empty() {
        info.name.clone()
    } else {
        format!("{} ({})", info.name, params.join(", "))
    }
}

/// A short form of a point for titles.
pub fn short_point(x: &[f64]) -> String {
    if x.len() > 4 {
        return format!("P = {}", x.len());
    }
    let parts: Vec<String> = x.iter().map(|v| super::plot::short(*v)).collect();
    format!("({})", parts.join(", "))
}

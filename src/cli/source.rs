//! The loss of the picture commands: a catalog entry (`--loss NAME --param k=v`) or a model
//! file (`--model FILE`), and the point θ* of M the pictures are drawn around.

use super::analyze::{parse_numbers, parse_params};
use eosflip::analyze::{analyze_point, AnalyzeOptions};
use eosflip::flip::{FlipPoint, GaussNewtonStructure};
use eosflip::loss::catalog::{self, CatalogLoss};
use eosflip::loss::network::{describe, model_file};
use eosflip::report::{Analysis, LossInfo};
use eosflip::{Error, Loss, Result};
use std::path::PathBuf;

/// Where the loss comes from.
#[derive(Debug, clap::Args)]
pub struct SourceArgs {
    /// Catalog loss (see `eosflip list`).
    #[arg(
        long,
        value_name = "NAME",
        conflicts_with = "model",
        required_unless_present = "model"
    )]
    pub loss: Option<String>,
    /// Parameter of the catalog loss, `k=v` (repeatable).
    #[arg(long = "param", value_name = "K=V")]
    pub params: Vec<String>,
    /// A network from a model file (docs/model-format.md), at its θ.
    #[arg(long, value_name = "FILE", conflicts_with = "params")]
    pub model: Option<PathBuf>,
    /// θ*, a point of M, comma-separated (default: the entry's default point, the model's θ).
    #[arg(long, value_name = "A,B,...", allow_hyphen_values = true)]
    pub point: Option<String>,
    /// Refine θ* onto M first.
    #[arg(long)]
    pub refine: bool,
    /// Threads of the sweep (default: the available cores, at most 8); results do not depend on it.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=256))]
    pub jobs: Option<u16>,
}

/// The loss, analysed at θ*.
pub struct Loaded<'a, L> {
    /// The loss.
    pub loss: &'a L,
    /// The catalog entry, when it is one.
    pub catalog: Option<&'a CatalogLoss>,
    /// The analysis at θ* and its flip point.
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
pub fn with_loss<W: WithLoss>(args: &SourceArgs, w: W) -> Result<W::Out> {
    if let Some(j) = args.jobs {
        eosflip::parallel::set_threads(j as usize);
    }
    let point = args
        .point
        .as_deref()
        .map(|p| parse_numbers(p, "--point"))
        .transpose()?;
    if let Some(path) = &args.model {
        let m = model_file::load(path)?;
        let info = describe(&m.network, &path.display().to_string());
        let pt = point.unwrap_or_else(|| m.theta.clone());
        let (analysis, flip) = flip_of(&m.network, info, &pt, args.refine, Some(&m.network))?;
        return w.run(Loaded {
            loss: &m.network,
            catalog: None,
            analysis,
            flip,
        });
    }
    let name = args.loss.as_deref().ok_or_else(|| {
        Error::bad_input(
            "no loss given",
            "give --loss NAME (see eosflip list) or --model FILE",
        )
    })?;
    let inst = catalog::build(name, &parse_params(&args.params)?)?;
    let info = LossInfo {
        name: inst.name.clone(),
        params: inst.params.clone(),
        dim: inst.loss.dim(),
    };
    let pt = point.unwrap_or_else(|| inst.default_point.clone());
    let (analysis, flip) = flip_of(&inst.loss, info, &pt, args.refine, None)?;
    w.run(Loaded {
        loss: &inst.loss,
        catalog: Some(&inst.loss),
        analysis,
        flip,
    })
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

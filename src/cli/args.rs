//! Layer 1 of the CLI: the command line as clap types. Every value is parsed here, typed
//! ([`super::values`] parsers, `value_delimiter` lists, `ValueEnum` choices); the commands
//! validate combinations and ranges into their configuration (layer 2).

use super::values::{finite, param, positive, Shard};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// eosflip: verify the flip-bifurcation theory of gradient descent at the Edge of Stability.
#[derive(Debug, Parser)]
#[command(name = "eosflip", version, about, long_about = None)]
pub struct Cli {
    /// Options of every command.
    #[command(flatten)]
    pub global: Global,
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// Options of every command (they may follow the command name).
#[derive(Debug, Args)]
pub struct Global {
    /// Format of stdout: table (for people), json (one object), jsonl (one object per line).
    #[arg(long, value_enum, global = true, value_name = "FORMAT")]
    pub format: Option<Format>,
    /// Short for --format json.
    #[arg(long, global = true, conflicts_with = "format")]
    pub json: bool,
    /// No progress display on stderr (it is also hidden when stderr is not a terminal).
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// Threads of the numeric pool (default: the available cores, at most 8); results do not
    /// depend on it.
    #[arg(long, global = true, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=256))]
    pub jobs: Option<u16>,
    /// If another eosflip process of this user is using symbolica, exit 2 at once instead of
    /// waiting for it (symbolica's restricted mode: one symbolica thread per user).
    #[arg(long, global = true)]
    pub no_wait: bool,
}

/// Output format of stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Tables and lines for a terminal (width-aware).
    Table,
    /// One pretty-printed JSON object (schemas in docs/json.md).
    Json,
    /// JSON Lines: one compact object per line (per case for `check`).
    Jsonl,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the built-in catalog of losses with parameters and defaults.
    List,
    /// Sharpness, η* = 2/λ, c1 (two formulas), drift and predictions at a point of M.
    Analyze(AnalyzeArgs),
    /// Check the theorems' hypotheses A1–A6 and validate their conclusions on case files
    /// (without arguments: every case embedded in the binary).
    Check(CheckArgs),
    /// Join the JSON Lines of `check --shard i/n` runs into one check result.
    Merge(MergeArgs),
    /// Closed forms of λ, η*, c1 and the drift for a text loss (symbolica; see docs/symbolica.md).
    Symbolic(SymbolicArgs),
    /// Train a model file's network to interpolation (Levenberg–Marquardt) and write the result.
    Fit(FitArgs),
    /// Bifurcation diagram: the attractor of GD against η, with the predicted branch (SVG + JSON).
    Bifurcate(super::bifurcate::BifurcateArgs),
    /// One GD run against the theory: loss, sharpness, amplitude, distance to M, phases (SVG + JSON).
    Simulate(super::simulate::SimulateArgs),
    /// λ, c1 and |Π_T g| along a curve of M, supercritical part shaded (SVG + JSON).
    Scan(super::scan::ScanArgs),
    /// Product-stability as a derived reduction for L = l(x1⋯xD): c1 on M, the supercritical
    /// set, the balanced point, λ∞ (symbolica).
    Product(super::product::ProductArgs),
}

#[derive(Debug, Args)]
pub struct FitArgs {
    /// The model file (docs/model-format.md); its θ is the start.
    #[arg(long, value_name = "FILE")]
    pub model: PathBuf,
    /// Where to write the fitted model file.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// At most this many accepted steps.
    #[arg(long, default_value_t = 200)]
    pub max_steps: usize,
}

/// A hypothesis of the theorems.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum HypothesisArg {
    #[value(name = "A1")]
    A1,
    #[value(name = "A2")]
    A2,
    #[value(name = "A3")]
    A3,
    #[value(name = "A4")]
    A4,
    #[value(name = "A5")]
    A5,
    #[value(name = "A6")]
    A6,
}

/// A validation by simulation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ValidationArg {
    Amplitude,
    Drift,
    Convergence,
    Exception,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Case files (TOML, format in docs/case-format.md); default: the embedded cases.
    #[arg(value_name = "CASE.toml", conflicts_with = "model")]
    pub cases: Vec<PathBuf>,
    /// Check a model file (docs/model-format.md) at its θ instead of case files.
    #[arg(long, value_name = "FILE")]
    pub model: Option<PathBuf>,
    /// Replace the cases' validations by these, comma-separated.
    #[arg(long, value_name = "LIST", value_enum, value_delimiter = ',')]
    pub validations: Option<Vec<ValidationArg>>,
    /// Only these hypotheses, comma-separated (e.g. A4,A5).
    #[arg(
        long,
        value_name = "IDS",
        value_enum,
        value_delimiter = ',',
        ignore_case = true
    )]
    pub only: Vec<HypothesisArg>,
    /// Skip the validations by simulation.
    #[arg(long)]
    pub no_validate: bool,
    /// Run only the i-th of n deterministic slices of the cases (cases k with k mod n = i − 1)
    /// and print them as JSON Lines; `eosflip merge` joins the slices.
    #[arg(long, value_name = "I/N", conflicts_with = "report")]
    pub shard: Option<Shard>,
    /// Also write DIR/index.html: one self-contained page (inline SVG) with the verdicts,
    /// each case's description, theorem, validation numbers and plots.
    #[arg(long, value_name = "DIR")]
    pub report: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// JSON Lines files written by `check --shard i/n` (or `check --format jsonl`).
    #[arg(value_name = "FILE.jsonl", required = true)]
    pub files: Vec<PathBuf>,
    /// Also write DIR/index.html (as `check --report DIR`).
    #[arg(long, value_name = "DIR")]
    pub report: Option<PathBuf>,
}

/// Spectrum backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BackendArg {
    /// Gauss–Newton where it applies, dense for P ≤ 1500, else matrix-free.
    Auto,
    /// Dense symmetric eigendecomposition.
    Dense,
    /// Lanczos + CGLS on Hessian-vector products.
    MatrixFree,
    /// The Gauss–Newton factor of a per-sample loss.
    GaussNewton,
}

#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    /// Catalog loss to analyse (see `eosflip list`); without it every entry is analysed at its
    /// default point and one summary table is printed.
    #[arg(long, value_name = "NAME", conflicts_with_all = ["expr", "model"])]
    pub loss: Option<String>,
    /// A network from a model file (docs/model-format.md), analysed at its θ.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["expr", "params"])]
    pub model: Option<PathBuf>,
    /// Spectrum backend.
    #[arg(long, value_name = "NAME", value_enum, default_value_t = BackendArg::Auto)]
    pub backend: BackendArg,
    /// A loss given as text, e.g. "(x*y - 1)^2/2" (needs --point; symbolica differentiates it).
    #[arg(long, value_name = "EXPR", allow_hyphen_values = true)]
    pub expr: Option<String>,
    /// Variable order for --expr, comma-separated (default: order of first appearance).
    #[arg(long, value_name = "X,Y,...", value_delimiter = ',')]
    pub vars: Option<Vec<String>>,
    /// Parameter of the loss, `k=v` (repeatable).
    #[arg(long = "param", value_name = "K=V", value_parser = param)]
    pub params: Vec<(String, String)>,
    /// Analysis point, comma-separated (default: the entry's default point on M).
    #[arg(long, value_name = "A,B,...", value_delimiter = ',', allow_hyphen_values = true, value_parser = finite)]
    pub point: Option<Vec<f64>>,
    /// Refine the point onto the minimizer set M first (Levenberg–Marquardt on ∇L = 0).
    #[arg(long)]
    pub refine: bool,
    /// A step size η: also report β = ηλ − 2 and the predicted 2-cycle amplitude √(β/c1).
    #[arg(long, value_name = "X", allow_hyphen_values = true, value_parser = positive)]
    pub eta: Option<f64>,
    /// Short for --backend matrix-free (Lanczos + CGLS on Hessian-vector products).
    #[arg(long, conflicts_with_all = ["refine"])]
    pub matrix_free: bool,
}

#[derive(Debug, Args)]
pub struct SymbolicArgs {
    /// The loss as text; an undeclared function l as in "l(x*y)" stands for any scalar loss with
    /// l'(z*) = 0 (its derivatives at z* become l2, l3, l4).
    #[arg(long, value_name = "EXPR", allow_hyphen_values = true)]
    pub expr: String,
    /// Variable order, comma-separated (default: order of first appearance).
    #[arg(long, value_name = "X,Y,...", value_delimiter = ',')]
    pub vars: Option<Vec<String>>,
    /// Named parameter substituted into the expression, `k=v` with v rational (repeatable).
    #[arg(long = "param", value_name = "K=V", value_parser = param)]
    pub params: Vec<(String, String)>,
    /// A point, e.g. "x=2,y=1/2" (exact values), or a piece of M parametrized by new symbols,
    /// e.g. "x=t,y=1/t"; a coordinate left out stays symbolic. Default: the point stays symbolic.
    #[arg(
        long,
        value_name = "X=..,Y=..",
        conflicts_with = "on_manifold",
        allow_hyphen_values = true,
        value_delimiter = ',',
        value_parser = super::values::assignment
    )]
    pub at: Option<Vec<(String, String)>>,
    /// Keep the point symbolic, on the minimizer set M (the default).
    #[arg(long)]
    pub on_manifold: bool,
    /// Print LaTeX instead of plain formulas.
    #[arg(long)]
    pub latex: bool,
}

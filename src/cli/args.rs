//! Command-line arguments (clap derive).

use clap::{Args, Parser, Subcommand};

/// eosflip: verify the flip-bifurcation theory of gradient descent at the Edge of Stability.
#[derive(Debug, Parser)]
#[command(name = "eosflip", version, about, long_about = None)]
pub struct Cli {
    /// If another eosflip process of this user is using symbolica, exit 2 at once instead of
    /// waiting for it (symbolica's restricted mode: one symbolica thread per user).
    #[arg(long, global = true)]
    pub no_wait: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the built-in catalog of losses with parameters and defaults.
    List(ListArgs),
    /// Sharpness, η* = 2/λ, c1 (two formulas), drift and predictions at a point of M.
    Analyze(AnalyzeArgs),
    /// Check the theorems' hypotheses A1–A6 and validate their conclusions on case files
    /// (without arguments: every case embedded in the binary).
    Check(CheckArgs),
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
    pub model: std::path::PathBuf,
    /// Where to write the fitted model file.
    #[arg(long, value_name = "FILE")]
    pub out: std::path::PathBuf,
    /// At most this many accepted steps.
    #[arg(long, default_value_t = 200)]
    pub max_steps: usize,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Case files (TOML, format in theorems/cases/README.md); default: the embedded cases.
    #[arg(value_name = "CASE.toml", conflicts_with = "model")]
    pub cases: Vec<std::path::PathBuf>,
    /// Check a model file (docs/model-format.md) at its θ instead of case files.
    #[arg(long, value_name = "FILE")]
    pub model: Option<std::path::PathBuf>,
    /// Replace the cases' validations by these, comma-separated (amplitude, drift, convergence).
    #[arg(long, value_name = "LIST")]
    pub validations: Option<String>,
    /// Print one JSON object instead of tables.
    #[arg(long)]
    pub json: bool,
    /// Only these hypotheses, comma-separated (e.g. A4,A5).
    #[arg(long, value_name = "IDS")]
    pub only: Option<String>,
    /// Skip the validations by simulation.
    #[arg(long)]
    pub no_validate: bool,
    /// No progress display on stderr.
    #[arg(long)]
    pub quiet: bool,
    /// Also write DIR/index.html: one self-contained page (inline SVG) with the verdicts,
    /// each case's description, theorem, validation numbers and plots.
    #[arg(long, value_name = "DIR")]
    pub report: Option<std::path::PathBuf>,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    /// Catalog loss to analyse (see `eosflip list`); without it every entry is analysed at its
    /// default point and one summary table is printed.
    #[arg(long, value_name = "NAME", conflicts_with_all = ["expr", "model"])]
    pub loss: Option<String>,
    /// A network from a model file (docs/model-format.md), analysed at its θ.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["expr", "params"])]
    pub model: Option<std::path::PathBuf>,
    /// Spectrum backend: auto (Gauss–Newton where it applies, dense for P ≤ 1500, else
    /// matrix-free), dense, matrix-free, gauss-newton.
    #[arg(long, value_name = "NAME", default_value = "auto", value_parser = ["auto", "dense", "matrix-free", "gauss-newton"])]
    pub backend: String,
    /// A loss given as text, e.g. "(x*y - 1)^2/2" (needs --point; symbolica differentiates it).
    #[arg(long, value_name = "EXPR", allow_hyphen_values = true)]
    pub expr: Option<String>,
    /// Variable order for --expr, comma-separated (default: order of first appearance).
    #[arg(long, value_name = "X,Y,...", requires = "expr")]
    pub vars: Option<String>,
    /// Parameter of the loss, `k=v` (repeatable).
    #[arg(long = "param", value_name = "K=V")]
    pub params: Vec<String>,
    /// Analysis point, comma-separated (default: the entry's default point on M).
    #[arg(long, value_name = "A,B,...", allow_hyphen_values = true)]
    pub point: Option<String>,
    /// Refine the point onto the minimizer set M first (Levenberg–Marquardt on ∇L = 0).
    #[arg(long)]
    pub refine: bool,
    /// A step size η: also report β = ηλ − 2 and the predicted 2-cycle amplitude √(β/c1).
    #[arg(long, value_name = "X", allow_hyphen_values = true)]
    pub eta: Option<String>,
    /// Print one JSON object (schema in README) instead of a table.
    #[arg(long)]
    pub json: bool,
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
    #[arg(long, value_name = "X,Y,...")]
    pub vars: Option<String>,
    /// Named parameter substituted into the expression, `k=v` with v rational (repeatable).
    #[arg(long = "param", value_name = "K=V")]
    pub params: Vec<String>,
    /// A point, e.g. "x=2,y=1/2" (exact values), or a piece of M parametrized by new symbols,
    /// e.g. "x=t,y=1/t"; a coordinate left out stays symbolic. Default: the point stays symbolic.
    #[arg(
        long,
        value_name = "X=..,Y=..",
        conflicts_with = "on_manifold",
        allow_hyphen_values = true
    )]
    pub at: Option<String>,
    /// Keep the point symbolic, on the minimizer set M (the default).
    #[arg(long)]
    pub on_manifold: bool,
    /// Print LaTeX instead of plain formulas.
    #[arg(long)]
    pub latex: bool,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    pub json: bool,
}

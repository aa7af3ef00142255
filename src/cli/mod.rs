//! The command line, in three layers (as ripgrep, fd and ruff are built):
//!
//! 1. [`args`]: clap types — every value typed by a value parser ([`values`]), a
//!    `value_delimiter` list or a `ValueEnum`;
//! 2. per command, a validated configuration built from its arguments (ranges, combinations,
//!    files), then the command itself, which returns a typed result (`analyze`, `check`, …:
//!    one module each);
//! 3. printers that write that result into a `&mut dyn Write` as a table (comfy-table,
//!    [`table`]), JSON or JSON Lines ([`args::Format`]).
//!
//! stdout is opened here only ([`out::Stdout`]); progress goes to stderr ([`progress`]). This
//! module is the one place that turns an outcome into the process exit code ([`ExitStatus`]).

mod analyze;
mod args;
mod bifurcate;
mod check;
mod fit;
mod list;
mod merge;
mod out;
mod plot;
mod product;
mod progress;
mod report;
mod scan;
mod simulate;
mod source;
mod summary;
mod symbolic;
mod table;
mod values;

pub use args::Format;
use clap::Parser;
use std::io::Write;

/// How a command ended; [`run`] maps it to the process exit code, and nothing else does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// Everything ran and every expectation or verdict was met (exit 0).
    Success,
    /// It ran, but an expectation or verdict failed (exit 1).
    Failed,
    /// Bad input or a failure (exit 2).
    Error,
}

impl ExitStatus {
    /// `Success` when `ok`, else `Failed`.
    pub fn met(ok: bool) -> Self {
        if ok {
            Self::Success
        } else {
            Self::Failed
        }
    }

    fn code(self) -> u8 {
        match self {
            Self::Success => 0,
            Self::Failed => 1,
            Self::Error => 2,
        }
    }
}

/// What every command gets besides its own arguments.
#[derive(Debug, Clone, Copy)]
pub struct Ctx {
    /// The format of stdout.
    pub format: Format,
    /// Show progress bars on stderr (false with `--quiet`; indicatif also hides them when
    /// stderr is not a terminal).
    pub progress: bool,
}

/// Parses the command line and runs it; returns the process exit code.
pub fn run() -> std::process::ExitCode {
    std::process::ExitCode::from(run_status().code())
}

fn run_status() -> ExitStatus {
    let cli = match args::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            // --help and --version print on stdout and succeed; usage errors are bad input.
            return if e.use_stderr() {
                ExitStatus::Error
            } else {
                ExitStatus::Success
            };
        }
    };
    let g = &cli.global;
    eosflip::symbolica_lock::configure(eosflip::symbolica_lock::LockPolicy {
        wait: !g.no_wait,
        on_wait: Some(|msg| eprintln!("{msg}")),
    });
    if let Some(j) = g.jobs {
        eosflip::parallel::set_threads(j as usize);
    }
    let ctx = Ctx {
        format: if g.json {
            Format::Json
        } else {
            g.format.unwrap_or(Format::Table)
        },
        progress: !g.quiet,
    };
    let mut stdout = out::Stdout::default();
    let w: &mut dyn Write = &mut stdout;
    let result = match &cli.command {
        args::Command::List => list::run(&ctx, w),
        args::Command::Analyze(a) => analyze::run(a, &ctx, w),
        args::Command::Check(a) => check::run(a, &ctx, w),
        args::Command::Merge(a) => merge::run(a, &ctx, w),
        args::Command::Symbolic(a) => symbolic::run(a, &ctx, w),
        args::Command::Fit(a) => fit::run(a, &ctx, w),
        args::Command::Bifurcate(a) => bifurcate::run(a, &ctx, w),
        args::Command::Simulate(a) => simulate::run(a, &ctx, w),
        args::Command::Scan(a) => scan::run(a, &ctx, w),
        args::Command::Product(a) => product::run(a, &ctx, w),
    };
    match result {
        Ok(status) => status,
        Err(e) => {
            eprintln!("error: {e}");
            ExitStatus::Error
        }
    }
}

/// Writes `v` as pretty JSON (`json`) or one compact line (`jsonl`).
pub fn write_json<T: serde::Serialize>(
    w: &mut dyn Write,
    format: Format,
    v: &T,
) -> std::io::Result<()> {
    let text = match format {
        Format::Jsonl => serde_json::to_string(v),
        _ => serde_json::to_string_pretty(v),
    }
    .expect("our results serialize");
    writeln!(w, "{text}")
}

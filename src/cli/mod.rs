//! CLI layers: clap arguments ([`args`]) → validated configuration → one module per command →
//! printers ([`table`]). This module is the one place that maps outcomes to exit codes.

/// `print!` through [`out::write`]: a closed pipe ends the output quietly.
macro_rules! outp {
    ($($t:tt)*) => { $crate::cli::out::write(&format!($($t)*)) };
}
/// `println!` through [`out::write`].
macro_rules! outln {
    () => { $crate::cli::out::write("\n") };
    ($($t:tt)*) => { $crate::cli::out::write(&format!("{}\n", format!($($t)*))) };
}

mod analyze;
mod args;
mod bifurcate;
mod check;
mod fit;
mod list;
mod out;
mod plot;
mod product;
mod report;
mod scan;
mod simulate;
mod source;
mod symbolic;
mod table;

use clap::Parser;

/// Parses the command line and runs it; returns the process exit code.
pub fn run() -> i32 {
    let cli = match args::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    eosflip::symbolica_lock::configure(eosflip::symbolica_lock::LockPolicy {
        wait: !cli.no_wait,
        on_wait: Some(|msg| eprintln!("{msg}")),
    });
    let result = match cli.command {
        args::Command::List(a) => list::run(&a),
        args::Command::Analyze(a) => analyze::run(&a),
        args::Command::Check(a) => check::run(&a),
        args::Command::Symbolic(a) => symbolic::run(&a),
        args::Command::Fit(a) => fit::run(&a),
        args::Command::Bifurcate(a) => bifurcate::run(&a),
        args::Command::Simulate(a) => simulate::run(&a),
        args::Command::Scan(a) => scan::run(&a),
        args::Command::Product(a) => product::run(&a),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            2
        }
    }
}

//! The `eosflip` command line: parses arguments, runs one command, prints, and maps the outcome
//! to an exit code (0 success, 1 an expectation or verdict failed, 2 bad input or failure).

mod cli;

/// mimalloc reuses freed memory instead of returning large blocks to the kernel, which would
/// zero fresh pages for every dual-number pass through a large network.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
/// Process-wide settings for symbolica, made here (single-threaded, before anything runs) because
/// the library never sets environment variables: hide its banner so stdout stays clean for
/// JSON, and keep its log (which it writes to stdout) off unless `EOSFLIP_SYMBOLICA_LOG` asks
/// for a level. A `RUST_LOG` of the user is overridden for the same reason.
fn quiet_symbolica() {
    std::env::set_var("SYMBOLICA_HIDE_BANNER", "1");
    let level = std::env::var("EOSFLIP_SYMBOLICA_LOG").unwrap_or_else(|_| "off".into());
    std::env::set_var("RUST_LOG", level);
}

/// `EOSFLIP_SYMBOLIC_SECONDS`: the time budget of one symbolic request (docs/cli.md, limits).
/// A value that is not a positive, finite number of seconds is bad input (exit 2).
fn symbolic_time_budget() -> Result<(), String> {
    let Ok(text) = std::env::var("EOSFLIP_SYMBOLIC_SECONDS") else {
        return Ok(());
    };
    match text.trim().parse::<f64>() {
        Ok(secs) if secs.is_finite() && secs > 0.0 => {
            #[cfg(feature = "symbolic")]
            eosflip::symbolic::worker::set_time_budget(std::time::Duration::from_secs_f64(secs));
            Ok(())
        }
        _ => Err(format!(
            "error: bad input: EOSFLIP_SYMBOLIC_SECONDS='{text}' is not a positive number of seconds\n  hint: set it to e.g. 120, or unset it for the default 60 s"
        )),
    }
}

fn main() -> std::process::ExitCode {
    quiet_symbolica();
    if let Err(msg) = symbolic_time_budget() {
        eprintln!("{msg}");
        return std::process::ExitCode::from(2);
    }
    cli::run()
}

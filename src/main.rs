//! The `eosflip` command line: parses arguments, runs one command, prints, and maps the outcome
//! to an exit code (0 success, 1 an expectation or verdict failed, 2 bad input or failure).

mod cli;

/// mimalloc reuses freed memory instead of returning large blocks to the kernel, which would
/// zero fresh pages for every dual-number pass through a large network.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(cli::run());
}

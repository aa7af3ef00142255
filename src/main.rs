//! The `eosflip` command line: parses arguments, runs one command, prints, and maps the outcome
//! to an exit code (0 success, 1 an expectation or verdict failed, 2 bad input or failure).

mod cli;

fn main() {
    std::process::exit(cli::run());
}

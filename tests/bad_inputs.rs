//! The data-driven bad-input suite (issue 11 §1): every file in `tests/bad_inputs/` is one input
//! to the `eosflip` binary — `args` (argv; `{file}` is replaced by the path of a file holding
//! `file`, written with extension `file_ext`), the expected `exit` code, a fragment `stderr` of
//! the expected message, `symbolic = true` when the input needs the symbolic front end, and for
//! valid extreme inputs (exit 0 or 1) a time budget `max_seconds`; optionally `env` (variables
//! for the process) and `stdout_json = true` (stdout must be one JSON value).
//!
//! Every input runs SEQUENTIALLY (at most one symbolica process at a time) and must: exit with
//! its code; on exit 2 print nothing on stdout and a message that contains the fragment and says
//! how to fix it (`hint:`, or clap's usage help); never print "panicked" or die by a signal.

use serde::Deserialize;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Input {
    args: Vec<String>,
    exit: i32,
    #[serde(default)]
    stderr: Option<String>,
    #[serde(default)]
    file: Option<String>,
    #[serde(default)]
    file_ext: Option<String>,
    #[serde(default)]
    symbolic: bool,
    #[serde(default)]
    max_seconds: Option<u64>,
    /// Environment variables for the process (e.g. `RUST_LOG = "warn"`).
    #[serde(default)]
    env: std::collections::BTreeMap<String, String>,
    /// stdout must be exactly one JSON value (clean for `--json`).
    #[serde(default)]
    stdout_json: bool,
}

fn inputs() -> Vec<(String, Input)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/bad_inputs");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("tests/bad_inputs exists")
        .map(|e| e.expect("readable").path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("readable");
            let name = p.file_stem().unwrap().to_string_lossy().into_owned();
            let input: Input =
                toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (name, input)
        })
        .collect()
}

fn scratch() -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("eosflip-bad-inputs-{}", std::process::id()));
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

#[test]
fn every_bad_input_is_refused_clearly() {
    let all = inputs();
    assert!(all.len() >= 80, "only {} inputs", all.len());
    let dir = scratch();
    let mut failures = Vec::new();
    let mut ran = 0;
    for (name, input) in &all {
        if input.symbolic && !cfg!(feature = "symbolic") {
            continue;
        }
        let path = dir.join(format!(
            "{name}.{}",
            input.file_ext.as_deref().unwrap_or("toml")
        ));
        if let Some(content) = &input.file {
            std::fs::write(&path, content).expect("write the input file");
        }
        let args: Vec<String> = input
            .args
            .iter()
            .map(|a| a.replace("{file}", &path.to_string_lossy()))
            .collect();
        let start = Instant::now();
        let out = Command::new(env!("CARGO_BIN_EXE_eosflip"))
            .args(&args)
            .envs(&input.env)
            .current_dir(&dir)
            .output()
            .expect("eosflip runs");
        let secs = start.elapsed().as_secs_f64();
        ran += 1;
        let (so, se) = (
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
        );
        let mut why = Vec::new();
        if out.status.code() != Some(input.exit) {
            why.push(format!(
                "exit {:?}, expected {}",
                out.status.code(),
                input.exit
            ));
        }
        if se.contains("panicked") || so.contains("panicked") {
            why.push("panic text".into());
        }
        if let Some(f) = &input.stderr {
            if !se.contains(f.as_str()) {
                why.push(format!("stderr lacks {f:?}"));
            }
        }
        if input.exit == 2 {
            if !so.is_empty() {
                why.push("stdout not empty".into());
            }
            if !["hint:", "--help", "Usage:", "tip:"]
                .iter()
                .any(|h| se.contains(h))
            {
                why.push("no hint on how to fix it".into());
            }
        }
        if input.stdout_json && serde_json::from_str::<serde_json::Value>(&so).is_err() {
            why.push("stdout is not one JSON value".into());
        }
        if let Some(budget) = input.max_seconds {
            if secs > budget as f64 {
                why.push(format!("took {secs:.1} s > budget {budget} s"));
            }
        }
        if !why.is_empty() {
            failures.push(format!(
                "{name}: {}\n    stderr: {}",
                why.join("; "),
                se.trim()
            ));
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        failures.is_empty(),
        "{} of {ran} inputs failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// `eosflip list | head -1`: the reader goes away after one line; eosflip ends quietly.
#[test]
fn closed_pipe_is_a_clean_exit() {
    for args in [&["list"][..], &["check", "--no-validate", "--json"][..]] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_eosflip"))
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("runs");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .expect("one line");
        // The reader is dropped here: the pipe is closed.
        let start = Instant::now();
        let out = child.wait_with_output().expect("ends");
        let se = String::from_utf8_lossy(&out.stderr);
        assert!(!se.contains("panicked"), "{args:?}: {se}");
        assert!(out.status.code().is_some(), "{args:?} died by a signal");
        assert!(start.elapsed() < Duration::from_secs(120));
    }
}

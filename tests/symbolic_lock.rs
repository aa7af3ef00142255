//! The per-user symbolica lock across processes: two `eosflip symbolic` processes started at
//! once take turns (both succeed, same correct output); under a held lock `--no-wait` exits 2
//! with the reason and a waiting process says so once on stderr, then finishes.
//! One test in this binary, so at most one of its processes runs symbolica at a time.
#![cfg(feature = "symbolic")]

use eosflip::symbolica_lock::{LockPolicy, SymbolicaLock};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn eosflip(args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_eosflip"));
    c.args(args)
        .env_remove("COLUMNS")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    c
}

fn c1_line(stdout: &str) -> bool {
    stdout
        .lines()
        .any(|l| l.starts_with("│ c1 ") && l.trim_end_matches(['│', ' ']).ends_with(" 8"))
}

#[test]
fn processes_take_turns() {
    // Two at once: both succeed with c1 = 8 for the double well at x = 1 (no abort).
    let args = ["symbolic", "--expr", "(x^2 - 1)^2/4", "--at", "x=1"];
    let a = eosflip(&args).spawn().expect("first process starts");
    let b = eosflip(&args).spawn().expect("second process starts");
    for child in [a, b] {
        let out = child.wait_with_output().expect("process ends");
        let (so, se) = (
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
        );
        assert_eq!(out.status.code(), Some(0), "stderr: {se}");
        assert!(c1_line(&so), "{so}");
        assert!(!se.contains("panicked"), "{se}");
    }

    // This test process holds the lock (no symbolica call is made for that).
    let held = SymbolicaLock::acquire(LockPolicy::default()).expect("lock free");
    let out = eosflip(&["--no-wait", "symbolic", "--expr", "x^2", "--at", "x=0"])
        .output()
        .expect("runs");
    let se = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{se}");
    assert!(out.stdout.is_empty());
    assert!(se.contains("another eosflip process"), "{se}");
    assert!(se.contains("without --no-wait"), "{se}");

    // Without --no-wait the process waits, says so once, and finishes once the lock is free.
    let child = eosflip(&args).spawn().expect("starts");
    std::thread::sleep(Duration::from_millis(1500));
    let started = Instant::now();
    drop(held);
    let out = child.wait_with_output().expect("ends");
    let (so, se) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert_eq!(out.status.code(), Some(0), "{se}");
    assert!(c1_line(&so), "{so}");
    assert_eq!(
        se.matches("waiting for another eosflip process").count(),
        1,
        "{se}"
    );
    assert!(started.elapsed() < Duration::from_secs(60));
}

//! `eosflip merge` refuses records that cannot come from one `check` run (docs/cli.md,
//! "Sharding a check"): a different case list, different options (`--no-validate`, `--only`,
//! `--validations`), an index not below the total, an unknown schema_version — exit 2, nothing
//! on stdout, a message naming both files and what differs.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn eosflip(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_eosflip"))
        .args(args)
        .env_remove("COLUMNS")
        .output()
        .expect("binary runs")
}

/// Runs `check --quiet ARGS` and writes its stdout to `dir/name`.
fn shard(dir: &Path, name: &str, args: &[&str]) -> PathBuf {
    let o = eosflip(&[&["check", "--quiet"][..], args].concat());
    assert!(
        o.status.code() == Some(0) || o.status.code() == Some(1),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let f = dir.join(name);
    std::fs::write(&f, &o.stdout).unwrap();
    f
}

/// `merge FILES` must exit 2 with empty stdout and every fragment on stderr.
fn refused(files: &[&Path], fragments: &[&str]) {
    let args: Vec<&str> = std::iter::once("merge")
        .chain(files.iter().map(|f| f.to_str().unwrap()))
        .collect();
    let o = eosflip(&args);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
    assert!(o.stdout.is_empty(), "{args:?}");
    for f in fragments {
        assert!(err.contains(f), "{args:?}: {err} lacks {f:?}");
    }
    assert!(err.contains("hint:"), "{err}");
}

/// Replaces `from` by `to` in every line of `src`, written to `dir/name`.
fn edited(src: &Path, dir: &Path, name: &str, from: &str, to: &str) -> PathBuf {
    let text = std::fs::read_to_string(src).unwrap();
    assert!(text.contains(from), "{from} not in {}", src.display());
    let f = dir.join(name);
    std::fs::write(&f, text.replace(from, to)).unwrap();
    f
}

#[test]
fn merge_refuses_records_of_different_runs() {
    let dir = std::env::temp_dir().join(format!("eosflip-merge-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let nv = ["--no-validate"];
    let s1 = shard(&dir, "s1.jsonl", &[&nv[..], &["--shard", "1/2"]].concat());
    let s2 = shard(&dir, "s2.jsonl", &[&nv[..], &["--shard", "2/2"]].concat());
    // The two shards of one run merge.
    assert_eq!(
        eosflip(&["merge", s1.to_str().unwrap(), s2.to_str().unwrap()])
            .status
            .code(),
        Some(0)
    );

    // Validated vs --no-validate.
    let v2 = shard(&dir, "v2.jsonl", &["--shard", "2/2"]);
    refused(
        &[&s1, &v2],
        &[
            "s1.jsonl line 1",
            "v2.jsonl line 1",
            "validate=false",
            "validate=true",
        ],
    );
    // --only.
    let o2 = shard(
        &dir,
        "o2.jsonl",
        &["--no-validate", "--only", "A1,A2", "--shard", "2/2"],
    );
    refused(&[&s1, &o2], &["o2.jsonl", "only=[A1,A2]"]);
    // The same hypotheses in another order are the same run.
    let o1 = shard(
        &dir,
        "o1.jsonl",
        &["--no-validate", "--only", "A2,A1", "--shard", "1/2"],
    );
    let ok = eosflip(&["merge", o1.to_str().unwrap(), o2.to_str().unwrap()]);
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    // --validations changes the cases' validations: a different run.
    let w1 = shard(
        &dir,
        "w1.jsonl",
        &["--validations", "drift", "--shard", "1/2"],
    );
    refused(&[&w1, &v2], &["w1.jsonl", "v2.jsonl", "validations differ"]);
    // A different case list of the same length: the case hash differs.
    let text = std::fs::read_to_string(&s2).unwrap();
    let hash = text.split("\"cases\":\"").nth(1).unwrap()[..16].to_string();
    let c2 = edited(&s2, &dir, "c2.jsonl", &hash, "0123456789abcdef");
    refused(&[&s1, &c2], &["c2.jsonl", "case lists", "0123456789abcdef"]);
    // A different number of cases.
    let case = concat!(env!("CARGO_MANIFEST_DIR"), "/theorems/cases");
    let first = std::fs::read_dir(case)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .min()
        .unwrap();
    let t2 = shard(
        &dir,
        "t2.jsonl",
        &["--no-validate", "--shard", "1/1", first.to_str().unwrap()],
    );
    refused(&[&s1, &t2], &["t2.jsonl", "cases vs 1"]);
    // An index not below the total.
    let total = text
        .split("\"total\":")
        .nth(1)
        .unwrap()
        .split(',')
        .next()
        .unwrap();
    let i2 = edited(
        &s2,
        &dir,
        "i2.jsonl",
        &format!("\"index\":1,\"total\":{total}"),
        &format!("\"index\":{total},\"total\":{total}"),
    );
    refused(&[&s1, &i2], &["i2.jsonl line 1", "is not below total"]);
    // An unknown schema_version.
    let k2 = edited(
        &s2,
        &dir,
        "k2.jsonl",
        "{\"schema_version\":1,",
        "{\"schema_version\":99,",
    );
    refused(&[&s1, &k2], &["k2.jsonl line 1", "schema_version 99"]);
    std::fs::remove_dir_all(&dir).ok();
}

//! The CLI's output layer: `--json` is `--format json`, `--format jsonl` is one compact object
//! per line, tables wrap to the width (`COLUMNS`), the exit-code matrix (0 / 1 / 2, clap's
//! help and version 0), and `check --shard i/n` + `merge` giving exactly the unsharded run.

use std::process::{Command, Output};

fn eosflip_env(args: &[&str], columns: Option<&str>) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_eosflip"));
    c.args(args).env_remove("COLUMNS");
    if let Some(w) = columns {
        c.env("COLUMNS", w);
    }
    c.output().expect("binary runs")
}

fn eosflip(args: &[&str]) -> Output {
    eosflip_env(args, None)
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("utf-8")
}

#[test]
fn json_alias_and_jsonl() {
    let base = ["analyze", "--loss", "double_well", "--eta", "1.02"];
    let alias = eosflip(&[&base[..], &["--json"]].concat());
    let long = eosflip(&[&base[..], &["--format", "json"]].concat());
    assert_eq!(alias.status.code(), Some(0));
    assert_eq!(stdout(&alias), stdout(&long), "--json is --format json");
    let v: serde_json::Value = serde_json::from_str(&stdout(&alias)).unwrap();
    assert_eq!(v["c1"], serde_json::json!(8.0));
    let lines = eosflip(&[&base[..], &["--format", "jsonl"]].concat());
    let text = stdout(&lines);
    assert_eq!(text.lines().count(), 1, "{text}");
    let w: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v, w, "the same object, compact");
    // The global option may come before the command too; --json and --format conflict.
    let before = eosflip(&["--json", "list"]);
    let entries: Vec<serde_json::Value> = serde_json::from_slice(&before.stdout).unwrap();
    assert_eq!(entries.len(), eosflip::loss::catalog::ENTRIES.len());
    assert_eq!(
        eosflip(&["list", "--json", "--format", "table"])
            .status
            .code(),
        Some(2)
    );
    // jsonl of the catalog: one analysis per line.
    let all = stdout(&eosflip(&["analyze", "--format", "jsonl"]));
    assert_eq!(all.lines().count(), eosflip::loss::catalog::ENTRIES.len());
}

#[test]
fn tables_never_exceed_the_width() {
    for cols in ["80", "60"] {
        let n: usize = cols.parse().unwrap();
        for args in [
            &["analyze"][..],
            &["analyze", "--loss", "product"],
            &["list"],
        ] {
            let o = eosflip_env(args, Some(cols));
            assert_eq!(o.status.code(), Some(0), "{args:?}");
            let text = stdout(&o);
            let table: Vec<&str> = text
                .lines()
                .filter(|l| l.starts_with(['╭', '│', '├', '╞', '╰']))
                .collect();
            assert!(table.len() > 3, "{args:?}: a table\n{text}");
            for l in table {
                assert!(l.chars().count() <= n, "{args:?} at {cols} columns: {l}");
            }
        }
    }
    // Without COLUMNS and not on a terminal, rows are not wrapped: every entry on one line.
    let text = stdout(&eosflip(&["analyze"]));
    for e in eosflip::loss::catalog::ENTRIES {
        assert!(text
            .lines()
            .any(|l| l.starts_with(&format!("│ {} ", e.name))));
    }
}

#[test]
fn exit_code_matrix() {
    let code = |args: &[&str]| eosflip(args).status.code();
    assert_eq!(code(&["--help"]), Some(0));
    assert_eq!(code(&["--version"]), Some(0));
    assert_eq!(code(&["check", "--help"]), Some(0));
    assert_eq!(code(&["analyze", "--loss", "double_well"]), Some(0));
    assert_eq!(code(&["frobnicate"]), Some(2), "clap usage error");
    assert_eq!(code(&["analyze", "--eta", "0"]), Some(2), "value parser");
    assert_eq!(code(&["analyze", "--loss", "nope"]), Some(2), "bad input");
    let dir = std::env::temp_dir().join(format!("eosflip-exit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let wrong = dir.join("wrong.toml");
    std::fs::write(&wrong, "name = \"w\"\ndescription = \"d\"\n[loss]\ncatalog = \"double_well\"\n[expect]\nA4 = \"fails\"\n").unwrap();
    let w = wrong.to_str().unwrap();
    assert_eq!(
        code(&["check", "--quiet", "--no-validate", w]),
        Some(1),
        "unmet"
    );
    // jsonl and json of a failed check: still exit 1, `met` false in the data.
    let o = eosflip(&["check", "--no-validate", "--format", "jsonl", w]);
    assert_eq!(o.status.code(), Some(1));
    let r: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!(r["report"]["met"], serde_json::json!(false));
    // A list option does not swallow the case files after it.
    let o = eosflip(&[
        "check",
        "--quiet",
        "--validations",
        "exception",
        "--json",
        w,
    ]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["cases"][0]["validations"][0]["name"], "exception");
    // Progress bars stay off stderr when it is not a terminal: no escape codes.
    let o = eosflip(&["check", "--no-validate", w]);
    assert!(
        !o.stderr.contains(&0x1b),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn merged_shards_equal_the_unsharded_run() {
    let dir = std::env::temp_dir().join(format!("eosflip-shards-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let whole = eosflip(&["check", "--no-validate", "--quiet", "--format", "jsonl"]);
    assert_eq!(whole.status.code(), Some(0));
    let whole_text = stdout(&whole);
    let n = whole_text.lines().count();
    assert!(n >= 20, "{n} cases");
    let mut files = Vec::new();
    let mut sizes = Vec::new();
    // Shards in a scrambled order, on a different number of threads.
    for i in [3, 1, 2] {
        let o = eosflip(&[
            "check",
            "--no-validate",
            "--quiet",
            "--jobs",
            "2",
            "--shard",
            &format!("{i}/3"),
        ]);
        assert_eq!(o.status.code(), Some(0));
        sizes.push(stdout(&o).lines().count());
        let f = dir.join(format!("shard{i}.jsonl"));
        std::fs::write(&f, &o.stdout).unwrap();
        files.push(f.to_string_lossy().into_owned());
    }
    assert_eq!(sizes.iter().sum::<usize>(), n);
    assert!(
        sizes.iter().all(|&s| s >= n / 3 && s <= n / 3 + 1),
        "{sizes:?}"
    );
    let f: Vec<&str> = files.iter().map(String::as_str).collect();
    let merged = eosflip(&[&["merge", "--format", "jsonl"][..], &f].concat());
    assert_eq!(merged.status.code(), Some(0));
    assert_eq!(
        stdout(&merged),
        whole_text,
        "merge = the unsharded run, line for line"
    );
    // The JSON and table forms agree too.
    let json_whole = eosflip(&["check", "--no-validate", "--quiet", "--json"]);
    let json_merged = eosflip(&[&["merge", "--json"][..], &f].concat());
    assert_eq!(stdout(&json_merged), stdout(&json_whole));
    let table = stdout(&eosflip(&[&["merge"][..], &f].concat()));
    assert!(table.contains(&format!(
        "summary: {n} cases, {n} met all expectations, 0 did not"
    )));
    // A missing shard or a repeated one is bad input.
    let o = eosflip(&["merge", f[0], f[1]]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("missing"));
    assert!(o.stdout.is_empty());
    let o = eosflip(&["merge", f[0], f[0], f[1], f[2]]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("appears twice"));
    assert_eq!(eosflip(&["check", "--shard", "4/3"]).status.code(), Some(2));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn jobs_do_not_change_the_check() {
    let one = eosflip(&["check", "--no-validate", "--quiet", "--jobs", "1", "--json"]);
    let two = eosflip(&["check", "--no-validate", "--quiet", "--jobs", "2", "--json"]);
    assert_eq!(one.status.code(), Some(0));
    assert_eq!(stdout(&one), stdout(&two));
}

/// On a very narrow terminal the check table grows past the width instead of breaking the case
/// names into a letter per row: each name's first 12 characters stay on one line.
#[test]
fn narrow_check_table_keeps_names_readable() {
    let json = eosflip(&["check", "--no-validate", "--quiet", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let names: Vec<String> = v["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_string())
        .collect();
    assert!(names.len() >= 20);
    let o = eosflip_env(&["check", "--no-validate", "--quiet"], Some("40"));
    assert_eq!(o.status.code(), Some(0));
    let text = stdout(&o);
    for n in &names {
        let head: String = n.chars().take(12).collect();
        assert!(text.contains(&head), "{head} broken up:\n{text}");
    }
    let lines = text.lines().count();
    assert!(lines < 3 * names.len() + 20, "{lines} lines");
}

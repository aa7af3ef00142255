//! `eosflip merge FILES…`: joins the JSON Lines of `check --shard i/n` runs (any order, any
//! split into files) into the result of the unsharded run — the same table, JSON or JSON
//! Lines, the same exit status, and `--report DIR` as `check` writes it.

use super::args::MergeArgs;
use super::check::{finish, CaseRecord};
use super::{Ctx, ExitStatus};
use eosflip::check::run::CHECK_SCHEMA_VERSION;
use eosflip::{Error, Result};
use std::io::Write;

/// Reads every record; checks that together they are each case of one run exactly once.
fn records(args: &MergeArgs) -> Result<Vec<CaseRecord>> {
    let mut all: Vec<CaseRecord> = Vec::new();
    // The file and line of the first record, to name both files when one disagrees with it.
    let mut first: Option<String> = None;
    for path in &args.files {
        let text = std::fs::read_to_string(path).map_err(|e| {
            Error::bad_input(
                format!("cannot read {}: {e}", path.display()),
                "give the JSON Lines files written by check --shard i/n",
            )
        })?;
        for (n, line) in text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
        {
            let r: CaseRecord = serde_json::from_str(line).map_err(|e| {
                Error::bad_input(
                    format!(
                        "{} line {}: not a check record ({e})",
                        path.display(),
                        n + 1
                    ),
                    "give the JSON Lines files written by check --shard i/n",
                )
            })?;
            let here = format!("{} line {}", path.display(), n + 1);
            if r.schema_version != CHECK_SCHEMA_VERSION {
                return Err(Error::bad_input(
                    format!(
                        "{here}: schema_version {} (this eosflip reads {CHECK_SCHEMA_VERSION})",
                        r.schema_version
                    ),
                    "merge records written by the same eosflip version as this one",
                ));
            }
            if r.index >= r.total {
                return Err(Error::bad_input(
                    format!("{here}: index {} is not below total {}", r.index, r.total),
                    "give the JSON Lines files written by check --shard i/n, unedited",
                ));
            }
            if let Some(f) = all.first() {
                let differs = if r.total != f.total {
                    Some(format!("{} cases vs {}", f.total, r.total))
                } else if r.run.cases != f.run.cases {
                    Some(format!(
                        "the case lists or their validations differ (hash {} vs {})",
                        f.run.cases, r.run.cases
                    ))
                } else if r.run.options != f.run.options {
                    Some(format!(
                        "the options differ ({} vs {})",
                        f.run.options, r.run.options
                    ))
                } else {
                    None
                };
                if let Some(d) = differs {
                    return Err(Error::bad_input(
                        format!(
                            "{} and {here} come from different check runs: {d}",
                            first.as_deref().unwrap_or("?")
                        ),
                        "merge the shards of one run: check --shard 1/n … n/n with the same \
                         cases and options",
                    ));
                }
            } else {
                first = Some(here);
            }
            all.push(r);
        }
    }
    let total = all.first().map_or(0, |r| r.total);
    if all.is_empty() {
        return Err(Error::bad_input(
            "the files hold no check records",
            "give the JSON Lines files written by check --shard i/n",
        ));
    }
    all.sort_by_key(|r| r.index);
    if let Some(w) = all.windows(2).find(|w| w[0].index == w[1].index) {
        return Err(Error::bad_input(
            format!("case {} ({}) appears twice", w[0].index, w[0].report.name),
            "give each shard's file once",
        ));
    }
    let missing: Vec<usize> = (0..total)
        .filter(|k| all.binary_search_by_key(k, |r| r.index).is_err())
        .collect();
    if !missing.is_empty() {
        return Err(Error::bad_input(
            format!(
                "{} of {total} cases are missing (indices {:?}…)",
                missing.len(),
                &missing[..missing.len().min(8)]
            ),
            "give the files of every shard 1/n … n/n",
        ));
    }
    Ok(all)
}

pub fn run(args: &MergeArgs, ctx: &Ctx, w: &mut dyn Write) -> Result<ExitStatus> {
    let all = records(args)?;
    finish(&all, args.report.as_deref(), ctx.format, w)
}

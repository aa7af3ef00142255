//! `eosflip check`: case files → reports → table or JSON; exit 0 when every expectation is met,
//! 1 when one is not, 2 on bad input.

use super::args::CheckArgs;
use eosflip::assumptions::{Outcome, IDS};
use eosflip::check::run::CHECK_SCHEMA_VERSION;
use eosflip::check::{embedded_cases, run_case, CaseFile, CaseReport, CheckOptions};
use eosflip::{Error, Result};
use std::fmt::Write as _;
use std::io::{IsTerminal, Write};

fn load(args: &CheckArgs) -> Result<Vec<CaseFile>> {
    if args.cases.is_empty() {
        return embedded_cases();
    }
    args.cases
        .iter()
        .map(|p| {
            let text = std::fs::read_to_string(p).map_err(|e| {
                Error::bad_input(
                    format!("cannot read case file {}: {e}", p.display()),
                    "give the path of a TOML case file",
                )
            })?;
            CaseFile::parse(&text, &p.display().to_string())
        })
        .collect()
}

fn parse_only(only: &Option<String>) -> Result<Vec<String>> {
    let Some(text) = only else {
        return Ok(Vec::new());
    };
    text.split(',')
        .map(|s| {
            let id = s.trim().to_uppercase();
            if IDS.contains(&id.as_str()) {
                Ok(id)
            } else {
                Err(Error::bad_input(
                    format!("--only: unknown hypothesis '{}'", s.trim()),
                    "use IDs among A1, A2, A3, A4, A5",
                ))
            }
        })
        .collect()
}

pub fn run(args: &CheckArgs) -> Result<i32> {
    let opts = CheckOptions {
        only: parse_only(&args.only)?,
        validate: !args.no_validate,
    };
    let cases = load(args)?;
    #[cfg(feature = "symbolic")]
    if cases.iter().any(|c| c.loss.expr.is_some()) {
        super::symbolic::notice();
    }
    let show = !args.quiet && std::io::stderr().is_terminal();
    let mut reports = Vec::with_capacity(cases.len());
    let n = cases.len();
    for (i, case) in cases.iter().enumerate() {
        let mut progress = |step: usize, max: usize| {
            if show {
                let pct = (100 * step.min(max)).checked_div(max).unwrap_or(100);
                eprint!("\r\x1b[2K[{:>2}/{n}] {:<28} {pct:>3}%", i + 1, case.name);
                let _ = std::io::stderr().flush();
            }
        };
        progress(0, 1);
        reports.push(run_case(case, &opts, &mut progress));
    }
    if show {
        eprint!("\r\x1b[2K");
    }
    let all_met = reports.iter().all(|r| r.met);
    if args.json {
        let out = serde_json::json!({ "schema_version": CHECK_SCHEMA_VERSION, "all_met": all_met, "cases": reports });
        println!(
            "{}",
            serde_json::to_string_pretty(&out).expect("serializable")
        );
    } else {
        print!("{}", table(&reports, &opts));
    }
    Ok(if all_met { 0 } else { 1 })
}

fn mark(o: Outcome) -> &'static str {
    match o {
        Outcome::Holds => "holds",
        Outcome::Fails => "FAILS",
        Outcome::Inconclusive => "incon.",
    }
}

fn table(reports: &[CaseReport], opts: &CheckOptions) -> String {
    let ids: Vec<&str> = IDS
        .iter()
        .copied()
        .filter(|id| opts.only.is_empty() || opts.only.iter().any(|o| o == id))
        .collect();
    let mut s = String::new();
    let _ = write!(s, "{:<28}", "case");
    for id in &ids {
        let _ = write!(s, " {id:>8}");
    }
    let _ = writeln!(s, " {:>14}  expectations", "c1");
    for r in reports {
        let _ = write!(s, "{:<28}", r.name);
        for id in &ids {
            let cell = r
                .checks
                .iter()
                .find(|c| c.id == *id)
                .map_or("—", |c| mark(c.outcome));
            let unmet = r.expectations.iter().any(|e| e.what == *id && !e.met);
            let _ = write!(
                s,
                " {:>8}",
                if unmet {
                    format!("{cell}!")
                } else {
                    cell.to_string()
                }
            );
        }
        let c1 = r
            .analysis
            .as_ref()
            .and_then(|a| a.c1)
            .map_or("—".to_string(), |c| format!("{c:.6e}"));
        let met = r.expectations.iter().filter(|e| e.met).count();
        let status = if r.met {
            "met".to_string()
        } else {
            "NOT MET".to_string()
        };
        let _ = writeln!(s, " {c1:>14}  {met}/{} {status}", r.expectations.len());
        if let Some(e) = &r.error {
            let _ = writeln!(s, "    error: {}", e.lines().next().unwrap_or(""));
        }
        for v in &r.validations {
            let _ = writeln!(
                s,
                "    {:<11} {:<12} {}",
                v.name,
                format!("{:?}", v.outcome).to_lowercase(),
                v.summary
            );
        }
        for e in r.expectations.iter().filter(|e| !e.met) {
            let _ = writeln!(
                s,
                "    unmet: {} expected {} got {}",
                e.what, e.expected, e.got
            );
        }
    }
    let n_met = reports.iter().filter(|r| r.met).count();
    let _ = writeln!(s, "verdicts: holds / FAILS / incon(clusive); '!' marks a verdict that differs from the case file.");
    let _ = writeln!(
        s,
        "summary: {} cases, {} met all expectations, {} did not",
        reports.len(),
        n_met,
        reports.len() - n_met
    );
    s
}

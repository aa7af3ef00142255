//! `eosflip check`: case files → reports → table or JSON; exit 0 when every expectation is met,
//! 1 when one is not, 2 on bad input.

use super::args::CheckArgs;
use eosflip::assumptions::{Outcome, IDS};
use eosflip::check::run::run_case_in;
use eosflip::check::run::CHECK_SCHEMA_VERSION;
use eosflip::check::{embedded_cases, CaseFile, CaseReport, CheckOptions};
use eosflip::{Error, Result};
use std::fmt::Write as _;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

type Loaded = (CaseFile, Option<PathBuf>);

fn load(args: &CheckArgs) -> Result<Vec<Loaded>> {
    if let Some(model) = &args.model {
        return Ok(vec![model_case(model)?]);
    }
    if args.cases.is_empty() {
        return Ok(embedded_cases()?.into_iter().map(|c| (c, None)).collect());
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
            let dir = p.parent().map(|d| {
                if d.as_os_str().is_empty() {
                    PathBuf::from(".")
                } else {
                    d.to_path_buf()
                }
            });
            Ok((CaseFile::parse(&text, &p.display().to_string())?, dir))
        })
        .collect()
}

/// `check --model FILE`: the hypotheses A1–A6 at the model's θ, no expectations, and the
/// validations named by `--validations`.
fn model_case(path: &std::path::Path) -> Result<Loaded> {
    let name = path
        .file_stem()
        .map_or("model".into(), |s| s.to_string_lossy().to_string());
    let file = path
        .file_name()
        .map(|f| f.to_string_lossy().to_string())
        .unwrap_or_default();
    let toml = format!(
        "name = {name:?}\ndescription = {:?}\ntheorem = \"convergence_at_threshold.md\"\n[loss]\nmodel = {file:?}\n",
        format!("model file {}", path.display())
    );
    let dir = path.parent().map(|d| {
        if d.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            d.to_path_buf()
        }
    });
    Ok((CaseFile::parse(&toml, &path.display().to_string())?, dir))
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
                    "use IDs among A1, A2, A3, A4, A5, A6",
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
    let mut cases = load(args)?;
    if let Some(v) = &args.validations {
        for (c, _) in cases.iter_mut() {
            c.validations = v.split(',').map(|s| s.trim().to_string()).collect();
            if let Some(bad) = c
                .validations
                .iter()
                .find(|v| !eosflip::check::case::VALIDATIONS.contains(&v.as_str()))
            {
                return Err(Error::bad_input(
                    format!("--validations: unknown validation '{bad}'"),
                    "use amplitude, drift, convergence, exception",
                ));
            }
        }
    }
    for (case, dir) in &cases {
        eosflip::check::preflight::preflight(case, dir.as_deref())?;
    }
    #[cfg(feature = "symbolic")]
    if cases.iter().any(|(c, _)| c.loss.expr.is_some()) {
        super::symbolic::notice();
    }
    let show = !args.quiet && std::io::stderr().is_terminal();
    let mut reports = Vec::with_capacity(cases.len());
    let n = cases.len();
    for (i, (case, dir)) in cases.iter().enumerate() {
        let mut progress = |step: usize, max: usize| {
            if show {
                let pct = (100 * step.min(max)).checked_div(max).unwrap_or(100);
                eprint!("\r\x1b[2K[{:>2}/{n}] {:<28} {pct:>3}%", i + 1, case.name);
                let _ = std::io::stderr().flush();
            }
        };
        progress(0, 1);
        reports.push(run_case_in(case, dir.as_deref(), &opts, &mut progress));
    }
    if show {
        eprint!("\r\x1b[2K");
    }
    let all_met = reports.iter().all(|r| r.met);
    if let Some(dir) = &args.report {
        let files: Vec<&CaseFile> = cases.iter().map(|(c, _)| c).collect();
        let path = super::report::write(dir, &files, &reports)?;
        eprintln!("wrote {}", path.display());
    }
    if args.json {
        let out = serde_json::json!({ "schema_version": CHECK_SCHEMA_VERSION, "all_met": all_met, "cases": reports });
        outln!(
            "{}",
            serde_json::to_string_pretty(&out).expect("serializable")
        );
    } else {
        outp!("{}", table(&reports, &opts));
    }
    Ok(if all_met { 0 } else { 1 })
}

fn mark(o: Outcome) -> &'static str {
    match o {
        Outcome::Holds => "holds",
        Outcome::Fails => "FAILS",
        Outcome::Inconclusive => "incon.",
        Outcome::NotApplicable => "n/a",
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
    let _ = writeln!(s, "verdicts: holds / FAILS / incon(clusive) / n/a (not applicable); '!' marks a verdict that differs from the case file.");
    let _ = writeln!(
        s,
        "summary: {} cases, {} met all expectations, {} did not",
        reports.len(),
        n_met,
        reports.len() - n_met
    );
    s
}

//! `eosflip check`: case files → a validated configuration → the cases run on the numeric
//! pool (`--jobs`, output in case order whatever the threads) → a table, JSON or JSON Lines;
//! exit 0 when every expectation is met, 1 when one is not, 2 on bad input. With
//! `--shard i/n` only the i-th slice runs, printed as JSON Lines for `eosflip merge`.

use super::args::{CheckArgs, HypothesisArg, ValidationArg};
use super::values::Shard;
use super::{progress, table, write_json, Ctx, ExitStatus, Format};
use eosflip::assumptions::{Hypothesis, Outcome};
use eosflip::check::run::{run_case_in, CHECK_SCHEMA_VERSION};
use eosflip::check::validations::ValidationKind;
use eosflip::check::{embedded_cases, CaseFile, CaseReport, CheckOptions};
use eosflip::{Error, Result};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};

/// One case file and the directory its relative paths start from (None: embedded).
type Loaded = (CaseFile, Option<PathBuf>);

/// One case's result with its place in the run: a line of `--format jsonl` and `--shard`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseRecord {
    /// Version of this record's schema (that of the check JSON).
    pub schema_version: u32,
    /// Position of the case among all selected cases (0-based).
    pub index: usize,
    /// Number of selected cases (over all shards).
    pub total: usize,
    /// What identifies the run the record comes from (`merge` refuses records of different runs).
    pub run: RunId,
    /// The `theorems/` file the case instantiates.
    pub theorem: Option<String>,
    /// The result.
    pub report: CaseReport,
}

/// What identifies a check run: its case list and the options that change results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunId {
    /// FNV-1a 64-bit hash (hex) of the ordered case names and each case's validations.
    pub cases: String,
    /// The options that change results, as text (`validate`, `only`).
    pub options: String,
}

impl RunId {
    fn new(cases: &[Loaded], opts: &CheckOptions) -> RunId {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for (c, _) in cases {
            for part in std::iter::once(&c.name).chain(&c.validations) {
                for b in part.bytes().chain([0xff]) {
                    h = (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
                }
            }
            h = (h ^ 0xfe).wrapping_mul(0x100_0000_01b3);
        }
        // `--only A2,A1` is the run of `--only A1,A2`.
        let mut only: Vec<String> = opts.only.iter().map(|h| format!("{h:?}")).collect();
        only.sort();
        only.dedup();
        RunId {
            cases: format!("{h:016x}"),
            options: format!("validate={} only=[{}]", opts.validate, only.join(",")),
        }
    }
}

/// The validated configuration of `check`.
struct Config {
    cases: Vec<Loaded>,
    opts: CheckOptions,
    shard: Option<Shard>,
    report: Option<PathBuf>,
}

fn parent(p: &Path) -> Option<PathBuf> {
    p.parent().map(|d| {
        if d.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            d.to_path_buf()
        }
    })
}

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
            Ok((CaseFile::parse(&text, &p.display().to_string())?, parent(p)))
        })
        .collect()
}

/// `check --model FILE`: the hypotheses A1–A6 at the model's θ, no expectations, and the
/// validations named by `--validations`.
fn model_case(path: &Path) -> Result<Loaded> {
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
    Ok((
        CaseFile::parse(&toml, &path.display().to_string())?,
        parent(path),
    ))
}

fn hypothesis(h: HypothesisArg) -> Hypothesis {
    Hypothesis::ALL[h as usize]
}

fn validation(v: ValidationArg) -> ValidationKind {
    match v {
        ValidationArg::Amplitude => ValidationKind::Amplitude,
        ValidationArg::Drift => ValidationKind::Drift,
        ValidationArg::Convergence => ValidationKind::Convergence,
        ValidationArg::Exception => ValidationKind::Exception,
    }
}

impl Config {
    fn new(args: &CheckArgs) -> Result<Self> {
        let opts = CheckOptions {
            only: args.only.iter().map(|&h| hypothesis(h)).collect(),
            validate: !args.no_validate,
        };
        let mut cases = load(args)?;
        if let Some(v) = &args.validations {
            for (c, _) in cases.iter_mut() {
                c.validations = v
                    .iter()
                    .map(|&v| validation(v).name().to_string())
                    .collect();
            }
        }
        for (case, dir) in &cases {
            eosflip::check::preflight::preflight(case, dir.as_deref())?;
        }
        Ok(Config {
            cases,
            opts,
            shard: args.shard,
            report: args.report.clone(),
        })
    }
}

/// Runs the selected cases on the numeric pool; records in case order.
fn compute(cfg: &Config, show: bool) -> Vec<CaseRecord> {
    let total = cfg.cases.len();
    let selected: Vec<(usize, &Loaded)> = cfg
        .cases
        .iter()
        .enumerate()
        .filter(|(k, _)| cfg.shard.is_none_or(|s| s.contains(*k)))
        .collect();
    #[cfg(feature = "symbolic")]
    if selected.iter().any(|(_, (c, _))| c.loss.expr.is_some()) {
        super::symbolic::notice();
    }
    let run = RunId::new(&cfg.cases, &cfg.opts);
    let bar = progress::bar(show, selected.len() as u64, "check");
    let records = eosflip::parallel::pool().install(|| {
        selected
            .par_iter()
            .map(|&(index, (case, dir))| {
                bar.set_message(case.name.clone());
                // The GD runs inside a case report their steps: show them beside its name.
                let mut steps = |step: usize, max: usize| {
                    if !bar.is_hidden() {
                        let pct = (100 * step.min(max)).checked_div(max).unwrap_or(100);
                        bar.set_message(format!("{} {pct:>3}%", case.name));
                    }
                };
                let report = run_case_in(case, dir.as_deref(), &cfg.opts, &mut steps);
                bar.inc(1);
                CaseRecord {
                    schema_version: CHECK_SCHEMA_VERSION,
                    index,
                    total,
                    run: run.clone(),
                    theorem: case.theorem.clone(),
                    report,
                }
            })
            .collect()
    });
    bar.finish_and_clear();
    records
}

pub fn run(args: &CheckArgs, ctx: &Ctx, w: &mut dyn Write) -> Result<ExitStatus> {
    let cfg = Config::new(args)?;
    let records = compute(&cfg, ctx.progress);
    let format = if cfg.shard.is_some() {
        Format::Jsonl
    } else {
        ctx.format
    };
    finish(&records, cfg.report.as_deref(), format, w)
}

/// Writes the report (if asked), prints the records and returns the exit status; shared with
/// `merge`.
pub fn finish(
    records: &[CaseRecord],
    report: Option<&Path>,
    format: Format,
    w: &mut dyn Write,
) -> Result<ExitStatus> {
    let all_met = records.iter().all(|r| r.report.met);
    if let Some(dir) = report {
        let theorems: Vec<Option<String>> = records.iter().map(|r| r.theorem.clone()).collect();
        let reports: Vec<CaseReport> = records.iter().map(|r| r.report.clone()).collect();
        let path = super::report::write(dir, &theorems, &reports)?;
        eprintln!("wrote {}", path.display());
    }
    print(records, format, w).map_err(super::out::io)?;
    Ok(ExitStatus::met(all_met))
}

/// Prints the records: a verdict table with the validations and unmet expectations below it,
/// one JSON object (`{schema_version, all_met, cases}`), or one record per line.
pub fn print(records: &[CaseRecord], format: Format, w: &mut dyn Write) -> std::io::Result<()> {
    let reports: Vec<&CaseReport> = records.iter().map(|r| &r.report).collect();
    match format {
        Format::Jsonl => records.iter().try_for_each(|r| write_json(w, format, r)),
        Format::Json => {
            let all_met = reports.iter().all(|r| r.met);
            let out = serde_json::json!({ "schema_version": CHECK_SCHEMA_VERSION, "all_met": all_met, "cases": reports });
            write_json(w, format, &out)
        }
        Format::Table => print_table(&reports, w),
    }
}

fn mark(o: Outcome) -> &'static str {
    match o {
        Outcome::Holds => "holds",
        Outcome::Fails => "FAILS",
        Outcome::Inconclusive => "incon.",
        Outcome::NotApplicable => "n/a",
    }
}

fn print_table(reports: &[&CaseReport], w: &mut dyn Write) -> std::io::Result<()> {
    // The hypotheses that were checked (all of them when no case got that far).
    let mut ids: Vec<Hypothesis> = Hypothesis::ALL
        .into_iter()
        .filter(|id| reports.iter().any(|r| r.checks.iter().any(|c| c.id == *id)))
        .collect();
    if ids.is_empty() {
        ids = Hypothesis::ALL.to_vec();
    }
    let mut header = vec!["case"];
    header.extend(ids.iter().map(|h| h.id()));
    header.extend(["c1", "met"]);
    let mut t = table::new(&header);
    for r in reports {
        let mut row = vec![r.name.clone()];
        for id in &ids {
            let cell = r
                .checks
                .iter()
                .find(|c| c.id == *id)
                .map_or("—", |c| mark(c.outcome));
            let unmet = r.expectations.iter().any(|e| e.what == id.id() && !e.met);
            row.push(if unmet {
                format!("{cell}!")
            } else {
                cell.to_string()
            });
        }
        row.push(
            r.analysis
                .as_ref()
                .and_then(|a| a.c1)
                .map_or("—".to_string(), |c| format!("{c:.3e}")),
        );
        let met = r.expectations.iter().filter(|e| e.met).count();
        let status = if r.met { "" } else { " NOT MET" };
        row.push(format!("{met}/{}{status}", r.expectations.len()));
        t.add_row(row);
    }
    // Verdicts and numbers never wrap; the case names take what is left. On a narrow terminal
    // the padding of the narrow columns goes first.
    let narrow = table::width().is_some_and(|w| w < 120);
    // Below the width the verdicts need, the table grows past it rather than breaking the
    // names into a letter per row: names wrap in pieces of at least 12 characters.
    let longest = reports
        .iter()
        .map(|r| r.name.chars().count())
        .max()
        .unwrap_or(4);
    if let Some(c) = t.column_mut(0) {
        c.set_constraint(comfy_table::ColumnConstraint::LowerBoundary(
            comfy_table::Width::Fixed(longest.clamp(4, 12) as u16 + 2),
        ));
    }
    for i in 1..header.len() {
        if let Some(c) = t.column_mut(i) {
            c.set_constraint(comfy_table::ColumnConstraint::ContentWidth);
            if narrow {
                c.set_padding((0, 1));
            }
        }
    }
    writeln!(w, "{t}")?;
    let mut v = table::new(&["case: validation", "key numbers"]);
    let mut any = false;
    for r in reports {
        for x in &r.validations {
            any = true;
            v.add_row(vec![
                format!(
                    "{}\n{}: {}",
                    r.name,
                    x.name,
                    format!("{:?}", x.outcome).to_lowercase()
                ),
                super::summary::validation_line(x),
            ]);
        }
    }
    if any {
        writeln!(w, "{v}")?;
    }
    for r in reports {
        if let Some(e) = &r.error {
            let line = format!("{}: error: {}", r.name, e.lines().next().unwrap_or(""));
            table::para(w, &line, 4)?;
        }
        for e in r.expectations.iter().filter(|e| !e.met) {
            let line = format!(
                "{}: unmet: {} expected {} got {}",
                r.name, e.what, e.expected, e.got
            );
            table::para(w, &line, 4)?;
        }
    }
    let n_met = reports.iter().filter(|r| r.met).count();
    table::para(w, "verdicts: holds / FAILS / incon(clusive) / n/a (not applicable); '!' marks a verdict that differs from the case file.", 10)?;
    writeln!(
        w,
        "summary: {} cases, {} met all expectations, {} did not",
        reports.len(),
        n_met,
        reports.len() - n_met
    )
}

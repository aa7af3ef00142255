//! `eosflip list`: the catalog (a table, or JSON with every entry and parameter).

use super::{table, write_json, Ctx, ExitStatus, Format};
use eosflip::loss::catalog::{EntrySpec, ENTRIES};
use eosflip::Result;
use std::io::Write;

pub fn run(ctx: &Ctx, w: &mut dyn Write) -> Result<ExitStatus> {
    print(ENTRIES, ctx.format, w).map_err(super::out::io)?;
    Ok(ExitStatus::Success)
}

fn json(e: &EntrySpec) -> serde_json::Value {
    serde_json::json!({
        "name": e.name,
        "formula": e.formula,
        "minimizers": e.minimizers,
        "default_point": e.default_point,
        "params": e.params.iter().map(|p| serde_json::json!({
            "name": p.name, "default": p.default, "doc": p.doc
        })).collect::<Vec<_>>(),
    })
}

fn print(entries: &[EntrySpec], format: Format, w: &mut dyn Write) -> std::io::Result<()> {
    match format {
        Format::Json => write_json(w, format, &entries.iter().map(json).collect::<Vec<_>>()),
        Format::Jsonl => entries
            .iter()
            .try_for_each(|e| write_json(w, format, &json(e))),
        Format::Table => {
            let mut t = table::new(&["loss", "formula, minimizers, default point", "parameters"]);
            for e in entries {
                let params: Vec<String> = e
                    .params
                    .iter()
                    .map(|p| format!("--param {}={}: {}", p.name, p.default, p.doc))
                    .collect();
                t.add_row(vec![
                    e.name.to_string(),
                    format!(
                        "{}\nminimizers: {}\ndefault point: {}",
                        e.formula, e.minimizers, e.default_point
                    ),
                    params.join("\n"),
                ]);
            }
            writeln!(w, "{t}")
        }
    }
}

//! `eosflip list`: the catalog.

use super::args::ListArgs;
use eosflip::loss::catalog::ENTRIES;
use eosflip::Result;

pub fn run(args: &ListArgs) -> Result<i32> {
    if args.json {
        let entries: Vec<serde_json::Value> = ENTRIES
            .iter()
            .map(|e| {
                serde_json::json!({
                    "name": e.name,
                    "formula": e.formula,
                    "minimizers": e.minimizers,
                    "default_point": e.default_point,
                    "params": e.params.iter().map(|p| serde_json::json!({
                        "name": p.name, "default": p.default, "doc": p.doc
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
        outln!(
            "{}",
            serde_json::to_string_pretty(&entries).expect("serializable")
        );
        return Ok(0);
    }
    for e in ENTRIES {
        outln!("{}\n  {}", e.name, e.formula);
        outln!("  minimizers:    {}", e.minimizers);
        outln!("  default point: {}", e.default_point);
        for p in e.params {
            outln!("  --param {}={:<10} {}", p.name, p.default, p.doc);
        }
        outln!();
    }
    Ok(0)
}

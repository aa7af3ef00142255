//! `eosflip fit`: train a model file's network to interpolation and write the fitted file;
//! exit 1 when it does not interpolate.

use super::args::FitArgs;
use super::{table, write_json, Ctx, ExitStatus, Format};
use eosflip::loss::network::{fit::fit, model_file};
use eosflip::{Error, Result};
use std::io::Write;

pub fn run(args: &FitArgs, ctx: &Ctx, w: &mut dyn Write) -> Result<ExitStatus> {
    let m = model_file::load(&args.model)?;
    let r = fit(&m.network, &m.theta, args.max_steps);
    let text =
        serde_json::to_string(&model_file::to_json(&m.network, &r.theta)).expect("serializable");
    std::fs::write(&args.out, text).map_err(|e| {
        Error::bad_input(
            format!("cannot write {}: {e}", args.out.display()),
            "give a writable path for --out",
        )
    })?;
    let mut print = || -> std::io::Result<()> {
        if ctx.format != Format::Table {
            let out = serde_json::json!({
                "model": args.model, "out": args.out, "interpolates": r.interpolates, "residual": r.residual,
                "tolerance": r.tolerance, "loss": r.loss, "grad_norm": r.grad_norm, "steps": r.steps, "stop": r.stop,
            });
            return write_json(w, ctx.format, &out);
        }
        let mut t = table::new(&[]);
        let rows = [
            (
                "model",
                format!("{} (P = {})", args.model.display(), m.theta.len()),
            ),
            ("steps", r.steps.to_string()),
            (
                "residual",
                format!("{:.6e}   (tolerance {:.1e})", r.residual, r.tolerance),
            ),
            ("loss", format!("{:.6e}", r.loss)),
            ("|grad L|", format!("{:.6e}", r.grad_norm)),
            ("interpolates", format!("{}   ({})", r.interpolates, r.stop)),
            ("written", args.out.display().to_string()),
        ];
        for (k, v) in rows {
            t.add_row(vec![k.to_string(), v]);
        }
        writeln!(w, "{t}")
    };
    print().map_err(super::out::io)?;
    Ok(ExitStatus::met(r.interpolates))
}

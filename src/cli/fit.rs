//! `eosflip fit`: train a model file's network to interpolation and write the fitted file.

use super::args::FitArgs;
use eosflip::loss::network::{fit::fit, model_file};
use eosflip::{Error, Result};

pub fn run(args: &FitArgs) -> Result<i32> {
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
    if args.json {
        let out = serde_json::json!({
            "model": args.model, "out": args.out, "interpolates": r.interpolates, "residual": r.residual,
            "tolerance": r.tolerance, "loss": r.loss, "grad_norm": r.grad_norm, "steps": r.steps, "stop": r.stop,
        });
        outln!(
            "{}",
            serde_json::to_string_pretty(&out).expect("serializable")
        );
    } else {
        outln!(
            "model        {} (P = {})",
            args.model.display(),
            m.theta.len()
        );
        outln!("steps        {}", r.steps);
        outln!(
            "residual     {:.6e}   (tolerance {:.1e})",
            r.residual,
            r.tolerance
        );
        outln!("loss         {:.6e}", r.loss);
        outln!("|grad L|     {:.6e}", r.grad_norm);
        outln!("interpolates {}   ({})", r.interpolates, r.stop);
        outln!("written      {}", args.out.display());
    }
    Ok(if r.interpolates { 0 } else { 1 })
}

//! `eosflip symbolic` (closed forms) and text losses (`--expr`) for `analyze` and the picture
//! commands, through the symbolica worker (feature `symbolic`).

use super::args::SymbolicArgs;
use super::{Ctx, ExitStatus};
use eosflip::analyze::AnalyzeOptions;
use eosflip::report::Analysis;
use eosflip::{Error, Result};
use std::collections::BTreeMap;
use std::io::Write;

#[cfg(not(feature = "symbolic"))]
fn no_symbolic<T>() -> Result<T> {
    Err(Error::bad_input(
        "this eosflip was built without the `symbolic` feature (symbolica)",
        "rebuild with default features: cargo build --features symbolic",
    ))
}

#[cfg(not(feature = "symbolic"))]
pub fn run(_: &SymbolicArgs, _: &Ctx, _: &mut dyn Write) -> Result<ExitStatus> {
    no_symbolic()
}

#[cfg(not(feature = "symbolic"))]
pub fn analyze_expr(
    _: &str,
    _: Option<&[String]>,
    _: &BTreeMap<String, String>,
    _: Option<&[f64]>,
    _: &AnalyzeOptions,
) -> Result<(Analysis, (Vec<String>, String))> {
    no_symbolic()
}

/// A text loss compiled to our expression graph.
pub type TextLoss = eosflip::loss::expr::ExprLoss;

#[cfg(not(feature = "symbolic"))]
pub fn compile(_: &str, _: Option<&[String]>, _: &BTreeMap<String, String>) -> Result<TextLoss> {
    no_symbolic()
}

/// Compiles `expr` (after the restricted-mode notice on stderr).
#[cfg(feature = "symbolic")]
pub fn compile(
    expr: &str,
    vars: Option<&[String]>,
    params: &BTreeMap<String, String>,
) -> Result<TextLoss> {
    notice();
    eosflip::symbolic::compile_loss(expr, vars, params)
}

#[cfg(feature = "symbolic")]
pub fn notice() {
    use std::sync::Once;
    static ONCE: Once = Once::new();
    ONCE.call_once(|| eprintln!("{}", eosflip::symbolic::RESTRICTED_MODE_NOTICE));
}

/// The full analysis of a text loss at `point`; also its variables and their order's source.
#[cfg(feature = "symbolic")]
pub fn analyze_expr(
    expr: &str,
    vars: Option<&[String]>,
    params: &BTreeMap<String, String>,
    point: Option<&[f64]>,
    opts: &AnalyzeOptions,
) -> Result<(Analysis, (Vec<String>, String))> {
    use eosflip::report::LossInfo;
    use eosflip::Loss;
    let point = point.ok_or_else(|| {
        Error::bad_input(
            "--expr needs --point (a text loss has no default point)",
            "give the analysis point, e.g. --point 1,1",
        )
    })?;
    let loss = compile(expr, vars, params)?;
    loss.check_finite(point)?;
    let info = LossInfo {
        name: expr.to_string(),
        params: params.clone(),
        dim: loss.dim(),
    };
    let a = eosflip::analyze(&loss, info, point, opts)?;
    Ok((a, (loss.vars().to_vec(), loss.order_source().to_string())))
}

#[cfg(feature = "symbolic")]
fn show(f: &eosflip::symbolic::Formula, latex: bool) -> String {
    match (&f.latex, latex) {
        (Some(l), true) => l.clone(),
        _ => f.plain.clone(),
    }
}

/// The closed forms as a key–value table.
#[cfg(feature = "symbolic")]
fn render(
    w: &mut dyn Write,
    expr: &str,
    cf: &eosflip::symbolic::ClosedForms,
    point: &str,
    latex: bool,
) -> std::io::Result<()> {
    let mut t = super::table::new(&[]);
    let mut row = |k: &str, v: String| {
        t.add_row(vec![k.to_string(), v]);
    };
    row("expression", expr.to_string());
    row("variables", cf.vars.join(", "));
    row("kind", cf.kind.to_string());
    row("point", point.to_string());
    if !cf.available {
        row("closed form", cf.note.clone());
        return writeln!(w, "{t}");
    }
    for (name, f) in &cf.definitions {
        row("where", format!("{name} = {}", show(f, latex)));
    }
    let rows = [
        ("sharpness", &cf.sharpness),
        ("eta_star", &cf.eta_star),
        ("g_hplus_g", &cf.g_hplus_g),
        ("l4", &cf.l4),
        ("c1", &cf.c1),
    ];
    for (name, f) in rows {
        if let Some(f) = f {
            row(name, show(f, latex));
        }
    }
    if let Some(d) = &cf.drift {
        for (v, f) in cf.vars.iter().zip(d) {
            row(&format!("drift[{v}]"), show(f, latex));
        }
    }
    row("note", cf.note.clone());
    writeln!(w, "{t}")?;
    writeln!(
        w,
        "convention: c1 > 0: supercritical (stable 2-cycle for eta slightly above eta_star)."
    )
}

/// `eosflip symbolic --expr EXPR [--at ... | --on-manifold] [--latex] [--format …]`.
#[cfg(feature = "symbolic")]
pub fn run(args: &SymbolicArgs, ctx: &Ctx, w: &mut dyn Write) -> Result<ExitStatus> {
    let params = super::analyze::param_map(&args.params)?;
    let at = match &args.at {
        None => None,
        Some(pairs) => {
            let mut map = BTreeMap::new();
            for (k, v) in pairs {
                if map.insert(k.clone(), v.clone()).is_some() {
                    return Err(Error::bad_input(
                        format!("--at: '{k}' is given twice"),
                        "give each variable once",
                    ));
                }
            }
            Some(map)
        }
    };
    super::analyze::check_vars_params(args.vars.as_deref(), &params)?;
    notice();
    let cf =
        eosflip::symbolic::closed_forms(&args.expr, args.vars.as_deref(), &params, at.as_ref())?;
    let point = match &at {
        Some(m) => m
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(", "),
        None => "symbolic (a point of M)".to_string(),
    };
    let printed = if ctx.format == super::Format::Table {
        render(w, &args.expr, &cf, &point, args.latex)
    } else {
        let out = serde_json::json!({
            "schema_version": eosflip::report::SCHEMA_VERSION,
            "expr": args.expr,
            "params": params,
            "point": point,
            "closed_forms": cf,
        });
        super::write_json(w, ctx.format, &out)
    };
    printed.map_err(super::out::io)?;
    Ok(ExitStatus::Success)
}

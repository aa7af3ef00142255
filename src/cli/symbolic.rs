//! `eosflip symbolic` (closed forms) and `eosflip analyze --expr` (text losses), both through
//! the symbolica worker (feature `symbolic`).

use super::args::{AnalyzeArgs, SymbolicArgs};
use eosflip::analyze::AnalyzeOptions;
use eosflip::{Error, Result};
use std::collections::BTreeMap;

/// Splits `--vars x,y` into names.
#[cfg(feature = "symbolic")]
fn split_vars(text: &Option<String>) -> Option<Vec<String>> {
    text.as_ref()
        .map(|t| t.split(',').map(|v| v.trim().to_string()).collect())
}

#[cfg(not(feature = "symbolic"))]
fn no_symbolic<T>() -> Result<T> {
    Err(Error::bad_input(
        "this eosflip was built without the `symbolic` feature (symbolica)",
        "rebuild with default features: cargo build --features symbolic",
    ))
}

#[cfg(not(feature = "symbolic"))]
pub fn run(_: &SymbolicArgs) -> Result<i32> {
    no_symbolic()
}

#[cfg(not(feature = "symbolic"))]
pub fn run_analyze_expr(
    _: &AnalyzeArgs,
    _: &BTreeMap<String, String>,
    _: Option<&[f64]>,
    _: &AnalyzeOptions,
) -> Result<i32> {
    no_symbolic()
}

/// Parses `--at "x=1/2,y=2"` into name → exact value text.
#[cfg(feature = "symbolic")]
fn parse_at(text: &str) -> Result<BTreeMap<String, String>> {
    let mut map = BTreeMap::new();
    for part in text.split(',') {
        let (k, v) = part.split_once('=').ok_or_else(|| {
            Error::bad_input(
                format!("--at: '{part}' is not of the form name=value (in '{text}')"),
                "write e.g. --at \"x=2,y=1/2\"",
            )
        })?;
        if map
            .insert(k.trim().to_string(), v.trim().to_string())
            .is_some()
        {
            return Err(Error::bad_input(
                format!("--at: '{}' is given twice", k.trim()),
                "give each variable once",
            ));
        }
    }
    Ok(map)
}

#[cfg(feature = "symbolic")]
pub fn notice() {
    use std::sync::Once;
    static ONCE: Once = Once::new();
    ONCE.call_once(|| eprintln!("{}", eosflip::symbolic::RESTRICTED_MODE_NOTICE));
}

/// `eosflip analyze --expr EXPR --point ...`: the full analysis of a text loss.
#[cfg(feature = "symbolic")]
pub fn run_analyze_expr(
    args: &AnalyzeArgs,
    params: &BTreeMap<String, String>,
    point: Option<&[f64]>,
    opts: &AnalyzeOptions,
) -> Result<i32> {
    use eosflip::report::LossInfo;
    use eosflip::Loss;
    let expr = args.expr.as_deref().unwrap_or_default();
    let point = point.ok_or_else(|| {
        Error::bad_input(
            "--expr needs --point (a text loss has no default point)",
            "give the analysis point, e.g. --point 1,1",
        )
    })?;
    notice();
    let vars = split_vars(&args.vars);
    let loss = eosflip::symbolic::compile_loss(expr, vars.as_deref(), params)?;
    loss.check_finite(point)?;
    let info = LossInfo {
        name: expr.to_string(),
        params: params.clone(),
        dim: loss.dim(),
    };
    let a = eosflip::analyze(&loss, info, point, opts)?;
    let order = format!(
        "{} (order: {})",
        loss.vars().join(", "),
        loss.order_source()
    );
    if args.json {
        let mut v = serde_json::to_value(&a).expect("serializable");
        v["variables"] = serde_json::json!(loss.vars());
        v["variable_order"] = serde_json::json!(loss.order_source());
        outln!(
            "{}",
            serde_json::to_string_pretty(&v).expect("serializable")
        );
    } else {
        outln!("{:<16} {order}", "variables");
        outp!("{}", super::table::detail(&a));
    }
    Ok(0)
}

#[cfg(feature = "symbolic")]
fn show(f: &eosflip::symbolic::Formula, latex: bool) -> String {
    match (&f.latex, latex) {
        (Some(l), true) => l.clone(),
        _ => f.plain.clone(),
    }
}

/// The human-readable closed forms.
#[cfg(feature = "symbolic")]
fn render(cf: &eosflip::symbolic::ClosedForms, point: &str, latex: bool) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let _ = writeln!(s, "{:<12} {}", "kind", cf.kind);
    let _ = writeln!(s, "{:<12} {point}", "point");
    if !cf.available {
        let _ = writeln!(s, "{:<12} {}", "closed form", cf.note);
        return s;
    }
    for (name, f) in &cf.definitions {
        let _ = writeln!(s, "{:<12} {name} = {}", "where", show(f, latex));
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
            let _ = writeln!(s, "{name:<12} {}", show(f, latex));
        }
    }
    if let Some(d) = &cf.drift {
        for (v, f) in cf.vars.iter().zip(d) {
            let _ = writeln!(s, "{:<12} {}", format!("drift[{v}]"), show(f, latex));
        }
    }
    let _ = writeln!(s, "{:<12} {}", "note", cf.note);
    let _ = writeln!(
        s,
        "{:<12} c1 > 0: supercritical (stable 2-cycle for eta slightly above eta_star).",
        "convention"
    );
    s
}

/// `eosflip symbolic --expr EXPR [--at ... | --on-manifold] [--latex] [--json]`.
#[cfg(feature = "symbolic")]
pub fn run(args: &SymbolicArgs) -> Result<i32> {
    let params = super::analyze::parse_params(&args.params)?;
    let at = args.at.as_deref().map(parse_at).transpose()?;
    let vars = split_vars(&args.vars);
    if let Some(v) = vars.iter().flatten().find(|v| params.contains_key(*v)) {
        return Err(Error::bad_input(
            format!("'{v}' is given both in --vars (a variable) and in --param (a constant)"),
            format!("drop '{v}' from --vars to keep it a constant, or drop --param {v}=…"),
        ));
    }
    notice();
    let cf = eosflip::symbolic::closed_forms(&args.expr, vars.as_deref(), &params, at.as_ref())?;
    let point = match &at {
        Some(m) => m
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(", "),
        None => "symbolic (a point of M)".to_string(),
    };
    if args.json {
        let out = serde_json::json!({
            "schema_version": eosflip::report::SCHEMA_VERSION,
            "expr": args.expr,
            "params": params,
            "point": point,
            "closed_forms": cf,
        });
        outln!(
            "{}",
            serde_json::to_string_pretty(&out).expect("serializable")
        );
    } else {
        outln!("{:<12} {}", "expression", args.expr);
        outln!("{:<12} {}", "variables", cf.vars.join(", "));
        outp!("{}", render(&cf, &point, args.latex));
    }
    Ok(0)
}

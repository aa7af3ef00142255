//! Printing of analyses as tables (comfy-table: columns wrap to the terminal's width, so a
//! table never overflows it, except the check table below about 80 columns, whose case names
//! keep pieces of 12 characters; `COLUMNS` overrides the width, e.g. `COLUMNS=80`).

use comfy_table::{presets, ContentArrangement, Table};
use eosflip::report::Analysis;
use std::io::{IsTerminal, Write};

/// The width tables wrap to: `COLUMNS` when set, else the terminal's width when stdout is a
/// terminal, else none (a pipe gets rows unwrapped).
pub fn width() -> Option<u16> {
    if let Some(c) = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<u16>().ok())
    {
        return Some(c.max(20));
    }
    let out = std::io::stdout();
    if !out.is_terminal() {
        return None;
    }
    rustix::termios::tcgetwinsize(&out)
        .ok()
        .map(|w| w.ws_col)
        .filter(|&c| c > 0)
}

/// Writes `text` as one paragraph, wrapped at spaces to [`width`] (unwrapped without one);
/// continuation lines are indented by `indent` spaces.
pub fn para(w: &mut dyn Write, text: &str, indent: usize) -> std::io::Result<()> {
    let Some(width) = width().map(usize::from) else {
        return writeln!(w, "{text}");
    };
    let mut line = String::new();
    let mut len = 0;
    for word in text.split(' ') {
        let n = word.chars().count();
        if len > 0 && len + 1 + n > width {
            writeln!(w, "{line}")?;
            line = " ".repeat(indent);
            len = indent;
        } else if len > 0 {
            line.push(' ');
            len += 1;
        }
        line.push_str(word);
        len += n;
    }
    writeln!(w, "{line}")
}

/// A table in the house style with the given header (none: a key–value table).
pub fn new(header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_style(presets::UTF8_FULL_CONDENSED.with_rounded_corners());
    t.set_content_arrangement(ContentArrangement::Dynamic);
    if let Some(w) = width() {
        t.set_width(w);
    }
    if !header.is_empty() {
        t.set_header(header.iter().copied());
    }
    t
}

/// A number with 12 significant digits, trimmed; "—" for none.
pub fn num(x: Option<f64>) -> String {
    match x {
        None => "—".to_string(),
        Some(0.0) => "0".to_string(),
        Some(v) if v.is_finite() && (1e-4..1e7).contains(&v.abs()) => {
            let digits = (11 - v.abs().log10().floor() as i32).max(0) as usize;
            let s = format!("{v:.digits$}");
            let s = if s.contains('.') {
                s.trim_end_matches('0').trim_end_matches('.').to_string()
            } else {
                s
            };
            s
        }
        Some(v) => format!("{v:.11e}"),
    }
}

/// A number with 6 significant digits (summary tables), trimmed; "—" for none.
pub fn short(x: Option<f64>) -> String {
    match x {
        None => "—".to_string(),
        Some(0.0) => "0".to_string(),
        Some(v) if v.is_finite() && (1e-3..1e6).contains(&v.abs()) => {
            let digits = (5 - v.abs().log10().floor() as i32).max(0) as usize;
            let s = format!("{v:.digits$}");
            if s.contains('.') {
                s.trim_end_matches('0').trim_end_matches('.').to_string()
            } else {
                s
            }
        }
        Some(v) => format!("{v:.5e}"),
    }
}

/// A vector of numbers.
/// Vectors longer than this print their first entries only (`--json` has them all).
pub const VEC_SHOWN: usize = 12;

pub fn vec(x: Option<&[f64]>) -> String {
    match x {
        None => "—".into(),
        Some(v) => {
            let shown: Vec<String> = v.iter().take(VEC_SHOWN).map(|&e| num(Some(e))).collect();
            if v.len() > VEC_SHOWN {
                format!(
                    "[{}, … ({} entries; --json prints all)]",
                    shown.join(", "),
                    v.len()
                )
            } else {
                format!("[{}]", shown.join(", "))
            }
        }
    }
}

fn yes_no(b: Option<bool>) -> &'static str {
    match b {
        Some(true) => "yes (c1 > 0)",
        Some(false) => "no (c1 < 0: subcritical)",
        None => "undecided",
    }
}

/// The detailed table of one analysis, with its warnings and the sign convention.
pub fn detail(w: &mut dyn Write, a: &Analysis) -> std::io::Result<()> {
    let mut t = new(&[]);
    let params: Vec<String> = a
        .loss
        .params
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    t.add_row(vec![
        "loss".to_string(),
        format!(
            "{} ({}), P = {}",
            a.loss.name,
            params.join(", "),
            a.loss.dim
        ),
    ]);
    if let Some(r) = &a.refinement {
        t.add_row(vec![
            "refined".to_string(),
            format!("{} LM steps, moved {}", r.iterations, num(Some(r.moved))),
        ]);
    }
    for (k, v) in rows(a) {
        t.add_row(vec![k.to_string(), v]);
    }
    if let Some(c2) = a.c2 {
        let order = a.flip_order.map_or("undecided".into(), |o| o.to_string());
        t.add_row(vec![
            "c2".to_string(),
            format!(
                "{}   flip_order {order}   (c1 = 0: p -> -(1+beta)p + c2 p^5, docs/math.md §7)",
                num(Some(c2))
            ),
        ]);
    }
    if a.eta.is_some() {
        t.add_row(vec![
            "eta".to_string(),
            format!(
                "{}   beta {}   amplitude_pred {}",
                num(a.eta),
                num(a.beta),
                num(a.amplitude_pred)
            ),
        ]);
    }
    for warning in prediction_warnings(a) {
        t.add_row(vec!["warning".to_string(), warning]);
    }
    if let Some(r) = &a.undefined_reason {
        t.add_row(vec!["note".to_string(), r.clone()]);
    }
    writeln!(w, "{t}")?;
    writeln!(
        w,
        "convention: normal form p ↦ −(1+β)p + c1·p³, β = ηλ − 2. c1 > 0: supercritical,"
    )?;
    writeln!(
        w,
        "            a stable 2-cycle for η slightly above η*, p² ≈ β/c1; c1 < 0: subcritical."
    )
}

fn rows(a: &Analysis) -> Vec<(&'static str, String)> {
    vec![
        (
            "backend",
            format!(
                "{}   (|Hv − λv| = {})",
                a.backend.name(),
                num(Some(a.top_residual))
            ),
        ),
        ("point", vec(Some(&a.point))),
        ("|grad L|", num(Some(a.grad_norm))),
        ("sharpness", num(Some(a.sharpness))),
        ("eta_star", num(a.eta_star)),
        ("eigenvalues", vec(Some(&a.eigenvalues))),
        (
            "normal_dim",
            format!(
                "{}   tangent_dim {}   (rank threshold {})",
                a.normal_dim
                    .map_or("? (not split)".into(), |n| n.to_string()),
                a.tangent_dim.map_or("?".into(), |n| n.to_string()),
                num(Some(a.rank_threshold))
            ),
        ),
        ("spectral_gap", num(Some(a.spectral_gap))),
        ("top_eigvec", vec(Some(&a.top_eigvec))),
        ("g = grad lambda", vec(a.g.as_deref())),
        ("l4", num(a.l4)),
        ("g_hplus_g", num(a.g_hplus_g)),
        ("c1_gd", num(a.c1_gd)),
        (
            "c1_map",
            format!(
                "{}   (relative spread {})",
                num(a.c1_map),
                num(a.c1_rel_spread)
            ),
        ),
        ("c1", num(a.c1)),
        ("supercritical", yes_no(a.supercritical).to_string()),
        ("drift", vec(a.drift.as_deref())),
        ("drift_norm", num(a.drift_norm)),
        (
            "lambda_inf_pred",
            match a.eps_rel {
                Some(e) => format!("{}   eps_rel {}", num(a.lambda_inf_pred), num(Some(e))),
                None => num(a.lambda_inf_pred),
            },
        ),
    ]
}

/// One summary table over several analyses (an entry that failed gets its error in a row).
pub fn summary(
    w: &mut dyn Write,
    rows: &[(String, Result<Analysis, String>)],
) -> std::io::Result<()> {
    let mut t = new(&[
        "loss",
        "P",
        "sharpness",
        "eta_star",
        "c1_gd",
        "c1_map",
        "super",
        "drift_norm",
        "lambda_inf_pred",
    ]);
    for (name, r) in rows {
        match r {
            Ok(a) => {
                let sup = match a.supercritical {
                    Some(true) => "yes",
                    Some(false) => "no",
                    None => "—",
                };
                t.add_row(vec![
                    name.clone(),
                    a.loss.dim.to_string(),
                    short(Some(a.sharpness)),
                    short(a.eta_star),
                    short(a.c1_gd),
                    short(a.c1_map),
                    sup.to_string(),
                    short(a.drift_norm),
                    short(a.lambda_inf_pred),
                ]);
            }
            Err(e) => {
                t.add_row(vec![name.clone(), format!("error: {e}")]);
            }
        }
    }
    writeln!(w, "{t}")?;
    writeln!(
        w,
        "convention: c1 > 0: supercritical — stable 2-cycle for η slightly above"
    )?;
    writeln!(
        w,
        "            η* = 2/λ, p² ≈ β/c1 (β = ηλ − 2); full digits: --format json."
    )
}

/// One line per prediction used outside the regime its theorem states (docs/math.md §5).
pub fn prediction_warnings(a: &Analysis) -> Vec<String> {
    let mut out = Vec::new();
    if a.regime.as_deref() == Some("outside_first_order") {
        out.push(format!(
            "lambda_inf_pred is outside its first-order regime (eps_rel {} > {}): its error is O(eps_rel), expect a mismatch",
            num(a.eps_rel),
            eosflip::normal_form::EPS_REL_FIRST_ORDER
        ));
    }
    if a.amplitude_regime.as_deref() == Some("outside_local") {
        out.push(format!(
            "amplitude_pred assumes beta {} outside the local regime |beta| <= {}: p² ≈ beta/c1 holds for beta → 0",
            num(a.amplitude_beta),
            eosflip::normal_form::BETA_LOCAL
        ));
    }
    out
}

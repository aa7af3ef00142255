//! Human-readable printing of analyses.

use eosflip::report::Analysis;
use std::fmt::Write;

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

/// The detailed table of one analysis.
pub fn detail(a: &Analysis) -> String {
    let mut s = String::new();
    let params: Vec<String> = a
        .loss
        .params
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    let _ = writeln!(
        s,
        "loss             {} ({}), P = {}",
        a.loss.name,
        params.join(", "),
        a.loss.dim
    );
    if let Some(r) = &a.refinement {
        let _ = writeln!(
            s,
            "refined          {} LM steps, moved {}",
            r.iterations,
            num(Some(r.moved))
        );
    }
    let rows: Vec<(&str, String)> = vec![
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
    ];
    for (k, v) in rows {
        let _ = writeln!(s, "{k:<16} {v}");
    }
    if let Some(c2) = a.c2 {
        let order = a.flip_order.map_or("undecided".into(), |o| o.to_string());
        let _ = writeln!(
            s,
            "{:<16} {}   flip_order {order}   (c1 = 0: p -> -(1+beta)p + c2 p^5, MATH.md §7)",
            "c2",
            num(Some(c2))
        );
    }
    if a.eta.is_some() {
        let _ = writeln!(
            s,
            "{:<16} {}   beta {}   amplitude_pred {}",
            "eta",
            num(a.eta),
            num(a.beta),
            num(a.amplitude_pred)
        );
    }
    for w in prediction_warnings(a) {
        let _ = writeln!(s, "warning          {w}");
    }
    if let Some(r) = &a.undefined_reason {
        let _ = writeln!(s, "note             {r}");
    }
    let _ = writeln!(s, "convention       c1 > 0: supercritical — stable 2-cycle for η slightly above η*, p² ≈ β/c1 (β = ηλ − 2);");
    let _ = writeln!(
        s,
        "                 c1 < 0: subcritical. Normal form p ↦ −(1+β)p + c1·p³."
    );
    s
}

/// One summary table over several analyses.
pub fn summary(rows: &[(String, Result<Analysis, String>)]) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{:<16} {:>3} {:>16} {:>16} {:>16} {:>16} {:>6} {:>16} {:>16}",
        "loss",
        "P",
        "sharpness",
        "eta_star",
        "c1_gd",
        "c1_map",
        "super",
        "drift_norm",
        "lambda_inf_pred"
    );
    for (name, r) in rows {
        match r {
            Ok(a) => {
                let sup = match a.supercritical {
                    Some(true) => "yes",
                    Some(false) => "no",
                    None => "—",
                };
                let _ = writeln!(
                    s,
                    "{:<16} {:>3} {:>16} {:>16} {:>16} {:>16} {:>6} {:>16} {:>16}",
                    name,
                    a.loss.dim,
                    num(Some(a.sharpness)),
                    num(a.eta_star),
                    num(a.c1_gd),
                    num(a.c1_map),
                    sup,
                    num(a.drift_norm),
                    num(a.lambda_inf_pred)
                );
            }
            Err(e) => {
                let _ = writeln!(s, "{name:<16} error: {e}");
            }
        }
    }
    let _ = writeln!(s, "convention: c1 > 0: supercritical — stable 2-cycle for η slightly above η* = 2/λ, p² ≈ β/c1.");
    s
}

/// One line per prediction used outside the regime its theorem states (MATH.md §5).
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

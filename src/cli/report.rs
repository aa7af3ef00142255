//! `eosflip check --report DIR`: one self-contained HTML page (inline SVG, no network, no
//! scripts): the verdict table, each case's description and theorem, its validation numbers
//! and a plot where one applies.

use super::plot::{self, colors, Figure, Panel, Series, Style};
use eosflip::assumptions::{Hypothesis, Outcome};
use eosflip::check::validations::ValidationDetail;
use eosflip::check::CaseReport;
use eosflip::{Error, Result};
use std::fmt::Write as _;
use std::path::Path;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn cell(o: Outcome) -> (&'static str, &'static str) {
    match o {
        Outcome::Holds => ("holds", "ok"),
        Outcome::Fails => ("FAILS", "bad"),
        Outcome::Inconclusive => ("incon.", "mid"),
        Outcome::NotApplicable => ("n/a", "mid"),
    }
}

/// Writes `DIR/index.html`; returns its path.
pub fn write(
    dir: &Path,
    theorems: &[Option<String>],
    reports: &[CaseReport],
) -> Result<std::path::PathBuf> {
    std::fs::create_dir_all(dir).map_err(|e| {
        Error::bad_input(
            format!(
                "--report {}: cannot create the directory ({e})",
                dir.display()
            ),
            "give a writable directory",
        )
    })?;
    let path = dir.join("index.html");
    plot::write(&path, &page(theorems, reports)?)?;
    Ok(path)
}

fn page(theorems: &[Option<String>], reports: &[CaseReport]) -> Result<String> {
    let mut h = String::new();
    let met = reports.iter().filter(|r| r.met).count();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>eosflip check report</title>\n<style>\
body{{font-family:sans-serif;max-width:1060px;margin:2em auto;color:#222}}table{{border-collapse:collapse}}\
td,th{{border:1px solid #ccc;padding:3px 8px;text-align:right}}td:first-child{{text-align:left}}\
.ok{{background:#e3f4e3}}.bad{{background:#f8d7d7}}.mid{{background:#fff3cd}}code{{font-size:90%}}\
section{{border-top:1px solid #ddd;margin-top:2em}}</style></head><body>\n\
<h1>eosflip check</h1>\n<p>{} cases, {met} met all expectations. {}</p>\n",
        reports.len(),
        esc(plot::CONVENTION)
    );
    h.push_str("<table><tr><th>case</th>");
    for id in Hypothesis::ALL {
        let _ = write!(h, "<th>{id}</th>");
    }
    h.push_str("<th>c1</th><th>expectations</th></tr>\n");
    for r in reports {
        let _ = write!(h, "<tr><td><a href=\"#{0}\">{0}</a></td>", esc(&r.name));
        for id in Hypothesis::ALL {
            match r.checks.iter().find(|c| c.id == id) {
                Some(c) => {
                    let (t, class) = cell(c.outcome);
                    let _ = write!(h, "<td class=\"{class}\">{t}</td>");
                }
                None => h.push_str("<td>—</td>"),
            }
        }
        let c1 = r
            .analysis
            .as_ref()
            .and_then(|a| a.c1)
            .map_or("—".into(), |c| format!("{c:.6e}"));
        let n = r.expectations.iter().filter(|e| e.met).count();
        let class = if r.met { "ok" } else { "bad" };
        let _ = writeln!(
            h,
            "<td>{c1}</td><td class=\"{class}\">{n}/{}</td></tr>",
            r.expectations.len()
        );
    }
    h.push_str("</table>\n");
    for (r, theorem) in reports.iter().zip(theorems) {
        section(&mut h, r, theorem.as_deref())?;
    }
    h.push_str("</body></html>\n");
    Ok(h)
}

fn section(h: &mut String, r: &CaseReport, theorem: Option<&str>) -> Result<()> {
    let _ = write!(
        h,
        "<section id=\"{0}\"><h2>{0}</h2>\n<p>{1}</p>\n",
        esc(&r.name),
        esc(&r.description)
    );
    if let Some(t) = theorem {
        let _ = writeln!(
            h,
            "<p>Theorem: <a href=\"../theorems/{0}\"><code>theorems/{0}</code></a></p>",
            esc(t)
        );
    }
    if let Some(e) = &r.error {
        let _ = writeln!(h, "<p class=\"bad\">error: {}</p>", esc(e));
    }
    if let Some(a) = &r.analysis {
        let _ = writeln!(
            h,
            "<p>λ = {:.6e}, η* = {}, c1 = {}, |Π_T g| = {}, λ∞ (first order) = {}</p>",
            a.sharpness,
            a.eta_star.map_or("—".into(), |v| format!("{v:.6e}")),
            a.c1.map_or("—".into(), |v| format!("{v:.6e}")),
            a.drift_norm.map_or("—".into(), |v| format!("{v:.3e}")),
            a.lambda_inf_pred.map_or("—".into(), |v| format!("{v:.6e}")),
        );
    }
    for e in r.expectations.iter().filter(|e| !e.met) {
        let _ = writeln!(
            h,
            "<p class=\"bad\">unmet: {} expected {} got {}</p>",
            esc(&e.what),
            esc(&e.expected),
            esc(&e.got)
        );
    }
    for v in &r.validations {
        let class = match format!("{:?}", v.outcome).as_str() {
            "Pass" => "ok",
            "Fail" => "bad",
            _ => "mid",
        };
        let _ = writeln!(
            h,
            "<h3>{} <span class=\"{class}\">{}</span></h3>\n<p>{}</p>",
            v.name,
            format!("{:?}", v.outcome).to_lowercase(),
            esc(&super::summary::validation_line(v))
        );
        if let Some(fig) = figure(&v.detail, &r.name) {
            let svg = plot::render(&fig)?;
            // Drop the XML declaration, if any, to inline the SVG.
            let start = svg.find("<svg").unwrap_or(0);
            h.push_str(&svg[start..]);
            h.push('\n');
        }
    }
    h.push_str("</section>\n");
    Ok(())
}

fn small(title: String, panels: Vec<Panel>) -> Figure {
    Figure {
        title,
        notes: Vec::new(),
        panels,
        width: 900,
        panel_height: 280,
    }
}

fn figure(d: &ValidationDetail, case: &str) -> Option<Figure> {
    match d {
        ValidationDetail::Exception(_) => None,
        ValidationDetail::Amplitude(s) => {
            let pts = |f: &dyn Fn(&eosflip::simulate::amplitude::AmplitudePoint) -> Option<f64>| {
                s.points
                    .iter()
                    .filter(|p| p.beta.abs() > 0.0)
                    .filter_map(|p| {
                        f(p).filter(|v| *v > 0.0)
                            .map(|v| (p.beta.abs().log10(), v.log10()))
                    })
                    .collect::<Vec<_>>()
            };
            let panel = Panel {
                title: "2-cycle amplitude against |β|".into(),
                x_label: "log₁₀ |β|, β = ηλ − 2".into(),
                y_label: "log₁₀ amplitude (units of θ)".into(),
                series: vec![
                    Series::new(
                        "predicted √(β/c1)",
                        colors::PRED,
                        Style::Line,
                        pts(&|p| Some(p.predicted)),
                    ),
                    Series::new(
                        "measured (GD + Newton)",
                        colors::DATA,
                        Style::Markers,
                        pts(&|p| p.measured),
                    ),
                ],
                legend: Some(plotters::prelude::SeriesLabelPosition::LowerRight),
                ..Panel::default()
            };
            Some(small(format!("{case}: amplitude"), vec![panel]))
        }
        ValidationDetail::Drift(c) => {
            let pts: Vec<(f64, f64)> = c
                .points
                .iter()
                .filter(|p| p.p > 0.0 && p.rel_error > 0.0)
                .map(|p| (p.p.log10(), p.rel_error.log10()))
                .collect();
            let panel = Panel {
                title: "tangent drift −ηp²Π_T g: relative error against p".into(),
                x_label: "log₁₀ p (units of θ)".into(),
                y_label: "log₁₀ relative error".into(),
                series: vec![Series::new(
                    "relative error",
                    colors::DATA,
                    Style::Markers,
                    pts,
                )],
                legend: Some(plotters::prelude::SeriesLabelPosition::LowerRight),
                ..Panel::default()
            };
            Some(small(format!("{case}: drift"), vec![panel]))
        }
        ValidationDetail::Convergence(c) => Some(plot::convergence::figure(case, c)),
        ValidationDetail::NotRun { .. } => None,
    }
}

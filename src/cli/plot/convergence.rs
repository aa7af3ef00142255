//! The figure of the `convergence` validation in `check --report` (docs/math.md §5): for each of its
//! two GD runs (from the threshold point, from above the threshold) the sharpness against the
//! step from the run's thinned trace (`simulate::thinned_trace`), with the line 2/η and the
//! limiting-sharpness predictions (first order `2/η − ηG/(4c1)`, start-aware, along M); below
//! them the distance to M of both runs on a log scale.

use super::{colors, short, Figure, Panel, Series, Style};
use eosflip::check::validations::ConvergenceDetail;
use eosflip::simulate::threshold::ThresholdRun;
use plotters::prelude::SeriesLabelPosition;

/// The figure (module docs).
pub fn figure(case: &str, c: &ConvergenceDetail) -> Figure {
    let runs = [
        ("from the threshold point", &c.at_threshold),
        ("from above the threshold", &c.from_above),
    ];
    let mut panels: Vec<Panel> = runs.iter().map(|(t, r)| sharpness_panel(t, r)).collect();
    panels.push(distance_panel(&runs));
    let eta = c.at_threshold.eta;
    Figure {
        title: format!("{case}: convergence at the threshold, η = {}", eta.map_or("—".into(), short)),
        notes: vec![
            "Sharpness λ_max(∇²L(θ_k)) at up to 300 steps thinned evenly over each run; 2/η is the threshold, λ∞ the predicted limit (docs/math.md §5).".into(),
            "First order: λ∞ = 2/η − ηG/(4c1), G = |Π_T g|² at the threshold point; start-aware: from the run's start (β0, kick), δ constant or along M.".into(),
        ],
        panels,
        width: 900,
        panel_height: 280,
    }
}

/// Sharpness against the step with 2/η and the predictions.
pub fn sharpness_panel(title: &str, r: &ThresholdRun) -> Panel {
    let pts: Vec<(f64, f64)> = r
        .thinned_trace
        .iter()
        .flatten()
        .filter_map(|s| s.sharpness.map(|l| (s.step as f64, l)))
        .collect();
    let x1 = pts.last().map_or(1.0, |p| p.0.max(1.0));
    let flat = |y: f64| vec![(0.0, y), (x1, y)];
    let mut series = vec![
        Series::new(
            "2/η",
            colors::THRESHOLD,
            Style::Dashed,
            flat(r.threshold_sharpness),
        ),
        Series::new("sharpness of GD", colors::DATA, Style::Line, pts.clone()),
    ];
    let predictions = [
        ("first-order λ∞", r.lambda_inf_pred, colors::PRED),
        ("start-aware λ∞", r.lambda_inf_start_aware, colors::PRED2),
        ("λ∞ along M", r.lambda_inf_along_m, colors::DATA2),
    ];
    for (name, v, color) in predictions {
        if let Some(v) = v {
            series.push(Series::new(name, color, Style::Dashed, flat(v)));
        }
    }
    // The y range: the data and the lines, so that 2/η and λ∞ stay visible; the legend goes
    // where it covers neither (see `legend_room`).
    let lines: Vec<f64> = [r.threshold_sharpness]
        .into_iter()
        .chain(predictions.iter().filter_map(|p| p.1))
        .collect();
    let (lo, hi) = pts
        .iter()
        .map(|p| p.1)
        .chain(lines.iter().copied())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), y| {
            (a.min(y), b.max(y))
        });
    let pad = 0.08 * (hi - lo).max(2e-3 * hi.abs()).max(1e-12);
    let right: Vec<f64> = pts
        .iter()
        .filter(|p| p.0 >= 0.55 * x1)
        .map(|p| p.1)
        .chain(lines.iter().copied())
        .collect();
    let entries = 2 + predictions.iter().filter(|p| p.1.is_some()).count();
    let (y_range, legend) = legend_room((lo - pad, hi + pad), &right, entries);
    let empty = pts.is_empty();
    Panel {
        title: if empty {
            format!("sharpness, {title} (no trace recorded: {})", why(r))
        } else {
            format!(
                "sharpness, {title} ({} steps, {})",
                r.steps,
                format!("{:?}", r.stop).to_lowercase()
            )
        },
        x_label: "GD step k".into(),
        y_label: "sharpness (1/units of η)".into(),
        series,
        y_range: lo.is_finite().then_some(y_range),
        x_range: Some((0.0, x1)),
        legend: Some(legend),
        ..Panel::default()
    }
}

/// The legend (about 20 px per entry of a plot about 205 px high) in the right-hand corner with
/// room for it above or below everything drawn on the right (`levels`); when neither has room,
/// the range is extended upwards to make room at the top.
fn legend_room(
    (lo, hi): (f64, f64),
    levels: &[f64],
    entries: usize,
) -> ((f64, f64), SeriesLabelPosition) {
    let need = ((entries * 20 + 16) as f64 / 205.0).min(0.8);
    let top = levels.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let bottom = levels.iter().copied().fold(f64::INFINITY, f64::min);
    if !(top.is_finite() && hi > lo) {
        return ((lo, hi), SeriesLabelPosition::UpperRight);
    }
    let span = hi - lo;
    if hi - top >= need * span {
        ((lo, hi), SeriesLabelPosition::UpperRight)
    } else if bottom - lo >= need * span {
        ((lo, hi), SeriesLabelPosition::LowerRight)
    } else {
        // (hi' − top) = need·(hi' − lo).
        let hi2 = (top - need * lo) / (1.0 - need);
        ((lo, hi2.max(hi)), SeriesLabelPosition::UpperRight)
    }
}

fn why(r: &ThresholdRun) -> String {
    if r.note.is_empty() {
        "not run".into()
    } else {
        r.note.chars().take(60).collect()
    }
}

/// log₁₀ of the distance to M against the step, both runs.
fn distance_panel(runs: &[(&str, &ThresholdRun); 2]) -> Panel {
    let color = [colors::DATA, colors::PRED2];
    let series = runs
        .iter()
        .zip(color)
        .map(|((title, r), color)| {
            let pts = r
                .thinned_trace
                .iter()
                .flatten()
                .map(|s| {
                    s.distance_to_m
                        .filter(|d| *d > 0.0)
                        .map(|d| (s.step as f64, d.log10()))
                })
                .collect();
            super::Series {
                name: format!("distance to M, {title}"),
                color,
                style: Style::Line,
                points: pts,
            }
        })
        .collect();
    Panel {
        title: "distance to M, |θ_k − π(θ_k)| (π: refinement onto M)".into(),
        x_label: "GD step k".into(),
        y_label: "log₁₀ distance (units of θ)".into(),
        series,
        legend: Some(SeriesLabelPosition::UpperRight),
        ..Panel::default()
    }
}

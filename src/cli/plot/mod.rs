//! Figures as data, drawn to SVG by plotters (SVG backend only: text is written as `<text>`
//! elements, no font files are read). A [`Figure`] is a column of [`Panel`]s sharing a title
//! and a footer of notes (the sign convention, what is and is not predicted).
//!
//! Colours are fixed per role ([`colors`]) so that tests can find a series in the SVG by its
//! stroke or fill (the SVG carries no ids).

pub mod branch;
mod clip;
pub mod colors;
pub mod convergence;

use clip::{clip, clipped_runs, drawable};
use eosflip::{Error, Result};
use plotters::prelude::*;
use plotters::series::DashedLineSeries;

/// How a series is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// A solid polyline.
    Line,
    /// A dashed polyline.
    Dashed,
    /// Dots of radius 1.
    Points,
    /// Dots of radius 3.
    #[allow(dead_code)]
    Markers,
}

/// One named series.
#[derive(Debug, Clone)]
pub struct Series {
    /// Legend entry (empty: no legend entry).
    pub name: String,
    /// Colour.
    pub color: RGBColor,
    /// Drawing style.
    pub style: Style,
    /// The points (non-finite ones are skipped; a `None` breaks a line).
    pub points: Vec<Option<(f64, f64)>>,
}

impl Series {
    /// A series from finite points.
    pub fn new(name: &str, color: RGBColor, style: Style, pts: Vec<(f64, f64)>) -> Series {
        Series {
            name: name.into(),
            color,
            style,
            points: pts.into_iter().map(Some).collect(),
        }
    }
}

/// A vertical line across a panel.
#[derive(Debug, Clone)]
pub struct VLine {
    /// Its abscissa.
    pub x: f64,
    /// Legend entry.
    pub label: String,
    /// Colour.
    pub color: RGBColor,
}

/// A shaded interval of x.
#[derive(Debug, Clone)]
pub struct Band {
    /// Start.
    pub x0: f64,
    /// End.
    pub x1: f64,
    /// Legend entry (the first band of a label gets the entry).
    pub label: String,
    /// Colour (drawn at 18 % opacity).
    pub color: RGBColor,
}

/// One chart.
#[derive(Clone, Default)]
pub struct Panel {
    /// Caption above the chart.
    pub title: String,
    /// x axis description (with units).
    pub x_label: String,
    /// y axis description (with units).
    pub y_label: String,
    /// Series in drawing order.
    pub series: Vec<Series>,
    /// Vertical lines.
    pub vlines: Vec<VLine>,
    /// Shaded intervals (drawn first).
    pub bands: Vec<Band>,
    /// Fixed y range (else from the data).
    pub y_range: Option<(f64, f64)>,
    /// Fixed x range (else from the data).
    pub x_range: Option<(f64, f64)>,
    /// Legend position (default: upper right).
    pub legend: Option<SeriesLabelPosition>,
}

/// A column of panels with a title and notes.
#[derive(Clone, Default)]
pub struct Figure {
    /// Title line.
    pub title: String,
    /// Footer lines.
    pub notes: Vec<String>,
    /// Panels, top to bottom.
    pub panels: Vec<Panel>,
    /// Width in px.
    pub width: u32,
    /// Height of one panel in px.
    pub panel_height: u32,
}

const TITLE_H: u32 = 34;
const NOTE_H: u32 = 17;

fn draw_err<E: std::fmt::Debug>(e: E) -> Error {
    Error::bad_input(
        format!("drawing the figure failed: {e:?}"),
        "report this as a bug",
    )
}

/// The data range of a panel: x over series, lines and bands; y over series (padded 6 %).
fn ranges(p: &Panel) -> ((f64, f64), (f64, f64)) {
    let mut xs: Vec<f64> = p.vlines.iter().map(|v| v.x).collect();
    xs.extend(p.bands.iter().flat_map(|b| [b.x0, b.x1]));
    let mut ys = Vec::new();
    for s in &p.series {
        for (x, y) in s.points.iter().flatten() {
            if x.is_finite() && y.is_finite() {
                xs.push(*x);
                ys.push(*y);
            }
        }
    }
    let span = |v: &[f64], pad: f64| {
        let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        if !lo.is_finite() {
            return (0.0, 1.0);
        }
        let w = (hi - lo).max(1e-12 * lo.abs().max(1.0));
        (lo - pad * w, hi + pad * w)
    };
    (
        drawable(p.x_range.unwrap_or_else(|| span(&xs, 0.0))),
        drawable(p.y_range.unwrap_or_else(|| span(&ys, 0.06))),
    )
}

/// Draws `fig` into an SVG document.
pub fn render(fig: &Figure) -> Result<String> {
    let n = fig.panels.len().max(1) as u32;
    let notes_h = NOTE_H * fig.notes.len() as u32 + 8;
    let height = TITLE_H + n * fig.panel_height + notes_h;
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (fig.width, height)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        let (top, rest) = root.split_vertically(TITLE_H);
        top.draw(&Text::new(
            fig.title.clone(),
            (12, 9),
            ("sans-serif", 20).into_font().style(FontStyle::Bold),
        ))
        .map_err(draw_err)?;
        let (body, foot) = rest.split_vertically(n * fig.panel_height);
        for (i, note) in fig.notes.iter().enumerate() {
            foot.draw(&Text::new(
                note.clone(),
                (12, 4 + NOTE_H as i32 * i as i32),
                ("sans-serif", 15).into_font().color(&colors::TEXT),
            ))
            .map_err(draw_err)?;
        }
        let areas = body.split_evenly((n as usize, 1));
        for (panel, area) in fig.panels.iter().zip(areas.iter()) {
            draw_panel(panel, area)?;
        }
        root.present().map_err(draw_err)?;
    }
    Ok(out)
}

fn draw_panel(p: &Panel, area: &DrawingArea<SVGBackend<'_>, plotters::coord::Shift>) -> Result<()> {
    let ((x0, x1), (y0, y1)) = ranges(p);
    let mut chart = ChartBuilder::on(area)
        .caption(&p.title, ("sans-serif", 17))
        .margin_left(8)
        .margin_right(24)
        .margin_top(4)
        .margin_bottom(4)
        .x_label_area_size(42)
        .y_label_area_size(84)
        .build_cartesian_2d(x0..x1, y0..y1)
        .map_err(draw_err)?;
    chart
        .configure_mesh()
        .x_desc(&p.x_label)
        .y_desc(&p.y_label)
        .label_style(("sans-serif", 13))
        .axis_desc_style(("sans-serif", 15))
        .x_labels(8)
        .y_labels(6)
        .y_label_formatter(&|v| short(*v))
        .x_label_formatter(&|v| short(*v))
        .light_line_style(WHITE.mix(0.0))
        .bold_line_style(colors::GRID)
        .draw()
        .map_err(draw_err)?;
    let mut labelled = Vec::new();
    for b in &p.bands {
        let color = b.color;
        let (bx0, bx1) = (b.x0.clamp(x0, x1), b.x1.clamp(x0, x1));
        let s = chart
            .draw_series(std::iter::once(Rectangle::new(
                [(bx0, y0), (bx1, y1)],
                color.mix(0.18).filled(),
            )))
            .map_err(draw_err)?;
        if !b.label.is_empty() && !labelled.contains(&b.label) {
            labelled.push(b.label.clone());
            s.label(&b.label).legend(move |(x, y)| {
                Rectangle::new([(x, y - 5), (x + 16, y + 5)], color.mix(0.3).filled())
            });
        }
    }
    // A line outside the x range is not drawn (its pixel abscissa may not fit in an i32).
    for v in p.vlines.iter().filter(|v| (x0..=x1).contains(&v.x)) {
        let color = v.color;
        let s = chart
            .draw_series(LineSeries::new(
                [(v.x, y0), (v.x, y1)],
                color.stroke_width(2),
            ))
            .map_err(draw_err)?;
        if !v.label.is_empty() {
            s.label(&v.label).legend(move |(x, y)| {
                PathElement::new([(x, y), (x + 16, y)], color.stroke_width(2))
            });
        }
    }
    for s in &p.series {
        draw_series(&mut chart, s, [x0, x1, y0, y1])?;
    }
    let has_legend = !labelled.is_empty()
        || p.vlines.iter().any(|v| !v.label.is_empty())
        || p.series.iter().any(|s| !s.name.is_empty());
    if has_legend {
        chart
            .configure_series_labels()
            .position(p.legend.clone().unwrap_or(SeriesLabelPosition::UpperRight))
            .label_font(("sans-serif", 13))
            .background_style(WHITE.mix(0.85))
            .border_style(colors::GRID)
            .draw()
            .map_err(draw_err)?;
    }
    Ok(())
}

type Chart<'a, 'b> = ChartContext<
    'a,
    SVGBackend<'b>,
    Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
>;

fn draw_series(chart: &mut Chart<'_, '_>, s: &Series, [x0, x1, y0, y1]: [f64; 4]) -> Result<()> {
    // Clip to the axes widened by one width each side (plotters clips the rest on screen).
    let (w, h) = (x1 - x0, y1 - y0);
    let bx = [x0 - w, x1 + w, y0 - h, y1 + h];
    let color = s.color;
    // Lines break at `None` and at non-finite points.
    let mut runs: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
    for pt in &s.points {
        match pt {
            Some((x, y)) if x.is_finite() && y.is_finite() => {
                runs.last_mut().expect("non-empty").push((*x, *y))
            }
            _ => runs.push(Vec::new()),
        }
    }
    let runs: Vec<Vec<(f64, f64)>> = match s.style {
        Style::Line | Style::Dashed => runs.iter().flat_map(|r| clipped_runs(r, bx)).collect(),
        Style::Points | Style::Markers => runs
            .into_iter()
            .map(|r| {
                r.into_iter()
                    .filter(|p| clip(*p, *p, bx).is_some())
                    .collect()
            })
            .collect(),
    };
    let runs = runs.into_iter().filter(|r: &Vec<_>| !r.is_empty());
    let mut first = true;
    for run in runs {
        let anno = match s.style {
            Style::Line => chart.draw_series(LineSeries::new(run, color.stroke_width(2))),
            Style::Dashed => {
                chart.draw_series(DashedLineSeries::new(run, 7, 5, color.stroke_width(2)))
            }
            Style::Points | Style::Markers => {
                let r = if s.style == Style::Points { 1 } else { 3 };
                chart.draw_series(run.into_iter().map(|p| Circle::new(p, r, color.filled())))
            }
        }
        .map_err(draw_err)?;
        if first && !s.name.is_empty() {
            match s.style {
                Style::Points | Style::Markers => {
                    anno.label(&s.name)
                        .legend(move |(x, y)| Circle::new((x + 8, y), 3, color.filled()));
                }
                _ => {
                    anno.label(&s.name).legend(move |(x, y)| {
                        PathElement::new([(x, y), (x + 16, y)], color.stroke_width(2))
                    });
                }
            }
        }
        first = false;
    }
    Ok(())
}

/// Axis numbers: plain when moderate, else scientific with 3 digits.
pub fn short(v: f64) -> String {
    let a = v.abs();
    if a < 1e-12 {
        "0".into()
    } else if (1e-3..1e5).contains(&a) {
        let s = format!("{v:.4}");
        let s = s.trim_end_matches('0').trim_end_matches('.');
        s.to_string()
    } else {
        format!("{v:.2e}")
    }
}

/// Writes `svg` to `path` (creating nothing but the file).
pub fn write(path: &std::path::Path, text: &str) -> Result<()> {
    std::fs::write(path, text).map_err(|e| {
        Error::bad_input(
            format!("cannot write {}: {e}", path.display()),
            "give a writable path (its directory must exist)",
        )
    })
}

/// `path` with the extension replaced by `ext`.
pub fn beside(path: &std::path::Path, ext: &str) -> std::path::PathBuf {
    path.with_extension(ext)
}

/// Checks that `--out` ends in `.svg`.
pub fn check_svg_path(path: &std::path::Path) -> Result<()> {
    if path.extension().and_then(|e| e.to_str()) != Some("svg") {
        return Err(Error::bad_input(
            format!("--out {} does not end in .svg", path.display()),
            "the figure is written as SVG, e.g. --out diagram.svg (the data go beside it as .json)",
        ));
    }
    Ok(())
}

/// The sign convention statement printed under every figure (docs/math.md §3).
pub const CONVENTION: &str =
    "Convention: normal form p ↦ −(1+β)p + c1·p³, β = ηλ − 2; c1 > 0 supercritical (stable 2-cycle p² ≈ β/c1 where Π_T g = 0), c1 < 0 subcritical.";

//! `eosflip simulate`: one GD run against the theory (library: `simulate::trajectory`), drawn
//! as four panels against the step with the phases shaded; the data go beside the SVG as JSON.

use super::plot::{self, colors, Band, Figure, Panel, Series, Style};
use super::source::{describe_loss, short_point, with_loss, Loaded, Source, SourceArgs, WithLoss};
use super::{table, values, Ctx, ExitStatus, Format};
use eosflip::simulate::trajectory::{trajectory, Phase, Trajectory};
use eosflip::tolerance::Tolerances;
use eosflip::{Error, Loss, Result};
use plotters::prelude::SeriesLabelPosition;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Arguments of `simulate`.
#[derive(Debug, clap::Args)]
pub struct SimulateArgs {
    #[command(flatten)]
    pub source: SourceArgs,
    /// The step size η.
    #[arg(long, value_name = "X", value_parser = values::positive)]
    pub eta: f64,
    /// The start, comma-separated (default: θ* + 10⁻³·max(1, |θ*|)·v).
    #[arg(long, value_name = "A,B,...", value_delimiter = ',', allow_hyphen_values = true, value_parser = values::finite)]
    pub from: Option<Vec<f64>>,
    /// GD steps.
    #[arg(long, value_name = "N", default_value_t = 2000)]
    pub steps: usize,
    /// Measure every this many steps (default: steps/400, at least 1).
    #[arg(long, value_name = "K")]
    pub stride: Option<usize>,
    /// The SVG to write (the data go beside it, same stem, .json).
    #[arg(long, value_name = "FILE.svg", default_value = "simulate.svg")]
    pub out: PathBuf,
}

/// The validated configuration.
struct Config {
    source: Source,
    eta: f64,
    from: Option<Vec<f64>>,
    steps: usize,
    stride: usize,
    out: PathBuf,
}

impl Config {
    fn new(a: &SimulateArgs) -> Result<Self> {
        if !(1..=10_000_000).contains(&a.steps) {
            return Err(Error::bad_input(
                format!("--steps {} is outside [1, 10^7]", a.steps),
                "e.g. --steps 2000",
            ));
        }
        if a.stride == Some(0) {
            return Err(Error::bad_input("--stride 0", "give a stride ≥ 1"));
        }
        plot::check_svg_path(&a.out)?;
        Ok(Config {
            source: Source::new(&a.source)?,
            eta: a.eta,
            from: a.from.clone(),
            steps: a.steps,
            stride: a.stride.unwrap_or((a.steps / 400).max(1)),
            out: a.out.clone(),
        })
    }
}

struct Run<'a>(&'a Config);

impl WithLoss for Run<'_> {
    type Out = (Trajectory, String);
    fn run<L: Loss + Sync>(self, l: Loaded<'_, L>) -> Result<Self::Out> {
        let c = self.0;
        let p = l.loss.dim();
        if p > eosflip::flip::DENSE_AUTO_MAX {
            return Err(Error::bad_input(
                format!(
                    "simulate measures with dense Hessians, limited to P ≤ {} (P = {p})",
                    eosflip::flip::DENSE_AUTO_MAX
                ),
                "use a smaller network",
            ));
        }
        let star = &l.flip.point;
        let start = match &c.from {
            Some(v) => v.clone(),
            None => {
                let scale = star.iter().map(|x| x * x).sum::<f64>().sqrt().max(1.0);
                star.iter()
                    .zip(l.flip.v().iter())
                    .map(|(t, w)| t + 1e-3 * scale * w)
                    .collect()
            }
        };
        let t = trajectory(
            l.loss,
            star,
            &start,
            c.eta,
            c.steps,
            c.stride,
            &Tolerances::default(),
        )?;
        let title = format!(
            "GD at η = {}: {} from {}",
            plot::short(c.eta),
            describe_loss(&l.analysis.loss),
            short_point(&start)
        );
        Ok((t, title))
    }
}

pub fn run(args: &SimulateArgs, ctx: &Ctx, w: &mut dyn Write) -> Result<ExitStatus> {
    let cfg = Config::new(args)?;
    let (t, title) = with_loss(&cfg.source, Run(&cfg))?;
    plot::write(&cfg.out, &plot::render(&figure(&t, &title))?)?;
    let data = plot::beside(&cfg.out, "json");
    plot::write(
        &data,
        &serde_json::to_string_pretty(&t).expect("serializable"),
    )?;
    print(&t, &cfg.out, &data, ctx.format, w).map_err(super::out::io)?;
    Ok(ExitStatus::Success)
}

/// The key numbers of the run (the full data are in the JSON file beside the SVG).
fn print(
    t: &Trajectory,
    svg: &Path,
    data: &Path,
    format: Format,
    w: &mut dyn Write,
) -> std::io::Result<()> {
    let last = t.samples.last().and_then(|s| s.sharpness);
    if format != Format::Table {
        let phases: Vec<_> = t
            .phases
            .iter()
            .map(|p| serde_json::json!({"phase": phase_name(p.phase), "from": p.from, "to": p.to}))
            .collect();
        let v = serde_json::json!({
            "svg": svg, "data": data, "steps": t.steps, "escaped": t.escaped,
            "final_sharpness": last, "threshold": 2.0 / t.eta,
            "lambda_inf_pred": t.lambda_inf_pred, "lambda_inf_start_aware": t.lambda_inf_start_aware,
            "phases": phases,
        });
        return super::write_json(w, format, &v);
    }
    let n = |v: Option<f64>| v.map_or("—".into(), |v| format!("{v:.6e}"));
    writeln!(w, "wrote {} and {}", svg.display(), data.display())?;
    let mut tb = table::new(&[]);
    tb.add_row(vec![
        "steps".to_string(),
        format!("{}{}", t.steps, if t.escaped { " (escaped)" } else { "" }),
    ]);
    tb.add_row(vec!["final sharpness".to_string(), n(last)]);
    tb.add_row(vec!["2/η".to_string(), n(Some(2.0 / t.eta))]);
    tb.add_row(vec!["first-order λ∞".to_string(), n(t.lambda_inf_pred)]);
    tb.add_row(vec![
        "start-aware λ∞".to_string(),
        n(t.lambda_inf_start_aware),
    ]);
    writeln!(w, "{tb}")?;
    for p in &t.phases {
        writeln!(
            w,
            "phase {:<6} steps {}–{}",
            phase_name(p.phase),
            p.from,
            p.to
        )?;
    }
    Ok(())
}

fn phase_name(p: Phase) -> &'static str {
    match p {
        Phase::Growth => "growth",
        Phase::Drift => "drift",
        Phase::Decay => "decay",
    }
}

/// The figure of a trajectory.
pub fn figure(t: &Trajectory, title: &str) -> Figure {
    let bands: Vec<Band> = t
        .phases
        .iter()
        .map(|p| Band {
            x0: p.from as f64,
            x1: p.to as f64,
            label: match p.phase {
                Phase::Growth => "growth onto the oscillation",
                Phase::Drift => "drift along M (λ > 2/η)",
                Phase::Decay => "decay below the threshold",
            }
            .into(),
            color: match p.phase {
                Phase::Growth => colors::BAND1,
                Phase::Drift => colors::BAND2,
                Phase::Decay => colors::BAND3,
            },
        })
        .collect();
    let xr = (0.0, t.steps.max(1) as f64);
    let col = |f: &dyn Fn(&eosflip::simulate::trajectory::TrajectorySample) -> Option<f64>| {
        t.samples
            .iter()
            .map(|s| f(s).map(|y| (s.step as f64, y)))
            .collect::<Vec<_>>()
    };
    let line = |name: &str, color, style, points| Series {
        name: name.into(),
        color,
        style,
        points,
    };
    let flat = |y: f64| vec![Some((xr.0, y)), Some((xr.1, y))];
    let panel = |title: &str, y: &str, series: Vec<Series>, legend| Panel {
        title: title.into(),
        x_label: "GD step k".into(),
        y_label: y.into(),
        series,
        bands: bands.clone(),
        x_range: Some(xr),
        legend: Some(legend),
        ..Panel::default()
    };
    let seen: Vec<f64> = t
        .samples
        .iter()
        .flat_map(|s| [s.sharpness, s.foot_sharpness])
        .flatten()
        .chain([2.0 / t.eta])
        .collect();
    let lo = seen.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = seen.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let pad = 0.1 * (hi - lo).max(1e-9);
    let inside = |v: &f64| *v >= lo - 3.0 * pad && *v <= hi + 3.0 * pad;
    let mut outside = Vec::new();
    let mut sharp = vec![
        line("2/η", colors::THRESHOLD, Style::Dashed, flat(2.0 / t.eta)),
        line(
            "λ_max(∇²L(θ_k))",
            colors::DATA,
            Style::Line,
            col(&|s| s.sharpness),
        ),
        line(
            "λ(π) at the foot on M",
            colors::DATA2,
            Style::Line,
            col(&|s| s.foot_sharpness),
        ),
    ];
    if let Some(v) = t.lambda_inf_pred.filter(|v| !inside(v)) {
        outside.push(format!(
            "first-order λ∞ = {} (outside the sharpness axis: far outside its regime)",
            plot::short(v)
        ));
    }
    if let Some(v) = t.lambda_inf_start_aware.filter(|v| !inside(v)) {
        outside.push(format!(
            "start-aware λ∞ = {} (outside the sharpness axis)",
            plot::short(v)
        ));
    }
    if let Some(v) = t.lambda_inf_pred.filter(inside) {
        sharp.push(line(
            "first-order λ∞ = 2/η − ηG/(4c1)",
            colors::PRED,
            Style::Dashed,
            flat(v),
        ));
    }
    if let Some(v) = t.lambda_inf_start_aware.filter(inside) {
        sharp.push(line(
            "start-aware λ∞ (Lambert W)",
            colors::PRED2,
            Style::Dashed,
            flat(v),
        ));
    }
    let panels = vec![
        panel(
            "loss",
            "log₁₀ L(θ_k)",
            vec![line(
                "log₁₀ L",
                colors::DATA2,
                Style::Line,
                col(&|s| (s.loss > 0.0).then(|| s.loss.log10())),
            )],
            SeriesLabelPosition::UpperRight,
        ),
        panel(
            "sharpness",
            "sharpness (1/units of η)",
            sharp,
            SeriesLabelPosition::UpperRight,
        ),
        panel(
            "normal amplitude",
            "p (units of θ)",
            vec![
                line(
                    "|p| = |(θ_k − θ_k+1)·v|/2",
                    colors::DATA,
                    Style::Line,
                    col(&|s| s.amplitude),
                ),
                line(
                    "shifted branch √((β+δ)/c1) while λ(π) > 2/η",
                    colors::PRED,
                    Style::Dashed,
                    col(&|s| {
                        s.branch
                            .filter(|_| s.foot_sharpness.is_some_and(|l| l > 2.0 / t.eta))
                    }),
                ),
            ],
            SeriesLabelPosition::UpperRight,
        ),
        panel(
            "distance to M",
            "log₁₀ |θ_k − π(θ_k)|",
            vec![line(
                "log₁₀ distance to M",
                colors::DATA2,
                Style::Line,
                col(&|s| s.distance_to_m.filter(|d| *d > 0.0).map(f64::log10)),
            )],
            SeriesLabelPosition::UpperRight,
        ),
    ];
    let mut notes = vec![
        plot::CONVENTION.to_string(),
        "β = ηλ(π) − 2 and δ = η²G/(4c1), G = |Π_T g|², at the foot π of the midpoint of θ_k, θ_k+1 on M; phases from the trajectory (docs/math.md §4–5).".to_string(),
    ];
    notes.extend(outside);
    if let Some(n) = &t.prediction_note {
        notes.push(format!("Limiting-sharpness predictions not drawn: {n}."));
    }
    Figure {
        title: title.into(),
        notes,
        panels,
        width: 1000,
        panel_height: 260,
    }
}

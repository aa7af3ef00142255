//! `eosflip bifurcate`: the attractor of GD against η (library: `simulate::bifurcation`), drawn
//! as a bifurcation diagram with the predicted branch and η* = 2/λ; the data go beside the SVG
//! as JSON.

use super::plot::{self, colors, Figure, Panel, Series, Style, VLine};
use super::source::{describe_loss, short_point, with_loss, Loaded, Source, SourceArgs, WithLoss};
use super::{table, Ctx, ExitStatus, Format};
use eosflip::simulate::bifurcation::{bifurcation, BifurcationDiagram, BifurcationOptions};
use eosflip::simulate::gd::GdStop;
use eosflip::{Error, Loss, Result};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Arguments of `bifurcate`.
#[derive(Debug, clap::Args)]
pub struct BifurcateArgs {
    #[command(flatten)]
    pub source: SourceArgs,
    /// First step size of the grid.
    #[arg(long, value_name = "A")]
    pub eta_from: f64,
    /// Last step size of the grid.
    #[arg(long, value_name = "B")]
    pub eta_to: f64,
    /// Number of step sizes.
    #[arg(long, value_name = "N", default_value_t = 400)]
    pub steps: usize,
    /// GD steps discarded before the attractor is recorded.
    #[arg(long, value_name = "K", default_value_t = 2000)]
    pub burn_in: usize,
    /// Iterates recorded per step size.
    #[arg(long, value_name = "S", default_value_t = 64)]
    pub samples: usize,
    /// Kick along v of the start θ0 = θ* + kick·max(1, |θ*|)·v.
    #[arg(
        long,
        value_name = "X",
        default_value_t = 1e-3,
        allow_hyphen_values = true
    )]
    pub kick: f64,
    /// The SVG to write (the data go beside it, same stem, .json).
    #[arg(long, value_name = "FILE.svg", default_value = "bifurcation.svg")]
    pub out: PathBuf,
}

fn validate(a: &BifurcateArgs) -> Result<BifurcationOptions> {
    let bad = |what: String, hint: &str| Err(Error::bad_input(what, hint));
    if !(a.eta_from.is_finite() && a.eta_from > 0.0) {
        return bad(
            format!("--eta-from {} must be a positive number", a.eta_from),
            "e.g. --eta-from 0.8",
        );
    }
    if !(a.eta_to.is_finite() && a.eta_to > a.eta_from) {
        return bad(
            format!(
                "--eta-to {} must be a number above --eta-from {}",
                a.eta_to, a.eta_from
            ),
            "e.g. --eta-from 0.8 --eta-to 1.4",
        );
    }
    if !(2..=20_000).contains(&a.steps) {
        return bad(
            format!("--steps {} is outside [2, 20000]", a.steps),
            "e.g. --steps 400",
        );
    }
    if !(1..=4096).contains(&a.samples) {
        return bad(
            format!("--samples {} is outside [1, 4096]", a.samples),
            "e.g. --samples 64",
        );
    }
    if a.burn_in > 10_000_000 {
        return bad(
            format!("--burn-in {} is above 10^7", a.burn_in),
            "e.g. --burn-in 2000",
        );
    }
    if !(a.kick.is_finite() && a.kick != 0.0 && a.kick.abs() < 1.0) {
        return bad(
            format!("--kick {} must be non-zero with |kick| < 1", a.kick),
            "e.g. --kick 1e-3",
        );
    }
    plot::check_svg_path(&a.out)?;
    Ok(BifurcationOptions {
        eta_from: a.eta_from,
        eta_to: a.eta_to,
        steps: a.steps,
        burn_in: a.burn_in,
        samples: a.samples,
        kick_rel: a.kick,
        ..BifurcationOptions::default()
    })
}

struct Run(BifurcationOptions, indicatif::ProgressBar);

impl WithLoss for Run {
    type Out = (BifurcationDiagram, String);
    fn run<L: Loss + Sync>(self, l: Loaded<'_, L>) -> Result<Self::Out> {
        let bar = self.1;
        let d = bifurcation(l.loss, &l.flip, &self.0, &|| bar.inc(1));
        let title = format!(
            "Bifurcation diagram of GD: {} at θ* = {}",
            describe_loss(&l.analysis.loss),
            short_point(&l.flip.point)
        );
        Ok((d, title))
    }
}

pub fn run(args: &BifurcateArgs, ctx: &Ctx, w: &mut dyn Write) -> Result<ExitStatus> {
    let opts = validate(args)?;
    let source = Source::new(&args.source)?;
    let bar = super::progress::bar(ctx.progress, opts.steps as u64, "bifurcate");
    let (d, title) = with_loss(&source, Run(opts, bar.clone()))?;
    bar.finish_and_clear();
    let svg = plot::render(&figure(&d, &title))?;
    plot::write(&args.out, &svg)?;
    let data = plot::beside(&args.out, "json");
    plot::write(
        &data,
        &serde_json::to_string_pretty(&d).expect("serializable"),
    )?;
    print(&d, &args.out, &data, ctx.format, w).map_err(super::out::io)?;
    Ok(ExitStatus::Success)
}

/// The key numbers of the diagram (the full data are in the JSON file beside the SVG).
fn print(
    d: &BifurcationDiagram,
    svg: &Path,
    data: &Path,
    format: Format,
    w: &mut dyn Write,
) -> std::io::Result<()> {
    let escaped = d
        .columns
        .iter()
        .filter(|c| c.stop == GdStop::Escaped)
        .count();
    let periods = first_periods(d);
    if format != Format::Table {
        let first: Vec<_> = periods
            .iter()
            .map(|(k, eta)| serde_json::json!({"period": k, "eta": eta}))
            .collect();
        let v = serde_json::json!({
            "svg": svg, "data": data, "sharpness": d.sharpness, "eta_star": d.eta_star,
            "c1": d.c1, "drift_norm": d.drift_norm, "step_sizes": d.columns.len(),
            "escaped": escaped, "first_periods": first,
        });
        return super::write_json(w, format, &v);
    }
    writeln!(w, "wrote {} and {}", svg.display(), data.display())?;
    let mut t = table::new(&[]);
    let rows = [
        ("λ", format!("{:.6e}", d.sharpness)),
        ("η* = 2/λ", format!("{:.6e}", d.eta_star)),
        (
            "c1",
            d.c1.map_or("undefined".into(), |c| format!("{c:.6e}")),
        ),
        (
            "|Π_T g|",
            d.drift_norm.map_or("—".into(), |c| format!("{c:.3e}")),
        ),
        (
            "step sizes",
            format!("{} ({escaped} escaped)", d.columns.len()),
        ),
    ];
    for (k, v) in rows {
        t.add_row(vec![k.to_string(), v]);
    }
    writeln!(w, "{t}")?;
    for (k, eta) in periods {
        writeln!(w, "first attractor of period {k}: η ≈ {eta:.6}")?;
    }
    Ok(())
}

/// The first η with an attractor of 2, 4, 8 distinct points.
fn first_periods(d: &BifurcationDiagram) -> Vec<(usize, f64)> {
    [2, 4, 8]
        .iter()
        .filter_map(|&k| {
            d.columns
                .iter()
                .find(|c| c.samples.len() == k)
                .map(|c| (k, c.eta))
        })
        .collect()
}

/// The figure of a diagram: normal coordinate, loss and (where computed) sharpness against η.
pub fn figure(d: &BifurcationDiagram, title: &str) -> Figure {
    let eta_line = VLine {
        x: d.eta_star,
        label: format!("η* = 2/λ = {}", plot::short(d.eta_star)),
        color: colors::THRESHOLD,
    };
    let xr = (d.options.eta_from, d.options.eta_to);
    let pts = |f: &dyn Fn(&eosflip::simulate::bifurcation::AttractorSample) -> Option<f64>| {
        d.columns
            .iter()
            .flat_map(|c| {
                c.samples
                    .iter()
                    .filter_map(move |s| f(s).map(|y| (c.eta, y)))
            })
            .filter(|p| p.1.is_finite())
            .collect::<Vec<_>>()
    };
    let mut normal = Panel {
        title: "attractor: normal coordinate p = ⟨θ − θ*, v⟩".into(),
        x_label: "step size η".into(),
        y_label: "p (units of θ)".into(),
        series: vec![Series::new(
            "GD attractor",
            colors::DATA,
            Style::Points,
            pts(&|s| Some(s.p)),
        )],
        vlines: vec![eta_line.clone()],
        legend: Some(plotters::prelude::SeriesLabelPosition::LowerLeft),
        x_range: Some(xr),
        ..Panel::default()
    };
    normal.series.extend(plot::branch::series(d));
    normal.legend = Some(plot::branch::legend_position(d));
    let loss = Panel {
        title: "attractor: loss".into(),
        x_label: "step size η".into(),
        y_label: "log₁₀ L".into(),
        series: vec![Series::new(
            "GD attractor (L = 0 omitted)",
            colors::DATA2,
            Style::Points,
            pts(&|s| (s.loss > 0.0).then(|| s.loss.log10())),
        )],
        vlines: vec![eta_line.clone()],
        legend: Some(plotters::prelude::SeriesLabelPosition::LowerRight),
        x_range: Some(xr),
        ..Panel::default()
    };
    let mut panels = vec![normal, loss];
    let sharp = pts(&|s| s.sharpness);
    if !sharp.is_empty() {
        let (lo, hi) = sharp
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| {
                (a.min(p.1), b.max(p.1))
            });
        let (lo, hi) = (lo.min(d.sharpness), hi.max(d.sharpness));
        let two_over: Vec<(f64, f64)> = d.columns.iter().map(|c| (c.eta, 2.0 / c.eta)).collect();
        let pad = 0.08 * (hi - lo).max(2e-2 * hi.abs()).max(1e-9);
        let two_over: Vec<(f64, f64)> = two_over
            .into_iter()
            .filter(|p| p.1 >= lo - pad && p.1 <= hi + pad)
            .collect();
        panels.push(Panel {
            title: "attractor: sharpness λ_max(∇²L(θ))".into(),
            x_label: "step size η".into(),
            y_label: "sharpness (1/units of η)".into(),
            series: vec![
                Series::new("2/η", colors::THRESHOLD, Style::Dashed, two_over),
                Series::new("GD attractor", colors::PRED2, Style::Points, sharp),
            ],
            vlines: vec![eta_line],
            y_range: Some((lo - pad, hi + pad)),
            x_range: Some(xr),
            ..Panel::default()
        });
    }
    let o = &d.options;
    let mut notes = vec![
        plot::CONVENTION.to_string(),
        format!(
            "GD from θ0 = θ* + {}·v for each of {} step sizes; {} burn-in steps, then {} iterates recorded (repeated points once). λ = {}, c1(η*) = {}.",
            plot::short(o.kick_rel * d.theta_star.iter().map(|x| x * x).sum::<f64>().sqrt().max(1.0)),
            o.steps,
            o.burn_in,
            o.samples,
            plot::short(d.sharpness),
            d.c1.map_or("undefined".into(), plot::short),
        ),
    ];
    notes.extend(plot::branch::notes(d));
    Figure {
        title: title.into(),
        notes,
        panels,
        width: 1000,
        panel_height: 330,
    }
}

//! `eosflip scan`: λ, c1 and |Π_T g| along a curve of M (library: `simulate::scan`), with the
//! supercritical part (c1 > 0) shaded; the data go beside the SVG as JSON.

use super::plot::{self, colors, Band, Figure, Panel, Series, Style};
use super::source::{describe_loss, with_loss, Loaded, Source, SourceArgs, WithLoss};
use super::{table, Ctx, ExitStatus, Format};
use eosflip::loss::catalog::CatalogLoss;
use eosflip::simulate::scan::{path_along_m, product_curve, scan, Scan};
use eosflip::tolerance::Tolerances;
use eosflip::{Error, Loss, Result};
use plotters::prelude::SeriesLabelPosition;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Arguments of `scan`.
#[derive(Debug, clap::Args)]
pub struct ScanArgs {
    #[command(flatten)]
    pub source: SourceArgs,
    /// Start of the curve: x for a depth-2 product loss (y = z*/x), else the sharpness λ.
    #[arg(long, value_name = "A", allow_hyphen_values = true)]
    pub from: Option<f64>,
    /// End of the curve (same parameter as --from).
    #[arg(long, value_name = "B", allow_hyphen_values = true)]
    pub to: Option<f64>,
    /// Number of points.
    #[arg(long, value_name = "N", default_value_t = 120)]
    pub points: usize,
    /// The SVG to write (the data go beside it, same stem, .json).
    #[arg(long, value_name = "FILE.svg", default_value = "scan.svg")]
    pub out: PathBuf,
}

struct Run<'a>(&'a ScanArgs);

impl WithLoss for Run<'_> {
    type Out = (Scan, String);
    fn run<L: Loss + Sync>(self, l: Loaded<'_, L>) -> Result<Self::Out> {
        let a = self.0;
        let tol = Tolerances::default();
        let title = format!("Flip data along M: {}", describe_loss(&l.analysis.loss));
        let range = |lo: f64, hi: f64| {
            let (f, t) = (a.from.unwrap_or(lo), a.to.unwrap_or(hi));
            if f.is_finite() && t.is_finite() && t > f {
                Ok((f, t))
            } else {
                Err(Error::bad_input(
                    format!("--from {f} --to {t}: need from < to"),
                    "e.g. --from 0.3 --to 3",
                ))
            }
        };
        if let Some(CatalogLoss::Product(p)) = l.catalog.filter(|_| l.loss.dim() == 2) {
            let z = p.link.z_star();
            let s = z.abs().sqrt().max(if z == 0.0 { 1.0 } else { 0.0 });
            let (f, t) = range(0.25 * s, 4.0 * s)?;
            if f <= 0.0 {
                return Err(Error::bad_input(
                    format!("--from {f}: x must be positive"),
                    "e.g. --from 0.3",
                ));
            }
            let pts = product_curve(z, f, t, a.points);
            let jet = eosflip::product::Jet::of_link(&p.link);
            return Ok((scan(l.loss, "x", Some(jet), pts, &tol), title));
        }
        let lam = l.flip.sharpness();
        let (f, t) = range(0.5 * lam, 1.5 * lam)?;
        if f <= 0.0 {
            return Err(Error::bad_input(
                format!("--from {f}: the sharpness must be positive"),
                "e.g. --from 1",
            ));
        }
        if l.flip.spectral.tangent_dim == Some(0) {
            return Err(Error::bad_input(
                "the minimizer is isolated (dim M = 0): there is no curve of M to scan",
                "scan a loss with a manifold of minimizers (e.g. --loss product, --loss tilted)",
            ));
        }
        let pts = path_along_m(l.loss, &l.flip.point, lam, f, t, a.points, &tol);
        let drift = l.flip.coefficients.as_ref().map(|c| c.drift.norm());
        if pts.len() < 2 && l.flip.supercritical.is_some() && drift.is_some_and(|d| d <= 1e-9 * lam)
        {
            return Err(Error::bad_input(
                format!(
                    "Π_T g = 0 at θ* (|Π_T g| = {:.3e}): the sharpness is stationary on M there, so a path along Π_T g cannot leave θ*",
                    drift.unwrap_or(0.0)
                ),
                "start the scan at a point of M where the sharpness changes (e.g. --point 2,0.5 on xy = 1), or use the catalog's product loss, which scans the hyperbola",
            ));
        }
        if pts.len() < 2 {
            return Err(Error::bad_input(
                "M could not be followed along Π_T g from θ* (the sharpness is stationary there, or the targets are out of reach)",
                "give --from/--to closer to the sharpness at θ*, or another --point",
            ));
        }
        Ok((scan(l.loss, "sharpness", None, pts, &tol), title))
    }
}

pub fn run(args: &ScanArgs, ctx: &Ctx, w: &mut dyn Write) -> Result<ExitStatus> {
    if !(2..=5000).contains(&args.points) {
        return Err(Error::bad_input(
            format!("--points {} is outside [2, 5000]", args.points),
            "e.g. --points 120",
        ));
    }
    plot::check_svg_path(&args.out)?;
    let source = Source::new(&args.source)?;
    let (s, title) = with_loss(&source, Run(args))?;
    plot::write(&args.out, &plot::render(&figure(&s, &title))?)?;
    let data = plot::beside(&args.out, "json");
    plot::write(
        &data,
        &serde_json::to_string_pretty(&s).expect("serializable"),
    )?;
    print(&s, &args.out, &data, ctx.format, w).map_err(super::out::io)?;
    Ok(ExitStatus::Success)
}

/// How many points are super-, subcritical and undecided.
fn print(
    s: &Scan,
    svg: &Path,
    data: &Path,
    format: Format,
    w: &mut dyn Write,
) -> std::io::Result<()> {
    let count = |v: Option<bool>| s.points.iter().filter(|p| p.supercritical == v).count();
    let (sup, sub, und) = (count(Some(true)), count(Some(false)), count(None));
    if format != Format::Table {
        let v = serde_json::json!({
            "svg": svg, "data": data, "points": s.points.len(),
            "supercritical": sup, "subcritical": sub, "undecided": und, "alpha": s.alpha,
            "product": s.product,
        });
        return super::write_json(w, format, &v);
    }
    writeln!(w, "wrote {} and {}", svg.display(), data.display())?;
    let mut t = table::new(&[
        "points",
        "supercritical (c1 > 0)",
        "subcritical (c1 < 0)",
        "undecided",
    ]);
    t.add_row(vec![s.points.len(), sup, sub, und]);
    writeln!(w, "{t}")
}

/// Contiguous runs of supercritical points as bands (edges halfway between parameters).
fn bands(s: &Scan) -> Vec<Band> {
    let p = &s.points;
    let mut out = Vec::new();
    let edge = |i: usize, j: usize| 0.5 * (p[i].param + p[j].param);
    let mut i = 0;
    while i < p.len() {
        if p[i].supercritical != Some(true) {
            i += 1;
            continue;
        }
        let mut j = i;
        while j + 1 < p.len() && p[j + 1].supercritical == Some(true) {
            j += 1;
        }
        let x0 = if i == 0 { p[0].param } else { edge(i - 1, i) };
        let x1 = if j + 1 == p.len() {
            p[j].param
        } else {
            edge(j, j + 1)
        };
        out.push(Band {
            x0,
            x1,
            label: "supercritical (c1 > 0)".into(),
            color: colors::BAND1,
        });
        i = j + 1;
    }
    out
}

/// The figure of a scan.
pub fn figure(s: &Scan, title: &str) -> Figure {
    let xl = if s.parameter == "x" {
        "x on M = {xy = z*} (y = z*/x)".to_string()
    } else {
        "sharpness λ along the path through θ* along ±Π_T g".to_string()
    };
    let b = bands(s);
    let xr = (s.points[0].param, s.points[s.points.len() - 1].param);
    let col = |f: &dyn Fn(&eosflip::simulate::scan::ScanPoint) -> Option<f64>| {
        s.points
            .iter()
            .map(|p| f(p).map(|y| (p.param, y)))
            .collect::<Vec<_>>()
    };
    let ser = |name: &str, color, style, points| Series {
        name: name.into(),
        color,
        style,
        points,
    };
    let panel = |t: &str, y: &str, series| Panel {
        title: t.into(),
        x_label: xl.clone(),
        y_label: y.into(),
        series,
        bands: b.clone(),
        x_range: Some(xr),
        legend: Some(SeriesLabelPosition::UpperRight),
        ..Panel::default()
    };
    let zero = vec![Some((xr.0, 0.0)), Some((xr.1, 0.0))];
    let panels = vec![
        panel(
            "first Lyapunov coefficient c1 at η* = 2/λ",
            "c1 (units of θ⁻²)",
            {
                let mut v = vec![
                    ser("c1", colors::DATA, Style::Line, col(&|p| p.c1)),
                    ser("c1 = 0", colors::THRESHOLD, Style::Dashed, zero),
                ];
                if s.product.is_some() {
                    v.push(ser(
                        "closed form (s/(3l2²))·Q(z*/s²)",
                        colors::PRED,
                        Style::Dashed,
                        col(&|p| p.c1_closed),
                    ));
                }
                v
            },
        ),
        panel(
            "sharpness",
            "λ (1/units of η)",
            vec![ser("λ", colors::PRED2, Style::Line, col(&|p| p.sharpness))],
        ),
        panel(
            "tangent drift",
            "|Π_T g| = |∇_M λ|",
            vec![ser(
                "|Π_T g|",
                colors::DATA2,
                Style::Line,
                col(&|p| p.drift_norm),
            )],
        ),
    ];
    let mut notes = vec![
        plot::CONVENTION.to_string(),
        "c1 = (3gᵀH⁺g − L4)/(3λ) at each point's own η* (docs/math.md §3); shaded: c1 > 0 decided. Where Π_T g ≠ 0 GD drifts along M (§4).".to_string(),
    ];
    if let Some(a) = s.alpha {
        notes.push(format!(
            "Product-stability α = 3l'''² − l''l'''' = {} at z*: an asymptotic (large x² + y²) criterion, not c1 > 0 on all of M (docs/math.md §6).",
            plot::short(a)
        ));
    }
    if let Some(ps) = &s.product {
        notes.push(if ps.set.everywhere {
            "Closed form (eosflip product): c1 > 0 on all of M.".to_string()
        } else {
            let xs: Vec<String> = ps.x_boundaries.iter().map(|x| plot::short(*x)).collect();
            let ss: Vec<String> = ps.set.s_roots.iter().map(|x| plot::short(*x)).collect();
            format!(
                "Closed form (eosflip product): c1 changes sign at s = x² + y² = {} (x = {}).",
                ss.join(", "),
                xs.join(", ")
            )
        });
    }
    Figure {
        title: title.into(),
        notes,
        panels,
        width: 1000,
        panel_height: 280,
    }
}

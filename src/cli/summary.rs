//! One line of key numbers per validation, for the `check` table and the HTML report. The
//! library returns typed results ([`ValidationReport`]); the sentences are built here only.
//! (Self-contained: `tests/snapshots_check.rs` includes this file to snapshot the lines.)

use eosflip::check::validations::{ValidationDetail, ValidationReport};
use eosflip::simulate::threshold::ThresholdRun;

fn opt(x: Option<f64>) -> String {
    x.map_or("—".into(), |v| format!("{v:.3e}"))
}

/// The line of `v`.
pub fn validation_line(v: &ValidationReport) -> String {
    match &v.detail {
        ValidationDetail::NotRun { reason } => format!("not run: {reason}"),
        ValidationDetail::Exception(r) => r.note.clone(),
        ValidationDetail::Amplitude(s) => {
            let errs: Vec<f64> = s.points.iter().filter_map(|p| p.rel_error).collect();
            format!(
                "{} β values; amplitude rel. error {} → {}; fitted order {}; {}",
                s.points.len(),
                opt(errs.first().copied()),
                opt(errs.last().copied()),
                s.order.map_or("—".into(), |f| format!("{:.3}", f.order)),
                s.note
            )
        }
        ValidationDetail::Drift(d) => {
            let last = d.points.last();
            format!(
                "cosine {} and magnitude ratio {} at p = {}; fitted order {}; {}",
                last.map_or("—".into(), |p| format!("{:.6}", p.cosine)),
                last.map_or("—".into(), |p| format!("{:.6}", p.magnitude_ratio)),
                last.map_or("—".into(), |p| format!("{:.2e}", p.p)),
                d.order.map_or("—".into(), |f| format!("{:.3}", f.order)),
                d.note
            )
        }
        ValidationDetail::Convergence(c) => {
            let mut line = format!(
                "{}; {}",
                run_line("at threshold", &c.at_threshold),
                run_line("from above", &c.from_above)
            );
            if let Some(s) = &c.sweep {
                line.push_str(&format!("; sweep: {}", s.note));
            }
            line
        }
    }
}

fn run_line(tag: &str, r: &ThresholdRun) -> String {
    format!(
        "{tag}: λ∞ {} vs 2/η {:.6e}, first-order {} (gap err {}), start-aware {} (gap err {}), along M {} (gap err {}); ε_rel {}, β0/ε_rel {:.1}, d {}, slow-mode ratio {}; {} steps{}",
        opt(r.final_sharpness),
        r.threshold_sharpness,
        opt(r.lambda_inf_pred),
        opt(r.first_order_gap_error),
        opt(r.lambda_inf_start_aware),
        opt(r.start_aware_gap_error),
        opt(r.lambda_inf_along_m),
        opt(r.along_m_gap_error),
        r.eps_rel.map_or("—".into(), |e| format!("{e:.2e}")),
        r.beta0_over_eps,
        opt(r.d),
        r.slow_mode_ratio.map_or("—".into(), |x| format!("{x:.3e}")),
        r.steps,
        r.branch.as_ref().map_or(String::new(), |b| format!(
            "; branch p² ≈ (β+δ)/c1: {:?}, median rel. err {} over {} samples",
            b.outcome,
            opt(b.median_rel_error),
            b.samples.len()
        ))
    )
}

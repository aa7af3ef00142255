//! The predicted 2-cycle branch over a bifurcation diagram (library:
//! `simulate::predicted_branch`): `±√(β/c1)` where the flip is of order 3, `±(β/c2)^{1/4}`
//! where it is degenerate (c1 = 0, docs/math.md §7); solid when the cycle is stable in the normal
//! direction (c > 0), dashed when it is unstable (c < 0). The legend and the note say which
//! formula is drawn.

use super::{colors, short, Series, Style};
use eosflip::simulate::bifurcation::{BifurcationDiagram, BranchFormula};
use plotters::prelude::SeriesLabelPosition;

/// The branch is drawn for `|β|` up to this (the normal form is local).
pub const BETA_DRAWN: f64 = 0.3;

/// The legend entry of the branch.
pub fn legend(d: &BifurcationDiagram) -> Option<String> {
    let b = d.predicted?;
    let f = b.formula.formula();
    let c = match b.formula {
        BranchFormula::Cubic => "c1",
        BranchFormula::Quintic => "c2",
    };
    Some(if b.stable() {
        format!("predicted 2-cycle {f}")
    } else {
        format!("unstable 2-cycle {f}, {c} < 0")
    })
}

/// The two series `+p(η)` and `−p(η)` of the branch, for `|β| ≤ BETA_DRAWN` (empty when no
/// branch is predicted).
pub fn series(d: &BifurcationDiagram) -> Vec<Series> {
    let (Some(b), Some(name)) = (d.predicted, legend(d)) else {
        return Vec::new();
    };
    let pos: Vec<(f64, f64)> = d
        .columns
        .iter()
        .filter(|c| c.beta.abs() <= BETA_DRAWN)
        .filter_map(|c| c.branch.map(|p| (c.eta, p)))
        .collect();
    if pos.is_empty() {
        return Vec::new();
    }
    let neg = pos.iter().map(|(x, y)| (*x, -y)).collect();
    let style = if b.stable() {
        Style::Line
    } else {
        Style::Dashed
    };
    vec![
        Series::new(&name, colors::PRED, style, pos),
        Series::new("", colors::PRED, style, neg),
    ]
}

/// Where the legend of the normal-coordinate panel goes: away from the branch (a stable branch
/// lies right of η*, an unstable one left of it, with escapes to the right).
pub fn legend_position(d: &BifurcationDiagram) -> SeriesLabelPosition {
    match d.predicted {
        Some(b) if !b.stable() => SeriesLabelPosition::LowerRight,
        _ => SeriesLabelPosition::LowerLeft,
    }
}

/// The footer notes: which branch is drawn and why (or why none is), and the escapes.
pub fn notes(d: &BifurcationDiagram) -> Vec<String> {
    let escaped = d
        .columns
        .iter()
        .filter(|c| c.stop == eosflip::simulate::gd::GdStop::Escaped)
        .count();
    let mut out = vec![note(d)];
    if escaped > 0 {
        out.push(format!(
            "{escaped} of {} step sizes escaped from the neighbourhood of θ* (no attractor drawn there).",
            d.columns.len()
        ));
    }
    out
}

fn note(d: &BifurcationDiagram) -> String {
    if !d.branch_applies {
        return format!(
            "Π_T g ≠ 0 at θ* (|Π_T g| = {}): no 2-cycle at θ*; GD drifts along M toward λ ≈ 2/η (docs/math.md §4–5), so no branch is drawn.",
            d.drift_norm.map_or("—".into(), short)
        );
    }
    match d.predicted {
        Some(b) if b.formula == BranchFormula::Cubic => format!(
            "Π_T g = 0 at θ*; branch drawn: p² = β/c1, β = ηλ − 2 (c1 linear in η; {}) for |β| ≤ {BETA_DRAWN}.",
            if b.stable() { "solid: c1 > 0, stable" } else { "dashed: c1 < 0, unstable, β < 0" }
        ),
        Some(b) => format!(
            "Degenerate flip (c1 = 0, flip order 5): p ↦ −(1+β)p + c2·p⁵, c2(η*) = {}; branch drawn: p⁴ = β/c2, β = ηλ − 2 ({}) for |β| ≤ {BETA_DRAWN}.",
            short(b.coefficient),
            if b.stable() { "solid: c2 > 0, stable" } else { "dashed: c2 < 0, unstable, β < 0" }
        ),
        None => format!(
            "Π_T g = 0 at θ*, but c1 = 0 within its error and c2 {}: the normal form does not decide, no branch is drawn.",
            d.c2.map_or("was not computed".into(), |c| format!("= {} is not decided", short(c)))
        ),
    }
}

//! Simulation: deterministic GD runs and the numerical validation of the theory's conclusions
//! (issue 4; docs/math.md §3–5). Library only: typed, serde-serializable results, no printing.
//!
//! | file | what |
//! |---|---|
//! | [`gd`] | GD in `f64` with stopping rules, trace, progress observer |
//! | [`cycle`] | 2-cycles: Newton on `F∘F − id`, amplitude, Floquet multipliers, stability |
//! | [`local`] | the flip data at a point of M; moving along M to a target sharpness |
//! | [`amplitude`] | validation 1: 2-cycle amplitude `√(β/c1)` (or `(β/c2)^{1/4}`) where `Π_T g = 0`, A6 (§3, §5, §7) |
//! | [`drift`] | validation 2: tangent drift `−η p² Π_T g` (§4) |
//! | [`exception`] | the exceptional set: GD from a point of M with λ > 2/η stays; a kick leaves (§5) |
//! | [`threshold`] | validation 3: convergence at the threshold, both λ∞ predictions (§5) |
//! | [`branch`] | validation 3: the oscillation tracks the branch `p² ≈ (β+δ)/c1` (§5) |
//! | [`threshold_sweep`] | validation 3 over ε_rel → 0: fitted orders |
//! | [`thinned_trace`] | ≤ 300 iterates of a long run measured afterwards: λ, loss, distance to M |
//! | [`slow_dynamics`] | start-aware λ∞: closed form (constant δ, Lambert W) and along M; `d` |
//! | [`bifurcation`] | bifurcation diagrams: the attractor of GD against η (issue 10) |
//! | [`predicted_branch`] | the branch drawn over them: `±√(β/c1)`, or `±(β/c2)^{1/4}` where c1 = 0 (§3, §7) |
//! | [`trajectory`] | one GD run measured against §4–5: amplitude, branch, distance to M, phases |
//! | [`scan`] | λ, c1, \|Π_T g\| along a curve of M (issue 10) |
//! | [`lambert`] | Lambert's W (principal branch) for the start-aware prediction |
//! | [`gf_solution`] | the gradient-flow solution of `l(xy)` in closed form, its sharpness (§6) |
//!
//! Validation 4 (Floquet certificate of a stable 2-cycle) is [`cycle::floquet`], used by
//! [`amplitude`]. A failed prediction or a non-converged solve is a *result*
//! ([`Outcome::Fail`] / [`Outcome::Inconclusive`] with the numbers), never a panic or NaN:
//! quantities that could not be measured are `None`.

pub mod amplitude;
pub mod amplitude_types;
pub mod bifurcation;
pub mod branch;
pub mod cycle;
pub mod drift;
pub mod exception;
pub mod gd;
pub mod gf_solution;
pub mod lambert;
pub mod local;
pub mod predicted_branch;
pub mod scan;
pub mod slow_dynamics;
pub mod thinned_trace;
pub mod threshold;
pub mod threshold_judge;
pub mod threshold_sweep;
pub mod trajectory;

use serde::{Deserialize, Serialize};

/// The verdict of one validation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The simulation agrees with the prediction within the stated tolerances.
    Pass,
    /// The simulation contradicts the prediction.
    Fail,
    /// The simulation could not decide (precondition not met, solve not converged, …).
    Inconclusive,
}

impl Outcome {
    /// The worse of two outcomes (`Fail` > `Inconclusive` > `Pass`).
    pub fn and(self, other: Outcome) -> Outcome {
        use Outcome::*;
        match (self, other) {
            (Fail, _) | (_, Fail) => Fail,
            (Inconclusive, _) | (_, Inconclusive) => Inconclusive,
            _ => Pass,
        }
    }
}

/// `count` points `first, first·ratio, first·ratio², …`.
pub fn geometric(first: f64, ratio: f64, count: usize) -> Vec<f64> {
    (0..count).map(|k| first * ratio.powi(k as i32)).collect()
}

/// A least-squares power law `error ≈ C · parameter^order`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct OrderFit {
    /// Slope of `ln error` against `ln parameter`: the observed order of convergence.
    pub order: f64,
    /// `ln C`.
    pub log_constant: f64,
    /// Number of points used (positive finite pairs only).
    pub points: usize,
}

/// Fits `ln e = ln C + order · ln x` by least squares over the pairs with `x > 0`, `e > 0`,
/// both finite; `None` with fewer than 2 such pairs or no spread in `x`.
pub fn fit_order(params: &[f64], errors: &[f64]) -> Option<OrderFit> {
    let pts: Vec<(f64, f64)> = params
        .iter()
        .zip(errors)
        .filter(|(x, e)| x.is_finite() && e.is_finite() && **x > 0.0 && **e > 0.0)
        .map(|(x, e)| (x.ln(), e.ln()))
        .collect();
    let n = pts.len() as f64;
    if pts.len() < 2 {
        return None;
    }
    let mx = pts.iter().map(|p| p.0).sum::<f64>() / n;
    let my = pts.iter().map(|p| p.1).sum::<f64>() / n;
    let sxx: f64 = pts.iter().map(|p| (p.0 - mx) * (p.0 - mx)).sum();
    let sxy: f64 = pts.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    if sxx <= 1e-300 {
        return None;
    }
    let order = sxy / sxx;
    Some(OrderFit {
        order,
        log_constant: my - order * mx,
        points: pts.len(),
    })
}

/// `|a − b| / |b|`, or `None` when `b = 0` or either is not finite.
pub fn rel_error(a: f64, b: f64) -> Option<f64> {
    let r = (a - b).abs() / b.abs();
    (r.is_finite() && b.abs() > 0.0).then_some(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_recovers_power_law() {
        let x = geometric(0.1, 0.5, 6);
        let e: Vec<f64> = x.iter().map(|v| 3.0 * v * v).collect();
        let f = fit_order(&x, &e).unwrap();
        assert!((f.order - 2.0).abs() < 1e-12);
        assert!((f.log_constant - 3f64.ln()).abs() < 1e-12);
        assert!(fit_order(&[1.0], &[1.0]).is_none());
        assert!(fit_order(&[1.0, 1.0], &[1.0, 2.0]).is_none());
    }

    #[test]
    fn outcome_and_is_worst() {
        assert_eq!(
            Outcome::Pass.and(Outcome::Inconclusive),
            Outcome::Inconclusive
        );
        assert_eq!(Outcome::Inconclusive.and(Outcome::Fail), Outcome::Fail);
        assert_eq!(Outcome::Pass.and(Outcome::Pass), Outcome::Pass);
        assert_eq!(rel_error(1.0, 0.0), None);
    }
}

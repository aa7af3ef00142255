//! Bifurcation diagrams: the attractor of GD against the step η (docs/math.md §3, §5; issue 10).
//!
//! For each η of a grid, GD runs from one fixed start `θ0 = θ* + kick·v` (θ* a point of M, v its
//! top eigenvector). After `burn_in` steps the next `samples` iterates are the attractor; each is
//! recorded by its normal coordinate `p = ⟨θ − θ*, v⟩`, its loss and, where cheap, its sharpness.
//! Repeated points (a period-k orbit repeats every k iterates) are kept once, with a count.
//!
//! Predictions drawn beside the data: `η* = 2/λ(θ*)` and, where the flip at θ* has no tangent
//! drift (`Π_T g = 0`: isolated minimizer or sharpness stationary on M, docs/math.md §3), the branch
//! `p = ±√(β/c1(η))`, `β = ηλ − 2`, with c1 linear in η — or, where the flip is degenerate
//! (c1 = 0, flip order 5, docs/math.md §7), `p = ±(β/c2)^{1/4}` ([`PredictedBranch`]). Where
//! `Π_T g ≠ 0` there is no 2-cycle at θ*: GD drifts along M (§4–5) and the branch is not drawn
//! (`branch_applies = false`).
//!
//! The sweep runs on the crate's explicit pool ([`crate::parallel::pool`]); each η is one
//! independent run writing its own column, so the result does not depend on the thread count.

use crate::flip::FlipPoint;
use crate::loss::Loss;
use crate::simulate::gd::{run_gd, sharpness_at, GdOptions, GdStop, NoObserver};
pub use crate::simulate::predicted_branch::{BranchFormula, PredictedBranch};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// Options of a bifurcation sweep.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BifurcationOptions {
    /// First η of the grid.
    pub eta_from: f64,
    /// Last η of the grid.
    pub eta_to: f64,
    /// Number of η values (≥ 2).
    pub steps: usize,
    /// GD steps discarded before the attractor is recorded.
    pub burn_in: usize,
    /// Iterates recorded after the burn-in.
    pub samples: usize,
    /// The kick along v, relative to `max(1, |θ*|)`.
    pub kick_rel: f64,
    /// A run has escaped when `|θ − θ*| > escape_rel · max(1, |θ*|)`.
    pub escape_rel: f64,
}

impl Default for BifurcationOptions {
    fn default() -> Self {
        BifurcationOptions {
            eta_from: 0.0,
            eta_to: 0.0,
            steps: 400,
            burn_in: 2000,
            samples: 64,
            kick_rel: 1e-3,
            escape_rel: 20.0,
        }
    }
}

/// One recorded attractor point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttractorSample {
    /// `p = ⟨θ − θ*, v⟩`.
    pub p: f64,
    /// `L(θ)`.
    pub loss: f64,
    /// `λ_max(∇²L(θ))`, where cheap (module docs of [`sharpness_rule`]).
    pub sharpness: Option<f64>,
    /// How many of the recorded iterates are this point (within rounding).
    pub count: usize,
}

/// The attractor for one η.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BifurcationColumn {
    /// The step.
    pub eta: f64,
    /// `β = ηλ(θ*) − 2`.
    pub beta: f64,
    /// Why GD stopped (`escaped`: no attractor near θ*).
    pub stop: GdStop,
    /// The distinct attractor points (empty when escaped).
    pub samples: Vec<AttractorSample>,
    /// The predicted branch amplitude (`√(β/c1(η))` or `(β/c2)^{1/4}`, see
    /// [`BifurcationDiagram::predicted`]) where it applies and `β/c > 0`.
    pub branch: Option<f64>,
}

/// A bifurcation diagram (module docs).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BifurcationDiagram {
    /// θ*.
    pub theta_star: Vec<f64>,
    /// v at θ*.
    pub top_eigvec: Vec<f64>,
    /// λ(θ*).
    pub sharpness: f64,
    /// η* = 2/λ.
    pub eta_star: f64,
    /// c1 at η* (None when the flip is undefined).
    pub c1: Option<f64>,
    /// |Π_T g| at θ*.
    pub drift_norm: Option<f64>,
    /// Whether the flip at θ* has a 2-cycle branch (c1 defined, Π_T g = 0 within tolerance).
    pub branch_applies: bool,
    /// c2 at η*, where the flip is degenerate and c2 was computed (docs/math.md §7).
    #[serde(default)]
    pub c2: Option<f64>,
    /// The order of the flip: 3 (c1 ≠ 0), 5 (c1 = 0, c2 ≠ 0), None (undecided).
    #[serde(default)]
    pub flip_order: Option<u32>,
    /// The branch drawn and its formula (None where the normal form does not decide it).
    #[serde(default)]
    pub predicted: Option<PredictedBranch>,
    /// The start θ0.
    pub start: Vec<f64>,
    /// The options used.
    pub options: BifurcationOptions,
    /// One column per η, in grid order.
    pub columns: Vec<BifurcationColumn>,
}

/// Which samples get a sharpness: all distinct samples when `P ≤ 16`, the first two when
/// `P ≤ 200`, none above (a dense Hessian costs P HVPs).
pub fn sharpness_rule(dim: usize, index: usize) -> bool {
    dim <= 16 || (dim <= 200 && index < 2)
}

/// Whether `|Π_T g| ≤ 1e-8 · max(|g|, λ)`: the drift vanishes at the flip point.
pub fn drift_vanishes(fp: &FlipPoint) -> bool {
    fp.coefficients
        .as_ref()
        .is_some_and(|c| c.drift.norm() <= 1e-8 * c.g.norm().max(fp.sharpness()))
}

fn norm(x: &[f64]) -> f64 {
    x.iter().map(|v| v * v).sum::<f64>().sqrt()
}

/// The η grid: `steps` evenly spaced values from `eta_from` to `eta_to`.
pub fn eta_grid(o: &BifurcationOptions) -> Vec<f64> {
    let n = o.steps.max(2);
    (0..n)
        .map(|i| o.eta_from + (o.eta_to - o.eta_from) * i as f64 / (n - 1) as f64)
        .collect()
}

/// Runs the sweep from the flip point `fp` of `loss` (module docs). `progress` is called once
/// per finished column, from the pool's threads.
pub fn bifurcation<L: Loss + Sync>(
    loss: &L,
    fp: &FlipPoint,
    o: &BifurcationOptions,
    progress: &(dyn Fn() + Sync),
) -> BifurcationDiagram {
    let theta = fp.point.clone();
    let v: Vec<f64> = fp.v().iter().copied().collect();
    let scale = norm(&theta).max(1.0);
    let start: Vec<f64> = theta
        .iter()
        .zip(&v)
        .map(|(t, w)| t + o.kick_rel * scale * w)
        .collect();
    let branch_applies = fp.coefficients.is_some() && drift_vanishes(fp);
    let predicted = PredictedBranch::of(fp);
    let lam = fp.sharpness();
    let grid = eta_grid(o);
    let columns = crate::parallel::pool().install(|| {
        grid.par_iter()
            .map(|&eta| {
                let col = column(loss, fp, &start, &v, eta, scale, predicted, o);
                progress();
                col
            })
            .collect()
    });
    BifurcationDiagram {
        theta_star: theta,
        top_eigvec: v,
        sharpness: lam,
        eta_star: fp.eta_star(),
        c1: fp.c1_at(fp.eta_star()),
        drift_norm: fp.coefficients.as_ref().map(|c| c.drift.norm()),
        branch_applies,
        c2: fp.c2(),
        flip_order: fp.flip_order(),
        predicted,
        start,
        options: o.clone(),
        columns,
    }
}

#[allow(clippy::too_many_arguments)]
fn column<L: Loss>(
    loss: &L,
    fp: &FlipPoint,
    start: &[f64],
    v: &[f64],
    eta: f64,
    scale: f64,
    predicted: Option<PredictedBranch>,
    o: &BifurcationOptions,
) -> BifurcationColumn {
    let beta = eta * fp.sharpness() - 2.0;
    let branch = predicted.and_then(|b| b.amplitude(fp, eta));
    let gd = GdOptions {
        max_steps: o.burn_in,
        grad_tol: 0.0,
        anchor: Some(fp.point.clone()),
        escape_radius: o.escape_rel * scale,
        report_every: 0,
        ..GdOptions::default()
    };
    let burn = run_gd(loss, start, eta, &gd, &mut NoObserver);
    let mut out = BifurcationColumn {
        eta,
        beta,
        stop: burn.stop,
        samples: Vec::new(),
        branch,
    };
    if burn.escaped {
        return out;
    }
    let mut theta = burn.final_point;
    let mut raw: Vec<(f64, f64, Vec<f64>)> = Vec::with_capacity(o.samples);
    for _ in 0..o.samples {
        let p: f64 = theta
            .iter()
            .zip(&fp.point)
            .zip(v)
            .map(|((t, s), w)| (t - s) * w)
            .sum();
        let value = loss.value(&theta);
        let far = theta
            .iter()
            .zip(&fp.point)
            .map(|(t, s)| (t - s) * (t - s))
            .sum::<f64>()
            .sqrt()
            > o.escape_rel * scale;
        if !value.is_finite() || far {
            out.stop = GdStop::Escaped;
            out.samples.clear();
            return out;
        }
        let g = loss.gradient(&theta);
        raw.push((p, value, theta.clone()));
        theta = theta.iter().zip(&g).map(|(t, d)| t - eta * d).collect();
    }
    out.samples = distinct(loss, raw);
    out
}

/// Keeps one sample per distinct point (relative tolerance 1e-7 of the largest |p|).
fn distinct<L: Loss>(loss: &L, raw: Vec<(f64, f64, Vec<f64>)>) -> Vec<AttractorSample> {
    let spread = raw.iter().map(|r| r.0.abs()).fold(0.0, f64::max);
    let tol = 1e-7 * spread + 1e-12;
    let mut kept: Vec<(AttractorSample, Vec<f64>)> = Vec::new();
    for (p, value, theta) in raw {
        match kept.iter_mut().find(|(s, _)| (s.p - p).abs() <= tol) {
            Some((s, _)) => s.count += 1,
            None => kept.push((
                AttractorSample {
                    p,
                    loss: value,
                    sharpness: None,
                    count: 1,
                },
                theta,
            )),
        }
    }
    let dim = loss.dim();
    kept.into_iter()
        .enumerate()
        .map(|(i, (mut s, theta))| {
            if sharpness_rule(dim, i) {
                s.sharpness = sharpness_at(loss, &theta);
            }
            s
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::loss::catalog::one_dim::DoubleWell;
    use crate::simulate::local::flip_point;
    use crate::tolerance::Tolerances;

    #[test]
    fn double_well_period_doubles_past_the_flip() {
        let fp = flip_point(&DoubleWell, &[1.0], &Tolerances::default()).unwrap();
        let o = BifurcationOptions {
            eta_from: 0.9,
            eta_to: 1.25,
            steps: 8,
            burn_in: 4000,
            samples: 32,
            ..BifurcationOptions::default()
        };
        let d = bifurcation(&DoubleWell, &fp, &o, &|| {});
        assert!(d.branch_applies);
        let periods: Vec<usize> = d.columns.iter().map(|c| c.samples.len()).collect();
        // η = 0.9: a fixed point; 1.0 < η < 1.2: a 2-cycle; η = 1.25: period 4.
        assert_eq!(periods[0], 1, "{periods:?}");
        assert_eq!(periods[4], 2, "{periods:?}");
        assert_eq!(periods[7], 4, "{periods:?}");
        // Near η* the 2-cycle follows ±√(β/c1).
        let c = &d.columns[3];
        let amp = c.samples.iter().map(|s| s.p.abs()).fold(0.0, f64::max);
        assert!(c.branch.is_some() && (amp / c.branch.unwrap() - 1.0).abs() < 0.3);
    }
}

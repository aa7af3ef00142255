//! Deterministic gradient descent in `f64`: `θ_{k+1} = θ_k − η∇L(θ_k)` (docs/math.md §1), with
//! explicit stopping rules and an optional sampled trace.
//!
//! Stopping rules, checked after every step in this order:
//! 1. **escaped**: a coordinate, the loss or the gradient is not finite, the loss exceeds
//!    [`GdOptions::loss_bound`], or `|θ − anchor| > escape_radius` (the run left the
//!    neighbourhood it was started in);
//! 2. **converged**: `|∇L(θ)| ≤ grad_tol`;
//! 3. **two-cycle**: when [`GdOptions::two_cycle`] is set, `|θ_{k+1} − θ_{k−1}| ≤ tol` while
//!    `|θ_{k+1} − θ_k| ≥ min_size` (a period-2 orbit, not a fixed point);
//! 4. **max steps**.
//!
//! Progress goes to an [`Observer`]; the library never prints.

use crate::loss::Loss;
use crate::spectrum::{dense_hessian, Spectrum};
use crate::tolerance::Tolerances;
use serde::{Deserialize, Serialize};

/// Receives progress of long runs (the CLI draws a progress bar from it).
pub trait Observer {
    /// Called every [`GdOptions::report_every`] steps and once at the end of a run.
    fn progress(&mut self, step: usize, max_steps: usize);
}

/// An observer that ignores progress.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoObserver;

impl Observer for NoObserver {
    fn progress(&mut self, _step: usize, _max_steps: usize) {}
}

impl<F: FnMut(usize, usize)> Observer for F {
    fn progress(&mut self, step: usize, max_steps: usize) {
        self(step, max_steps)
    }
}

/// Forwards progress of run `index` of a sweep of `runs` runs as one overall progress:
/// step `index · max_steps + step` of `runs · max_steps`.
pub struct SweepObserver<'a> {
    /// The observer receiving the overall progress.
    pub inner: &'a mut dyn Observer,
    /// Index of the current run.
    pub index: usize,
    /// Number of runs in the sweep.
    pub runs: usize,
}

impl Observer for SweepObserver<'_> {
    fn progress(&mut self, step: usize, max_steps: usize) {
        let done = self.index.saturating_mul(max_steps).saturating_add(step);
        self.inner
            .progress(done, self.runs.saturating_mul(max_steps));
    }
}

/// Detection of a period-2 orbit during a run (rule 3 of the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TwoCycleStop {
    /// Stop when `|θ_{k+1} − θ_{k−1}| ≤ tol`.
    pub tol: f64,
    /// ... and `|θ_{k+1} − θ_k| ≥ min_size`.
    pub min_size: f64,
}

/// Options of one GD run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GdOptions {
    /// Maximum number of steps.
    pub max_steps: usize,
    /// Converged when `|∇L| ≤ grad_tol` (absolute).
    pub grad_tol: f64,
    /// Centre of the neighbourhood (the start when `None`).
    pub anchor: Option<Vec<f64>>,
    /// Escaped when `|θ − anchor| > escape_radius`.
    pub escape_radius: f64,
    /// Escaped when `L(θ) > loss_bound`.
    pub loss_bound: f64,
    /// Optional period-2 detection.
    pub two_cycle: Option<TwoCycleStop>,
    /// Record a [`TraceSample`] every `sample_every` steps (0: no trace).
    pub sample_every: usize,
    /// Include the sharpness (a dense Hessian, P HVPs) in trace samples.
    pub sample_sharpness: bool,
    /// Keep at most this many iterates θ_k, thinned evenly over the run whatever its length
    /// (0: none): every `s` steps, `s` doubling whenever the buffer fills; the last iterate is
    /// always kept. They are measured afterwards (`simulate::thinned_trace`).
    pub keep_points: usize,
    /// Call the observer every `report_every` steps (0: only at the end).
    pub report_every: usize,
}

impl Default for GdOptions {
    fn default() -> Self {
        GdOptions {
            max_steps: 100_000,
            grad_tol: 1e-10,
            anchor: None,
            escape_radius: 1e6,
            loss_bound: 1e100,
            two_cycle: None,
            sample_every: 0,
            sample_sharpness: false,
            keep_points: 0,
            report_every: 4096,
        }
    }
}

/// Why a run stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GdStop {
    /// `|∇L| ≤ grad_tol`.
    Converged,
    /// Left the neighbourhood, or a non-finite / too large value.
    Escaped,
    /// A period-2 orbit was detected.
    TwoCycle,
    /// The step budget ran out.
    MaxSteps,
}

/// One sample of the trace.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TraceSample {
    /// Step index k.
    pub step: usize,
    /// `L(θ_k)` (None when not finite).
    pub loss: Option<f64>,
    /// `|∇L(θ_k)|` (None when not finite).
    pub grad_norm: Option<f64>,
    /// `λ_max(∇²L(θ_k))`, when asked for and computable.
    pub sharpness: Option<f64>,
}

/// Summary of one GD run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GdRun {
    /// The step η.
    pub eta: f64,
    /// Steps taken.
    pub steps: usize,
    /// Why it stopped.
    pub stop: GdStop,
    /// Whether it escaped (`stop == Escaped`).
    pub escaped: bool,
    /// The last iterate `θ_n` with finite coordinates (when a step overflows, the run stops as
    /// escaped at the iterate before it).
    pub final_point: Vec<f64>,
    /// The iterate before, `θ_{n−1}` (equal to the start when no step was taken).
    pub previous_point: Vec<f64>,
    /// `|∇L(θ_n)|` (None when not finite).
    pub final_grad_norm: Option<f64>,
    /// `L(θ_n)` (None when not finite).
    pub final_loss: Option<f64>,
    /// Sampled trace (empty unless `sample_every > 0`).
    pub trace: Vec<TraceSample>,
    /// The iterates `(k, θ_k)` kept by [`GdOptions::keep_points`] (not serialized).
    #[serde(skip)]
    pub kept: Vec<(usize, Vec<f64>)>,
}

/// `Some(x)` when `x` is finite.
pub fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

fn norm(x: &[f64]) -> f64 {
    x.iter().map(|v| v * v).sum::<f64>().sqrt()
}

fn dist(a: &[f64], b: &[f64]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y) * (x - y))
        .sum::<f64>()
        .sqrt()
}

/// Sharpness `λ_max(∇²L(θ))` from the exact dense Hessian; `None` if not computable.
pub fn sharpness_at<L: Loss>(loss: &L, theta: &[f64]) -> Option<f64> {
    let (h, _) = dense_hessian(loss, theta);
    Spectrum::of_symmetric(h, &Tolerances::default().rank)
        .ok()
        .map(|s| s.sharpness())
}

/// Runs GD from `start` (finite coordinates) with step `eta` (stopping rules in the module
/// docs). Every number of the result is finite or `None`.
pub fn run_gd<L: Loss>(
    loss: &L,
    start: &[f64],
    eta: f64,
    opts: &GdOptions,
    observer: &mut dyn Observer,
) -> GdRun {
    let anchor = opts.anchor.clone().unwrap_or_else(|| start.to_vec());
    let mut prev = start.to_vec();
    let mut theta = start.to_vec();
    let mut grad = loss.gradient(&theta);
    let mut trace = Vec::new();
    let mut kept: Vec<(usize, Vec<f64>)> = Vec::new();
    let mut keep_stride = 1;
    let mut steps = 0;
    let mut stop = GdStop::MaxSteps;
    loop {
        let value = loss.value(&theta);
        let gnorm = norm(&grad);
        if opts.keep_points > 0 && steps % keep_stride == 0 {
            kept.push((steps, theta.clone()));
            if kept.len() >= opts.keep_points.max(2) {
                // Keep the even entries (steps multiple of 2·stride) and double the stride.
                kept = kept.into_iter().step_by(2).collect();
                keep_stride *= 2;
            }
        }
        if opts.sample_every > 0 && steps % opts.sample_every == 0 {
            trace.push(TraceSample {
                step: steps,
                loss: finite(value),
                grad_norm: finite(gnorm),
                sharpness: if opts.sample_sharpness && gnorm.is_finite() {
                    sharpness_at(loss, &theta)
                } else {
                    None
                },
            });
        }
        if !value.is_finite()
            || !gnorm.is_finite()
            || value > opts.loss_bound
            || dist(&theta, &anchor) > opts.escape_radius
        {
            stop = GdStop::Escaped;
            break;
        }
        if gnorm <= opts.grad_tol {
            stop = GdStop::Converged;
            break;
        }
        if steps >= opts.max_steps {
            break;
        }
        let next: Vec<f64> = theta.iter().zip(&grad).map(|(t, g)| t - eta * g).collect();
        if next.iter().any(|x| !x.is_finite()) {
            stop = GdStop::Escaped;
            break;
        }
        steps += 1;
        if opts.report_every > 0 && steps % opts.report_every == 0 {
            observer.progress(steps, opts.max_steps);
        }
        let two_back = std::mem::replace(&mut prev, theta);
        theta = next;
        grad = loss.gradient(&theta);
        if let (Some(tc), true) = (opts.two_cycle, steps >= 2) {
            if dist(&theta, &two_back) <= tc.tol && dist(&theta, &prev) >= tc.min_size {
                stop = GdStop::TwoCycle;
                break;
            }
        }
    }
    observer.progress(steps, opts.max_steps);
    if opts.keep_points > 0 && kept.last().is_none_or(|k| k.0 != steps) {
        kept.push((steps, theta.clone()));
    }
    GdRun {
        eta,
        steps,
        stop,
        escaped: stop == GdStop::Escaped,
        final_loss: finite(loss.value(&theta)),
        final_grad_norm: finite(norm(&grad)),
        final_point: theta,
        previous_point: prev,
        trace,
        kept,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::loss::catalog::one_dim::{DoubleWell, Quartic1d};

    #[test]
    fn converges_below_threshold_and_escapes_above() {
        let q = Quartic1d {
            k2: 1.0,
            k3: 0.0,
            k4: 1.0,
        };
        let run = run_gd(&q, &[0.1], 1.0, &GdOptions::default(), &mut NoObserver);
        assert_eq!(run.stop, GdStop::Converged);
        assert!(run.final_grad_norm.unwrap() <= 1e-10);
        let opts = GdOptions {
            escape_radius: 10.0,
            ..GdOptions::default()
        };
        let run = run_gd(&q, &[0.1], 2.1, &opts, &mut NoObserver);
        assert!(run.escaped);
    }

    #[test]
    fn overflow_is_an_escape_with_finite_numbers() {
        // exp(x) overflows within a few steps from x = 700 with a large step.
        struct Exp;
        impl crate::loss::Loss for Exp {
            fn dim(&self) -> usize {
                1
            }
            fn value<D: crate::loss::Scalar>(&self, t: &[D]) -> D {
                t[0].exp()
            }
            fn gradient<D: crate::loss::Scalar>(&self, t: &[D]) -> Vec<D> {
                vec![-t[0].exp()]
            }
        }
        let opts = GdOptions {
            escape_radius: f64::INFINITY,
            loss_bound: f64::INFINITY,
            sample_every: 1,
            ..GdOptions::default()
        };
        let run = run_gd(&Exp, &[700.0], 1.0, &opts, &mut NoObserver);
        assert!(run.escaped);
        assert!(run.final_point.iter().all(|x| x.is_finite()));
        let json = serde_json::to_string(&run).unwrap();
        let back: GdRun = serde_json::from_str(&json).unwrap();
        assert_eq!(back.steps, run.steps);
    }

    #[test]
    fn detects_two_cycle_and_reports_progress() {
        // Double well at η = 1.02 (β = 0.04): stable 2-cycle of amplitude ≈ √(0.04/8).
        let mut calls = 0;
        let mut obs = |_: usize, _: usize| calls += 1;
        let opts = GdOptions {
            two_cycle: Some(TwoCycleStop {
                tol: 1e-9,
                min_size: 1e-3,
            }),
            sample_every: 100,
            sample_sharpness: true,
            report_every: 100,
            ..GdOptions::default()
        };
        let run = run_gd(&DoubleWell, &[1.03], 1.02, &opts, &mut obs);
        assert_eq!(run.stop, GdStop::TwoCycle);
        assert!(calls >= 1);
        assert!(!run.trace.is_empty() && run.trace[0].sharpness.is_some());
        let half = (run.final_point[0] - run.previous_point[0]).abs() / 2.0;
        assert!((half / (0.04f64 / 8.0).sqrt() - 1.0).abs() < 0.1, "{half}");
    }
}

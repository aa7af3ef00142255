//! A thinned trace of one long GD run: at most a few hundred iterates kept evenly over the run
//! ([`GdOptions::keep_points`](crate::simulate::gd::GdOptions::keep_points)), measured after
//! the run — the sharpness λ_max(∇²L(θ_k)), the loss and the distance to M — so that a picture
//! of the run (sharpness against the step, docs/math.md §5) costs λ at those steps only.
//!
//! Everything comes from the validations' local data ([`Local`]): λ from
//! [`Local::sharpness`] (dense spectrum for small P, Gauss–Newton or Lanczos above), the
//! distance to M as `|θ_k − refine(θ_k)|` ([`Local::refine`]). A measurement that fails is
//! `None`, never a NaN.

use crate::loss::Loss;
use crate::simulate::gd::finite;
use crate::simulate::local::Local;
use serde::{Deserialize, Serialize};

/// How many iterates the validations keep per run for their pictures.
pub const TRACE_POINTS: usize = 300;

/// One measured iterate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThinnedSample {
    /// Step k.
    pub step: usize,
    /// λ_max(∇²L(θ_k)), when computable.
    pub sharpness: Option<f64>,
    /// L(θ_k), when finite.
    pub loss: Option<f64>,
    /// |θ_k − π(θ_k)|, π the projection onto M by refinement (None when it fails).
    pub distance_to_m: Option<f64>,
}

/// Measures the kept iterates `(k, θ_k)` of a run (module docs).
pub fn measure<L: Loss>(local: &Local<'_, L>, kept: &[(usize, Vec<f64>)]) -> Vec<ThinnedSample> {
    kept.iter()
        .map(|(step, theta)| ThinnedSample {
            step: *step,
            sharpness: local.sharpness(theta).and_then(finite),
            loss: finite(local.loss.value(theta)),
            distance_to_m: local.refine(theta).ok().and_then(|x| {
                finite(
                    x.iter()
                        .zip(theta)
                        .map(|(a, b)| (a - b) * (a - b))
                        .sum::<f64>()
                        .sqrt(),
                )
            }),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::loss::catalog::one_dim::Quartic1d;
    use crate::simulate::gd::{run_gd, GdOptions, GdStop, NoObserver};
    use crate::tolerance::Tolerances;

    #[test]
    fn keeps_an_evenly_thinned_bounded_set_of_iterates() {
        let q = Quartic1d {
            k2: 1.0,
            k3: 0.0,
            k4: 1.0,
        };
        // η = 0.01: |∇L| decays like 0.99^k, 1e-10 after ≈ 2300 steps.
        let opts = GdOptions {
            keep_points: 50,
            ..GdOptions::default()
        };
        let run = run_gd(&q, &[0.1], 0.01, &opts, &mut NoObserver);
        assert_eq!(run.stop, GdStop::Converged);
        let steps: Vec<usize> = run.kept.iter().map(|k| k.0).collect();
        assert!(steps.len() <= 50 && steps.len() >= 25, "{steps:?}");
        assert_eq!(steps[0], 0);
        assert_eq!(*steps.last().unwrap(), run.steps);
        // Even spacing (a power of two) except before the appended last iterate.
        let stride = steps[1] - steps[0];
        assert!(
            stride.is_power_of_two() && run.steps / stride < 50,
            "{stride}"
        );
        assert!(steps
            .windows(2)
            .rev()
            .skip(1)
            .all(|w| w[1] - w[0] == stride));
        // The kept iterates are the run's: θ_k of the same GD from the same start.
        let (k, theta) = &run.kept[3];
        let again = run_gd(
            &q,
            &[0.1],
            0.01,
            &GdOptions {
                max_steps: *k,
                grad_tol: 0.0,
                ..GdOptions::default()
            },
            &mut NoObserver,
        );
        assert_eq!(&again.final_point, theta);
        assert!(run.final_point == run.kept.last().unwrap().1);
    }

    #[test]
    fn measures_sharpness_loss_and_distance_at_the_kept_steps() {
        // f = x²/2 + x⁴/24: f'' = 1 + x²/2, M = {0}, so the distance to M is |x|.
        let q = Quartic1d {
            k2: 1.0,
            k3: 0.0,
            k4: 1.0,
        };
        let opts = GdOptions {
            keep_points: 40,
            ..GdOptions::default()
        };
        let run = run_gd(&q, &[0.5], 0.1, &opts, &mut NoObserver);
        let local = Local::dense(&q, &Tolerances::default());
        let t = measure(&local, &run.kept);
        assert_eq!(t.len(), run.kept.len());
        for (s, (k, theta)) in t.iter().zip(&run.kept) {
            let x = theta[0];
            assert_eq!(s.step, *k);
            let lam = s.sharpness.unwrap();
            assert!(
                (lam - (1.0 + x * x / 2.0)).abs() <= 1e-12 * lam,
                "{lam} at {x}"
            );
            let l = x * x / 2.0 + x.powi(4) / 24.0;
            assert!((s.loss.unwrap() - l).abs() <= 1e-14 * l.max(1e-300));
            // Refinement stops at its critical-point tolerance: exact above it, at most |x| below.
            let d = s.distance_to_m.unwrap();
            if x.abs() > 1e-6 {
                assert!((d - x.abs()).abs() <= 1e-9 * x.abs(), "{d} vs {x}");
            } else {
                assert!(d <= x.abs() * (1.0 + 1e-9), "{d} vs {x}");
            }
        }
    }
}

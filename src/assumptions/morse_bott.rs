//! A2 (Morse–Bott): ∇L(θ*) = 0, θ* a local minimizer, ker H = T_θ*M, H positive definite on N,
//! rank H constant along M near θ* (docs/math.md §5).
//!
//! The first two hold by construction of a [`FlipPoint`] (a point that is not a critical
//! minimizer is rejected before). `ker H = T_θ*M` and the constant rank are tested by sampling
//! M: for up to three tangent basis vectors t and both signs, the point `θ* ± ε t`
//! (`ε = 1e-3 · max(1, |θ*|)`) is re-projected onto M with the refinement of `manifold` and
//!
//! - its *retention* `r = ⟨θ_s − θ*, ±t⟩/ε` must be ≈ 1 (the point stays where M continues; on a
//!   degenerate minimum such as `x⁴ + y²` it falls back toward θ* and r ≪ 1);
//! - the numerical rank of H at θ_s must equal `normal_dim` at θ*.
//!
//! Verdict: holds when every |r − 1| ≤ 0.1 and every rank matches; fails when some r < 0.5 or
//! a rank differs; inconclusive otherwise (including a re-projection that did not converge).
//! The split must also be clear: the smallest normal eigenvalue must exceed 1e3 × the rank
//! threshold, else the verdict is at best inconclusive.

use super::{CheckResult, Hypothesis, Outcome};
use crate::flip::{Backend, FlipPoint};
use crate::loss::Loss;
use crate::manifold::refine::refine;
use crate::spectrum::{dense_hessian, Spectrum};
use crate::tolerance::Tolerances;
use nalgebra::{DMatrix, DVector};

/// Allowed deviation of the retention from 1.
pub const RETENTION_TOL: f64 = 0.1;

fn fail_or(id_outcome: Outcome, measured: Option<f64>, detail: String) -> CheckResult {
    let margin = measured.map(|m| RETENTION_TOL - m);
    CheckResult::new(
        Hypothesis::A2,
        "morse_bott",
        id_outcome,
        measured,
        Some(RETENTION_TOL),
        margin,
        detail,
    )
}

/// A2 at the flip point: by sampling M (dense), from the rank of the Gauss–Newton factor
/// (Gauss–Newton), or not decided (matrix-free: no rank split).
pub fn check_morse_bott<L: Loss>(loss: &L, fp: &FlipPoint, tol: &Tolerances) -> CheckResult {
    let s = &fp.spectral;
    let (Some(normal_dim), Some(tangent_dim)) = (s.normal_dim, s.tangent_dim) else {
        return CheckResult::new(
            Hypothesis::A2,
            "morse_bott",
            Outcome::Inconclusive,
            None,
            None,
            None,
            format!("|∇L| = {:.3e}; the {} backend does not split the spectrum (no rank of H): ker H = T M is not checked; run the dense or Gauss–Newton backend", fp.grad_norm, fp.backend.name()),
        );
    };
    let smallest_normal = s
        .eigenvalues
        .get(normal_dim.wrapping_sub(1))
        .copied()
        .filter(|_| normal_dim > 0);
    let clear_split = smallest_normal.is_some_and(|l| l > 1e3 * s.rank_threshold);
    let head = format!(
        "|∇L| = {:.3e}, no negative eigenvalue, normal_dim = {normal_dim}, tangent_dim = {tangent_dim}, smallest normal eigenvalue {} (rank threshold {:.3e})",
        fp.grad_norm,
        smallest_normal.map_or("none".into(), |l| format!("{l:.6e}")),
        s.rank_threshold
    );
    if normal_dim == 0 {
        return CheckResult::new(
            Hypothesis::A2,
            "morse_bott",
            Outcome::Fails,
            None,
            None,
            None,
            format!("{head}: H = 0, no normal space"),
        );
    }
    if tangent_dim == 0 {
        let outcome = if clear_split {
            Outcome::Holds
        } else {
            Outcome::Inconclusive
        };
        return fail_or(
            outcome,
            Some(0.0),
            format!("{head}: H nondegenerate, isolated minimizer"),
        );
    }
    if fp.backend == Backend::GaussNewton {
        let full = fp.solver.gn_full_rank.unwrap_or(usize::MAX);
        let outcome = if normal_dim == full && clear_split {
            Outcome::Holds
        } else {
            Outcome::Inconclusive
        };
        return fail_or(
            outcome,
            Some(0.0),
            format!(
                "{head}; Gauss–Newton: rank of D^(1/2)J = {normal_dim} of at most {full}{}",
                if normal_dim == full {
                    ": full rank, so near θ* the interpolation set is a submanifold of codimension rank J with T = ker J = ker H and constant rank (implicit function theorem)"
                } else {
                    ": rank deficient, the constant-rank argument does not apply"
                }
            ),
        );
    }
    let Some(spec) = s.spectrum.as_ref() else {
        return CheckResult::new(
            Hypothesis::A2,
            "morse_bott",
            Outcome::Inconclusive,
            None,
            None,
            None,
            format!("{head}; no dense spectrum"),
        );
    };
    let a_point = &fp.point;
    let samples = sample_manifold(loss, spec, a_point, tol);
    let mut worst_dev: f64 = 0.0;
    let (mut collapsed, mut rank_changed, mut failed) = (false, false, 0usize);
    let mut notes = Vec::new();
    for s in &samples {
        match s {
            Sample::Refined {
                retention,
                normal_dim: sample_dim,
            } => {
                worst_dev = worst_dev.max((retention - 1.0).abs());
                collapsed |= *retention < 0.5;
                rank_changed |= *sample_dim != normal_dim;
                notes.push(format!("r = {retention:.4}, rank {sample_dim}"));
            }
            Sample::Failed(why) => {
                failed += 1;
                notes.push(format!("re-projection failed: {why}"));
            }
        }
    }
    let outcome = if collapsed || rank_changed {
        Outcome::Fails
    } else if failed == 0 && worst_dev <= RETENTION_TOL && clear_split {
        Outcome::Holds
    } else {
        Outcome::Inconclusive
    };
    let detail = format!(
        "{head}; samples of M at ε = {:.1e}: {}",
        epsilon(a_point),
        notes.join("; ")
    );
    CheckResult::new(
        Hypothesis::A2,
        "morse_bott",
        outcome,
        Some(worst_dev),
        Some(RETENTION_TOL),
        Some(RETENTION_TOL - worst_dev),
        detail,
    )
}

/// One re-projected sample of M.
enum Sample {
    Refined { retention: f64, normal_dim: usize },
    Failed(String),
}

fn epsilon(theta: &[f64]) -> f64 {
    1e-3 * theta.iter().map(|x| x * x).sum::<f64>().sqrt().max(1.0)
}

fn sample_manifold<L: Loss>(
    loss: &L,
    spec: &Spectrum,
    point: &[f64],
    tol: &Tolerances,
) -> Vec<Sample> {
    let tangent: DMatrix<f64> = spec.tangent_basis();
    let eps = epsilon(point);
    let theta = DVector::from_column_slice(point);
    let mut out = Vec::new();
    for j in 0..tangent.ncols().min(3) {
        for sign in [1.0, -1.0] {
            let t: DVector<f64> = tangent.column(j) * sign;
            let start = &theta + &t * eps;
            let sample = match refine(loss, start.as_slice(), tol, 200) {
                Err(e) => Sample::Failed(e.to_string().lines().next().unwrap_or("").to_string()),
                Ok(r) => {
                    let ts = DVector::from_column_slice(&r.point);
                    let retention = (&ts - &theta).dot(&t) / eps;
                    match Spectrum::of_symmetric(dense_hessian(loss, &r.point).0, &tol.rank) {
                        Ok(s) => Sample::Refined {
                            retention,
                            normal_dim: s.normal_dim,
                        },
                        Err(e) => Sample::Failed(e.to_string()),
                    }
                }
            };
            out.push(sample);
        }
    }
    out
}

//! 2-cycles of the GD map (docs/math.md §3, §5): Newton refinement of `G(θ) = F(F(θ)) − θ`, the
//! amplitude along `v`, and the Floquet multipliers of `F∘F` (validation 4 of issue 4).
//!
//! **Newton.** `DG(θ) = A(F(θ))·A(θ) − I` with `A = I − ηH` from the exact dense Hessian.
//! With a manifold of fixed points (or a continuous symmetry) `DG` is singular along T, so the
//! step is the least-squares (pseudo-inverse) step `δ = −DG⁺ G` from an SVD that drops
//! singular values `≤ svd_rel_tol · σ_max`; it is damped by halving until `|G|` decreases.
//!
//! **Amplitude.** `|⟨θ_b − θ_a, v⟩|/2` with `θ_b = F(θ_a)`: the half-difference, insensitive
//! to the O(β) shift of the cycle's centre.
//!
//! **Stability certificate.** The multipliers are the eigenvalues of the nonsymmetric
//! `D(F∘F)(θ_a) = A(θ_b)·A(θ_a)` (real Schur form, complex pairs allowed). With `τ` =
//! [`FloquetOptions::unit_tol`]: *unstable* when some modulus exceeds `1 + τ`; *stable* when
//! every modulus is `< 1 − τ` except *neutral* multipliers (`|μ − 1| ≤ τ`), at most
//! `tangent_dim` of them: those are attributed to continuous families of cycles (continuous
//! symmetries, directions of M) and are the documented exception. More neutral multipliers,
//! or a modulus in `[1 − τ, 1 + τ]` away from +1, is *inconclusive* (linearisation does not
//! decide). Default `τ = 1e-9`: far above the rounding of the eigenvalues (~1e-15) and far
//! below the `1 − O(β)` multipliers of genuine cycles for the β used here (≥ 1e-4).

use crate::derivatives::gradient;
use crate::loss::Loss;
use crate::simulate::gd::{finite, TwoCycleStop};
use crate::simulate::Outcome;
use crate::spectrum::dense_hessian;
use nalgebra::{DMatrix, DVector, Schur, SVD};
use serde::{Deserialize, Serialize};

/// `F(θ) = θ − η∇L(θ)`.
pub fn gd_step<L: Loss>(loss: &L, theta: &DVector<f64>, eta: f64) -> DVector<f64> {
    theta - gradient(loss, theta.as_slice()) * eta
}

/// `G(θ) = F(F(θ)) − θ`.
pub fn two_step_residual<L: Loss>(loss: &L, theta: &DVector<f64>, eta: f64) -> DVector<f64> {
    gd_step(loss, &gd_step(loss, theta, eta), eta) - theta
}

/// `A(θ) = I − ηH(θ)` (exact Hessian, P HVPs).
pub fn gd_jacobian<L: Loss>(loss: &L, theta: &[f64], eta: f64) -> DMatrix<f64> {
    let (h, _) = dense_hessian(loss, theta);
    DMatrix::identity(theta.len(), theta.len()) - h * eta
}

/// `D(F∘F)(θ) = A(F(θ))·A(θ)`.
pub fn two_step_jacobian<L: Loss>(loss: &L, theta: &DVector<f64>, eta: f64) -> DMatrix<f64> {
    let b = gd_step(loss, theta, eta);
    gd_jacobian(loss, b.as_slice(), eta) * gd_jacobian(loss, theta.as_slice(), eta)
}

/// Detection of a 2-cycle at `theta` (e.g. the end of a GD run): `|F(F(θ)) − θ| ≤ tol` and
/// `|F(θ) − θ| ≥ min_size` (a period-2 orbit, not a fixed point).
pub fn is_two_cycle<L: Loss>(loss: &L, theta: &[f64], eta: f64, stop: &TwoCycleStop) -> bool {
    let t = DVector::from_column_slice(theta);
    let f = gd_step(loss, &t, eta);
    let ff = gd_step(loss, &f, eta);
    (&ff - &t).norm() <= stop.tol && (&f - &t).norm() >= stop.min_size
}

/// Options of the Newton refinement of a 2-cycle.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NewtonOptions {
    /// Maximum Newton iterations.
    pub max_iter: usize,
    /// Converged when `|G| ≤ residual_tol · max(1, |θ|)`.
    pub residual_tol: f64,
    /// Singular values `≤ svd_rel_tol · σ_max` of `DG` are treated as zero.
    pub svd_rel_tol: f64,
}

impl Default for NewtonOptions {
    fn default() -> Self {
        NewtonOptions {
            max_iter: 60,
            residual_tol: 1e-12,
            svd_rel_tol: 1e-12,
        }
    }
}

/// A refined period-2 orbit `θ_a ↦ θ_b ↦ θ_a`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CycleSolve {
    /// Whether `|G(θ_a)| ≤ residual_tol · max(1, |θ_a|)`.
    pub converged: bool,
    /// Newton iterations performed.
    pub iterations: usize,
    /// `|F(F(θ_a)) − θ_a|` at the end (None when not finite).
    pub residual: Option<f64>,
    /// `θ_a`.
    pub point_a: Vec<f64>,
    /// `θ_b = F(θ_a)`.
    pub point_b: Vec<f64>,
    /// `|θ_b − θ_a|` (0 when the solve collapsed onto a fixed point).
    pub separation: f64,
}

/// Newton (least-squares, damped) on `G(θ) = F(F(θ)) − θ` from `start` (module docs).
pub fn refine_two_cycle<L: Loss>(
    loss: &L,
    start: &[f64],
    eta: f64,
    opts: &NewtonOptions,
) -> CycleSolve {
    let mut theta = DVector::from_column_slice(start);
    let mut g = two_step_residual(loss, &theta, eta);
    let mut iterations = 0;
    let tol = |t: &DVector<f64>| opts.residual_tol * t.norm().max(1.0);
    while iterations < opts.max_iter && g.norm().is_finite() && g.norm() > 1e-3 * tol(&theta) {
        let j = two_step_jacobian(loss, &theta, eta) - DMatrix::identity(theta.len(), theta.len());
        let Some(svd) = SVD::try_new(j, true, true, f64::EPSILON, 1000 * theta.len().max(1)) else {
            break;
        };
        let smax = svd.singular_values.max();
        let Ok(step) = svd.solve(&g, opts.svd_rel_tol * smax) else {
            break;
        };
        let mut t = 1.0;
        let mut accepted = false;
        for _ in 0..30 {
            let cand = &theta - &step * t;
            let gc = two_step_residual(loss, &cand, eta);
            if gc.norm() < g.norm() {
                theta = cand;
                g = gc;
                accepted = true;
                break;
            }
            t *= 0.5;
        }
        iterations += 1;
        if !accepted {
            break;
        }
    }
    let residual = finite(g.norm());
    let b = gd_step(loss, &theta, eta);
    CycleSolve {
        converged: residual.is_some_and(|r| r <= tol(&theta)),
        iterations,
        residual,
        separation: (&b - &theta).norm(),
        point_a: theta.as_slice().to_vec(),
        point_b: b.as_slice().to_vec(),
    }
}

/// Amplitude along `v`: `|⟨θ_b − θ_a, v⟩|/2`.
pub fn amplitude_along(a: &[f64], b: &[f64], v: &[f64]) -> f64 {
    a.iter()
        .zip(b)
        .zip(v)
        .map(|((x, y), w)| (y - x) * w)
        .sum::<f64>()
        .abs()
        / 2.0
}

/// Tolerances of the Floquet certificate.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FloquetOptions {
    /// τ: a multiplier is neutral when `|μ − 1| ≤ τ`; unstable beyond modulus `1 + τ`.
    pub unit_tol: f64,
    /// How many neutral multipliers continuous symmetries may explain (normally dim T).
    pub tangent_dim: usize,
}

/// Stability of a 2-cycle from its Floquet multipliers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stability {
    /// All moduli `< 1 − τ` except at most `tangent_dim` neutral multipliers.
    Stable,
    /// Some modulus `> 1 + τ`.
    Unstable,
    /// Marginal moduli the certificate cannot attribute, or the eigensolver failed.
    Inconclusive,
}

/// The Floquet multipliers of a 2-cycle and its stability certificate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Floquet {
    /// Real parts of the multipliers, sorted by decreasing modulus.
    pub re: Vec<f64>,
    /// Imaginary parts, same order.
    pub im: Vec<f64>,
    /// Moduli, decreasing.
    pub moduli: Vec<f64>,
    /// Multipliers with `|μ − 1| ≤ τ`.
    pub neutral_count: usize,
    /// Largest modulus among the non-neutral multipliers (0 if none; None when the
    /// eigensolver failed).
    pub max_non_neutral_modulus: Option<f64>,
    /// The options used.
    pub options: FloquetOptions,
    /// The certificate.
    pub stability: Stability,
}

impl Floquet {
    /// The certificate as a validation outcome for an expected stability.
    pub fn outcome(&self, expected: Stability) -> Outcome {
        match self.stability {
            Stability::Inconclusive => Outcome::Inconclusive,
            s if s == expected => Outcome::Pass,
            _ => Outcome::Fail,
        }
    }
}

/// Floquet multipliers of the 2-cycle through `point_a` (module docs for the certificate).
pub fn floquet<L: Loss>(loss: &L, point_a: &[f64], eta: f64, opts: &FloquetOptions) -> Floquet {
    let theta = DVector::from_column_slice(point_a);
    let j = two_step_jacobian(loss, &theta, eta);
    let n = j.nrows();
    let finite = j.iter().all(|x| x.is_finite());
    let schur = if finite {
        Schur::try_new(j, f64::EPSILON, 10_000 * n.max(1))
    } else {
        None
    };
    let Some(schur) = schur else {
        return Floquet {
            re: vec![],
            im: vec![],
            moduli: vec![],
            neutral_count: 0,
            max_non_neutral_modulus: None,
            options: *opts,
            stability: Stability::Inconclusive,
        };
    };
    let mut mu: Vec<(f64, f64)> = schur
        .complex_eigenvalues()
        .iter()
        .map(|z| (z.re, z.im))
        .collect();
    mu.sort_by(|a, b| b.0.hypot(b.1).total_cmp(&a.0.hypot(a.1)));
    let tau = opts.unit_tol;
    let neutral = |&(r, i): &(f64, f64)| (r - 1.0).hypot(i) <= tau;
    let neutral_count = mu.iter().filter(|m| neutral(m)).count();
    let max_non_neutral_modulus = mu
        .iter()
        .filter(|m| !neutral(m))
        .map(|m| m.0.hypot(m.1))
        .fold(0.0, f64::max);
    let stability = if mu.iter().any(|m| m.0.hypot(m.1) > 1.0 + tau) {
        Stability::Unstable
    } else if max_non_neutral_modulus < 1.0 - tau && neutral_count <= opts.tangent_dim {
        Stability::Stable
    } else {
        Stability::Inconclusive
    };
    Floquet {
        re: mu.iter().map(|m| m.0).collect(),
        im: mu.iter().map(|m| m.1).collect(),
        moduli: mu.iter().map(|m| m.0.hypot(m.1)).collect(),
        neutral_count,
        max_non_neutral_modulus: Some(max_non_neutral_modulus),
        options: *opts,
        stability,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::loss::catalog::one_dim::{DoubleWell, Quartic1d};

    #[test]
    fn double_well_cycle_is_stable() {
        // β = 0.04: amplitude ≈ √(β/8); the two-step multiplier is ≈ 1 − 4β.
        let beta = 0.04;
        let eta = (2.0 + beta) / 2.0;
        let c = refine_two_cycle(&DoubleWell, &[1.0 + 0.07], eta, &NewtonOptions::default());
        assert!(c.converged, "{c:?}");
        let amp = amplitude_along(&c.point_a, &c.point_b, &[1.0]);
        assert!((amp / (beta / 8.0f64).sqrt() - 1.0).abs() < 0.1);
        let stop = TwoCycleStop {
            tol: 1e-10,
            min_size: 0.1,
        };
        assert!(is_two_cycle(&DoubleWell, &c.point_a, eta, &stop));
        assert!(!is_two_cycle(&DoubleWell, &[1.0], eta, &stop));
        let f = floquet(
            &DoubleWell,
            &c.point_a,
            eta,
            &FloquetOptions {
                unit_tol: 1e-9,
                tangent_dim: 0,
            },
        );
        assert_eq!(f.stability, Stability::Stable);
        assert!((f.moduli[0] - (1.0 - 4.0 * beta)).abs() < 0.05);
    }

    #[test]
    fn subcritical_cycle_is_unstable() {
        // quartic1d k3 = 0, k4 = 1: c1 = −(η/6)·k4 = −1/3 at η* = 2; β < 0 has an unstable cycle.
        let q = Quartic1d {
            k2: 1.0,
            k3: 0.0,
            k4: 1.0,
        };
        let beta = -0.02;
        let eta = 2.0 + beta;
        let p = (beta / (-1.0f64 / 3.0)).sqrt();
        let c = refine_two_cycle(&q, &[p], eta, &NewtonOptions::default());
        assert!(c.converged && c.separation > p);
        let f = floquet(
            &q,
            &c.point_a,
            eta,
            &FloquetOptions {
                unit_tol: 1e-9,
                tangent_dim: 0,
            },
        );
        assert_eq!(f.stability, Stability::Unstable);
        assert_eq!(f.outcome(Stability::Unstable), Outcome::Pass);
    }
}

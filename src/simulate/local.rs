//! The flip data at a point of M for a given step η (MATH.md §1, §3, §4), and moving along M
//! to a point of prescribed sharpness (used by validation 3 to start above the threshold).
//!
//! Everything reuses the crate's exact pipeline: [`Spectrum`] of the dense Hessian,
//! [`FlipCoefficients`] (c1 by the GD formula, `g`, `Π_T g`), and [`refine`] onto M.

use crate::derivatives::third_along;
use crate::error::{Error, Result};
use crate::flip::{Backend, BackendChoice, FlipPoint};
use crate::loss::Loss;
use crate::manifold::refine::refine;
use crate::normal_form::FlipCoefficients;
use crate::spectrum::{dense_hessian, Spectrum};
use crate::tolerance::Tolerances;
use nalgebra::DVector;
use serde::{Deserialize, Serialize};

/// The flip data at a point of M for the step `eta`: a [`FlipPoint`] whose flip is defined
/// (positive, simple top eigenvalue), read at η.
#[derive(Debug, Clone, PartialEq)]
pub struct LocalFlip {
    /// The flip point (its coefficients are for η*).
    pub flip: FlipPoint,
    /// The step η used for c1 (c1 is linear in η).
    pub eta: f64,
}

/// The dense flip point at θ (the validations' local data; one build, the shared decisions).
/// Errors when θ is not a critical minimizer.
pub fn flip_point<L: Loss>(loss: &L, theta: &[f64], tol: &Tolerances) -> Result<FlipPoint> {
    FlipPoint::build(loss, theta, BackendChoice::Use(Backend::Dense), None, tol)
}

/// Why the flip data are undefined at `fp` (no positive eigenvalue, or a top eigenvalue that
/// is not simple: A3), if they are. Validations turn this into an `inconclusive` result.
pub fn undefined(fp: &FlipPoint) -> Option<String> {
    fp.coefficients.is_none().then(|| {
        fp.undefined_reason
            .clone()
            .unwrap_or_else(|| "flip undefined".into())
    })
}

impl LocalFlip {
    /// The flip data at `theta` for `eta` (dense backend). Errors when θ is not a critical
    /// minimizer, or when the flip is undefined there.
    pub fn at<L: Loss>(loss: &L, theta: &[f64], eta: f64, tol: &Tolerances) -> Result<Self> {
        Self::from_flip(flip_point(loss, theta, tol)?, eta)
    }

    /// Reads a flip point at `eta`; errors when its flip is undefined.
    pub fn from_flip(flip: FlipPoint, eta: f64) -> Result<Self> {
        if let Some(why) = undefined(&flip) {
            return Err(Error::bad_input(
                format!("no flip to simulate at the point: {why}"),
                "the validations need a positive, simple top eigenvalue (A3)",
            ));
        }
        Ok(LocalFlip { flip, eta })
    }

    /// The point θ.
    pub fn point(&self) -> &[f64] {
        &self.flip.point
    }

    /// c1 at η*, g, Π_T g.
    pub fn coefficients(&self) -> &FlipCoefficients {
        self.flip
            .coefficients
            .as_ref()
            .expect("from_flip checked that the flip is defined")
    }

    /// The dense spectrum, when the flip point came from the dense backend.
    pub fn spectrum(&self) -> Option<&Spectrum> {
        self.flip.spectral.spectrum.as_ref()
    }

    /// dim T, when known.
    pub fn tangent_dim(&self) -> Option<usize> {
        self.flip.spectral.tangent_dim
    }

    /// Sharpness λ.
    pub fn sharpness(&self) -> f64 {
        self.flip.sharpness()
    }

    /// Unit top eigenvector v.
    pub fn v(&self) -> DVector<f64> {
        self.flip.v().clone()
    }

    /// `θ + kick·v`: the point kicked along the top eigenvector.
    pub fn kicked(&self, kick: f64) -> Vec<f64> {
        let v = self.flip.v();
        self.flip
            .point
            .iter()
            .zip(v.iter())
            .map(|(t, w)| t + kick * w)
            .collect()
    }

    /// c1 (GD formula) for `self.eta`.
    pub fn c1(&self) -> f64 {
        self.flip.c1_at(self.eta).expect("defined")
    }

    /// The slowest relaxation rate per GD step of the normal modes other than v,
    /// `min_i (1 − |1 − ηλ_i|)` over the normal eigenvalues after the top one (None when v
    /// spans N). A rate near 0 is a mode that barely relaxes (λ_i ≈ 0 or λ_i ≈ 2/η).
    pub fn slowest_other_rate(&self) -> Option<f64> {
        let s = &self.flip.spectral;
        let n = s
            .normal_dim
            .unwrap_or(s.eigenvalues.len())
            .min(s.eigenvalues.len());
        let lo = 1.min(s.eigenvalues.len());
        let hi = n.max(1).min(s.eigenvalues.len()).max(lo);
        s.eigenvalues[lo..hi]
            .iter()
            .map(|l| 1.0 - (1.0 - self.eta * l).abs())
            .reduce(f64::min)
    }

    /// `G = |Π_T g|²`.
    pub fn drift_sq(&self) -> f64 {
        self.coefficients().drift.norm_squared()
    }

    /// Whether `|Π_T g| ≤ rel · max(|g|, λ)` (the drift vanishes within tolerance).
    pub fn drift_vanishes(&self, rel: f64) -> bool {
        let c = self.coefficients();
        let scale = c.g.norm().max(self.sharpness());
        c.drift.norm() <= rel * scale
    }
}

/// The result of [`move_along_m`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MoveAlongM {
    /// The point reached (refined onto M).
    pub point: Vec<f64>,
    /// Its sharpness.
    pub sharpness: f64,
    /// Whether `|λ − target| ≤ rel_tol · target`.
    pub converged: bool,
    /// Iterations used.
    pub iterations: usize,
}

/// Moves from `start` (on M) along M until `λ = target`: each iteration steps along
/// `Π_T ∇λ = Π_T g` by `(target − λ)/|Π_T g|` (first order), capped at `max_step`, and
/// re-projects onto M with [`refine`]. Errors only when refinement fails; a target that cannot
/// be reached (vanishing drift, iteration limit) returns `converged: false`.
pub fn move_along_m<L: Loss>(
    loss: &L,
    start: &[f64],
    target: f64,
    rel_tol: f64,
    max_step: f64,
    tol: &Tolerances,
) -> Result<MoveAlongM> {
    let mut theta = start.to_vec();
    for it in 0..=40 {
        let (h, _) = dense_hessian(loss, &theta);
        let spec = Spectrum::of_symmetric(h, &tol.rank)?;
        let lam = spec.sharpness();
        let done = (lam - target).abs() <= rel_tol * target.abs();
        let drift = spec.project_tangent(&third_along(loss, &theta, spec.top_eigvec().as_slice()));
        let dn2 = drift.norm_squared();
        if done || it == 40 || dn2 <= 1e-300 || !dn2.is_finite() {
            return Ok(MoveAlongM {
                point: theta,
                sharpness: lam,
                converged: done,
                iterations: it,
            });
        }
        let mut step = drift * ((target - lam) / dn2);
        let len = step.norm();
        if len > max_step {
            step *= max_step / len;
        }
        let cand: Vec<f64> = theta.iter().zip(step.iter()).map(|(t, s)| t + s).collect();
        theta = refine(loss, &cand, tol, 200)?.point;
    }
    unreachable!("the loop returns at it == 40")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::loss::catalog::link::Link;
    use crate::loss::catalog::product::Product;

    #[test]
    fn product_sharpness_is_reached_along_m() {
        // (xy − 1)²/2: λ = x² + y² on M = {xy = 1}; from (1.2, 1/1.2) up to λ = 2.5.
        let p = Product {
            depth: 2,
            link: Link::Squared { t: 1.0 },
        };
        let tol = Tolerances::default();
        let m = move_along_m(&p, &[1.2, 1.0 / 1.2], 2.5, 1e-12, 0.2, &tol).unwrap();
        assert!(m.converged, "{m:?}");
        let (x, y) = (m.point[0], m.point[1]);
        assert!((x * y - 1.0).abs() < 1e-12 && (x * x + y * y - 2.5).abs() < 1e-10);
        let f = LocalFlip::at(&p, &m.point, 2.0 / 2.5, &tol).unwrap();
        assert_eq!(f.flip.backend, Backend::Dense);
        assert!((f.c1() - 32.0 / 2.5f64.powi(3)).abs() < 1e-9);
        assert!(!f.drift_vanishes(1e-8));
    }
}

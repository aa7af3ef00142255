//! The flip data at a point of M for a given step η (docs/math.md §1, §3, §4), and moving along M
//! to a point of prescribed sharpness (used by validation 3 to start above the threshold).
//!
//! Everything reuses the crate's exact pipeline: [`Spectrum`] of the dense Hessian,
//! [`FlipCoefficients`] (c1 by the GD formula, `g`, `Π_T g`), and [`refine`] onto M.

use crate::error::{Error, Result};
use crate::flip::{Backend, BackendChoice, FlipPoint, GaussNewtonStructure};
use crate::loss::Loss;
use crate::manifold::refine::refine;
use crate::normal_form::FlipCoefficients;
use crate::spectrum::Spectrum;
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

/// Up to this many parameters the sharpness along GD runs (trace samples, final points) comes
/// from the dense spectrum; above it from Gauss–Newton or Lanczos.
pub const SHARPNESS_DENSE_MAX: usize = 300;

/// Where the validations take their local data (flip points, sharpness, projection onto M) at
/// points other than θ*: the dense backend, or — for a loss with the Gauss–Newton structure at
/// an interpolating θ* — the Gauss–Newton backend, so that no P × P matrix is formed.
#[derive(Clone, Copy)]
pub struct Local<'a, L> {
    /// The loss (GD runs need only its gradient).
    pub loss: &'a L,
    /// The Gauss–Newton structure, when the local data come from it.
    pub structure: Option<&'a dyn GaussNewtonStructure>,
    /// Tolerances of every decision.
    pub tol: Tolerances,
}

impl<'a, L: Loss> Local<'a, L> {
    /// Dense local data.
    pub fn dense(loss: &'a L, tol: &Tolerances) -> Self {
        Local {
            loss,
            structure: None,
            tol: *tol,
        }
    }

    /// Gauss–Newton local data when `structure` applies at `theta_star`, else dense.
    pub fn at(
        loss: &'a L,
        structure: Option<&'a dyn GaussNewtonStructure>,
        theta_star: &[f64],
        tol: &Tolerances,
    ) -> Self {
        let structure = structure.filter(|s| s.applicable(theta_star).is_ok());
        Local {
            loss,
            structure,
            tol: *tol,
        }
    }

    /// The backend of the local data.
    pub fn backend(&self) -> Backend {
        if self.structure.is_some() {
            Backend::GaussNewton
        } else {
            Backend::Dense
        }
    }

    /// The flip point at θ (a point of M).
    pub fn flip_point(&self, theta: &[f64]) -> Result<FlipPoint> {
        FlipPoint::build(
            self.loss,
            theta,
            BackendChoice::Use(self.backend()),
            self.structure,
            &self.tol,
        )
    }

    /// The flip data at θ for the step η.
    pub fn flip(&self, theta: &[f64], eta: f64) -> Result<LocalFlip> {
        LocalFlip::from_flip(self.flip_point(theta)?, eta)
    }

    /// λ at any θ (not only on M): the dense spectrum up to [`SHARPNESS_DENSE_MAX`] parameters,
    /// else the Gauss–Newton flip point (θ on M), else Lanczos.
    pub fn sharpness(&self, theta: &[f64]) -> Option<f64> {
        if theta.len() <= SHARPNESS_DENSE_MAX {
            return crate::simulate::gd::sharpness_at(self.loss, theta);
        }
        if self.structure.is_some() {
            if let Ok(fp) = self.flip_point(theta) {
                return Some(fp.sharpness());
            }
        }
        let start: Vec<f64> = (0..theta.len())
            .map(|i| 1.0 + 0.1 * ((i as f64) * 0.7).sin())
            .collect();
        let top = crate::spectrum::lanczos::top_eigenpairs(self.loss, theta, 1, 200, 1e-10, &start);
        (top.converged && top.values[0].is_finite()).then_some(top.values[0])
    }

    /// θ moved onto M: Levenberg–Marquardt on ∇L = 0 (dense), or the network's fit to
    /// interpolation (Gauss–Newton: minimum-norm steps, normal to M to first order).
    pub fn refine(&self, theta: &[f64]) -> Result<Vec<f64>> {
        match self.structure {
            None => Ok(refine(self.loss, theta, &self.tol, 200)?.point),
            Some(s) => s.project_to_manifold(theta).ok_or(Error::RefineFailed {
                iterations: 0,
                grad_norm: crate::derivatives::gradient(self.loss, theta).norm(),
                tolerance: 0.0,
            }),
        }
    }
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
    local: &Local<'_, L>,
    start: &[f64],
    target: f64,
    rel_tol: f64,
    max_step: f64,
) -> Result<MoveAlongM> {
    let mut theta = start.to_vec();
    for it in 0..=40 {
        let fp = local.flip_point(&theta)?;
        let lam = fp.sharpness();
        let done = (lam - target).abs() <= rel_tol * target.abs();
        let drift = fp
            .coefficients
            .map(|c| c.drift)
            .unwrap_or_else(|| DVector::zeros(theta.len()));
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
        theta = local.refine(&cand)?;
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
        let m = move_along_m(&Local::dense(&p, &tol), &[1.2, 1.0 / 1.2], 2.5, 1e-12, 0.2).unwrap();
        assert!(m.converged, "{m:?}");
        let (x, y) = (m.point[0], m.point[1]);
        assert!((x * y - 1.0).abs() < 1e-12 && (x * x + y * y - 2.5).abs() < 1e-10);
        let f = LocalFlip::at(&p, &m.point, 2.0 / 2.5, &tol).unwrap();
        assert_eq!(f.flip.backend, Backend::Dense);
        assert!((f.c1() - 32.0 / 2.5f64.powi(3)).abs() < 1e-9);
        assert!(!f.drift_vanishes(1e-8));
    }
}

//! The three flip-point backends take the same decisions (issue 11 §5; MATH.md §1, §3, §5):
//! at a saddle, a repeated top eigenvalue, a vanishing Hessian, a non-critical point and a
//! regular point of M, `FlipPoint::build` with the dense, matrix-free and Gauss–Newton backends
//! refuses, or leaves c1 undefined, or agrees on the numbers, exactly as the dense one does.
//!
//! The losses are sums of squared residuals `L = ½ Σ r_i(θ)²`, so at a zero of every residual
//! `H = JᵀJ` exactly and the Gauss–Newton structure holds with `S = J` (implemented here).

use eosflip::error::Error;
use eosflip::flip::{Backend, BackendChoice, FlipPoint, GaussNewtonOperator, GaussNewtonStructure};
use eosflip::loss::{Loss, Scalar};
use eosflip::tolerance::Tolerances;
use nalgebra::{DMatrix, DVector};

/// `L = ½ Σ r_i²` for the residual families below.
#[derive(Clone, Copy)]
enum Residuals {
    /// `r = xy − 1` (P = 2): M = {xy = 1}, H rank one on M; the origin is a saddle.
    Product,
    /// `r = (xy − 1, zw − 1)` (P = 4): at (1,1,1,1) H has the eigenvalue 2 twice.
    TwoProducts,
    /// `r = (x², y²)`: at 0 the Hessian vanishes.
    Squares,
}

impl Residuals {
    fn dim(self) -> usize {
        match self {
            Residuals::TwoProducts => 4,
            _ => 2,
        }
    }
    fn r<D: Scalar>(self, t: &[D]) -> Vec<D> {
        let one = D::from(1.0);
        match self {
            Residuals::Product => vec![t[0] * t[1] - one],
            Residuals::TwoProducts => vec![t[0] * t[1] - one, t[2] * t[3] - one],
            Residuals::Squares => vec![t[0] * t[0], t[1] * t[1]],
        }
    }
    /// The Jacobian of r, by hand.
    fn jacobian(self, t: &[f64]) -> DMatrix<f64> {
        match self {
            Residuals::Product => DMatrix::from_row_slice(1, 2, &[t[1], t[0]]),
            Residuals::TwoProducts => {
                DMatrix::from_row_slice(2, 4, &[t[1], t[0], 0.0, 0.0, 0.0, 0.0, t[3], t[2]])
            }
            Residuals::Squares => {
                DMatrix::from_row_slice(2, 2, &[2.0 * t[0], 0.0, 0.0, 2.0 * t[1]])
            }
        }
    }
}

impl Loss for Residuals {
    fn dim(&self) -> usize {
        Residuals::dim(*self)
    }
    fn value<D: Scalar>(&self, t: &[D]) -> D {
        self.r(t)
            .into_iter()
            .fold(D::from(0.0), |acc, r| acc + r * r * 0.5)
    }
    fn gradient<D: Scalar>(&self, t: &[D]) -> Vec<D> {
        // ∇L = Jᵀ r, with J written generically.
        let r = self.r(t);
        let zero = D::from(0.0);
        let j: Vec<Vec<D>> = match self {
            Residuals::Product => vec![vec![t[1], t[0]]],
            Residuals::TwoProducts => {
                vec![vec![t[1], t[0], zero, zero], vec![zero, zero, t[3], t[2]]]
            }
            Residuals::Squares => vec![vec![t[0] * 2.0, zero], vec![zero, t[1] * 2.0]],
        };
        (0..self.dim())
            .map(|k| {
                j.iter()
                    .zip(&r)
                    .fold(zero, |acc, (row, &ri)| acc + row[k] * ri)
            })
            .collect()
    }
}

struct Op(DMatrix<f64>);

impl GaussNewtonOperator for Op {
    fn rows(&self) -> usize {
        self.0.nrows()
    }
    fn full_rank(&self) -> usize {
        self.0.nrows()
    }
    fn gram(&self) -> DMatrix<f64> {
        &self.0 * self.0.transpose()
    }
    fn apply_s(&self, u: &[f64]) -> DVector<f64> {
        &self.0 * DVector::from_column_slice(u)
    }
    fn apply_st(&self, w: &[f64]) -> DVector<f64> {
        self.0.transpose() * DVector::from_column_slice(w)
    }
}

impl GaussNewtonStructure for Residuals {
    fn applicable(&self, theta: &[f64]) -> Result<(), String> {
        let r = self.r(theta);
        match r.iter().map(|x| x.abs()).fold(0.0, f64::max) {
            m if m <= 1e-12 => Ok(()),
            m => Err(format!(
                "a residual is {m:.3e}, not 0: not an interpolating point"
            )),
        }
    }
    fn operator<'a>(&'a self, theta: &[f64]) -> Box<dyn GaussNewtonOperator + 'a> {
        Box::new(Op(self.jacobian(theta)))
    }
    fn project_to_manifold(&self, _theta: &[f64]) -> Option<Vec<f64>> {
        None
    }
}

const BACKENDS: [Backend; 3] = [Backend::Dense, Backend::MatrixFree, Backend::GaussNewton];

fn build(loss: Residuals, theta: &[f64], b: Backend) -> Result<FlipPoint, Error> {
    FlipPoint::build(
        &loss,
        theta,
        BackendChoice::Use(b),
        Some(&loss as &dyn GaussNewtonStructure),
        &Tolerances::default(),
    )
}

#[test]
fn a_saddle_is_refused_by_every_backend() {
    // (0,0): ∇L = 0, H = [[0,−1],[−1,0]], eigenvalues ±1.
    for b in [Backend::Dense, Backend::MatrixFree] {
        match build(Residuals::Product, &[0.0, 0.0], b) {
            Err(Error::NotAMinimizer { eigenvalue, .. }) => {
                assert!((eigenvalue + 1.0).abs() < 1e-10, "{b:?}: {eigenvalue}")
            }
            other => panic!("{b:?}: {other:?}"),
        }
    }
    // H = JᵀJ is PSD wherever the structure holds, so Gauss–Newton cannot see a saddle: it
    // refuses the point because the structure does not hold there (r = −1).
    match build(Residuals::Product, &[0.0, 0.0], Backend::GaussNewton) {
        Err(Error::BadInput { what, .. }) => assert!(what.contains("does not hold"), "{what}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_repeated_top_eigenvalue_leaves_c1_undefined_on_every_backend() {
    let theta = [1.0; 4];
    for b in BACKENDS {
        let fp = build(Residuals::TwoProducts, &theta, b).unwrap_or_else(|e| panic!("{b:?}: {e}"));
        assert_eq!(fp.backend, b);
        assert!(
            (fp.sharpness() - 2.0).abs() < 1e-10,
            "{b:?}: λ = {}",
            fp.sharpness()
        );
        assert!(!fp.top_simple, "{b:?}: top called simple");
        assert!(fp.coefficients.is_none(), "{b:?}: c1 = {:?}", fp.c1_at(1.0));
        assert_eq!(fp.supercritical, None, "{b:?}");
        let why = fp.undefined_reason.unwrap_or_default();
        assert!(why.contains("not simple"), "{b:?}: {why}");
    }
}

#[test]
fn a_vanishing_hessian_has_no_flip_on_every_backend() {
    for b in BACKENDS {
        let fp = build(Residuals::Squares, &[0.0, 0.0], b).unwrap_or_else(|e| panic!("{b:?}: {e}"));
        assert!(
            fp.sharpness().abs() < 1e-300,
            "{b:?}: λ = {}",
            fp.sharpness()
        );
        assert!(fp.coefficients.is_none(), "{b:?}");
        assert_eq!(fp.supercritical, None, "{b:?}");
        let why = fp.undefined_reason.unwrap_or_default();
        assert!(why.contains("no positive eigenvalue"), "{b:?}: {why}");
    }
}

#[test]
fn a_non_critical_point_is_refused_by_every_backend() {
    // (2, 1): r = 1, ∇L = (1, 2).
    for b in [Backend::Dense, Backend::MatrixFree] {
        match build(Residuals::Product, &[2.0, 1.0], b) {
            Err(Error::NotCritical { grad_norm, .. }) => {
                assert!(
                    (grad_norm - 5f64.sqrt()).abs() < 1e-12,
                    "{b:?}: {grad_norm}"
                )
            }
            other => panic!("{b:?}: {other:?}"),
        }
    }
    assert!(matches!(
        build(Residuals::Product, &[2.0, 1.0], Backend::GaussNewton),
        Err(Error::BadInput { .. })
    ));
}

#[test]
fn at_a_regular_point_of_m_the_backends_agree() {
    // (2, 1/2) on xy = 1: H = a aᵀ with a = (y, x), λ = x² + y² = 4.25; c1 and its sign are
    // compared with the dense backend's.
    let theta = [2.0, 0.5];
    let dense = build(Residuals::Product, &theta, Backend::Dense).unwrap();
    assert!((dense.sharpness() - 4.25).abs() < 1e-12);
    let c1 = dense.coefficients.as_ref().unwrap().c1_gd;
    for b in [Backend::MatrixFree, Backend::GaussNewton] {
        let fp = build(Residuals::Product, &theta, b).unwrap();
        assert!(fp.top_simple, "{b:?}");
        assert!(
            (fp.sharpness() - 4.25).abs() <= 1e-12 * 4.25,
            "{b:?}: λ {}",
            fp.sharpness()
        );
        let c = fp.coefficients.as_ref().unwrap().c1_gd;
        assert!((c - c1).abs() <= 1e-9 * c1.abs(), "{b:?}: c1 {c} vs {c1}");
        assert_eq!(fp.supercritical, dense.supercritical, "{b:?}");
    }
}

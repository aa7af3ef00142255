//! The flip point: one point of M, its spectral data, its flip coefficients and the decisions
//! taken on them, built once per analysis by one backend (docs/math.md §1–4; issue 8).
//!
//! | backend | λ, v, λ2 | H⁺g and Π_T g | when |
//! |---|---|---|---|
//! | [`dense`] | eigen-decomposition of H from P HVPs | the eigenbasis | small P |
//! | [`matrix_free`] | Lanczos on HVPs, residual bounds | CGLS restricted to N | large P, any loss |
//! | [`gauss_newton`] | the m × m Gram matrix S Sᵀ, `H = SᵀS` | `Sᵀ G⁺ S g` | interpolating minimizer of a per-sample loss, no weight decay |
//!
//! Every decision (critical point, minimizer, rank split, simple top eigenvalue, c1 = 0) is made
//! here, by the functions of [`decide`], with the same scale for every backend: the analysis,
//! the checks A1–A5 and the validations all read the [`FlipPoint`] instead of deciding again.

pub mod decide;
pub mod dense;
pub mod gauss_newton;
pub mod matrix_free;

use crate::derivatives::gradient;
use crate::error::{Error, Result};
use crate::loss::Loss;
use crate::normal_form::FlipCoefficients;
use crate::spectrum::Spectrum;
use crate::tolerance::Tolerances;
pub use gauss_newton::{GaussNewtonOperator, GaussNewtonStructure};
use nalgebra::DVector;
use serde::{Deserialize, Serialize};

/// The backend that computed a flip point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Backend {
    /// Dense eigen-decomposition of H.
    Dense,
    /// Lanczos and CGLS on Hessian-vector products.
    MatrixFree,
    /// The Gauss–Newton structure `H = Jᵀ D J / n`.
    GaussNewton,
}

impl Backend {
    /// The name printed and accepted by `--backend`.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Dense => "dense",
            Backend::MatrixFree => "matrix-free",
            Backend::GaussNewton => "gauss-newton",
        }
    }
}

/// Which backend to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BackendChoice {
    /// Gauss–Newton when the structure applies, else dense up to [`DENSE_AUTO_MAX`]
    /// parameters, else matrix-free.
    #[default]
    Auto,
    /// Force one backend.
    Use(Backend),
}

/// `auto` uses the dense backend up to this many parameters.
pub const DENSE_AUTO_MAX: usize = 1500;
/// The dense backend refuses more parameters than this (a P × P matrix of 8·P² bytes and P
/// HVPs): 6000 is 288 MB.
pub const DENSE_MAX: usize = 6000;

/// The spectral data a backend provides.
#[derive(Debug, Clone, PartialEq)]
pub struct SpectralData {
    /// λ.
    pub sharpness: f64,
    /// Unit v (largest-magnitude component positive).
    pub top_eigvec: DVector<f64>,
    /// `|Hv − λv|`, measured with one HVP.
    pub top_residual: f64,
    /// The eigenvalues the backend knows, descending: all (dense), the normal ones
    /// (Gauss–Newton), Ritz values (matrix-free).
    pub eigenvalues: Vec<f64>,
    /// The second eigenvalue λ2 (None when P = 1).
    pub second: Option<f64>,
    /// The smallest eigenvalue, where known; for matrix-free the smallest Ritz value, an upper
    /// bound of it.
    pub smallest: Option<f64>,
    /// dim N (None when the backend does not split: matrix-free).
    pub normal_dim: Option<usize>,
    /// dim T.
    pub tangent_dim: Option<usize>,
    /// The rank threshold τ.
    pub rank_threshold: f64,
    /// The dense spectrum (dense backend only).
    pub spectrum: Option<Spectrum>,
    /// Relative asymmetry of the assembled Hessian (dense only).
    pub hessian_asymmetry: Option<f64>,
}

/// Work done and solver state, for reports and benchmarks.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SolverInfo {
    /// Hessian-vector products (Lanczos, CGLS, residual checks, dense assembly).
    pub hvps: usize,
    /// Lanczos iterations (matrix-free).
    pub lanczos_iterations: Option<usize>,
    /// CGLS iterations (matrix-free).
    pub cg_iterations: Option<usize>,
    /// `|H(g − Hx)|/|Hg|` at the end of CGLS (matrix-free).
    pub cg_relative_residual: Option<f64>,
    /// Rows m of the Gauss–Newton factor S (n·k).
    pub gn_rows: Option<usize>,
    /// The largest possible rank of S (m, or n(k − 1) for softmax cross-entropy).
    pub gn_full_rank: Option<usize>,
    /// Whether every iterative solve reached its tolerance.
    pub converged: bool,
    /// What the backend does not establish, when anything.
    pub note: Option<String>,
}

/// One point of M with its flip data (module docs).
#[derive(Debug, Clone, PartialEq)]
pub struct FlipPoint {
    /// The backend that ran.
    pub backend: Backend,
    /// θ*.
    pub point: Vec<f64>,
    /// |∇L(θ*)|.
    pub grad_norm: f64,
    /// The critical-point tolerance it passed.
    pub critical_tolerance: f64,
    /// λ, v, the split.
    pub spectral: SpectralData,
    /// Whether λ is simple (A3's first half).
    pub top_simple: bool,
    /// c1 and the drift at η* (None when undefined: see `undefined_reason`).
    pub coefficients: Option<FlipCoefficients>,
    /// c1 > 0, decided (None when undefined or zero within its error).
    pub supercritical: Option<bool>,
    /// Why the flip data are undefined or undecided.
    pub undefined_reason: Option<String>,
    /// The fifth-order data where c1 = 0 (docs/math.md §7; dense spectrum and Π_T g = 0 needed).
    pub fifth: Option<crate::normal_form::degenerate::FifthOrder>,
    /// Work and solver state.
    pub solver: SolverInfo,
}

impl FlipPoint {
    /// Builds the flip point of `loss` at `theta` (a point of M) with the chosen backend;
    /// `structure` is the Gauss–Newton structure of the loss, when it has one. Errors when the
    /// point is not finite, not critical or not a minimizer, or the backend cannot run.
    pub fn build<L: Loss>(
        loss: &L,
        theta: &[f64],
        choice: BackendChoice,
        structure: Option<&dyn GaussNewtonStructure>,
        tol: &Tolerances,
    ) -> Result<FlipPoint> {
        decide::validate_point(theta, loss.dim())?;
        let grad = gradient(loss, theta);
        if grad.iter().any(|x| !x.is_finite()) {
            return Err(Error::NonFinite {
                what: "the gradient is not finite at the point".into(),
                hint: "choose a point inside the loss's domain".into(),
            });
        }
        let grad_norm = grad.norm();
        let backend = choose(choice, theta.len(), structure, theta)?;
        let built = match backend {
            Backend::Dense => dense::build(loss, theta, tol)?,
            Backend::MatrixFree => matrix_free::build(loss, theta, &grad, tol)?,
            Backend::GaussNewton => {
                let s = structure.expect("choose() returns GaussNewton only with a structure");
                gauss_newton::build(loss, theta, s, tol)?
            }
        };
        let (spectral, coefficients, solver) = built;
        let critical_tolerance =
            decide::critical_tolerance(tol, decide::curvature_scale(&spectral), theta);
        if grad_norm > critical_tolerance {
            return Err(Error::NotCritical {
                grad_norm,
                tolerance: critical_tolerance,
            });
        }
        decide::ensure_minimizer(&spectral)?;
        let top_simple = decide::top_simple(&spectral, tol);
        let mut fp = FlipPoint {
            backend,
            point: theta.to_vec(),
            grad_norm,
            critical_tolerance,
            spectral,
            top_simple,
            coefficients: None,
            supercritical: None,
            undefined_reason: None,
            fifth: None,
            solver,
        };
        fp.undefined_reason = decide::flip_undefined(&fp.spectral, top_simple, tol);
        if fp.undefined_reason.is_none() {
            let c = coefficients.ok_or_else(|| Error::NonFinite {
                what: "the backend returned no flip coefficients".into(),
                hint: "report this as a bug".into(),
            })?;
            let (sup, why) = decide::c1_decision(&c, fp.eta_star(), theta);
            fp.supercritical = sup;
            fp.undefined_reason = why;
            if sup.is_none() && c.c1_gd.is_finite() {
                fp.fifth = decide::fifth_order(loss, &fp, &c);
            }
            fp.coefficients = Some(c);
        }
        Ok(fp)
    }

    /// λ.
    pub fn sharpness(&self) -> f64 {
        self.spectral.sharpness
    }

    /// η* = 2/λ.
    pub fn eta_star(&self) -> f64 {
        2.0 / self.spectral.sharpness
    }

    /// v.
    pub fn v(&self) -> &DVector<f64> {
        &self.spectral.top_eigvec
    }

    /// c2 at η*, where the flip is degenerate and c2 was computed (docs/math.md §7).
    pub fn c2(&self) -> Option<f64> {
        self.fifth.as_ref().map(|f| f.c2)
    }

    /// The decided order of the flip: 3 (c1 ≠ 0), 5 (c1 = 0, c2 ≠ 0 beyond its error).
    pub fn flip_order(&self) -> Option<u32> {
        if self.supercritical.is_some() {
            return Some(3);
        }
        self.fifth
            .as_ref()
            .filter(|f| f.c2.abs() > f.c2_error)
            .map(|_| 5)
    }

    /// c1 for the step `eta` (c1 is linear in η: docs/math.md §3), when defined.
    pub fn c1_at(&self, eta: f64) -> Option<f64> {
        self.coefficients
            .as_ref()
            .map(|c| c.c1_gd * eta / self.eta_star())
    }
}

/// The backend for `choice` (module docs); an explicit choice that cannot run is an error.
fn choose(
    choice: BackendChoice,
    p: usize,
    structure: Option<&dyn GaussNewtonStructure>,
    theta: &[f64],
) -> Result<Backend> {
    let gn = structure.map(|s| s.applicable(theta));
    match choice {
        BackendChoice::Auto => Ok(match gn {
            Some(Ok(())) => Backend::GaussNewton,
            _ if p <= DENSE_AUTO_MAX => Backend::Dense,
            _ => Backend::MatrixFree,
        }),
        BackendChoice::Use(Backend::Dense) if p > DENSE_MAX => Err(Error::bad_input(
            format!("the dense backend is limited to P ≤ {DENSE_MAX} parameters (this loss has {p}: a P × P Hessian of {:.1} GB)", 8.0 * (p as f64).powi(2) / 1e9),
            "use --backend matrix-free (any loss) or --backend gauss-newton (a network at an interpolating minimizer)",
        )),
        BackendChoice::Use(Backend::GaussNewton) => match gn {
            None => Err(Error::bad_input(
                "the Gauss–Newton backend needs a loss with per-sample structure (a network from --model)",
                "use --backend dense or --backend matrix-free for this loss",
            )),
            Some(Err(why)) => Err(Error::bad_input(
                format!("the Gauss–Newton structure H = JᵀDJ/n does not hold here: {why}"),
                "fit the model to interpolation first (eosflip fit), or use --backend matrix-free",
            )),
            Some(Ok(())) => Ok(Backend::GaussNewton),
        },
        BackendChoice::Use(b) => Ok(b),
    }
}

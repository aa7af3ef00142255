//! The degenerate flip (c1 = 0): the fifth-order coefficient c2 of the normal form
//! `p ↦ −(1+β)p + c1·p³ + c2·p⁵` (docs/math.md §7; `theorems/degenerate_flip.md`).
//!
//! **Method** (the projection method of Kuznetsov and Meijer carried to fifth order, with the
//! Taylor coefficients of the GD map obtained from one `Dual3<Dual2_64>` pass per order,
//! [`curve_jet`]). At η = η* seek an invariant curve `x(p) = θ* + Σ_{k=1}^{5} h_k p^k`,
//! `h_1 = v`, on which F acts as `g(p) = −p + c1 p³ + c2 p⁵`. Order k of `F(x(p)) = x(g(p))`
//! reads `(A − (−1)^k) h_k = T_k − S_k + [k odd] c v`, with `S_k` the k-th coefficient of
//! F(x(p)) computed with `h_k = 0` and `T_k` that of `x(g(p))` without the term `h_1 g_k`:
//! - k even: `A − I = −ηH` is inverted on N; its tangent part must vanish (k = 2: Π_T g = 0;
//!   k = 4: the p⁴ drift of the foot point);
//! - k odd: the coefficient is `c = −⟨v, T_k − S_k⟩` (k = 3: c1, k = 5: c2) and `h_k` is
//!   `(A + I)⁻¹` of the rest on v^⊥ (eigenvalues `2 − ηλ_i`, 2 on T).
//!
//! Normalisation: `⟨v, h_k⟩ = 0`. When c1 = 0 the value of c2 does not depend on it.
//!
//! **Foot point on M (m > 0).** The tangent part of `h_2` is free: it is the shift `κ p²` of
//! the foot point of the cycle. The p⁴ tangent residual is affine in κ; eosflip solves it for
//! κ (one reduction per tangent basis vector), so the curve is invariant to fifth order and
//! c2 includes the change of λ and of c1 at the shifted foot point. When the linear system is
//! singular (e.g. the sharpness degenerate on M) c2 is undefined.

use crate::derivatives::curve_jet;
use crate::loss::Loss;
use crate::spectrum::Spectrum;
use nalgebra::{DMatrix, DVector};
use serde::{Deserialize, Serialize};

/// Relative rounding error of c2 against its scale.
pub const C2_ZERO_REL: f64 = 1e-9;

/// The fifth-order data of a degenerate flip.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FifthOrder {
    /// c1 from the same reduction (a cross-check of the GD formula; ≈ 0 here).
    pub c1: f64,
    /// c2 at η*.
    pub c2: f64,
    /// The size of the terms whose cancellation gives c2 (rounding is relative to it).
    pub c2_scale: f64,
    /// `C2_ZERO_REL · c2_scale`.
    pub c2_error: f64,
    /// The foot-point shift κ (ambient coordinates; zero when m = 0).
    pub tangent_shift: Vec<f64>,
    /// `|Π_T R_4|` after the shift (the p⁴ drift left; rounding when solved).
    pub tangent_residual: f64,
}

/// One reduction with the foot-point shift `shift` in h_2 (module docs).
struct Reduction {
    c1: f64,
    c2: f64,
    scale: f64,
    /// Π_T R_4 in tangent-basis coordinates.
    r4: DVector<f64>,
}

/// Coefficient k of `Σ_j h_j g(p)^j` with `g = gc` (polynomial composition, degree ≤ 5).
fn composed(h: &[DVector<f64>], gc: &[f64; 6], k: usize) -> DVector<f64> {
    let mut out = DVector::zeros(h[0].len());
    let mut pow = [0.0; 6];
    pow[0] = 1.0;
    for hj in h.iter().skip(1) {
        let mut next = [0.0; 6];
        for (i, &a) in pow.iter().enumerate() {
            for (j, &b) in gc.iter().enumerate() {
                if i + j <= 5 {
                    next[i + j] += a * b;
                }
            }
        }
        pow = next;
        out += hj * pow[k];
    }
    out
}

fn reduce<L: Loss>(
    loss: &L,
    theta: &[f64],
    spec: &Spectrum,
    eta: f64,
    shift: &DVector<f64>,
) -> Reduction {
    let p = theta.len();
    let v = spec.top_eigvec();
    let tb = spec.tangent_basis();
    let mut h: Vec<DVector<f64>> = vec![DVector::zeros(p); 6];
    h[1] = v.clone();
    let mut gc = [0.0, -1.0, 0.0, 0.0, 0.0, 0.0];
    let mut scale = 0.0;
    let mut r4 = DVector::zeros(tb.ncols());
    for k in 2..=5 {
        let jet = curve_jet(loss, theta, &h[1..]);
        let s_k = -&jet[k] * eta;
        let t_k = composed(&h, &gc, k);
        let rhs = &t_k - &s_k;
        let mut hk = DVector::zeros(p);
        if k % 2 == 0 {
            for i in 0..spec.normal_dim {
                let u = spec.eigenvectors.column(i);
                hk += u * (u.dot(&rhs) / (-eta * spec.eigenvalues[i]));
            }
            if k == 2 {
                hk += shift;
            } else {
                r4 = tb.transpose() * &rhs;
            }
        } else {
            let c = -v.dot(&rhs);
            gc[k] = c;
            if k == 5 {
                scale = v.dot(&t_k).abs() + v.dot(&s_k).abs();
            }
            let full = &rhs + &v * c;
            for i in 1..p {
                let u = spec.eigenvectors.column(i);
                let d = 2.0 - eta * spec.eigenvalues[i];
                hk += u * (u.dot(&full) / d);
            }
        }
        h[k] = hk;
    }
    Reduction {
        c1: gc[3],
        c2: gc[5],
        scale,
        r4,
    }
}

/// c2 at θ* (a point of M with dense spectrum `spec`, simple top eigenvalue, Π_T g = 0) for
/// the step `eta` (normally η*). `None` when m > 0 and the foot-point system is singular
/// (`Hess_M λ` singular) or its solve leaves a residual.
pub fn fifth_order<L: Loss>(
    loss: &L,
    theta: &[f64],
    spec: &Spectrum,
    eta: f64,
) -> Option<FifthOrder> {
    let p = theta.len();
    let tb = spec.tangent_basis();
    let m = tb.ncols();
    let base = reduce(loss, theta, spec, eta, &DVector::zeros(p));
    if m == 0 {
        return Some(finish(base, DVector::zeros(p)));
    }
    let mut jac = DMatrix::zeros(m, m);
    for j in 0..m {
        let t: DVector<f64> = tb.column(j).into();
        let r = reduce(loss, theta, spec, eta, &t);
        jac.set_column(j, &(&r.r4 - &base.r4));
    }
    let kappa = jac.clone().lu().solve(&(-&base.r4))?;
    let shift = &tb * kappa;
    let red = reduce(loss, theta, spec, eta, &shift);
    let jscale = jac.amax().max(base.r4.amax());
    let solved = red.r4.amax() <= 1e-8 * jscale.max(f64::MIN_POSITIVE);
    if !solved {
        return None;
    }
    Some(finish(red, shift))
}

fn finish(r: Reduction, shift: DVector<f64>) -> FifthOrder {
    FifthOrder {
        c1: r.c1,
        c2: r.c2,
        c2_scale: r.scale,
        c2_error: C2_ZERO_REL * r.scale,
        tangent_shift: shift.as_slice().to_vec(),
        tangent_residual: r.r4.norm(),
    }
}

/// The one-dimensional closed form: for `F(x) = −x + a2x² + a3x³ + a4x⁴ + a5x⁵` with
/// `a3 = −a2²` (c1 = 0), `c2 = a5 + 3a2a4 − 2a2⁴` (`theorems/degenerate_flip.md`). For GD on
/// `f` at η = 2/f'': `a_k = −η f^(k+1)/k!`.
pub fn c2_one_dim(a2: f64, a4: f64, a5: f64) -> f64 {
    a5 + 3.0 * a2 * a4 - 2.0 * a2.powi(4)
}

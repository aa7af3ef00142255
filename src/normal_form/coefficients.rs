//! First Lyapunov coefficient c1 of the flip, by the general map formula and by the GD formula
//! (docs/math.md §3), and the tangent drift Π_T g (docs/math.md §4).

use crate::derivatives::gd_map::GdMap;
use crate::derivatives::line_jet;
use crate::loss::Loss;
use crate::spectrum::Spectrum;
use nalgebra::{DMatrix, DVector};

/// GD formula: `c1 = (η/2)·gᵀH⁺g − (η/6)·L4`.
pub fn c1_gd(eta: f64, g_hplus_g: f64, l4: f64) -> f64 {
    0.5 * eta * g_hplus_g - eta * l4 / 6.0
}

/// General map formula (Kuznetsov's projection method, A symmetric so left = right
/// eigenvector): `c1 = (1/6)⟨v, C(v,v,v)⟩ − (1/2)⟨v, B(v,h)⟩`, `h = (A − I)|_N⁻¹ Π_N B(v,v)`.
///
/// Uses only the map interface: `B` by `HyperDual64` passes, `C` by one `HyperHyperDual64`
/// pass, and `(A − I)` restricted to N assembled from `A` applied to the basis of N and solved
/// by LU. Returns `None` when the restricted operator is singular.
pub fn c1_map<L: Loss>(map: &GdMap<'_, L>, v: &DVector<f64>, normal: &DMatrix<f64>) -> Option<f64> {
    let vs = v.as_slice();
    let bvv = map.b(vs, vs);
    let n = normal.ncols();
    let mut restricted = DMatrix::zeros(n, n);
    for j in 0..n {
        let q: DVector<f64> = normal.column(j).into();
        let col = map.a(q.as_slice()) - &q;
        restricted.set_column(j, &(normal.transpose() * col));
    }
    let y = restricted.lu().solve(&(normal.transpose() * bvv))?;
    let h = normal * y;
    let cvvv = map.c(vs, vs, vs);
    let bvh = map.b(vs, h.as_slice());
    Some(v.dot(&cvvv) / 6.0 - 0.5 * v.dot(&bvh))
}

/// The coefficients of the flip at a point of M, for step η.
#[derive(Debug, Clone, PartialEq)]
pub struct FlipCoefficients {
    /// `g = ∇³L[v,v,·]` (= ∇λ).
    pub g: DVector<f64>,
    /// `L4 = ∇⁴L[v,v,v,v]`.
    pub l4: f64,
    /// `gᵀH⁺g`.
    pub g_hplus_g: f64,
    /// c1 by the GD formula.
    pub c1_gd: f64,
    /// c1 by the general map formula (`None` if its solve failed).
    pub c1_map: Option<f64>,
    /// `Π_T g`.
    pub drift: DVector<f64>,
}

impl FlipCoefficients {
    /// Computes every coefficient at `theta` (a point of M with spectrum `spec`, simple top
    /// eigenvalue) for the step `eta` (normally η* = 2/λ).
    pub fn compute<L: Loss>(loss: &L, theta: &[f64], spec: &Spectrum, eta: f64) -> Self {
        let v = spec.top_eigvec();
        let jet = line_jet(loss, theta, v.as_slice());
        let g = jet.d2;
        let l4 = v.dot(&jet.d3);
        let g_hplus_g = g.dot(&spec.pinv_apply(&g));
        let map = GdMap::new(loss, theta, eta);
        let c1_map = c1_map(&map, &v, &spec.normal_basis());
        let drift = spec.project_tangent(&g);
        FlipCoefficients {
            c1_gd: c1_gd(eta, g_hplus_g, l4),
            g,
            l4,
            g_hplus_g,
            c1_map,
            drift,
        }
    }

    /// The natural size of c1: `(η/2)|gᵀH⁺g| + (η/6)|L4|` (rounding is relative to this).
    pub fn c1_scale(&self, eta: f64) -> f64 {
        0.5 * eta * self.g_hplus_g.abs() + eta * self.l4.abs() / 6.0
    }
}

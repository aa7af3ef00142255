//! Product-stability as a reduction (docs/math.md §3, §5, §6; `theorems/product_stability.md`,
//! `theorems/product_depth.md`): the closed forms that `eosflip product` derives symbolically
//! ([`crate::symbolic::product`]), evaluated in `f64`, and what follows from them.
//!
//! For `L = l(x1⋯xD)` on `M = {x1⋯xD = z*}`, with `l2, l3, l4` the derivatives of l at z*,
//! `α = 3l3² − l2l4` and `E_k = e_k(x1², …, xD²)` (so `E_D = z*²`), the line
//! `t ↦ z(θ + t∇z)` has coefficients `q_k = z*^{k−1}·E_{D−k}` (`q1 = s = E_{D−1} = |∇z|²`) and
//!
//! - `λ = l2·s`,
//! - `c1 = α s/(3l2²) + 8 l3 q2/(l2 s) + 32 q2²/s³ − 8 q3/s² = (s/(3l2²))·Q(w, u)`,
//!   `Q = α + 24 l2 l3 w + 96 l2² w² − 24 l2² u`, `w = q2/s²`, `u = q3/s³`,
//! - `|Π_T g|² = 4 l2² (E_{D−1}E_{D−2} + 3 z*² E_{D−3} − 4 z*² E_{D−2}²/E_{D−1})`.
//!
//! At depth 2 (`q2 = z*`, `q3 = 0`) Q is a quadratic in `w = z*/s²` alone: [`supercritical_set`]
//! maps its roots back to s. [`balanced`] is the point where the drift vanishes, and
//! [`lambda_inf`] the limiting-sharpness prediction of docs/math.md §5 along M.

mod display;
pub mod examples;
pub mod poly;
#[cfg(feature = "symbolic")]
pub mod reduce;

use serde::{Deserialize, Serialize};

/// The 4-jet of the scalar loss at its minimizer.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Jet {
    /// z*.
    pub z_star: f64,
    /// l''(z*) > 0.
    pub l2: f64,
    /// l'''(z*).
    pub l3: f64,
    /// l''''(z*).
    pub l4: f64,
}

impl Jet {
    /// The jet of a catalog link at its minimizer (closed forms of
    /// [`Link::derivatives_at_min`](crate::loss::catalog::link::Link::derivatives_at_min)).
    pub fn of_link(link: &crate::loss::catalog::link::Link) -> Jet {
        let [l2, l3, l4] = link.derivatives_at_min();
        Jet {
            z_star: link.z_star(),
            l2,
            l3,
            l4,
        }
    }
    /// The jet of `l/l2` (l2 = 1): c1, the supercritical set, the conditions and ε_rel depend on
    /// l only through it (`l ↦ κl` leaves them unchanged), so they are computed from it and the
    /// quantities that scale (λ, α, Q, G) are scaled back, without overflow or underflow of the
    /// products of jets for any κ (docs/math.md §3: the L ↦ κL invariance).
    pub fn unit(&self) -> Jet {
        Jet {
            z_star: self.z_star,
            l2: 1.0,
            l3: self.l3 / self.l2,
            l4: self.l4 / self.l2,
        }
    }
    /// `κ·l2²` without `0·∞`: 0 when `κ = 0`.
    fn times_l2_sq(&self, k: f64) -> f64 {
        if k == 0.0 {
            0.0
        } else {
            k * self.l2 * self.l2
        }
    }
    /// `α/l2² = 3 (l3/l2)² − l4/l2`.
    fn alpha_unit(&self) -> f64 {
        let (r3, r4) = (self.l3 / self.l2, self.l4 / self.l2);
        3.0 * r3 * r3 - r4
    }
    /// `Q/l2²` (see [`Jet::q`]).
    fn q_unit(&self, w: f64, u: f64) -> f64 {
        self.alpha_unit() + 24.0 * (self.l3 / self.l2) * w + 96.0 * w * w - 24.0 * u
    }
    /// `α = 3 l3² − l2 l4` (docs/math.md §6), as `l2²·(3(l3/l2)² − l4/l2)`.
    pub fn alpha(&self) -> f64 {
        self.times_l2_sq(self.alpha_unit())
    }
    /// `Q(w, u) = α + 24 l2 l3 w + 96 l2² w² − 24 l2² u`.
    pub fn q(&self, w: f64, u: f64) -> f64 {
        self.times_l2_sq(self.q_unit(w, u))
    }
    /// The discriminant of `Q(w, 0)` in w: `192 l2² (2 l2 l4 − 3 l3²)`.
    pub fn discriminant(&self) -> f64 {
        let r3 = self.l3 / self.l2;
        let unit = (24.0 * r3).powi(2) - 4.0 * 96.0 * self.alpha_unit();
        let l2sq = self.times_l2_sq(1.0);
        if unit == 0.0 {
            0.0
        } else {
            unit * l2sq * l2sq
        }
    }
}

/// Invariants of a point of M: `E_k = e_k(x1², …, xD²)`, k = 0..=D.
pub fn elementary(x: &[f64]) -> Vec<f64> {
    let mut e = vec![0.0; x.len() + 1];
    e[0] = 1.0;
    for (i, xi) in x.iter().enumerate() {
        let y = xi * xi;
        for k in (1..=i + 1).rev() {
            e[k] += e[k - 1] * y;
        }
    }
    e
}

/// The closed forms at a point of M, any depth (module docs).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PointForms {
    /// `s = E_{D−1} = |∇z|²`.
    pub s: f64,
    /// `w = q2/s²`.
    pub w: f64,
    /// `u = q3/s³`.
    pub u: f64,
    /// λ = l2 s.
    pub sharpness: f64,
    /// gᵀH⁺g = T3²/(s³λ), `T3 = 6 l2 s q2 + l3 s³`.
    pub g_hplus_g: f64,
    /// L4 = T4/s², `T4 = 12 l2 (q2² + 2 s q3) + 12 l3 s² q2 + l4 s⁴`.
    pub l4: f64,
    /// c1 = (3 gᵀH⁺g − L4)/(3λ).
    pub c1_gd: f64,
    /// c1 = (s/(3 l2²)) Q(w, u) (the factored form).
    pub c1_factored: f64,
    /// |Π_T g|² (module docs).
    pub drift_sq: f64,
}

/// [`PointForms`] at a point `x` of M (`∏ x_i = z*`, D ≥ 2).
pub fn point_forms(jet: &Jet, x: &[f64]) -> PointForms {
    let d = x.len();
    let e = elementary(x);
    let z: f64 = x.iter().product();
    let ek = |k: isize| if k < 0 { 0.0 } else { e[k as usize] };
    let di = d as isize;
    let s = ek(di - 1);
    let q2 = z * ek(di - 2);
    let q3 = z * z * ek(di - 3);
    // In units of l2 (module docs of [`Jet::unit`]); λ, gᵀH⁺g, L4 and |Π_T g|² scale back by l2
    // (resp. l2²), c1 is invariant.
    let scale = jet.l2;
    let Jet { l2, l3, l4, .. } = jet.unit();
    let lambda = l2 * s;
    let t3 = 6.0 * l2 * s * q2 + l3 * s.powi(3);
    let t4 = 12.0 * l2 * (q2 * q2 + 2.0 * s * q3) + 12.0 * l3 * s * s * q2 + l4 * s.powi(4);
    let ghg = t3 * t3 / (s.powi(3) * lambda);
    let big_l4 = t4 / (s * s);
    let (w, u) = (q2 / (s * s), q3 / s.powi(3));
    let drift_sq = 4.0
        * l2
        * l2
        * (s * ek(di - 2) + 3.0 * z * z * ek(di - 3) - 4.0 * z * z * ek(di - 2).powi(2) / s);
    PointForms {
        s,
        w,
        u,
        sharpness: scale * lambda,
        g_hplus_g: scale * ghg,
        l4: scale * big_l4,
        c1_gd: (3.0 * ghg - big_l4) / (3.0 * lambda),
        c1_factored: s / 3.0 * jet.q_unit(w, u),
        drift_sq: jet.times_l2_sq(drift_sq),
    }
}

/// c1 at depth 2 as a function of s (z* = jet.z_star): `(s/(3l2²))·Q(z*/s²)`.
pub fn c1_depth2(jet: &Jet, s: f64) -> f64 {
    s / 3.0 * jet.q_unit(jet.z_star / (s * s), 0.0)
}

/// A point of the depth-2 M with `x² + y² = s` and `x ≥ |y|` (s ≥ 2|z*|).
pub fn point_depth2(z: f64, s: f64) -> [f64; 2] {
    // x² = (s + √(s² − 4z²))/2, y = z/x (x ≠ 0 as s > 0).
    let x = ((s + (s * s - 4.0 * z * z).max(0.0).sqrt()) / 2.0).sqrt();
    [x, z / x]
}

/// An interval of s; `hi = None` is +∞.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    /// Lower end.
    pub lo: f64,
    /// Whether `lo` belongs to the set.
    pub lo_closed: bool,
    /// Upper end (None: unbounded).
    pub hi: Option<f64>,
}

/// The sign pattern of c1 along the depth-2 M (theorems/product_stability.md).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SupercriticalSet {
    /// The range of s on M: `[2|z*|, ∞)` (z* ≠ 0) or `(0, ∞)` (z* = 0, M = the axes).
    pub s_min: f64,
    /// Roots of Q in w (real ones, ascending).
    pub w_roots: Vec<f64>,
    /// The endpoints `s = √(z*/w)` of those roots that lie on M, ascending.
    pub s_roots: Vec<f64>,
    /// Where c1 > 0.
    pub supercritical: Vec<Interval>,
    /// Where c1 < 0.
    pub subcritical: Vec<Interval>,
    /// c1 > 0 on all of M.
    pub everywhere: bool,
}

/// The exact set of s on the depth-2 M where c1 > 0 (and < 0): the real roots of `Q(w)` with
/// `w = z*/s²` in the range of M mapped back to s; the sign between consecutive roots is that
/// of Q at an interior point.
pub fn supercritical_set(jet: &Jet) -> SupercriticalSet {
    // The set depends on l only through l/l2.
    let jet = &jet.unit();
    let z = jet.z_star;
    let l2 = jet.l2;
    let (a, b, c) = (96.0 * l2 * l2, 24.0 * l2 * jet.l3, jet.alpha());
    let disc = jet.discriminant();
    let mut w_roots = Vec::new();
    if disc >= 0.0 {
        // Stable quadratic roots.
        let qq = -0.5 * (b + b.signum() * disc.sqrt());
        let (r1, r2) = if qq == 0.0 {
            (0.0, 0.0)
        } else {
            (qq / a, c / qq)
        };
        w_roots = vec![r1.min(r2), r1.max(r2)];
        w_roots.dedup_by(|p, q| (*p - *q).abs() <= 1e-15 * q.abs());
    }
    let s_min = 2.0 * z.abs();
    let mut s_roots: Vec<f64> = if z == 0.0 {
        Vec::new()
    } else {
        w_roots
            .iter()
            .filter(|w| **w != 0.0 && w.signum() == z.signum())
            .map(|w| (z / w).sqrt())
            .filter(|s| *s >= s_min)
            .collect()
    };
    s_roots.sort_by(f64::total_cmp);
    let mut breaks = vec![s_min];
    breaks.extend(s_roots.iter().copied());
    let (mut sup, mut sub) = (Vec::new(), Vec::new());
    for (i, &lo) in breaks.iter().enumerate() {
        let hi = breaks.get(i + 1).copied();
        let mid = match hi {
            Some(h) => 0.5 * (lo + h),
            None => 2.0 * lo.max(1.0) + 1.0,
        };
        if hi.is_some_and(|h| h <= lo) {
            continue;
        }
        let value = if z == 0.0 { c } else { c1_depth2(jet, mid) };
        let lo_closed = i == 0 && z != 0.0 && c1_depth2(jet, lo) * value > 0.0;
        let iv = Interval { lo, lo_closed, hi };
        if value > 0.0 {
            sup.push(iv);
        } else if value < 0.0 {
            sub.push(iv);
        }
    }
    // c1 = 0 at every root on M, so "everywhere" needs none of them.
    let everywhere =
        sub.is_empty() && s_roots.is_empty() && sup.len() == 1 && (sup[0].lo_closed || z == 0.0);
    SupercriticalSet {
        s_min,
        w_roots,
        s_roots,
        supercritical: sup,
        subcritical: sub,
        everywhere,
    }
}

/// A sufficient (or necessary) condition on l and whether it holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Condition {
    /// The condition, in words and symbols.
    pub statement: String,
    /// What it implies.
    pub implies: String,
    /// Whether it holds for this l.
    pub holds: bool,
}

/// The clean conditions of `theorems/product_stability.md` at depth 2.
pub fn conditions(jet: &Jet) -> Vec<Condition> {
    // Every condition is invariant under l ↦ κl (κ > 0): decide it on l/l2.
    let jet = &jet.unit();
    let (l2, l3, l4, z) = (jet.l2, jet.l3, jet.l4, jet.z_star);
    let alpha = jet.alpha();
    vec![
        Condition {
            statement: "3 l3^2 > 2 l2 l4 (Q has no real root), z* != 0".into(),
            implies: "c1 > 0 on all of M (sufficient)".into(),
            holds: 3.0 * l3 * l3 > 2.0 * l2 * l4 && z != 0.0,
        },
        Condition {
            statement: "alpha >= 0 and l3 z* >= 0, z* != 0".into(),
            implies: "c1 >= 32 z*^2/s^3 > 0 on all of M (sufficient)".into(),
            holds: alpha >= 0.0 && l3 * z >= 0.0 && z != 0.0,
        },
        Condition {
            statement: "alpha > 0, z* = 0".into(),
            implies: "c1 = alpha s/(3 l2^2) > 0 on all of M (sufficient)".into(),
            holds: alpha > 0.0 && z == 0.0,
        },
        Condition {
            statement: "alpha >= 0".into(),
            implies: "necessary for c1 > 0 on all of M (c1 ~ alpha s/(3 l2^2) as s -> inf)".into(),
            holds: alpha >= 0.0,
        },
    ]
}

/// The balanced point of the depth-D M (|x_i| = |z*|^{1/D}), where Π_T g = 0.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Balanced {
    /// Depth D.
    pub depth: usize,
    /// `s = D |z*|^{2(D−1)/D}` (the minimum of λ/l2 on M).
    pub s: f64,
    /// λ = l2 s.
    pub sharpness: f64,
    /// `Q_bal = α + 12(D−1) l2 l3/(D z*) + 4 l2² (D−1)(5D−4)/(D² z*²)`.
    pub q: f64,
    /// c1 = (s/(3 l2²)) Q_bal.
    pub c1: f64,
}

/// [`Balanced`] (z* ≠ 0; at z* = 0 the balanced point is the origin, not a point of M's
/// manifold part, and None is returned).
pub fn balanced(jet: &Jet, depth: usize) -> Option<Balanced> {
    let z = jet.z_star;
    if z == 0.0 || depth < 2 {
        return None;
    }
    let d = depth as f64;
    let s = d * z.abs().powf(2.0 * (d - 1.0) / d);
    // Q/l2² (units of l2, see [`Jet::unit`]).
    let q_unit = jet.alpha_unit()
        + 12.0 * (d - 1.0) * (jet.l3 / jet.l2) / (d * z)
        + 4.0 * (d - 1.0) * (5.0 * d - 4.0) / (d * d * z * z);
    Some(Balanced {
        depth,
        s,
        sharpness: jet.l2 * s,
        q: jet.times_l2_sq(q_unit),
        c1: s / 3.0 * q_unit,
    })
}

pub use lambda::{lambda_inf, LambdaInf};

mod lambda;

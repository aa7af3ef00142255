//! The gradient-flow solution of a depth-2 product loss `L(x, y) = l(xy)` in closed form
//! (docs/math.md §6; Kreisler et al., ICML 2023, measure its sharpness along GD).
//!
//! **Conservation.** Along the gradient flow `ẋ = −l'(xy)·y`, `ẏ = −l'(xy)·x`,
//! `d/dt (x² − y²) = −2l'xy + 2l'xy = 0`: the imbalance `D = x² − y²` is conserved, and
//! `ż = −l'(z)·(x² + y²)` with `z = xy`, so z follows (up to a time change) the 1-D gradient
//! flow of l and tends to the local minimizer `z∞` of l that it reaches from `z0` (for the
//! strictly convex links, z*; for the minimalist `(z² − 1)²/4`, `sign(z0)·1`; none from
//! `z0 = 0`, a critical point of that l).
//!
//! **The limit.** The GF limit is the point of `M = {xy = z∞}` with the same imbalance:
//! `s∞ = x∞² + y∞² = √(D² + 4z∞²)` (from `s² = D² + 4z²`), `x∞² = (s∞ + D)/2`,
//! `y∞² = (s∞ − D)/2`. Signs: for `D > 0` x never vanishes, so it keeps its sign; for `D < 0`
//! y keeps its sign; for `D = 0` the flow stays on the line `x = ±y` and x keeps its sign
//! (x = 0 would be the origin, a fixed point). The other coordinate is `z∞/(kept one)`.
//! Its sharpness (on M, `H = l''(z∞)·(y, x)(y, x)ᵀ`) is
//! `λ_GF = l''(z∞)·√(D² + 4z∞²)`: a strictly increasing function of `|D|`.
//!
//! **Along GD** the imbalance obeys the exact one-step identity
//! `D_{k+1} = D_k·(1 − η² l'(z_k)²)`, so `|D|` (hence `λ_GF`) is non-increasing at **every**
//! step while `η|l'(z_k)| ≤ √2`, strictly where `l'(z_k) ≠ 0`, and D keeps its sign while
//! `η|l'(z_k)| < 1` ([`imbalance_factor`]).

use crate::loss::catalog::link::Link;

/// The gradient-flow limit of `l(xy)` from `(x, y)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GfSolution {
    /// The conserved imbalance `D = x² − y²`.
    pub imbalance: f64,
    /// `z∞`, the minimizer of l the flow reaches.
    pub z_limit: f64,
    /// The limit point on M.
    pub point: [f64; 2],
    /// Its sharpness `l''(z∞)·√(D² + 4z∞²)`.
    pub sharpness: f64,
}

/// `l''` at a minimizer of `link` (for the minimalist link, at `z = ±1`: `3z² − 1 = 2`).
fn l2_at(link: &Link, z: f64) -> f64 {
    match link {
        Link::Minimalist => 3.0 * z * z - 1.0,
        _ => link.derivatives_at_min()[0],
    }
}

/// The minimizer of l reached by its 1-D gradient flow from `z0` (None: `z0` is a critical
/// point that is not a minimizer).
pub fn gf_limit_z(link: &Link, z0: f64) -> Option<f64> {
    match link {
        Link::Minimalist if z0 == 0.0 => None,
        Link::Minimalist => Some(z0.signum()),
        _ => Some(link.z_star()),
    }
}

/// The gradient-flow solution from `(x, y)` (module docs). None when the flow does not reach M
/// (the start is the origin, or `z0` is a non-minimizing critical point of l).
pub fn gf_solution(link: &Link, x: f64, y: f64) -> Option<GfSolution> {
    let d = x * x - y * y;
    let z = gf_limit_z(link, x * y)?;
    if x == 0.0 && y == 0.0 {
        return None;
    }
    let s = d.hypot(2.0 * z);
    let (ax, ay) = (((s + d) / 2.0).sqrt(), ((s - d) / 2.0).sqrt());
    let point = if d >= 0.0 {
        let xi = ax.copysign(x);
        [xi, if z == 0.0 { 0.0 } else { z / xi }]
    } else {
        let yi = ay.copysign(y);
        [if z == 0.0 { 0.0 } else { z / yi }, yi]
    };
    Some(GfSolution {
        imbalance: d,
        z_limit: z,
        point,
        sharpness: l2_at(link, z) * s,
    })
}

/// The factor `1 − η² l'(xy)²` by which one GD step multiplies the imbalance `x² − y²`.
pub fn imbalance_factor(link: &Link, x: f64, y: f64, eta: f64) -> f64 {
    let g = link.d1(x * y);
    1.0 - eta * eta * g * g
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limit_is_on_m_with_the_same_imbalance() {
        for (link, x, y) in [
            (Link::Squared { t: 1.0 }, 2.2, 0.3),
            (Link::Minimalist, -3.0, -0.1),
            (Link::LogCosh { t: 0.0 }, 0.5, 7.0),
            (Link::Logistic { p: 0.75 }, 0.4, -1.5),
        ] {
            let g = gf_solution(&link, x, y).unwrap();
            let [a, b] = g.point;
            assert!((a * b - g.z_limit).abs() < 1e-14 * (1.0 + g.z_limit.abs()));
            assert!((a * a - b * b - (x * x - y * y)).abs() < 1e-13 * (x * x + y * y));
            let l2 = l2_at(&link, g.z_limit);
            assert!((g.sharpness - l2 * (a * a + b * b)).abs() < 1e-13 * g.sharpness);
        }
        assert!(gf_solution(&Link::Minimalist, 1.0, 0.0).is_none());
    }

    #[test]
    fn one_gd_step_multiplies_the_imbalance_by_the_factor() {
        let link = Link::Minimalist;
        let (x, y, eta) = (1.7, 0.8, 0.1);
        let g = link.d1(x * y);
        let (x1, y1) = (x - eta * g * y, y - eta * g * x);
        let want = (x * x - y * y) * imbalance_factor(&link, x, y, eta);
        assert!((x1 * x1 - y1 * y1 - want).abs() < 1e-14);
    }
}

//! The start-aware limiting sharpness (docs/math.md §5): the slow dynamics per two steps
//! `du/dμ = (u − μ/c1)/δ`, `u = p²`, `μ = ηλ − 2`, `δ = η²G/(4c1)`, with δ **constant**.
//!
//! Derivation. The equation is linear: `u(μ) = (μ + δ)/c1 + K e^{μ/δ}` with
//! `K = (u0 − (β0 + δ)/c1) e^{−β0/δ}` from the start `(β0, u0)`. Writing `x = (μ + δ)/δ`,
//! `u = 0` ⇔ `x = a e^x` with `a = (β0/δ + 1 − c1u0/δ) e^{−(β0/δ + 1)}`. For `u0 > 0`, `a ≤ 1/e`
//! and the first zero met as μ decreases from β0 is `x = −W₀(−a)` (the principal branch; the
//! other root, on `W₋₁`, lies above the start). So `μ∞ = δ(x − 1)`, `λ∞ = (2 + μ∞)/η`.
//! Special cases: a start on the shifted branch (`c1u0 = β0 + δ`) gives `a = 0`, `μ∞ = −δ`,
//! the first-order prediction; a start far above threshold (`β0 ≫ δ`) gives `a → 0` as well.

use crate::loss::Loss;
use crate::simulate::lambert::lambert_w0;
use crate::simulate::local::{move_along_m, Local, LocalFlip};

/// The start-aware limit `μ∞` for the slow dynamics with constant δ (module docs); `None` when
/// the inputs are not finite, `δ ≤ 0` or `c1 ≤ 0`.
pub fn start_aware_mu_inf(beta0: f64, u0: f64, c1: f64, delta: f64) -> Option<f64> {
    if !(delta > 0.0 && c1 > 0.0 && beta0.is_finite() && u0.is_finite()) {
        return None;
    }
    let y = beta0 / delta + 1.0;
    let a = (y - c1 * u0 / delta) * (-y).exp();
    // a ≤ 1/e whenever u0 ≥ 0; clamp the rounding at the branch point.
    let a = a.min(f64::exp(-1.0));
    let x = -lambert_w0(-a)?;
    let mu = delta * (x - 1.0);
    mu.is_finite().then_some(mu)
}

/// The regime number `d = ε_rel · Δ ln(G/c1) / Δ ln λ` (docs/math.md §5) as the secant slope over
/// the predicted path: between `start` (or `thr` when the start is not above it) and the point
/// of M where `λ = pred` (reached by [`move_along_m`] from `thr`), with c1 for the step `thr.eta`
/// at both ends: a regime diagnostic from exact evaluations at two points, not a derivative.
/// `None` when the end point cannot be reached or c1 ≤ 0 at either end.
pub fn path_d<L: Loss>(
    local: &Local<'_, L>,
    start: &LocalFlip,
    thr: &LocalFlip,
    pred: f64,
    max_move_step: f64,
) -> Option<f64> {
    let from = if start.sharpness() > thr.sharpness() {
        start
    } else {
        thr
    };
    let m = move_along_m(local, &thr.flip.point, pred, 1e-8, max_move_step).ok()?;
    let end = local.flip(&m.point, thr.eta).ok()?;
    let ratio = |f: &LocalFlip| (f.c1() > 0.0).then(|| (f.drift_sq() / f.c1()).ln());
    let dl = end.sharpness().ln() - from.sharpness().ln();
    let eps = thr.eta * thr.eta * thr.drift_sq() / (8.0 * thr.c1());
    let d = eps * (ratio(&end)? - ratio(from)?) / dl;
    // `+ 0.0` turns a −0 (G/c1 constant along M) into 0.
    (m.converged && d.is_finite()).then_some(d + 0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Test baseline: RK4 integration of du/dμ = (u − μ/c1)/δ downward from (β0, u0) until
    /// u = 0 (linear interpolation of the crossing).
    fn rk4_mu_inf(beta0: f64, u0: f64, c1: f64, delta: f64) -> f64 {
        let f = |mu: f64, u: f64| (u - mu / c1) / delta;
        let h = -delta * 1e-4;
        let (mut mu, mut u) = (beta0, u0);
        loop {
            let k1 = f(mu, u);
            let k2 = f(mu + h / 2.0, u + h * k1 / 2.0);
            let k3 = f(mu + h / 2.0, u + h * k2 / 2.0);
            let k4 = f(mu + h, u + h * k3);
            let un = u + h * (k1 + 2.0 * k2 + 2.0 * k3 + k4) / 6.0;
            if un <= 0.0 {
                return mu + h * u / (u - un);
            }
            mu += h;
            u = un;
        }
    }

    #[test]
    fn closed_form_matches_integration() {
        let delta = 0.01;
        for &(beta0, u0, c1) in &[
            (0.05, 1e-4, 1.0),
            (0.0, 0.001, 2.0),
            (0.0, 0.04, 1.0),
            (-0.005, 0.002, 1.0),
            (0.02, 0.05, 1.0),
        ] {
            let got = start_aware_mu_inf(beta0, u0, c1, delta).unwrap();
            let want = rk4_mu_inf(beta0, u0, c1, delta);
            assert!(
                (got - want).abs() < 1e-6 * delta.max(want.abs()) + 1e-9,
                "{beta0} {u0}: {got} vs {want}"
            );
        }
        // On the shifted branch: exactly the first-order −δ.
        let mu = start_aware_mu_inf(0.03, 0.04, 1.0, delta).unwrap();
        assert!((mu + delta).abs() < 1e-15);
        assert_eq!(start_aware_mu_inf(0.0, 1.0, -1.0, delta), None);
    }
}

/// The slow dynamics with δ(μ) and c1(μ) varying along M (docs/math.md §5, "numerically along M").
pub mod along_m {
    use crate::loss::Loss;
    use crate::simulate::local::{move_along_m, Local};

    /// One node of the table: `μ = ηλ − 2` at a point of M, with c1 (for the run's η) and
    /// `δ = η²G/(4c1)` there.
    #[derive(Debug, Clone, Copy, PartialEq)]
    struct Node {
        mu: f64,
        c1: f64,
        delta: f64,
    }

    fn node<L: Loss>(local: &Local<'_, L>, point: &[f64], eta: f64) -> Option<Node> {
        let f = local.flip(point, eta).ok()?;
        let (c1, g2) = (f.c1(), f.drift_sq());
        (c1 > 0.0 && g2 > 0.0).then(|| Node {
            mu: eta * f.sharpness() - 2.0,
            c1,
            delta: eta * eta * g2 / (4.0 * c1),
        })
    }

    fn interp(table: &[Node], mu: f64) -> (f64, f64) {
        // `table` is sorted by decreasing μ.
        let i = table
            .windows(2)
            .position(|w| mu >= w[1].mu)
            .unwrap_or(table.len() - 2);
        let (a, b) = (table[i], table[i + 1]);
        let t = ((a.mu - mu) / (a.mu - b.mu)).clamp(0.0, 1.0);
        (a.c1 + t * (b.c1 - a.c1), a.delta + t * (b.delta - a.delta))
    }

    /// `μ∞` from the start `(β0, u0)` at the point `start` of M: tabulates c1 and δ at
    /// points of M spaced by `(max(β0, 0) + δ0)/nodes` in μ below β0 (each reached by
    /// [`move_along_m`] from the previous one; the table grows by `nodes` points at a time, at
    /// most 8 times, and stops where M cannot be followed), integrates
    /// `du/dμ = (u − μ/c1(μ))/δ(μ)` downward by RK4 with step `min δ / 400` and linear
    /// interpolation of c1 and δ, and returns the μ where u reaches 0 (linear interpolation of
    /// the crossing). `None` when u stays positive over the part of M that could be followed,
    /// or c1 ≤ 0 or G = 0 at the start.
    pub fn mu_inf<L: Loss>(
        local: &Local<'_, L>,
        start: &[f64],
        eta: f64,
        u0: f64,
        nodes: usize,
    ) -> Option<f64> {
        let first = node(local, start, eta)?;
        let nodes = nodes.max(2);
        let spacing = (first.mu.max(0.0) + first.delta) / nodes as f64;
        let mut table = vec![first];
        let mut point = start.to_vec();
        let (mut mu, mut u) = (first.mu, u0);
        for _ in 0..8 {
            let before = table.len();
            for _ in 0..nodes {
                let target = (2.0 + table[table.len() - 1].mu - spacing) / eta;
                let next = move_along_m(local, &point, target, 1e-10, f64::INFINITY)
                    .ok()
                    .filter(|m| m.converged)
                    .and_then(|m| node(local, &m.point, eta).map(|n| (m.point, n)));
                let Some((p, n)) = next else { break };
                point = p;
                table.push(n);
            }
            if table.len() == before || table.len() < 2 {
                return None;
            }
            let dmin = table.iter().map(|n| n.delta).fold(f64::INFINITY, f64::min);
            let h = -(dmin / 400.0);
            let f = |mu: f64, u: f64| {
                let (c1, delta) = interp(&table, mu);
                (u - mu / c1) / delta
            };
            let bottom = table[table.len() - 1].mu;
            while mu + h >= bottom {
                let k1 = f(mu, u);
                let k2 = f(mu + h / 2.0, u + h * k1 / 2.0);
                let k3 = f(mu + h / 2.0, u + h * k2 / 2.0);
                let k4 = f(mu + h, u + h * k3);
                let un = u + h * (k1 + 2.0 * k2 + 2.0 * k3 + k4) / 6.0;
                if !un.is_finite() {
                    return None;
                }
                if un <= 0.0 {
                    return Some(mu + h * u / (u - un));
                }
                mu += h;
                u = un;
            }
        }
        None
    }
}

//! Lambert's W function, principal branch `W₀` on `[−1/e, ∞)`: the solution `w ≥ −1` of
//! `w·e^w = x`. Used by the closed form of the start-aware limiting sharpness (docs/math.md §5,
//! see [`crate::simulate::threshold`]).
//!
//! Method: Halley's iteration on `f(w) = w e^w − x` from a branch-point series start
//! (`x < −0.25`), `ln(1 + x)` (`−0.25 ≤ x ≤ 3`) or `ln x − ln ln x` (`x > 3`); converged when
//! the step is below `4ε(1 + |w|)`, at most 64 iterations (a handful in practice).

/// `1/e`.
const INV_E: f64 = 0.367_879_441_171_442_33;

/// `W₀(x)`; `None` for `x < −1/e` (beyond rounding) or non-finite `x`.
pub fn lambert_w0(x: f64) -> Option<f64> {
    if !x.is_finite() {
        return None;
    }
    if x < -INV_E {
        // Allow rounding of the argument at the branch point.
        return (x >= -INV_E * (1.0 + 4.0 * f64::EPSILON)).then_some(-1.0);
    }
    if x == 0.0 {
        return Some(0.0);
    }
    let mut w = if x < -0.25 {
        let p = (2.0 * (std::f64::consts::E * x + 1.0)).max(0.0).sqrt();
        -1.0 + p - p * p / 3.0 + 11.0 / 72.0 * p * p * p
    } else if x <= 3.0 {
        x.ln_1p()
    } else {
        let l = x.ln();
        l - l.ln()
    };
    for _ in 0..64 {
        let ew = w.exp();
        let f = w * ew - x;
        let w1 = w + 1.0;
        if w1.abs() < 1e-300 {
            break;
        }
        let denom = ew * w1 - (w + 2.0) * f / (2.0 * w1);
        if denom == 0.0 || !denom.is_finite() {
            break;
        }
        let dw = f / denom;
        w -= dw;
        if dw.abs() <= 4.0 * f64::EPSILON * (1.0 + w.abs()) {
            break;
        }
    }
    (w.is_finite()).then_some(w.max(-1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values() {
        assert!((lambert_w0(0.0).unwrap()).abs() < 1e-16);
        assert!((lambert_w0(std::f64::consts::E).unwrap() - 1.0).abs() < 1e-15);
        assert!((lambert_w0(-INV_E).unwrap() + 1.0).abs() < 1e-7);
        // Omega constant W(1).
        assert!((lambert_w0(1.0).unwrap() - 0.567_143_290_409_783_8).abs() < 1e-15);
        assert_eq!(lambert_w0(-0.4), None);
        assert_eq!(lambert_w0(f64::NAN), None);
    }

    #[test]
    fn inverts_w_exp_w() {
        for &w in &[
            -0.999, -0.9, -0.5, -1e-8, 1e-10, 0.3, 2.0, 10.0, 100.0, 500.0,
        ] {
            let x = w * f64::exp(w);
            let got = lambert_w0(x).unwrap();
            let tol = if w < -0.99 {
                1e-6
            } else {
                1e-12 * (1.0 + w.abs())
            };
            assert!((got - w).abs() < tol, "w = {w}: got {got}");
        }
    }
}

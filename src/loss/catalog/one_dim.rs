//! One-dimensional catalog losses `quartic1d` and `double_well` (isolated minimizers, m = 0), and
//! `separable`, a sum of one-dimensional quartics (repeated or vanishing curvatures on demand).
//!
//! In one dimension docs/math.md §3 gives `c1 = (η/6)(3 f'''² / f'' − f'''')` at η = 2/f''.

use crate::loss::{c, Loss, Scalar};

/// `f(x) = k2·x²/2 + k3·x³/6 + k4·x⁴/24`, minimizer x = 0 (f''(0) = k2 > 0, f''' = k3,
/// f'''' = k4 at 0).
#[derive(Debug, Clone, PartialEq)]
pub struct Quartic1d {
    /// f''(0) > 0.
    pub k2: f64,
    /// f'''(0).
    pub k3: f64,
    /// f''''(0).
    pub k4: f64,
}

impl Loss for Quartic1d {
    fn dim(&self) -> usize {
        1
    }
    fn value<D: Scalar>(&self, theta: &[D]) -> D {
        let x = theta[0];
        x * x * (x * (x * (self.k4 / 24.0) + self.k3 / 6.0) + self.k2 / 2.0)
    }
    fn gradient<D: Scalar>(&self, theta: &[D]) -> Vec<D> {
        let x = theta[0];
        vec![x * (x * (x * (self.k4 / 6.0) + self.k3 / 2.0) + self.k2)]
    }
}

/// Chen & Bruna's double well `f(x) = (x² − 1)²/4`; minimizers x = ±1 with f'' = 2,
/// f''' = ±6, f'''' = 6, so c1 = 8 at η* = 1.
#[derive(Debug, Clone, PartialEq)]
pub struct DoubleWell;

impl Loss for DoubleWell {
    fn dim(&self) -> usize {
        1
    }
    fn value<D: Scalar>(&self, theta: &[D]) -> D {
        let w = theta[0] * theta[0] - c::<D>(1.0);
        w * w * 0.25
    }
    fn gradient<D: Scalar>(&self, theta: &[D]) -> Vec<D> {
        let x = theta[0];
        vec![x * (x * x - c::<D>(1.0))]
    }
}

/// `L(θ) = Σ_i k2_i θ_i²/2 + k3_i θ_i³/6 + k4_i θ_i⁴/24`, minimizer θ = 0 when every
/// `k2_i > 0` (or `k2_i = 0` with `k3_i = 0`, `k4_i > 0`: a degenerate, non-Morse–Bott minimum,
/// e.g. `x⁴/4 + y²` from k2 = (0, 2), k4 = (6, 0)). Equal `k2_i` give a repeated eigenvalue.
#[derive(Debug, Clone, PartialEq)]
pub struct Separable {
    /// One quartic per coordinate.
    pub terms: Vec<Quartic1d>,
}

impl Loss for Separable {
    fn dim(&self) -> usize {
        self.terms.len()
    }
    fn value<D: Scalar>(&self, theta: &[D]) -> D {
        self.terms
            .iter()
            .zip(theta)
            .fold(D::zero(), |acc, (q, &x)| acc + q.value(&[x]))
    }
    fn gradient<D: Scalar>(&self, theta: &[D]) -> Vec<D> {
        self.terms
            .iter()
            .zip(theta)
            .map(|(q, &x)| q.gradient(&[x])[0])
            .collect()
    }
}

/// `L(x, y) = ½(1 + κy)x² + q x⁴/24` (q < 0): M = {x = 0, y > −1/κ}, λ = 1 + κy, v = e_x,
/// g = (0, κ) = Π_T g, so G = κ², and c1 = −ηq/6 > 0 at any step η. At fixed η, G/c1 is
/// constant along M (d = 0): the clean regime of the limiting-sharpness prediction, with
/// `ε_rel = η²κ²/(8c1) = 3κ²/(2|q|λ)` at η = 2/λ.
#[derive(Debug, Clone, PartialEq)]
pub struct Tilted {
    /// κ ≠ 0: the slope of the sharpness along M.
    pub kappa: f64,
    /// q < 0: the quartic coefficient (c1 > 0).
    pub q: f64,
}

impl Loss for Tilted {
    fn dim(&self) -> usize {
        2
    }
    fn value<D: Scalar>(&self, t: &[D]) -> D {
        let (x, y) = (t[0], t[1]);
        (y * self.kappa + 1.0) * x * x * 0.5 + x.powi(4) * (self.q / 24.0)
    }
    fn gradient<D: Scalar>(&self, t: &[D]) -> Vec<D> {
        let (x, y) = (t[0], t[1]);
        vec![
            (y * self.kappa + 1.0) * x + x.powi(3) * (self.q / 6.0),
            x * x * (self.kappa * 0.5),
        ]
    }
}

/// `L(x, y) = ½(1 + a y²)x² + q x⁴/24 + b y x⁴ + r x⁶/720` (a ≠ 0): M = {x = 0} near the
/// origin, λ = 1 + a y² along M, so Π_T g = (0, 2ay) vanishes at the origin and
/// `Hess_M λ = 2a` there (A6 holds for a > 0, fails for a < 0). At the origin v = e_x,
/// c1 = −ηq/6; with q = 0 the flip is degenerate and `c2 = 6b²/a − r/60` at η* = 2
/// (`theorems/degenerate_flip.md`: the foot point of the cycle shifts by y = −b p²/a).
#[derive(Debug, Clone, PartialEq)]
pub struct Parabolic {
    /// a ≠ 0: curvature of the sharpness along M.
    pub a: f64,
    /// q: quartic coefficient (c1 = −ηq/6).
    pub q: f64,
    /// b: the coupling y x⁴ (a p⁴ drift of the foot point).
    pub b: f64,
    /// r: the sextic coefficient.
    pub r: f64,
}

impl Loss for Parabolic {
    fn dim(&self) -> usize {
        2
    }
    fn value<D: Scalar>(&self, t: &[D]) -> D {
        let (x, y) = (t[0], t[1]);
        let x2 = x * x;
        (y * y * self.a + 1.0) * x2 * 0.5
            + x2 * x2 * (self.q / 24.0)
            + y * x2 * x2 * self.b
            + x2 * x2 * x2 * (self.r / 720.0)
    }
    fn gradient<D: Scalar>(&self, t: &[D]) -> Vec<D> {
        let (x, y) = (t[0], t[1]);
        let x2 = x * x;
        vec![
            (y * y * self.a + 1.0) * x
                + x2 * x * (self.q / 6.0)
                + y * x2 * x * (4.0 * self.b)
                + x2 * x2 * x * (self.r / 120.0),
            y * x2 * self.a + x2 * x2 * self.b,
        ]
    }
}

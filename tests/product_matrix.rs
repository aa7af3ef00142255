//! `eosflip product`, matrix case (theorems/product_depth.md, Theorems 5 and 7, Corollary 6):
//! `L(U, V) = Σ_ij φ((UVᵀ − Y)_ij)` against the numeric core at random points of M.

use eosflip::loss::catalog::link::Link;
use eosflip::Loss;
use proptest::prelude::*;

mod common;
use common::analyze_at as core;

fn rel(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs().max(1e-300)
}

/// theorems/product_depth.md, matrix case: `L(U, V) = Σ_ij φ((UVᵀ − Y)_ij)` with an even-jet φ
/// (φ'(0) = 0, φ''' (0) = 0), at a point of M = {UVᵀ = Y}.
struct Matrix {
    m: usize,
    n: usize,
    r: usize,
    y: Vec<f64>,
    phi: Phi,
}

/// The entrywise loss: a catalog link with minimum at 0, or the quartic with jet (φ2, φ3, φ4).
#[derive(Clone, Copy)]
enum Phi {
    Link(Link),
    Quartic([f64; 3]),
}

impl Phi {
    fn value<D: eosflip::loss::Scalar>(&self, e: D) -> D {
        match *self {
            Phi::Link(l) => l.value(e),
            Phi::Quartic([p2, p3, p4]) => {
                e * e * (p2 / 2.0) + e * e * e * (p3 / 6.0) + e * e * e * e * (p4 / 24.0)
            }
        }
    }
    fn d1<D: eosflip::loss::Scalar>(&self, e: D) -> D {
        match *self {
            Phi::Link(l) => l.d1(e),
            Phi::Quartic([p2, p3, p4]) => e * p2 + e * e * (p3 / 2.0) + e * e * e * (p4 / 6.0),
        }
    }
}

impl Matrix {
    fn residuals<D: eosflip::loss::Scalar>(&self, th: &[D]) -> Vec<D> {
        let (u, v) = th.split_at(self.m * self.r);
        let mut out = Vec::with_capacity(self.m * self.n);
        for i in 0..self.m {
            for j in 0..self.n {
                let mut acc = D::from(-self.y[i * self.n + j]);
                for k in 0..self.r {
                    acc += u[i * self.r + k] * v[j * self.r + k];
                }
                out.push(acc);
            }
        }
        out
    }
}

impl Loss for Matrix {
    fn dim(&self) -> usize {
        (self.m + self.n) * self.r
    }
    fn value<D: eosflip::loss::Scalar>(&self, th: &[D]) -> D {
        self.residuals(th)
            .into_iter()
            .fold(D::from(0.0), |acc, e| acc + self.phi.value(e))
    }
    fn gradient<D: eosflip::loss::Scalar>(&self, th: &[D]) -> Vec<D> {
        let (u, v) = th.split_at(self.m * self.r);
        let d: Vec<D> = self
            .residuals(th)
            .into_iter()
            .map(|e| self.phi.d1(e))
            .collect();
        let mut g = vec![D::from(0.0); th.len()];
        for i in 0..self.m {
            for j in 0..self.n {
                for k in 0..self.r {
                    g[i * self.r + k] += d[i * self.n + j] * v[j * self.r + k];
                    g[self.m * self.r + j * self.r + k] += d[i * self.n + j] * u[i * self.r + k];
                }
            }
        }
        g
    }
}

/// `R' = dU Vᵀ + U dVᵀ` along the unit direction `w`, as a flat m×n vector.
fn r_prime(mx: &Matrix, th: &[f64], w: &[f64]) -> Vec<f64> {
    let (u, v) = th.split_at(mx.m * mx.r);
    let (du, dv) = w.split_at(mx.m * mx.r);
    let mut out = Vec::new();
    for i in 0..mx.m {
        for j in 0..mx.n {
            let mut acc = 0.0;
            for k in 0..mx.r {
                acc += du[i * mx.r + k] * v[j * mx.r + k] + u[i * mx.r + k] * dv[j * mx.r + k];
            }
            out.push(acc);
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    /// c1_φ = c1_sq − φ4 |R'|₄⁴ /(3 φ2 λ_sq) (any rank), and at rank one the closed form
    /// 32A²B²/S³ − κ φ4 S/(3φ2), κ = |u|₄⁴|v|₄⁴/(A⁴B⁴); |Π_T g| scales by φ2.
    #[test]
    fn matrix_case_even_phi(
        rank in 1usize..=2, th in proptest::collection::vec(0.3f64..1.6, 10),
        signs in proptest::collection::vec(any::<bool>(), 10), which in 0usize..2,
    ) {
        let (m, n) = (3usize, 2usize);
        let th: Vec<f64> = th.iter().zip(&signs).take((m + n) * rank)
            .map(|(x, s)| if *s { -x } else { *x }).collect();
        let link = [Link::LogCosh { t: 0.0 }, Link::PseudoHuber { t: 0.0 }][which];
        let [p2, _, p4] = link.derivatives_at_min();
        let phi = Phi::Link(link);
        let sq = Matrix { m, n, r: rank, y: vec![0.0; m * n], phi: Phi::Link(Link::Squared { t: 0.0 }) };
        let y = sq.residuals(&th);
        let sq = Matrix { y: y.clone(), ..sq };
        let ph = Matrix { m, n, r: rank, y, phi };
        let a_sq = core(&sq, &th);
        let a_ph = core(&ph, &th);
        prop_assume!(a_sq.eigenvalues.len() > 1 && a_sq.eigenvalues[1] < 0.9 * a_sq.sharpness);
        let rp = r_prime(&sq, &th, &a_sq.top_eigvec);
        let p4sum: f64 = rp.iter().map(|e| e.powi(4)).sum();
        let predicted = a_sq.c1.unwrap() - p4 * p4sum / (3.0 * p2 * a_sq.sharpness);
        prop_assert!(rel(a_ph.c1.unwrap(), predicted) < 1e-9, "{} vs {predicted}", a_ph.c1.unwrap());
        prop_assert!(rel(a_ph.sharpness, p2 * a_sq.sharpness) < 1e-12);
        let (dp, ds) = (a_ph.drift_norm.unwrap(), a_sq.drift_norm.unwrap());
        prop_assert!((dp - p2 * ds).abs() <= 1e-9 * a_ph.sharpness);
        if rank == 1 {
            let (u, v) = th.split_at(m);
            let n2 = |x: &[f64]| x.iter().map(|a| a * a).sum::<f64>();
            let n4 = |x: &[f64]| x.iter().map(|a| a.powi(4)).sum::<f64>();
            let (a2, b2) = (n2(u), n2(v));
            let s = a2 + b2;
            let kappa = n4(u) * n4(v) / (a2 * a2 * b2 * b2);
            let closed = 32.0 * a2 * b2 / s.powi(3) - kappa * p4 * s / (3.0 * p2);
            prop_assert!(rel(a_ph.c1.unwrap(), closed) < 1e-9, "{} vs {closed}", a_ph.c1.unwrap());
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]

    /// theorems/product_depth.md, Theorem 7 (rank one, any jet): c1 = (S/(3φ2²))·α_eff
    /// + 8 φ3 κ3 z/(φ2 S) + 32 z²/S³, z = AB, with κ3 = p3(u)p3(v)/(A³B³),
    /// α_eff = 3φ3²(κ4 − μ) − φ2φ4κ4, κ4 = p4(u)p4(v)/(A⁴B⁴),
    /// μ = (p4(u) − p3(u)²/A²)(p4(v) − p3(v)²/B²)/(A⁴B⁴).
    #[test]
    fn matrix_rank_one_any_jet(
        th in proptest::collection::vec(0.3f64..1.6, 5),
        signs in proptest::collection::vec(any::<bool>(), 5),
        p2 in 0.5f64..2.0, p3 in -2.0f64..2.0, p4 in -3.0f64..3.0,
    ) {
        let (m, n) = (3usize, 2usize);
        let th: Vec<f64> = th.iter().zip(&signs).map(|(x, s)| if *s { -x } else { *x }).collect();
        let (u, v) = th.split_at(m);
        let mut y = Vec::new();
        for ui in u {
            for vj in v {
                y.push(ui * vj);
            }
        }
        let mx = Matrix { m, n, r: 1, y, phi: Phi::Quartic([p2, p3, p4]) };
        let an = core(&mx, &th);
        let pk = |x: &[f64], k: i32| x.iter().map(|a| a.powi(k)).sum::<f64>();
        let (a2, b2) = (pk(u, 2), pk(v, 2));
        let (s, z) = (a2 + b2, (a2 * b2).sqrt());
        let kappa3 = pk(u, 3) * pk(v, 3) / (a2 * b2).powf(1.5);
        let kappa4 = pk(u, 4) * pk(v, 4) / (a2 * a2 * b2 * b2);
        let mu = (pk(u, 4) - pk(u, 3).powi(2) / a2) * (pk(v, 4) - pk(v, 3).powi(2) / b2)
            / (a2 * a2 * b2 * b2);
        let alpha_eff = 3.0 * p3 * p3 * (kappa4 - mu) - p2 * p4 * kappa4;
        let closed = s / (3.0 * p2 * p2) * alpha_eff + 8.0 * p3 * kappa3 * z / (p2 * s)
            + 32.0 * z * z / s.powi(3);
        let c1 = an.c1.unwrap();
        prop_assert!((c1 - closed).abs() <= 1e-9 * closed.abs().max(an.sharpness), "{c1} vs {closed}");
        prop_assert!(rel(an.sharpness, p2 * s) < 1e-12);
    }
}

//! Degenerate flips (MATH.md §7; theorems/degenerate_flip.md): c2 from the fifth-order
//! reduction (dual-number curve jets) against normal forms known by construction.
mod common;
use common::{assert_rel, build};
use eosflip::flip::{Backend, BackendChoice, FlipPoint};
use eosflip::loss::{Loss, Scalar};
use eosflip::normal_form::degenerate::c2_one_dim;
use eosflip::tolerance::Tolerances;

fn flip_point<L: Loss>(loss: &L, theta: &[f64]) -> FlipPoint {
    let tol = Tolerances::default();
    FlipPoint::build(loss, theta, BackendChoice::Use(Backend::Dense), None, &tol).unwrap()
}

/// `f(x) = Σ_{k=2}^{6} k_k x^k / k!`.
struct Sextic([f64; 5]);

impl Loss for Sextic {
    fn dim(&self) -> usize {
        1
    }
    fn value<D: Scalar>(&self, t: &[D]) -> D {
        let fact = [2.0, 6.0, 24.0, 120.0, 720.0];
        (0..5).fold(D::zero(), |acc, i| {
            acc + t[0].powi(i as i32 + 2) * (self.0[i] / fact[i])
        })
    }
    fn gradient<D: Scalar>(&self, t: &[D]) -> Vec<D> {
        let fact = [1.0, 2.0, 6.0, 24.0, 120.0];
        vec![(0..5).fold(D::zero(), |acc, i| {
            acc + t[0].powi(i as i32 + 1) * (self.0[i] / fact[i])
        })]
    }
}

#[test]
fn one_dimensional_c2_matches_the_closed_form() {
    // c1 = 0 ⇔ 3f'''² = f''f''''; a_k = −η f^(k+1)/k!, c2 = a5 + 3a2a4 − 2a2⁴.
    for &(k2, k3, k5, k6) in &[
        (1.0, 1.0, 0.0, 0.0),
        (2.0, -0.7, 1.3, -2.1),
        (0.5, 0.3, -0.4, 5.0),
        (3.0, 0.0, 0.0, 7.0),
    ] {
        let k4 = 3.0 * k3 * k3 / k2;
        let loss = Sextic([k2, k3, k4, k5, k6]);
        let fp = flip_point(&loss, &[0.0]);
        assert_eq!(fp.supercritical, None, "c1 = 0 is degenerate");
        let eta = 2.0 / k2;
        let (a2, a4, a5) = (-eta * k3 / 2.0, -eta * k5 / 24.0, -eta * k6 / 120.0);
        let want = c2_one_dim(a2, a4, a5);
        let got = fp.fifth.as_ref().expect("c2 computed");
        assert!(got.c1.abs() < 1e-13, "c1 from the reduction {}", got.c1);
        assert_rel(got.c2, want, 1e-12, 1e-14, "c2 (1-D)");
        assert_eq!(fp.flip_order(), (want != 0.0).then_some(5));
    }
}

#[test]
fn quartic1d_degenerate_has_c2_minus_two() {
    // k2 = 1, k3 = 1, k4 = 3, η* = 2: a2 = −1, a4 = a5 = 0, so c2 = −2a2⁴ = −2 (subcritical).
    let inst = build("quartic1d", &[("k2", "1"), ("k3", "1"), ("k4", "3")]);
    let fp = flip_point(&inst.loss, &[0.0]);
    assert_rel(fp.c2().unwrap(), -2.0, 1e-13, 0.0, "c2");
    assert_eq!(fp.flip_order(), Some(5));
}

/// `x²/2 + μy²/2 + b x²y + q x⁴/24 + e y x⁴ + r x⁶/720`, q = 12b²/μ: an isolated minimizer with
/// dim N = 2 whose 2-cycle is `(±p, −(bp² + ep⁴)/μ)`, so c1 = 4b²/μ − q/3 = 0 and
/// `c2 = 12be/μ − r/60` at η* = 2.
struct Coupled {
    mu: f64,
    b: f64,
    e: f64,
    r: f64,
}

impl Coupled {
    fn q(&self) -> f64 {
        12.0 * self.b * self.b / self.mu
    }
}

impl Loss for Coupled {
    fn dim(&self) -> usize {
        2
    }
    fn value<D: Scalar>(&self, t: &[D]) -> D {
        let (x, y) = (t[0], t[1]);
        let x2 = x * x;
        x2 * 0.5
            + y * y * (self.mu / 2.0)
            + x2 * y * self.b
            + x2 * x2 * (self.q() / 24.0)
            + y * x2 * x2 * self.e
            + x2 * x2 * x2 * (self.r / 720.0)
    }
    fn gradient<D: Scalar>(&self, t: &[D]) -> Vec<D> {
        let (x, y) = (t[0], t[1]);
        let x2 = x * x;
        vec![
            x + x * y * (2.0 * self.b)
                + x2 * x * (self.q() / 6.0)
                + y * x2 * x * (4.0 * self.e)
                + x2 * x2 * x * (self.r / 120.0),
            y * self.mu + x2 * self.b + x2 * x2 * self.e,
        ]
    }
}

#[test]
fn coupled_two_dimensional_c2_includes_the_centre_manifold_terms() {
    for &(mu, b, e, r) in &[
        (0.5, 0.3, 0.7, 0.0),
        (0.25, -0.4, 0.2, 3.0),
        (0.8, 0.1, -1.0, -2.0),
    ] {
        let loss = Coupled { mu, b, e, r };
        let fp = flip_point(&loss, &[0.0, 0.0]);
        assert_eq!(fp.spectral.normal_dim, Some(2));
        let got = fp.c2().expect("c2 computed");
        assert_rel(got, 12.0 * b * e / mu - r / 60.0, 1e-11, 1e-13, "c2 (2-D)");
    }
}

#[test]
fn foot_point_shift_on_m_enters_c2() {
    // parabolic with q = 0: the cycle sits at y = −bp²/a, c2 = 6b²/a − r/60 (−2b²/a from λ and
    // +8b²/a from c1 at the shifted foot point).
    for &(a, b, r) in &[(0.5, 0.3, 1.0), (-0.5, 0.2, -1.0), (1.5, -0.7, 0.0)] {
        let params = [
            ("a", a.to_string()),
            ("q", "0".to_string()),
            ("b", b.to_string()),
            ("r", r.to_string()),
        ];
        let p: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let inst = build("parabolic", &p);
        let fp = flip_point(&inst.loss, &[0.0, 0.0]);
        let f = fp.fifth.as_ref().expect("c2 computed");
        assert_rel(f.c2, 6.0 * b * b / a - r / 60.0, 1e-11, 1e-13, "c2 on M");
        assert_rel(f.tangent_shift[1], -b / a, 1e-11, 1e-13, "foot shift κ");
        assert!(f.tangent_residual < 1e-12);
    }
}

#[test]
fn supercritical_quintic_flip_has_a_stable_cycle_with_p4_beta_over_c2() {
    // Coupled with c2 = 12·0.3·0.7/0.5 = 5.04 > 0 (dim N = 2): GD finds the stable cycle,
    // p⁴ ≈ β/c2 with relative amplitude error of order ≈ 1/2 in β.
    use eosflip::simulate::amplitude::{amplitude_sweep, AmplitudeKind, AmplitudeOptions};
    let loss = Coupled {
        mu: 0.5,
        b: 0.3,
        e: 0.7,
        r: 0.0,
    };
    let opts = AmplitudeOptions {
        betas: eosflip::simulate::geometric(0.02, 0.5, 6),
        ..AmplitudeOptions::default()
    };
    let s = amplitude_sweep(
        &loss,
        &[0.0, 0.0],
        &opts,
        &mut eosflip::simulate::gd::NoObserver,
    )
    .unwrap();
    assert_rel(s.c2.unwrap(), 5.04, 1e-11, 0.0, "c2");
    assert!(s
        .points
        .iter()
        .all(|p| p.kind == AmplitudeKind::StableCycle));
    assert_eq!(s.outcome, eosflip::simulate::Outcome::Pass, "{}", s.note);
    let f = s.order.unwrap();
    assert!((f.order - 0.5).abs() < 0.15, "order {}", f.order);
}

/// `L(Rθ)` for a rotation R by `angle` and scale `s`: `θ ↦ L(s R θ)`.
struct Rotated<L> {
    inner: L,
    angle: f64,
    s: f64,
}

impl<L: Loss> Rotated<L> {
    fn map<D: Scalar>(&self, t: &[D]) -> Vec<D> {
        let (c, sn) = (self.angle.cos() * self.s, self.angle.sin() * self.s);
        vec![t[0] * c - t[1] * sn, t[0] * sn + t[1] * c]
    }
}

impl<L: Loss> Loss for Rotated<L> {
    fn dim(&self) -> usize {
        2
    }
    fn value<D: Scalar>(&self, t: &[D]) -> D {
        self.inner.value(&self.map(t))
    }
    fn gradient<D: Scalar>(&self, t: &[D]) -> Vec<D> {
        let g = self.inner.gradient(&self.map(t));
        let (c, sn) = (self.angle.cos() * self.s, self.angle.sin() * self.s);
        vec![g[0] * c + g[1] * sn, -(g[0] * sn) + g[1] * c]
    }
}

#[test]
fn c2_and_hess_m_lambda_are_rotation_invariant_and_scale_as_s4_and_s2() {
    // L(sRθ): λ scales by s², c1 by s² (MATH.md §3), c2 by s⁴ (p ↦ p/s in the normal form),
    // Hess_M λ by s⁴ (λ ~ s², two tangent derivatives ~ s²).
    use eosflip::assumptions::a6::manifold_hessian;
    for &(angle, s) in &[(0.3, 1.0), (1.1, 1.0), (0.7, 1.5), (-0.4, 0.8)] {
        let iso = Rotated {
            inner: Coupled {
                mu: 0.5,
                b: 0.3,
                e: 0.7,
                r: 1.0,
            },
            angle,
            s,
        };
        let want = (12.0 * 0.3 * 0.7 / 0.5 - 1.0 / 60.0) * s.powi(4);
        let fp = flip_point(&iso, &[0.0, 0.0]);
        assert_rel(fp.c2().unwrap(), want, 1e-10, 1e-13, "rotated c2 (m = 0)");
        let inst = build(
            "parabolic",
            &[("a", "0.5"), ("q", "0"), ("b", "0.3"), ("r", "-60")],
        );
        let on_m = Rotated {
            inner: inst.loss,
            angle,
            s,
        };
        let fp = flip_point(&on_m, &[0.0, 0.0]);
        assert_rel(
            fp.c2().unwrap(),
            2.08 * s.powi(4),
            1e-10,
            1e-13,
            "rotated c2 (m = 1)",
        );
        let h = manifold_hessian(&on_m, &fp, &Tolerances::default())
            .unwrap()
            .unwrap();
        assert_rel(
            h.eigenvalues[0],
            s.powi(4),
            1e-10,
            1e-13,
            "rotated Hess_M λ = 2a s⁴",
        );
    }
}

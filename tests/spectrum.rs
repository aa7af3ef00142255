//! Spectrum stage: sorting, sign rule, rank split, simplicity of λ, spectral gap.

mod common;

use common::analyze_at;
use eosflip::loss::{Loss, Scalar};
use eosflip::spectrum::{sign_fixed, Spectrum};
use eosflip::tolerance::Tolerance;
use nalgebra::{DMatrix, DVector};

/// `(a x² + b y²)/2 + x⁴ + x y³ + y³ + y⁴`: H = diag(a, b) at 0.
struct Diagonal {
    a: f64,
    b: f64,
}

impl Loss for Diagonal {
    fn dim(&self) -> usize {
        2
    }
    fn value<D: Scalar>(&self, t: &[D]) -> D {
        let (x, y) = (t[0], t[1]);
        x * x * (self.a / 2.0)
            + y * y * (self.b / 2.0)
            + x.powi(4)
            + x * y.powi(3)
            + y.powi(3)
            + y.powi(4)
    }
    fn gradient<D: Scalar>(&self, t: &[D]) -> Vec<D> {
        let (x, y) = (t[0], t[1]);
        vec![
            x * self.a + x.powi(3) * 4.0 + y.powi(3),
            y * self.b + x * y * y * 3.0 + y * y * 3.0 + y.powi(3) * 4.0,
        ]
    }
}

#[test]
fn repeated_top_eigenvalue_leaves_c1_undefined() {
    let a = analyze_at(&Diagonal { a: 3.0, b: 3.0 }, &[0.0, 0.0]);
    assert!(!a.top_simple);
    assert!(
        a.c1.is_none()
            && a.c1_map.is_none()
            && a.supercritical.is_none()
            && a.lambda_inf_pred.is_none()
    );
    assert!(a
        .undefined_reason
        .as_deref()
        .unwrap()
        .contains("not simple"));
    assert_eq!(a.eta_star, Some(2.0 / 3.0));
    // A clear gap: c1 is defined, v = e_y when b > a; spectral gap b − a.
    let a = analyze_at(&Diagonal { a: 1.0, b: 3.0 }, &[0.0, 0.0]);
    assert!(a.top_simple);
    assert_eq!(a.top_eigvec, vec![0.0, 1.0]);
    assert!((a.spectral_gap - 2.0).abs() < 1e-15);
    // v = e_y: g = (∂x∂y²L, ∂y³L) = (0, 6), L4 = ∂y⁴L = 24, gᵀH⁺g = 36/3 = 12,
    // c1 = (3·12 − 24)/(3·3) = 4/3.
    assert_eq!(a.g.as_deref(), Some(&[0.0, 6.0][..]));
    assert!(
        (a.c1.unwrap() - 4.0 / 3.0).abs() < 1e-14 && (a.c1_map.unwrap() - 4.0 / 3.0).abs() < 1e-14
    );
}

#[test]
fn eigenpairs_are_sorted_and_split_by_rank() {
    // diag(0, 5, -0, 2, 1e-12) rotated: eigenvalues 5, 2, then three below the rank threshold.
    let q = DMatrix::from_fn(5, 5, |i, j| ((i * 5 + j) as f64).sin())
        .qr()
        .q();
    let d = DMatrix::from_diagonal(&DVector::from_vec(vec![0.0, 5.0, 0.0, 2.0, 1e-12]));
    let h = &q * d * q.transpose();
    let s =
        Spectrum::of_symmetric((&h + h.transpose()) * 0.5, &Tolerance::new(1e-12, 1e-8)).unwrap();
    assert!((s.eigenvalues[0] - 5.0).abs() < 1e-13 && (s.eigenvalues[1] - 2.0).abs() < 1e-13);
    assert!(s.eigenvalues.windows(2).all(|w| w[0] >= w[1]));
    assert_eq!((s.normal_dim, s.tangent_dim, s.negative_dim()), (2, 3, 0));
    assert!((s.rank_threshold - 5e-8).abs() < 1e-20);
    // H⁺ inverts H on N and annihilates T.
    let x = DVector::from_fn(5, |i, _| 1.0 + i as f64);
    let hx = &h * &x;
    assert!((s.pinv_apply(&hx) - s.project_normal(&x)).amax() < 1e-12);
    assert!((s.project_normal(&x) + s.project_tangent(&x) - &x).amax() < 1e-13);
    assert!((s.spectral_gap() - 3.0).abs() < 1e-13);
    // A negative eigenvalue beyond the threshold is classified as such.
    let s = Spectrum::of_symmetric(
        DMatrix::from_diagonal(&DVector::from_vec(vec![1.0, -1e-3])),
        &Tolerance::new(1e-12, 1e-8),
    )
    .unwrap();
    assert_eq!(s.most_negative(), Some(-1e-3));
}

#[test]
fn sign_rule_makes_the_largest_component_positive_stably() {
    assert_eq!(
        sign_fixed(DVector::from_vec(vec![0.3, -0.9])).as_slice(),
        &[-0.3, 0.9]
    );
    // Balanced up to rounding: the first of the (near-)largest components decides.
    let (hi, lo) = (
        std::f64::consts::FRAC_1_SQRT_2,
        std::f64::consts::FRAC_1_SQRT_2 * (1.0 - 2e-16),
    );
    let v = sign_fixed(DVector::from_vec(vec![-lo, hi]));
    assert!(v[0] > 0.0);
    let v = sign_fixed(DVector::from_vec(vec![-hi, lo]));
    assert!(v[0] > 0.0);
}

/// Dense and matrix-free (Lanczos on HVPs) spectra give the same λ, λ_2 and v.
#[test]
fn dense_and_matrix_free_spectra_agree() {
    use eosflip::spectrum::dense_hessian;
    use eosflip::spectrum::lanczos::top_eigenpairs;
    use eosflip::tolerance::Tolerances;
    let cases = [
        common::build(
            "polynomial",
            &[("dim", "60"), ("terms", "30"), ("seed", "4")],
        ),
        common::build(
            "factorization",
            &[("n", "6"), ("m", "5"), ("r", "2"), ("seed", "3")],
        ),
        common::build("product", &[("depth", "6"), ("l", "logistic")]),
    ];
    for inst in &cases {
        let th = &inst.default_point;
        let spec =
            Spectrum::of_symmetric(dense_hessian(&inst.loss, th).0, &Tolerances::default().rank)
                .unwrap();
        let start: Vec<f64> = (0..th.len())
            .map(|i| 1.0 + 0.1 * (i as f64).sin())
            .collect();
        let te = top_eigenpairs(&inst.loss, th, 2, 200, 1e-13, &start);
        assert!(te.converged, "{}: residual {}", inst.name, te.residual);
        let lam = spec.sharpness();
        assert!(
            (te.values[0] - lam).abs() <= 1e-12 * lam,
            "{}: {} vs {}",
            inst.name,
            te.values[0],
            lam
        );
        if spec.normal_dim >= 2 {
            assert!(
                (te.values[1] - spec.eigenvalues[1]).abs() <= 1e-9 * lam,
                "{}: λ_2",
                inst.name
            );
        }
        let v = spec.top_eigvec();
        let diff = v
            .iter()
            .zip(&te.vector)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f64::max);
        assert!(diff < 1e-9, "{}: eigenvectors differ by {diff}", inst.name);
    }
}

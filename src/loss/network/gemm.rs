//! Dense matrix products over dual numbers as a few `f64` GEMMs (docs/math.md §2: every derivative
//! is one dual-number pass; this makes a pass through a network cost a few matrix products).
//!
//! A dual number of any num-dual type over `f64` is a vector of `N` real parts (`re`, `eps`, …;
//! nested types concatenate their inner parts), and its product is bilinear in those parts:
//! `(a·b)_k = Σ_{i,j} T_ijk a_i b_j`. The table `T` is read off num-dual's own multiplication of
//! basis elements, so it is right by construction for every type. A matrix of duals is split
//! into `N` real matrices, and `C = A·B` becomes `Σ T_ijk A_i B_j`: one `f64` GEMM
//! (`matrixmultiply::dgemm`) per nonzero table entry whose factors are not identically zero
//! (a weight matrix `W + t V` seeded along one direction has only two nonzero parts, which is
//! what keeps a higher-order pass cheap).
//!
//! [`gemm`] takes any [`Scalar`]: the types of [`Parts`] (f64 and the num-dual types the
//! toolkit seeds) go through the split; any other type falls back to a plain triple loop.

use crate::loss::Scalar;
use num_dual::{Dual, Dual2, Dual3, HyperDual, HyperHyperDual};
use std::any::TypeId;

/// A number type seen as `N` real parts.
pub trait Parts: Scalar {
    /// Number of real parts.
    const N: usize;
    /// Writes the `N` parts into `out`.
    fn write_parts(&self, out: &mut [f64]);
    /// The number with parts `p` (`p.len() == N`).
    fn from_parts(p: &[f64]) -> Self;
}

impl Parts for f64 {
    const N: usize = 1;
    fn write_parts(&self, out: &mut [f64]) {
        out[0] = *self;
    }
    fn from_parts(p: &[f64]) -> Self {
        p[0]
    }
}

macro_rules! impl_parts {
    ($ty:ident, $count:expr, $($field:ident),+) => {
        impl<T: Parts> Parts for $ty<T>
        where
            $ty<T>: Scalar,
        {
            const N: usize = $count * T::N;
            fn write_parts(&self, out: &mut [f64]) {
                let mut k = 0;
                $(
                    self.$field.write_parts(&mut out[k..k + T::N]);
                    k += T::N;
                )+
                let _ = k;
            }
            fn from_parts(p: &[f64]) -> Self {
                let mut k = 0;
                $(
                    let $field = T::from_parts(&p[k..k + T::N]);
                    k += T::N;
                )+
                let _ = k;
                $ty { $($field),+ }
            }
        }
    };
}

impl_parts!(Dual, 2, re, eps);
impl_parts!(Dual2, 3, re, v1, v2);
impl_parts!(Dual3, 4, re, v1, v2, v3);
impl_parts!(HyperDual, 4, re, eps1, eps2, eps1eps2);
impl_parts!(
    HyperHyperDual,
    8,
    re,
    eps1,
    eps2,
    eps3,
    eps1eps2,
    eps1eps3,
    eps2eps3,
    eps1eps2eps3
);

/// A strided view of a row-major-or-not matrix: element (r, c) is `data[r·rs + c·cs]`.
#[derive(Debug, Clone, Copy)]
pub struct View<'a, D> {
    /// The storage.
    pub data: &'a [D],
    /// Rows.
    pub rows: usize,
    /// Columns.
    pub cols: usize,
    /// Row stride.
    pub rs: usize,
    /// Column stride.
    pub cs: usize,
}

impl<'a, D: Copy> View<'a, D> {
    /// A row-major `rows × cols` matrix.
    pub fn row_major(data: &'a [D], rows: usize, cols: usize) -> Self {
        View {
            data,
            rows,
            cols,
            rs: cols,
            cs: 1,
        }
    }
    /// The transpose (no copy).
    pub fn t(self) -> Self {
        View {
            data: self.data,
            rows: self.cols,
            cols: self.rows,
            rs: self.cs,
            cs: self.rs,
        }
    }
    fn check(&self) {
        if self.rows > 0 && self.cols > 0 {
            let last = (self.rows - 1) * self.rs + (self.cols - 1) * self.cs;
            assert!(last < self.data.len(), "matrix view out of bounds");
        }
    }
    #[inline]
    fn at(&self, r: usize, c: usize) -> D {
        self.data[r * self.rs + c * self.cs]
    }
}

/// `A · B` as a new row-major `A.rows × B.cols` matrix (module docs).
pub fn gemm<D: Scalar>(a: View<'_, D>, b: View<'_, D>) -> Vec<D> {
    assert_eq!(
        a.cols, b.rows,
        "inner dimensions of a matrix product differ"
    );
    a.check();
    b.check();
    macro_rules! dispatch {
        ($($t:ty),+) => {
            $(
                if TypeId::of::<D>() == TypeId::of::<$t>() {
                    // SAFETY: D and $t are the same type (equal TypeIds), so the slices and
                    // the vector have the same layout; this only renames the type.
                    let (a2, b2) = unsafe { (recast::<D, $t>(a), recast::<D, $t>(b)) };
                    let c = gemm_parts::<$t>(a2, b2);
                    let mut c = std::mem::ManuallyDrop::new(c);
                    let (ptr, len, cap) = (c.as_mut_ptr(), c.len(), c.capacity());
                    return unsafe { Vec::from_raw_parts(ptr as *mut D, len, cap) };
                }
            )+
        };
    }
    dispatch!(
        f64,
        Dual<f64>,
        Dual2<f64>,
        Dual3<f64>,
        HyperDual<f64>,
        HyperHyperDual<f64>,
        Dual<Dual<f64>>,
        Dual2<Dual<f64>>,
        Dual3<Dual<f64>>,
        Dual2<Dual2<f64>>
    );
    gemm_naive(a, b)
}

/// # Safety
/// `D` and `T` must be the same type.
unsafe fn recast<D, T>(v: View<'_, D>) -> View<'_, T> {
    View {
        data: std::slice::from_raw_parts(v.data.as_ptr() as *const T, v.data.len()),
        rows: v.rows,
        cols: v.cols,
        rs: v.rs,
        cs: v.cs,
    }
}

/// The reference product: a triple loop in `D` (also the fallback for other types).
pub fn gemm_naive<D: Scalar>(a: View<'_, D>, b: View<'_, D>) -> Vec<D> {
    let (m, k, n) = (a.rows, a.cols, b.cols);
    let mut c = vec![D::zero(); m * n];
    for i in 0..m {
        for l in 0..k {
            let x = a.at(i, l);
            for j in 0..n {
                c[i * n + j] += x * b.at(l, j);
            }
        }
    }
    c
}

/// Multiplication table `(i, j, k, T_ijk)` of `P`, from products of basis elements.
fn table<P: Parts>() -> Vec<(usize, usize, usize, f64)> {
    let n = P::N;
    let mut basis = vec![0.0; n];
    let mut out = vec![0.0; n];
    let mut t = Vec::new();
    for i in 0..n {
        basis.iter_mut().for_each(|x| *x = 0.0);
        basis[i] = 1.0;
        let ei = P::from_parts(&basis);
        for j in 0..n {
            basis.iter_mut().for_each(|x| *x = 0.0);
            basis[j] = 1.0;
            (ei * P::from_parts(&basis)).write_parts(&mut out);
            for (k, &c) in out.iter().enumerate() {
                if c != 0.0 {
                    t.push((i, j, k, c));
                }
            }
        }
    }
    t
}

/// Splits a view into `P::N` contiguous row-major part matrices; parts that are identically
/// zero are left empty (no allocation, no copy), and `nonzero[i]` says which are not.
fn split<P: Parts>(v: View<'_, P>) -> (Vec<Vec<f64>>, Vec<bool>) {
    let n = P::N;
    let mut buf = vec![0.0; n];
    let mut nonzero = vec![false; n];
    for r in 0..v.rows {
        for c in 0..v.cols {
            v.at(r, c).write_parts(&mut buf);
            for (z, &x) in nonzero.iter_mut().zip(&buf) {
                *z |= x != 0.0;
            }
        }
    }
    let mut parts: Vec<Vec<f64>> = nonzero
        .iter()
        .map(|&z| {
            if z {
                vec![0.0; v.rows * v.cols]
            } else {
                Vec::new()
            }
        })
        .collect();
    for r in 0..v.rows {
        for c in 0..v.cols {
            v.at(r, c).write_parts(&mut buf);
            for (p, &x) in parts.iter_mut().zip(&buf) {
                if !p.is_empty() {
                    p[r * v.cols + c] = x;
                }
            }
        }
    }
    (parts, nonzero)
}

/// The f64 values of a 1-part view (`P::N == 1`).
fn single_parts<P: Parts>(v: &View<'_, P>) -> Vec<f64> {
    v.data
        .iter()
        .map(|x| {
            let mut o = [0.0];
            x.write_parts(&mut o);
            o[0]
        })
        .collect()
}

fn gemm_parts<P: Parts>(a: View<'_, P>, b: View<'_, P>) -> Vec<P> {
    let (m, k, n) = (a.rows, a.cols, b.cols);
    if P::N == 1 {
        let mut c = vec![0.0; m * n];
        // A 1-part type is f64 itself: multiply in place, no split.
        let (a64, b64) = (single_parts(&a), single_parts(&b));
        dgemm(m, k, n, 1.0, &a64, a.rs, a.cs, &b64, b.rs, b.cs, &mut c);
        return c.into_iter().map(|x| P::from_parts(&[x])).collect();
    }
    let (ap, anz) = split(a);
    let (bp, bnz) = split(b);
    let mut cp = vec![vec![0.0; m * n]; P::N];
    let entries: Vec<_> = table::<P>()
        .into_iter()
        .filter(|&(i, j, _, _)| anz[i] && bnz[j])
        .collect();
    // Each output part is one task with its products in table order: deterministic.
    let part = |l: usize, c: &mut Vec<f64>| {
        for &(i, j, _, coef) in entries.iter().filter(|e| e.2 == l) {
            dgemm(m, k, n, coef, &ap[i], k, 1, &bp[j], n, 1, c);
        }
    };
    if (m * n * k) as f64 * entries.len() as f64 > 2e6 {
        use rayon::prelude::*;
        crate::parallel::pool()
            .install(|| cp.par_iter_mut().enumerate().for_each(|(l, c)| part(l, c)));
    } else {
        cp.iter_mut().enumerate().for_each(|(l, c)| part(l, c));
    }
    let mut buf = vec![0.0; P::N];
    (0..m * n)
        .map(|e| {
            for (x, p) in buf.iter_mut().zip(&cp) {
                *x = if p.is_empty() { 0.0 } else { p[e] };
            }
            P::from_parts(&buf)
        })
        .collect()
}

/// `C += alpha · A · B` for row-major `C` (m × n) and strided `A`, `B`.
#[allow(clippy::too_many_arguments)]
fn dgemm(
    m: usize,
    k: usize,
    n: usize,
    alpha: f64,
    a: &[f64],
    rsa: usize,
    csa: usize,
    b: &[f64],
    rsb: usize,
    csb: usize,
    c: &mut [f64],
) {
    if m == 0 || n == 0 {
        return;
    }
    if k == 0 {
        return;
    }
    assert!((m - 1) * rsa + (k - 1) * csa < a.len());
    assert!((k - 1) * rsb + (n - 1) * csb < b.len());
    assert!(c.len() >= m * n);
    // SAFETY: the asserts above keep every index of A, B and C inside its slice.
    unsafe {
        matrixmultiply::dgemm(
            m,
            k,
            n,
            alpha,
            a.as_ptr(),
            rsa as isize,
            csa as isize,
            b.as_ptr(),
            rsb as isize,
            csb as isize,
            1.0,
            c.as_mut_ptr(),
            n as isize,
            1,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use num_dual::{Dual3_64, HyperHyperDual64};

    fn seq<D: Scalar>(len: usize, f: impl Fn(usize) -> D) -> Vec<D> {
        (0..len).map(f).collect()
    }

    #[test]
    fn split_product_equals_naive_for_dual3_and_transposes() {
        let a: Vec<Dual3_64> = seq(6, |i| {
            Dual3_64::new(
                i as f64 * 0.3 - 1.0,
                0.5 + i as f64,
                (i % 2) as f64,
                -0.25 * i as f64,
            )
        });
        let b: Vec<Dual3_64> = seq(12, |i| {
            Dual3_64::new(0.1 * i as f64, 1.0 - 0.2 * i as f64, 0.0, 0.7)
        });
        let av = View::row_major(&a, 2, 3);
        let bv = View::row_major(&b, 4, 3).t(); // 3 × 4
        let fast = gemm(av, bv);
        let slow = gemm_naive(av, bv);
        for (x, y) in fast.iter().zip(&slow) {
            for (p, q) in [(x.re, y.re), (x.v1, y.v1), (x.v2, y.v2), (x.v3, y.v3)] {
                assert!((p - q).abs() <= 1e-13 * (1.0 + q.abs()), "{p} vs {q}");
            }
        }
    }

    #[test]
    fn hyperhyperdual_table_has_27_entries_and_matches() {
        assert_eq!(table::<HyperHyperDual64>().len(), 27);
        assert_eq!(table::<Dual3_64>().len(), 10);
        let a: Vec<HyperHyperDual64> = seq(4, |i| {
            HyperHyperDual64::new(
                1.0 + i as f64,
                0.5,
                -0.3,
                0.2,
                0.1 * i as f64,
                0.0,
                0.4,
                -0.6,
            )
        });
        let b: Vec<HyperHyperDual64> = seq(4, |i| {
            HyperHyperDual64::new(
                2.0 - i as f64,
                0.1,
                0.7,
                -0.9,
                0.3,
                0.2 * i as f64,
                0.0,
                1.1,
            )
        });
        let fast = gemm(View::row_major(&a, 2, 2), View::row_major(&b, 2, 2));
        let slow = gemm_naive(View::row_major(&a, 2, 2), View::row_major(&b, 2, 2));
        for (x, y) in fast.iter().zip(&slow) {
            assert!((x.eps1eps2eps3 - y.eps1eps2eps3).abs() < 1e-13);
            assert!((x.eps2eps3 - y.eps2eps3).abs() < 1e-13 && (x.re - y.re).abs() < 1e-13);
        }
    }

    #[test]
    fn f64_product_is_exact_on_small_integers() {
        let a = [1.0, 2.0, 3.0, 4.0];
        let b = [5.0, 6.0, 7.0, 8.0];
        let c = gemm(View::row_major(&a, 2, 2), View::row_major(&b, 2, 2).t());
        assert_eq!(c, vec![17.0, 23.0, 39.0, 53.0]);
    }
}

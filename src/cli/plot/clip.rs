//! Axis ranges and geometry plotters can draw (DESIGN.md, figures): plotters maps data to i32
//! pixels and overflows (panics) on a range too narrow for its magnitude or on a point far
//! outside the axes, so ranges are widened and everything drawn is clipped to the axes first.

/// Relative width below which an axis range is widened: plotters computes its tick positions in
/// integer steps of the range's width and overflows (panics) when the width is tiny next to the
/// magnitude of the ends, or the ends are tiny in absolute terms.
const MIN_REL_WIDTH: f64 = 1e-6;
/// Magnitude below which an axis is drawn as if its ends were this large (the ticks of a range
/// near 1e-300 are not representable in plotters' arithmetic).
const MIN_SCALE: f64 = 1e-30;

/// An axis range plotters can draw: finite, increasing, and at least `MIN_REL_WIDTH` of its
/// magnitude wide (at least `MIN_REL_WIDTH · MIN_SCALE` in absolute terms), widened symmetrically
/// about its centre when it is narrower. Wide ranges are returned unchanged.
pub(super) fn drawable((lo, hi): (f64, f64)) -> (f64, f64) {
    if !lo.is_finite() || !hi.is_finite() {
        return (0.0, 1.0);
    }
    let (lo, hi) = if lo <= hi { (lo, hi) } else { (hi, lo) };
    let mag = lo.abs().max(hi.abs()).max(MIN_SCALE);
    let min_w = MIN_REL_WIDTH * mag;
    if hi - lo >= min_w {
        return (lo, hi);
    }
    let mid = lo / 2.0 + hi / 2.0;
    (mid - min_w / 2.0, mid + min_w / 2.0)
}

/// Clips the segment `a`–`b` to the box `[x0, x1] × [y0, y1]` (Liang–Barsky); `None` when
/// the segment misses it.
pub(super) fn clip(
    a: (f64, f64),
    b: (f64, f64),
    [x0, x1, y0, y1]: [f64; 4],
) -> Option<[(f64, f64); 2]> {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    for (p, q) in [
        (-dx, a.0 - x0),
        (dx, x1 - a.0),
        (-dy, a.1 - y0),
        (dy, y1 - a.1),
    ] {
        if p == 0.0 {
            if q < 0.0 {
                return None;
            }
        } else {
            let r = q / p;
            if p < 0.0 {
                t0 = t0.max(r);
            } else {
                t1 = t1.min(r);
            }
        }
    }
    (t0 <= t1).then(|| {
        let at = |t: f64| (a.0 + t * dx, a.1 + t * dy);
        [
            if t0 > 0.0 { at(t0) } else { a },
            if t1 < 1.0 { at(t1) } else { b },
        ]
    })
}

/// The runs of one polyline clipped to `bx`: a point far outside the axis ranges has a pixel
/// coordinate that overflows plotters' i32 arithmetic, so nothing outside `bx` is handed to it.
pub(super) fn clipped_runs(run: &[(f64, f64)], bx: [f64; 4]) -> Vec<Vec<(f64, f64)>> {
    let mut out: Vec<Vec<(f64, f64)>> = Vec::new();
    if let [p] = run {
        if clip(*p, *p, bx).is_some() {
            out.push(vec![*p]);
        }
        return out;
    }
    let mut joined = false;
    for w in run.windows(2) {
        match clip(w[0], w[1], bx) {
            Some([a, b]) => {
                if joined && a == w[0] {
                    out.last_mut().expect("joined").push(b);
                } else {
                    out.push(vec![a, b]);
                }
                joined = b == w[1];
            }
            None => joined = false,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::*;
    use super::*;

    fn panel(x: (f64, f64), y: (f64, f64)) -> Figure {
        let pts = vec![(x.0, y.0), (1.0, 1.0), (x.1, y.1), (-1e300, 1e300)];
        Figure {
            title: "t".into(),
            panels: vec![Panel {
                series: vec![Series::new("s", colors::TEXT, Style::Line, pts)],
                vlines: [x.0, 1.0]
                    .map(|x| VLine {
                        x,
                        label: "v".into(),
                        color: colors::TEXT,
                    })
                    .to_vec(),
                bands: vec![Band {
                    x0: -1.0,
                    x1: x.1,
                    label: "b".into(),
                    color: colors::TEXT,
                }],
                x_range: Some(x),
                y_range: Some(y),
                ..Panel::default()
            }],
            width: 400,
            panel_height: 200,
            ..Figure::default()
        }
    }

    /// Degenerate and too-narrow ranges (the η ranges of a hostile `bifurcate`) render without
    /// a panic, on both axes; wide ranges are left exactly as they are.
    #[test]
    fn narrow_and_tiny_ranges_render() {
        let cases = [
            (1e-300, 2e-300),
            (0.8, 0.800000001),
            (1e-10, 2e-10),
            (1.0, 1.0),
            (0.0, 0.0),
            (-1e-300, 1e-300),
            (1e300, 1.0000001e300),
            (5e-324, 1e-323),
            (123456.0, 123456.0 + 1e-9),
        ];
        for &a in &cases {
            for &b in &[(0.0, 1.0), a] {
                for (x, y) in [(a, b), (b, a)] {
                    let svg = render(&panel(x, y)).unwrap_or_else(|e| panic!("{x:?} {y:?}: {e}"));
                    assert!(svg.contains("<svg"), "{x:?} {y:?}");
                }
            }
            let (lo, hi) = drawable(a);
            assert!(lo < hi && hi - lo >= 0.9 * MIN_REL_WIDTH * lo.abs().max(hi.abs()));
            assert!(
                lo <= a.0.min(a.1) && hi >= a.0.max(a.1),
                "{a:?} -> {lo} {hi}"
            );
        }
        assert_eq!(drawable((0.1, 0.5)), (0.1, 0.5));
        assert_eq!(drawable((-3.0, 7.0)), (-3.0, 7.0));
    }

    /// Clipping keeps the part of a segment inside the box exactly and drops segments that miss.
    #[test]
    fn clipping_is_exact() {
        let bx = [0.0, 1.0, 0.0, 1.0];
        assert_eq!(
            clip((-1.0, 0.5), (2.0, 0.5), bx),
            Some([(0.0, 0.5), (1.0, 0.5)])
        );
        assert_eq!(
            clip((0.2, 0.2), (0.4, 0.6), bx),
            Some([(0.2, 0.2), (0.4, 0.6)])
        );
        assert_eq!(clip((2.0, 2.0), (3.0, 5.0), bx), None);
        let runs = clipped_runs(
            &[(0.1, 0.1), (0.5, 0.5), (5.0, 0.5), (0.5, 0.9), (0.6, 0.9)],
            bx,
        );
        assert_eq!(
            runs,
            vec![
                vec![(0.1, 0.1), (0.5, 0.5), (1.0, 0.5)],
                vec![(1.0, 0.5 + (4.0 / 4.5) * 0.4), (0.5, 0.9), (0.6, 0.9)]
            ]
        );
    }
}

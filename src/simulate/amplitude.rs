//! Validation 1 of issue 4: the 2-cycle amplitude where `Π_T g = 0` (docs/math.md §3, §5, §7).
//!
//! For `β = ηλ − 2` on a sequence toward 0 and `η = (2 + β)/λ`, with `p* = √(|β/c1|)`
//! (c1 at η* = 2/λ):
//! - **c1 > 0, β > 0** (stable cycle): GD from `θ* + kick_factor·p*·v` until a period-2 orbit
//!   is detected ([`GdStop::TwoCycle`], `|θ_{k+1} − θ_{k−1}| ≤ detect_rel · 2β · p*`, i.e. the
//!   normal amplitude within ≈ `detect_rel` of the cycle's), then Newton on `F∘F − id`
//!   ([`refine_two_cycle`]); the amplitude `|⟨θ_b − θ_a, v⟩|/2` is compared with `p*` and the
//!   cycle is certified stable by its Floquet multipliers ([`floquet`], validation 4).
//! - **c1 < 0, β > 0** (no small cycle): the same GD must leave the ball of radius
//!   `escape_factor · p*` around θ* (or diverge).
//! - **c1 < 0, β < 0** (unstable cycle): Newton on `F∘F − id` from `θ* + p*·v`; the cycle
//!   must exist, have amplitude ≈ p*, and a Floquet modulus > 1.
//!
//! - **c1 > 0 on M where A6 fails** (`Hess_M λ` has a negative eigenvalue): the cycle is
//!   located by Newton from `θ* + p*·v` and must be certified *unstable* (along M). Where A6
//!   is inconclusive (`Hess_M λ` singular, e.g. λ constant along a symmetry orbit) a stable
//!   cycle is still expected, and the Floquet certificate decides (neutral multipliers counted
//!   against dim T).
//! - **c1 = 0, c2 decides** (docs/math.md §7): the same with c2 for c1 and `p* = |β/c2|^{1/4}`.
//!
//! The relative error of the amplitude is O(β) (`p² = β/c1 + O(β²)`), so the fitted order of
//! `rel_error` against `|β|` ([`fit_order`]) should be ≈ 1 (≈ 1/2 at a quintic flip); it passes
//! when `order ≥ expected·(1 − order_tol)`.

pub use super::amplitude_types::{AmplitudeKind, AmplitudeOptions, AmplitudePoint, AmplitudeSweep};
use crate::assumptions::Outcome as Verdict;
use crate::error::Result;
use crate::loss::Loss;
use crate::simulate::cycle::{
    amplitude_along, floquet, refine_two_cycle, FloquetOptions, Stability,
};
use crate::simulate::gd::{run_gd, GdOptions, GdStop, Observer, SweepObserver, TwoCycleStop};
use crate::simulate::local::{flip_point, undefined, LocalFlip};
use crate::simulate::{fit_order, rel_error, Outcome};
use nalgebra::DVector;

/// Runs validation 1 at θ* (a point of M; errors when it is not critical or A3 fails).
pub fn amplitude_sweep<L: Loss>(
    loss: &L,
    theta_star: &[f64],
    opts: &AmplitudeOptions,
    observer: &mut dyn Observer,
) -> Result<AmplitudeSweep> {
    let fp = flip_point(loss, theta_star, &opts.tolerances)?;
    amplitude_sweep_at(loss, fp, opts, observer)
}

/// Validation 1 at a flip point built once (by the analysis).
pub fn amplitude_sweep_at<L: Loss>(
    loss: &L,
    fp: crate::flip::FlipPoint,
    opts: &AmplitudeOptions,
    observer: &mut dyn Observer,
) -> Result<AmplitudeSweep> {
    let theta_star = fp.point.clone();
    let theta_star = theta_star.as_slice();
    if let Some(why) = undefined(&fp) {
        return Ok(AmplitudeSweep {
            point: theta_star.to_vec(),
            sharpness: fp.sharpness(),
            c1: None,
            drift_norm: None,
            tangent_dim: fp.spectral.tangent_dim.unwrap_or(0),
            c2: None,
            a6: None,
            points: vec![],
            order: None,
            outcome: Outcome::Inconclusive,
            note: why,
        });
    }
    let a6 = (fp.spectral.tangent_dim.unwrap_or(0) > 0)
        .then(|| crate::assumptions::a6::check_sharpness_minimal(loss, &fp, &opts.tolerances))
        .map(|c| c.outcome)
        .filter(|o| *o != Verdict::NotApplicable);
    let c2 = (fp.flip_order() == Some(5)).then(|| fp.c2()).flatten();
    let eta_star = fp.eta_star();
    let flip = LocalFlip::from_flip(fp, eta_star)?;
    let (lam, c1) = (flip.sharpness(), flip.c1());
    let mut sweep = AmplitudeSweep {
        point: theta_star.to_vec(),
        sharpness: lam,
        c1: Some(c1),
        drift_norm: Some(flip.coefficients().drift.norm()),
        tangent_dim: flip.tangent_dim().unwrap_or(0),
        c2,
        a6,
        points: vec![],
        order: None,
        outcome: Outcome::Inconclusive,
        note: String::new(),
    };
    if !flip.drift_vanishes(opts.drift_rel_tol) {
        sweep.note = "Π_T g ≠ 0: GD drifts along M, no 2-cycle is predicted here (see the \
                      tangent-drift and threshold validations)"
            .into();
        return Ok(sweep);
    }
    let scale = flip.coefficients().c1_scale(2.0 / lam);
    let (coef, order) = match c2 {
        _ if c1.abs() > crate::analyze::C1_ZERO_REL * scale => (c1, 3),
        Some(c2) => (c2, 5),
        None => {
            sweep.note =
                "c1 = 0 within rounding and c2 undecided: the normal form does not decide".into();
            return Ok(sweep);
        }
    };
    let cx = Ctx {
        theta_star,
        v: flip.v(),
        lam,
        c1: coef,
        order,
        unstable_on_m: coef > 0.0 && a6 == Some(Verdict::Fails),
        tangent_dim: sweep.tangent_dim,
        opts,
    };
    let runs = if coef > 0.0 { 1 } else { 2 } * opts.betas.len();
    for (index, &b) in opts.betas.iter().enumerate() {
        let mut obs = SweepObserver {
            inner: &mut *observer,
            index,
            runs,
        };
        sweep.points.push(if cx.unstable_on_m {
            located_point(loss, &cx, AmplitudeKind::UnstableOnM, b.abs())
        } else {
            gd_point(loss, &cx, b.abs(), &mut obs)
        });
    }
    if coef < 0.0 {
        for &b in &opts.betas {
            sweep.points.push(unstable_point(loss, &cx, -b.abs()));
        }
    }
    finish(&mut sweep, opts, order);
    Ok(sweep)
}

/// What every point of one sweep shares.
struct Ctx<'a> {
    theta_star: &'a [f64],
    v: DVector<f64>,
    lam: f64,
    /// The deciding coefficient: c1 (order 3) or c2 (order 5).
    c1: f64,
    /// 3 or 5: `p* = |β/coef|^{1/(order − 1)}`.
    order: u32,
    /// c1 > 0 on M where A6 fails: the cycle is expected unstable.
    unstable_on_m: bool,
    tangent_dim: usize,
    opts: &'a AmplitudeOptions,
}

impl Ctx<'_> {
    fn new_point(&self, kind: AmplitudeKind, beta: f64) -> AmplitudePoint {
        AmplitudePoint {
            kind,
            beta,
            eta: (2.0 + beta) / self.lam,
            predicted: (beta / self.c1).abs().powf(1.0 / f64::from(self.order - 1)),
            measured: None,
            rel_error: None,
            gd_steps: 0,
            gd_stop: None,
            newton_residual: None,
            newton_converged: None,
            floquet: None,
            outcome: Outcome::Inconclusive,
            note: String::new(),
        }
    }

    /// `θ* + s·v`.
    fn along_v(&self, s: f64) -> Vec<f64> {
        let v = self.v.iter();
        self.theta_star
            .iter()
            .zip(v)
            .map(|(t, w)| t + s * w)
            .collect()
    }
}

/// Newton from `start`, then amplitude, error and Floquet certificate into `pt`.
fn measure_cycle<L: Loss>(
    loss: &L,
    cx: &Ctx<'_>,
    start: &[f64],
    pt: &mut AmplitudePoint,
    expected: Stability,
) {
    let opts = cx.opts;
    let c = refine_two_cycle(loss, start, pt.eta, &opts.newton);
    pt.newton_residual = c.residual;
    pt.newton_converged = Some(c.converged);
    if !c.converged || c.separation < 0.2 * pt.predicted {
        pt.note = if c.converged {
            "Newton collapsed onto the fixed point θ*: no 2-cycle found".into()
        } else {
            "Newton on F∘F did not converge".into()
        };
        return;
    }
    let amp = amplitude_along(&c.point_a, &c.point_b, cx.v.as_slice());
    pt.measured = Some(amp);
    pt.rel_error = rel_error(amp, pt.predicted);
    let fopts = FloquetOptions {
        unit_tol: opts.unit_tol,
        tangent_dim: cx.tangent_dim,
    };
    let fl = floquet(loss, &c.point_a, pt.eta, &fopts);
    let stab = fl.outcome(expected);
    let err_ok = pt.rel_error.is_some_and(|e| e <= opts.max_rel_error);
    pt.outcome = stab.and(if err_ok { Outcome::Pass } else { Outcome::Fail });
    pt.note = format!(
        "2-cycle refined (|G| = {:.1e}); Floquet: {:?} (expected {expected:?}); amplitude error {}",
        c.residual.unwrap_or(f64::INFINITY),
        fl.stability,
        if err_ok { "within" } else { "beyond" }.to_string() + " max_rel_error"
    );
    pt.floquet = Some(fl);
}

fn gd_point<L: Loss>(
    loss: &L,
    cx: &Ctx<'_>,
    beta: f64,
    observer: &mut dyn Observer,
) -> AmplitudePoint {
    let (opts, stable) = (cx.opts, cx.c1 > 0.0);
    let kind = if stable {
        AmplitudeKind::StableCycle
    } else {
        AmplitudeKind::Escape
    };
    let mut pt = cx.new_point(kind, beta);
    let ps = pt.predicted;
    let gd = GdOptions {
        max_steps: opts.max_steps,
        grad_tol: 0.0,
        anchor: Some(cx.theta_star.to_vec()),
        escape_radius: opts.escape_factor * ps,
        two_cycle: Some(TwoCycleStop {
            tol: opts.detect_rel * 2.0 * beta * ps,
            min_size: 0.5 * ps,
        }),
        ..GdOptions::default()
    };
    let run = run_gd(
        loss,
        &cx.along_v(opts.kick_factor * ps),
        pt.eta,
        &gd,
        observer,
    );
    pt.gd_steps = run.steps;
    pt.gd_stop = Some(run.stop);
    match (stable, run.stop) {
        (true, GdStop::TwoCycle) => {
            measure_cycle(loss, cx, &run.final_point, &mut pt, Stability::Stable)
        }
        (true, GdStop::Escaped) => {
            pt.outcome = Outcome::Fail;
            pt.note = "GD left the neighbourhood: no stable small 2-cycle although c1 > 0".into();
        }
        (false, GdStop::Escaped) => {
            pt.outcome = Outcome::Pass;
            pt.note = "GD left the neighbourhood, as predicted for c1 < 0".into();
        }
        (false, GdStop::TwoCycle | GdStop::Converged) => {
            pt.outcome = Outcome::Fail;
            pt.note = "GD settled near θ* although c1 < 0 predicts no small stable 2-cycle".into();
        }
        (_, stop) => {
            pt.note = format!("GD stopped with {stop:?} before deciding (raise max_steps)");
        }
    }
    pt
}

fn unstable_point<L: Loss>(loss: &L, cx: &Ctx<'_>, beta: f64) -> AmplitudePoint {
    located_point(loss, cx, AmplitudeKind::UnstableCycle, beta)
}

/// An unstable cycle located by Newton from `θ* + p*·v` (no GD can reach it).
fn located_point<L: Loss>(
    loss: &L,
    cx: &Ctx<'_>,
    kind: AmplitudeKind,
    beta: f64,
) -> AmplitudePoint {
    let mut pt = cx.new_point(kind, beta);
    let start = cx.along_v(pt.predicted);
    measure_cycle(loss, cx, &start, &mut pt, Stability::Unstable);
    pt
}

/// Fitted order against the expected one: 1 for a cubic flip (`p² = β/c1 + O(β²)`), 1/2 for
/// a quintic one (`p⁴ = β/c2 + O(|β|^{3/2})`); passes at `≥ expected·(1 − order_tol)`.
fn finish(sweep: &mut AmplitudeSweep, opts: &AmplitudeOptions, flip_order: u32) {
    let expected = if flip_order == 5 { 0.5 } else { 1.0 };
    let measured: Vec<(f64, f64)> = sweep
        .points
        .iter()
        .filter_map(|p| p.rel_error.map(|e| (p.beta.abs(), e)))
        .collect();
    let (x, e): (Vec<f64>, Vec<f64>) = measured.iter().copied().unzip();
    sweep.order = fit_order(&x, &e);
    let points = sweep
        .points
        .iter()
        .fold(Outcome::Pass, |acc, p| acc.and(p.outcome));
    let order = match sweep.order {
        Some(f) if f.points >= 3 && f.order >= expected * (1.0 - opts.order_tol) => Outcome::Pass,
        Some(f) if f.points >= 3 => Outcome::Fail,
        _ => Outcome::Inconclusive,
    };
    sweep.outcome = points.and(order);
    sweep.note = match sweep.order {
        Some(f) => format!(
            "amplitude relative error ~ |β|^{:.3} over {} cycles (expected order {expected}, flip order {flip_order}{}); per-β verdicts combined: {:?}",
            f.order, f.points, sweep.a6.map_or(String::new(), |a| format!(", A6 {}", a.as_str())), points
        ),
        None => format!("fewer than 2 measured cycles; per-β verdicts combined: {points:?}"),
    };
}

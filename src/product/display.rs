//! Plain-text renderings of [`super::reduce::Reduction`] and [`super::examples::Examples`]
//! (formatting only; the CLI prints them). Conventions: docs/math.md §3 (c1 > 0 supercritical), §5.

use super::examples::{Example, Examples};
#[cfg(feature = "symbolic")]
use super::reduce::Reduction;
use super::{Interval, SupercriticalSet};
use std::fmt;

fn interval(iv: &Interval) -> String {
    let open = if iv.lo_closed { "[" } else { "(" };
    match iv.hi {
        Some(h) => format!("{open}{:.6}, {h:.6})", iv.lo),
        None => format!("{open}{:.6}, inf)", iv.lo),
    }
}

fn intervals(v: &[Interval]) -> String {
    if v.is_empty() {
        "none".into()
    } else {
        v.iter().map(interval).collect::<Vec<_>>().join(" u ")
    }
}

fn set_lines(f: &mut fmt::Formatter<'_>, set: &SupercriticalSet) -> fmt::Result {
    if set.s_min > 0.0 {
        writeln!(
            f,
            "  s on M            : [{:.6}, inf)  (s = x^2 + y^2 >= 2|z*|)",
            set.s_min
        )?;
    } else {
        writeln!(
            f,
            "  s on M            : (0, inf)  (z* = 0: M is the union of the axes)"
        )?;
    }
    let w: Vec<String> = set.w_roots.iter().map(|w| format!("{w:.9e}")).collect();
    writeln!(
        f,
        "  real roots of Q(w): {}",
        if w.is_empty() {
            "none".into()
        } else {
            w.join(", ")
        }
    )?;
    writeln!(f, "  supercritical c1>0: {}", intervals(&set.supercritical))?;
    writeln!(f, "  subcritical   c1<0: {}", intervals(&set.subcritical))?;
    writeln!(f, "  c1 > 0 on all of M: {}", set.everywhere)
}

#[cfg(feature = "symbolic")]
impl fmt::Display for Reduction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = &self.derivation;
        let lz = if self.depth == 2 {
            "l(x*y)".to_string()
        } else {
            format!("l(x1*...*x{})", self.depth)
        };
        writeln!(f, "product reduction: L = {lz} with l(z) = {}", self.ell)?;
        let zs = &self.z_star;
        writeln!(
            f,
            "z* = {} = {:.15}  ({}; l'(z*) = {}{})",
            zs.exact,
            zs.value,
            zs.how,
            zs.l1_at_star,
            if zs.exact_verified {
                ", exactly"
            } else {
                ", numerically"
            }
        )?;
        for (name, e) in [
            ("l2", &self.l2),
            ("l3", &self.l3),
            ("l4", &self.l4),
            ("alpha", &self.alpha),
        ] {
            writeln!(f, "{name:<5} = {:<40} = {:.15e}", e.exact, e.value)?;
        }
        writeln!(
            f,
            "\nderived by symbolica (general l, symbolic point of M; docs/math.md §3, §6):"
        )?;
        writeln!(
            f,
            "  line z(θ + t∇z) coefficients q_k = z^(k-1) E_(D-k): {} ({})",
            d.line_invariant.join(", "),
            if d.line_verified {
                "verified"
            } else {
                "NOT verified"
            }
        )?;
        writeln!(f, "  c1 = {}", d.c1)?;
        writeln!(f, "     = (s/(3 l2^2)) Q,  Q(w,u) = {}", d.q)?;
        let u0 = if self.depth == 2 {
            " (u = 0 at D = 2)"
        } else {
            ""
        };
        writeln!(
            f,
            "       w = q2/s^2, u = q3/s^3{u0}; Q free of s: {}; Q(0,0) = alpha: {}",
            d.q_free_of_s, d.q0_is_alpha
        )?;
        writeln!(f, "  discriminant of Q(w,0): {}", d.discriminant)?;
        writeln!(
            f,
            "  agrees with the rank-one c1 in coordinates: {}",
            d.c1_agrees
        )?;
        writeln!(
            f,
            "  |Π_T g|^2 = {}  (agrees with the rank-one drift: {})",
            d.drift_sq, d.drift_agrees
        )?;
        writeln!(
            f,
            "  balanced point (w, u) = ({}, {}): Q = {}",
            d.balanced_wu[0], d.balanced_wu[1], d.balanced_q
        )?;
        writeln!(f, "\nfor this l:")?;
        writeln!(f, "  c1 on M = {}", self.c1_this_l)?;
        writeln!(f, "  Q       = {}", self.q_this_l)?;
        writeln!(f, "  discriminant = {:.9e}", self.discriminant)?;
        if let Some(set) = &self.set {
            set_lines(f, set)?;
        }
        if !self.s_roots_exact.is_empty() {
            writeln!(f, "  endpoints exactly : {}", self.s_roots_exact.join(", "))?;
        }
        for e in &self.endpoint_checks {
            writeln!(
                f,
                "  endpoint s = {:.9}: numeric c1 {:+.3e} below, {:+.3e} above (sign change: {})",
                e.s, e.c1_below, e.c1_above, e.sign_change
            )?;
        }
        for c in &self.conditions {
            writeln!(
                f,
                "  [{}] {} => {}",
                if c.holds { "holds" } else { "fails" },
                c.statement,
                c.implies
            )?;
        }
        if let Some(b) = &self.balanced {
            writeln!(
                f,
                "  balanced point (drift 0): s = {:.9}, λ = {:.9e}, Q = {:.9e}, c1 = {:.9e}",
                b.s, b.sharpness, b.q, b.c1
            )?;
        }
        let by_d: Vec<String> = self
            .balanced_by_depth
            .iter()
            .map(|b| format!("D={}: c1={:+.4e}", b.depth, b.c1))
            .collect();
        if !by_d.is_empty() {
            writeln!(f, "  balanced c1 by depth: {}", by_d.join(", "))?;
        }
        if !self.lambda_inf.is_empty() {
            writeln!(
                f,
                "\nlimiting sharpness along M (docs/math.md §5): λ∞ = 2/η − ηG/(4c1); small η, α > 0:"
            )?;
            writeln!(f, "  λ∞ = 2/η − (3η l2^4/α)[1 − η^2 l2^2 (z*^2 + 6 l2 l3 z*/α)] + O(η^5), ε_rel ≈ 3η^2 l2^4/(2α)")?;
            writeln!(
                f,
                "  {:>10} {:>10} {:>12} {:>14} {:>14} {:>10} {:>10} regime",
                "eta", "s", "c1", "lambda_inf", "asymptotic", "eps_rel", "d"
            )?;
            for l in &self.lambda_inf {
                let o = |v: Option<f64>| v.map_or("-".to_string(), |x| format!("{x:.6e}"));
                writeln!(
                    f,
                    "  {:>10.4e} {:>10.4} {:>12.5e} {:>14} {:>14} {:>10} {:>10} {}",
                    l.eta,
                    l.s,
                    l.c1,
                    o(l.lambda_inf_pred),
                    o(l.asymptotic),
                    o(l.eps_rel),
                    o(l.d),
                    if l.in_regime { "yes" } else { "no" }
                )?;
            }
        }
        writeln!(
            f,
            "\nclosed forms against the numeric core (c1 GD and map formulas) at points of M:"
        )?;
        for c in &self.checks {
            let p: Vec<String> = c.point.iter().map(|x| format!("{x:.6}")).collect();
            writeln!(
                f,
                "  x = ({}) s = {:.6}: c1 closed {:+.12e}, core {:+.12e} / {:+.12e}, rel err {:.1e}",
                p.join(", "), c.s, c.c1_closed, c.c1_gd, c.c1_map, c.c1_rel_err
            )?;
        }
        writeln!(f, "  max relative c1 error: {:.2e}", self.max_c1_rel_err)
    }
}

fn example(f: &mut fmt::Formatter<'_>, title: &str, e: &Example) -> fmt::Result {
    let j = &e.jet;
    writeln!(
        f,
        "{title}: l = {}w^2/2 + {}w^3/6 + {}w^4/24, w = z - ({}): alpha = {}",
        j.l2, j.l3, j.l4, j.z_star, e.alpha
    )?;
    set_lines(f, &e.set)?;
    for c in &e.checks {
        writeln!(
            f,
            "  s = {:.6}: c1 closed {:+.9e}, numeric core {:+.9e} (rel err {:.1e})",
            c.s, c.c1_closed, c.c1_gd, c.c1_rel_err
        )?;
    }
    Ok(())
}

impl fmt::Display for Examples {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "searched {} quartic links (l2 = 1, l3, l4 in halves, z* = ±1)",
            self.searched
        )?;
        match &self.not_necessary {
            Some(e) => example(f, "alpha > 0 not necessary", e)?,
            None => writeln!(f, "alpha > 0 not necessary: no example in the family")?,
        }
        match &self.not_sufficient {
            Some(e) => example(f, "alpha > 0 not sufficient", e)?,
            None => writeln!(f, "alpha > 0 not sufficient: no example in the family")?,
        }
        match &self.depth_change {
            Some(d) => {
                let j = &d.jet;
                writeln!(
                    f,
                    "balanced flip type changes with D: l = {}w^2/2 + {}w^3/6 + {}w^4/24, w = z - ({}), alpha = {}",
                    j.l2, j.l3, j.l4, j.z_star, j.alpha()
                )?;
                for (depth, closed, core) in &d.balanced {
                    writeln!(
                        f,
                        "  D = {depth}: balanced c1 closed {closed:+.9e}, numeric core {core:+.9e}"
                    )?;
                }
            }
            None => writeln!(
                f,
                "balanced flip type changes with D: no example in the family"
            )?,
        }
        Ok(())
    }
}

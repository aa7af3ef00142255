//! Damian et al.'s self-stabilization (ICLR 2023) as eosflip measures it (issue 9 §4;
//! `theorems/self_stabilization.md`): on every case of `theorems/cases/` with a drift
//! (`Π_T g ≠ 0`; the text cases need the symbolic feature and have none), the tangent
//! displacement of two GD steps from `θ* + p v` at η = 2/λ equals `−η p² Π_T ∇λ` up to a
//! relative error O(p) ([`eosflip::simulate::drift`]), and their `β = |P_{v⊥}∇λ|²` is
//! compared with our `G = |Π_T g|²` (equal when dim N = 1).
//!
//! Checks independent of the dual-number passes: `∇λ` by central finite differences of the
//! dense top eigenvalue (a documented baseline; h = 1e-5) gives β and `⟨Π_T g, ∇λ_fd⟩ ≈ G` to
//! 1e-6. **Snapshot.** Only the rows whose two-step displacement was recomputed independently
//! carry numbers: `tests/mpmath/drift_two_step.py` (mpmath, 40 digits, closed-form gradients;
//! run once by hand) recomputes G and the relative error at p = 0.1 and p = 7.8125e-4 for the
//! depth-2 products, the depth-3 product and `tilted`, with the sign convention of v of
//! MATH.md §1 (the O(p) term is odd in p); they agree with every printed digit (p = 0.1: 3
//! digits; p = 7.8e-4: 2 digits, the float measurement's rounding being ~1e-9 relative there;
//! fitted orders 0.99, 1.0, 0.99, 2.0, 2.0, 0.95). The error is O(p) in general and O(p²) where
//! L is even under `θ* + t v ↦ θ* − t v` (`tilted`, even in x; log cosh(xy) at (2, 0), even in
//! y). The other rows (factorization, perceptron, network: seeded data; the refined point of
//! `refine_from_start`) are asserted (verdict pass, order ≥ 0.7) and print β/G only, checked by
//! the finite differences.
use eosflip::analyze::{analyze, AnalyzeOptions};
use eosflip::loss::catalog;
use eosflip::report::{Analysis, LossInfo};
use eosflip::simulate::drift::{tangent_drift, DriftOptions};
use eosflip::simulate::gd::sharpness_at;
use eosflip::simulate::Outcome;
use eosflip::Loss;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::Path;

/// Rows whose numbers `tests/mpmath/drift_two_step.py` reproduces.
const CHECKED: [&str; 6] = [
    "product_logistic",
    "product_squared",
    "product_depth3",
    "song_yun_logcosh",
    "tilted_clean_regime",
    "zhu_minimalist_unbalanced",
];

/// Two significant digits.
fn sig2(x: f64) -> String {
    let d = (1 - x.abs().log10().floor() as i32).max(0) as usize;
    format!("{x:.d$}")
}

fn params(t: &toml::Value) -> BTreeMap<String, String> {
    t.get("params")
        .and_then(|p| p.as_table())
        .map(|p| {
            p.iter()
                .map(|(k, v)| {
                    let s = match v {
                        toml::Value::String(s) => s.clone(),
                        other => other.to_string(),
                    };
                    (k.clone(), s)
                })
                .collect()
        })
        .unwrap_or_default()
}

/// One case's row (None: no drift there).
fn row<L: Loss>(name: &str, loss: &L, point: &[f64], refine: bool) -> Option<String> {
    let info = LossInfo {
        name: name.into(),
        params: BTreeMap::new(),
        dim: loss.dim(),
    };
    let opts = AnalyzeOptions {
        refine,
        ..AnalyzeOptions::default()
    };
    let a: Analysis = analyze(loss, info, point, &opts).ok()?;
    let g = a.g.clone()?;
    let drift = a.drift.clone()?;
    let dn = a.drift_norm?;
    let gnorm = g.iter().map(|x| x * x).sum::<f64>().sqrt();
    if a.tangent_dim? == 0 || !a.top_simple || dn <= 1e-8 * gnorm.max(a.sharpness) {
        return None;
    }
    let v = &a.top_eigvec;
    let dot = |x: &[f64], y: &[f64]| x.iter().zip(y).map(|(p, q)| p * q).sum::<f64>();
    let big_g = dn * dn;
    let beta = dot(&g, &g) - dot(&g, v).powi(2);
    // ∇λ by central differences of the dense top eigenvalue (independent of the Dual2 pass).
    let h = 1e-5;
    let gfd: Vec<f64> = (0..point.len())
        .map(|i| {
            let (mut p, mut m) = (a.point.clone(), a.point.clone());
            p[i] += h;
            m[i] -= h;
            Some((sharpness_at(loss, &p)? - sharpness_at(loss, &m)?) / (2.0 * h))
        })
        .collect::<Option<Vec<f64>>>()?;
    let beta_fd = dot(&gfd, &gfd) - dot(&gfd, v).powi(2);
    let scale = dot(&g, &g);
    assert!(
        (beta - beta_fd).abs() <= 1e-6 * scale,
        "{name}: β {beta} vs FD {beta_fd}"
    );
    assert!(
        (dot(&drift, &gfd) - big_g).abs() <= 1e-6 * scale,
        "{name}: G vs FD"
    );
    let g_fd = dot(&drift, &gfd);
    assert!(
        (beta / big_g - beta_fd / g_fd).abs() < 1e-5,
        "{name}: β/G {} vs FD {}",
        beta / big_g,
        beta_fd / g_fd
    );
    let nd = a.normal_dim?;
    if nd == 1 {
        assert!(
            (beta - big_g).abs() <= 1e-10 * scale,
            "{name}: dim N = 1 but β ≠ G"
        );
    }
    let d = tangent_drift(loss, &a.point, &DriftOptions::default()).unwrap();
    assert_eq!(d.outcome, Outcome::Pass, "{name}: {}", d.note);
    let order = d.order.unwrap().order;
    let (first, last) = (&d.points[0], d.points.last().unwrap());
    assert!(order >= 0.7, "{name}: order {order}");
    assert!(
        last.rel_error < first.rel_error,
        "{name}: the error must shrink with p"
    );
    eprintln!(
        "{name} at {:?}: dim N = {nd}, G = {big_g:.6e}, β/G = {:.6}, rel. error {:.3e} at p = {} and {:.3e} at p = {:.4e}, order {order:.3}",
        a.point,
        beta / big_g,
        first.rel_error,
        first.p,
        last.rel_error,
        last.p
    );
    Some(if CHECKED.contains(&name) {
        format!(
            "{name:<26} {nd:<5} {:<11.4e} {:<8.4} {:<14.2e} {:<17.1e} {}",
            big_g,
            beta / big_g,
            first.rel_error,
            last.rel_error,
            sig2(order)
        )
    } else {
        format!("{name:<26} {nd:<5} (not recomputed independently: pass, order >= 0.7 asserted; beta/G = {:.4}, checked by FD)", beta / big_g)
    })
}

#[test]
fn drift_per_two_steps_is_minus_eta_p2_projected_grad_lambda_on_every_drifting_case() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("theorems/cases");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    let mut rows = vec![];
    let mut seen_network = false;
    for f in files {
        let case: toml::Value = toml::from_str(&std::fs::read_to_string(&f).unwrap()).unwrap();
        let name = case["name"].as_str().unwrap().to_string();
        let at = case
            .get("point")
            .and_then(|p| p.get("at"))
            .and_then(|a| a.as_array())
            .map(|a| {
                a.iter()
                    .map(|x| x.as_float().or(x.as_integer().map(|i| i as f64)).unwrap())
                    .collect::<Vec<f64>>()
            });
        let refine = case
            .get("point")
            .and_then(|p| p.get("refine"))
            .and_then(|r| r.as_bool())
            .unwrap_or(false);
        let loss_t = &case["loss"];
        let r = if let Some(cat) = loss_t.get("catalog").and_then(|c| c.as_str()) {
            let inst = catalog::build(cat, &params(loss_t)).unwrap();
            let point = at.unwrap_or_else(|| inst.default_point.clone());
            row(&name, &inst.loss, &point, refine)
        } else if let Some(model) = loss_t.get("model").and_then(|m| m.as_str()) {
            let m = eosflip::loss::network::model_file::load(&dir.join(model)).unwrap();
            let point = at.unwrap_or_else(|| m.theta.clone());
            let r = row(&name, &m.network, &point, refine);
            seen_network |= r.is_some();
            r
        } else {
            None // a text loss (symbolic feature)
        };
        rows.extend(r);
    }
    assert!(seen_network, "a network case must drift");
    assert!(rows.len() >= 8, "{} drifting cases", rows.len());
    let mut table = String::from(
        "case                       dim_N G=|P_T g|^2 beta/G   rel.err p=0.1  rel.err p=7.8e-4  order in p\n",
    );
    for r in rows {
        writeln!(table, "{r}").unwrap();
    }
    insta::assert_snapshot!("damian_drift", table);
}

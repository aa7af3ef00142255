//! insta snapshots of `eosflip analyze --json` for every catalog entry at its default point.
//!
//! Floats are rounded to 10 significant digits and |x| < 1e-12 (rounding noise such as the
//! tangent eigenvalue or |∇L|) is written as 0; integers and the tolerances stay exact. Every snapshotted value was checked once
//! against a closed form; the checks below re-assert the key ones on every run:
//! - quartic1d (k2 = k3 = k4 = 1): λ = 1, η* = 2, g = 1, L4 = 1, c1 = (2/6)(3 − 1) = 2/3;
//! - double_well: λ = 2, η* = 1, g = 6, L4 = 6, gᵀH⁺g = 18, c1 = 8;
//! - separable (k2 = (2, 1), k3 = (1, 0), k4 = (1, 0)): λ = 2, v = e_x, c1 = 1/12, gap 1;
//! - tilted (κ = 0.3, q = −1, y = 3): λ = 1.9, c1 = −η*q/6 = 1/5.7, |Π_T g| = κ;
//! - product (squared, t = 1) at (2, 1/2): s = 4.25, λ = s, c1 = 32/s³,
//!   Π_T g = 2(x² − y²)/s·(x, −y), λ∞ = λ − η*|Π_T g|²/(4 c1);
//! - factorization (3×2, r = 1): eigenvalues S, A², B², B², 0 with A = |u0|, B = |v0|,
//!   c1 = 32A²B²/S³, |Π_T g| = 2|A² − B²|/√S (theorems/closed_forms.md §3);
//! - polynomial: λ = λ_max(Q0 + Σ μ_k w_k w_kᵀ) (tests/closed_forms.rs checks g, L4, c1);
//! - mlp (d = 2, h = 3, n = 4, tanh) at the teacher: λ = λ_max(JᵀJ/n), rank n = 4 (tests/mlp.rs
//!   checks the Gauss–Newton identity, the two c1 formulas and g = ∇λ along M).

mod common;

use common::{assert_rel, build};
use eosflip::loss::catalog::{CatalogLoss, ENTRIES};
use serde_json::Value;
use std::process::Command;

fn round(v: &Value) -> Value {
    match v {
        Value::Number(n) if n.is_i64() || n.is_u64() => v.clone(),
        Value::Number(n) => {
            let x = n.as_f64().expect("finite");
            if x.abs() < 1e-12 {
                return Value::from(0.0);
            }
            let r: f64 = format!("{x:.9e}").parse().unwrap();
            serde_json::Number::from_f64(r).map(Value::Number).unwrap()
        }
        Value::Array(a) => Value::Array(a.iter().map(round).collect()),
        // Tolerances are configuration, not results: kept exact.
        Value::Object(o) => Value::Object(
            o.iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        if k == "tolerances" {
                            v.clone()
                        } else {
                            round(v)
                        },
                    )
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

fn analyze_json(name: &str) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_eosflip"))
        .args(["analyze", "--loss", name, "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    serde_json::from_slice(&out.stdout).unwrap()
}

fn f(v: &Value, key: &str) -> f64 {
    v[key]
        .as_f64()
        .unwrap_or_else(|| panic!("{key} is a number"))
}

fn check_closed_form(name: &str, v: &Value) {
    let c1 = f(v, "c1");
    match name {
        "quartic1d" => {
            assert_rel(f(v, "sharpness"), 1.0, 1e-15, 0.0, "λ");
            assert_rel(c1, 2.0 / 3.0, 1e-14, 0.0, "c1");
        }
        "double_well" => {
            assert_rel(f(v, "g_hplus_g"), 18.0, 1e-14, 0.0, "gH+g");
            assert_rel(c1, 8.0, 1e-14, 0.0, "c1");
        }
        "separable" => {
            // k2 = (2, 1), k3 = (1, 0), k4 = (1, 0): v = e_x, c1 = (3·1/2 − 1)/(3·2) = 1/12, gap 1.
            assert_rel(f(v, "sharpness"), 2.0, 1e-15, 0.0, "λ");
            assert_rel(c1, 1.0 / 12.0, 1e-14, 0.0, "c1");
            assert_rel(f(v, "spectral_gap"), 1.0, 1e-15, 0.0, "gap");
        }
        "tilted" => {
            // κ = 0.3, q = −1 at (0, 3): λ = 1 + κy = 1.9, c1 = −η*q/6, |Π_T g| = κ.
            assert_rel(f(v, "sharpness"), 1.9, 1e-15, 0.0, "λ");
            assert_rel(c1, (2.0 / 1.9) / 6.0, 1e-14, 0.0, "c1");
            assert_rel(f(v, "drift_norm"), 0.3, 1e-14, 0.0, "|Π_T g|");
        }
        "parabolic" => {
            // a = 0.5, q = −1 at (0, 0): λ = 1, c1 = −η*q/6 = 1/3, Π_T g = 0.
            assert_rel(f(v, "sharpness"), 1.0, 1e-15, 0.0, "λ");
            assert_rel(c1, 1.0 / 3.0, 1e-14, 0.0, "c1");
            assert_eq!(f(v, "drift_norm"), 0.0);
            assert_eq!(v["flip_order"], 3);
        }
        "product" => {
            let s = 4.25;
            assert_rel(f(v, "sharpness"), s, 1e-15, 0.0, "λ");
            assert_rel(c1, 32.0 / (s * s * s), 1e-13, 0.0, "c1");
            let k = 2.0 * (4.0 - 0.25) / s;
            assert_rel(
                v["drift"][0].as_f64().unwrap(),
                2.0 * k,
                1e-13,
                0.0,
                "drift x",
            );
            assert_rel(
                v["drift"][1].as_f64().unwrap(),
                -0.5 * k,
                1e-13,
                0.0,
                "drift y",
            );
            let lam_inf = s - (2.0 / s) * k * k * 4.25 / (4.0 * c1);
            assert_rel(f(v, "lambda_inf_pred"), lam_inf, 1e-13, 0.0, "λ∞");
        }
        "factorization" => {
            let inst = build("factorization", &[]);
            let CatalogLoss::Factorization(fz) = &inst.loss else {
                unreachable!()
            };
            let a2: f64 = fz.seed_point[..3].iter().map(|t| t * t).sum();
            let b2: f64 = fz.seed_point[3..].iter().map(|t| t * t).sum();
            let s = a2 + b2;
            assert_rel(f(v, "sharpness"), s, 1e-14, 0.0, "λ");
            assert_rel(c1, 32.0 * a2 * b2 / s.powi(3), 1e-12, 0.0, "c1");
            assert_rel(
                f(v, "drift_norm"),
                2.0 * (a2 - b2).abs() / s.sqrt(),
                1e-12,
                0.0,
                "|Π_T g|",
            );
        }
        "polynomial" => {
            let inst = build("polynomial", &[]);
            let CatalogLoss::Polynomial(p) = &inst.loss else {
                unreachable!()
            };
            let lam = p.hessian_at_min().symmetric_eigen().eigenvalues.max();
            assert_rel(f(v, "sharpness"), lam, 1e-13, 0.0, "λ");
        }
        "mlp" => {
            // On M the Hessian is the Gauss–Newton matrix JᵀJ/n (J from the forward pass).
            let inst = build("mlp", &[]);
            let CatalogLoss::Mlp(m) = &inst.loss else {
                unreachable!()
            };
            let gn = common::mlp_gauss_newton(m, &m.teacher).symmetric_eigen();
            assert_rel(f(v, "sharpness"), gn.eigenvalues.max(), 1e-13, 0.0, "λ");
            assert_eq!(v["normal_dim"], 4);
        }
        other => panic!("no closed-form check for catalog entry '{other}': add one"),
    }
    assert_rel(f(v, "c1_map"), c1, 1e-12, 1e-300, "c1_map = c1_gd");
}

#[test]
fn analyze_json_snapshots_for_every_catalog_entry() {
    for e in ENTRIES {
        let v = analyze_json(e.name);
        check_closed_form(e.name, &v);
        insta::assert_json_snapshot!(format!("analyze_{}", e.name), round(&v));
    }
}

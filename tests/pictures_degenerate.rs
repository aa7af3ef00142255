//! `bifurcate` at degenerate flips (c1 = 0, flip order 5; MATH.md §7, theorems/degenerate_flip.md):
//! the branch ±(β/c2)^{1/4} in the JSON beside the plot, checked against the formula and the
//! closed-form c2 of the case files, against GD's attractor, and in the SVG (solid for c2 > 0,
//! dashed for c2 < 0, legend and note naming the formula).

use std::path::PathBuf;
use std::process::Command;

const PRED: &str = "#D62728";

fn eosflip(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_eosflip"))
        .args(args)
        .output()
        .expect("runs")
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("eosflip-degenerate-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn texts(doc: &roxmltree::Document<'_>) -> Vec<String> {
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text().map(|t| t.trim().to_string()))
        .collect()
}

/// Runs `bifurcate` and returns the parsed SVG text and the JSON beside it.
fn bifurcate_json(name: &str, args: &[&str]) -> (String, serde_json::Value) {
    let out = tmp(name);
    let mut all = vec!["bifurcate"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--out", out.to_str().unwrap()]);
    let o = eosflip(&all);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let json = serde_json::from_str(&std::fs::read_to_string(out.with_extension("json")).unwrap())
        .unwrap();
    (std::fs::read_to_string(&out).unwrap(), json)
}

/// PRED polylines of the SVG: (solid ones with > 10 points, dashes of 2 points).
fn pred_lines(doc: &roxmltree::Document<'_>) -> (usize, usize) {
    let lens: Vec<usize> = doc
        .descendants()
        .filter(|n| n.has_tag_name("polyline") && n.attribute("stroke") == Some(PRED))
        .map(|n| {
            n.attribute("points")
                .unwrap_or("")
                .split_whitespace()
                .count()
        })
        .collect();
    (
        lens.iter().filter(|&&k| k > 10).count(),
        lens.iter().filter(|&&k| k == 2).count(),
    )
}

#[test]
fn bifurcate_degenerate_flips_draw_the_quartic_root_branch() {
    // parabolic (1 + ay²)x²/2 + byx⁴ + rx⁶/720, q = 0: c1 = 0 and c2 = 6b²/a − r/60 = 2.08 > 0
    // (theorems/degenerate_flip.md): a stable cycle p⁴ = β/c2 for β > 0, drawn solid.
    let (svg, json) = bifurcate_json(
        "deg_on_m.svg",
        &[
            "--loss",
            "parabolic",
            "--param",
            "a=0.5",
            "--param",
            "q=0",
            "--param",
            "b=0.3",
            "--param",
            "r=-60",
            "--eta-from",
            "1.8",
            "--eta-to",
            "2.3",
            "--steps",
            "26",
        ],
    );
    assert_eq!(json["flip_order"], 5);
    assert_eq!(json["predicted"]["formula"], "quintic");
    let c2 = json["c2"].as_f64().unwrap();
    assert!((c2 / 2.08 - 1.0).abs() < 1e-11, "{c2}");
    assert_eq!(json["predicted"]["coefficient"].as_f64().unwrap(), c2);
    let lam = json["sharpness"].as_f64().unwrap();
    let mut drawn = 0;
    for c in json["columns"].as_array().unwrap() {
        let eta = c["eta"].as_f64().unwrap();
        let beta = c["beta"].as_f64().unwrap();
        assert!((beta - (eta * lam - 2.0)).abs() < 1e-14);
        match c["branch"].as_f64() {
            Some(p) => {
                assert!(beta > 0.0);
                let want = (beta / c2).powf(0.25);
                assert!((p / want - 1.0).abs() < 1e-14, "η = {eta}: {p} vs {want}");
                // GD's 2-cycle follows it to O(β^{1/2}) (2 % at β = 0.1 … 0.3 here).
                let amp = c["samples"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|s| s["p"].as_f64().unwrap().abs())
                    .fold(0.0, f64::max);
                if beta >= 0.1 {
                    assert!((amp / p - 1.0).abs() < 0.05, "η = {eta}: GD {amp} vs {p}");
                }
                drawn += 1;
            }
            None => assert!(beta <= 0.0, "η = {eta}"),
        }
    }
    assert!(drawn >= 10, "{drawn}");
    let doc = roxmltree::Document::parse(&svg).unwrap();
    assert_eq!(pred_lines(&doc).0, 2, "the solid ± branch");
    let t = texts(&doc);
    assert!(
        t.iter().any(|s| s == "predicted 2-cycle ±(β/c2)^{1/4}"),
        "{t:?}"
    );
    assert!(
        t.iter()
            .any(|s| s.starts_with("Degenerate flip (c1 = 0, flip order 5)")
                && s.contains("c2(η*) = 2.08")
                && s.contains("branch drawn: p⁴ = β/c2")),
        "{t:?}"
    );

    // quartic1d with 3k3² = k2k4: c2 = −2 < 0, the unstable cycle p⁴ = |β|/2 for β < 0, dashed;
    // GD escapes for β > 0.
    let (svg, json) = bifurcate_json(
        "deg_1d.svg",
        &[
            "--loss",
            "quartic1d",
            "--param",
            "k2=1",
            "--param",
            "k3=1",
            "--param",
            "k4=3",
            "--point",
            "0",
            "--eta-from",
            "1.6",
            "--eta-to",
            "2.2",
            "--steps",
            "25",
        ],
    );
    assert_eq!(json["flip_order"], 5);
    let c2 = json["c2"].as_f64().unwrap();
    assert!((c2 + 2.0).abs() < 1e-12, "{c2}");
    let mut drawn = 0;
    for c in json["columns"].as_array().unwrap() {
        let beta = c["beta"].as_f64().unwrap();
        if let Some(p) = c["branch"].as_f64() {
            assert!(beta < 0.0);
            assert!((p.powi(4) / (beta.abs() / 2.0) - 1.0).abs() < 1e-13);
            drawn += 1;
        }
        if beta > 0.01 {
            assert_eq!(c["stop"], "escaped", "β = {beta}");
        }
    }
    assert!(drawn >= 5, "{drawn}");
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let (solid, dashes) = pred_lines(&doc);
    assert_eq!(solid, 0, "no solid branch for c2 < 0");
    assert!(dashes > 20, "the dashed ± branch: {dashes}");
    let t = texts(&doc);
    assert!(
        t.iter()
            .any(|s| s == "unstable 2-cycle ±(β/c2)^{1/4}, c2 < 0"),
        "{t:?}"
    );
    assert!(
        t.iter().any(|s| s.contains("c2 < 0, unstable, β < 0")),
        "{t:?}"
    );
}

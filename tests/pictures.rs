//! The picture commands: exit codes, the data beside the SVG, and the SVG structure (parsed as
//! XML: the series polylines / dots and the threshold line are there), not pixels.

use std::path::{Path, PathBuf};
use std::process::Command;

fn eosflip(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_eosflip"))
        .args(args)
        .output()
        .expect("runs")
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("eosflip-pictures-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// Elements of `svg` named `tag` whose attribute `attr` is `value`.
fn count(doc: &roxmltree::Document<'_>, tag: &str, attr: &str, value: &str) -> usize {
    doc.descendants()
        .filter(|n| n.has_tag_name(tag) && n.attribute(attr) == Some(value))
        .count()
}

fn texts(doc: &roxmltree::Document<'_>) -> Vec<String> {
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text().map(|t| t.trim().to_string()))
        .collect()
}

/// A vertical two-point polyline of `stroke` (the η* line).
fn has_vertical(doc: &roxmltree::Document<'_>, stroke: &str) -> bool {
    doc.descendants()
        .filter(|n| n.has_tag_name("polyline") && n.attribute("stroke") == Some(stroke))
        .any(|n| {
            let pts: Vec<&str> = n
                .attribute("points")
                .unwrap_or("")
                .split_whitespace()
                .collect();
            pts.len() == 2 && pts[0].split(',').next() == pts[1].split(',').next()
        })
}

fn read_svg(path: &Path) -> String {
    std::fs::read_to_string(path).expect("svg written")
}

const DATA: &str = "#1F77B4";
const PRED: &str = "#D62728";
const THRESHOLD: &str = "#FF7F0E";

#[test]
fn bifurcate_double_well_draws_the_cascade_branch_and_threshold() {
    let out = tmp("dw.svg");
    let o = eosflip(&[
        "bifurcate",
        "--loss",
        "double_well",
        "--eta-from",
        "0.8",
        "--eta-to",
        "1.3",
        "--steps",
        "60",
        "--jobs",
        "2",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains("period 2") && stdout.contains("period 4"),
        "{stdout}"
    );
    let svg = read_svg(&out);
    let doc = roxmltree::Document::parse(&svg).expect("valid XML");
    assert!(count(&doc, "circle", "fill", DATA) > 100, "attractor dots");
    assert!(count(&doc, "polyline", "stroke", PRED) >= 2, "the ± branch");
    assert!(has_vertical(&doc, THRESHOLD), "the η* = 2/λ line");
    let t = texts(&doc);
    assert!(t.iter().any(|s| s.starts_with("η* = 2/λ")), "{t:?}");
    assert!(t.iter().any(|s| s == "2/η"), "{t:?}");
    assert!(
        t.iter().any(|s| s.starts_with("Convention:")),
        "the sign convention"
    );
    // The data beside it; the same with one thread (deterministic whatever the thread count).
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.with_extension("json")).unwrap())
            .unwrap();
    assert_eq!(json["columns"].as_array().unwrap().len(), 60);
    let out1 = tmp("dw1.svg");
    let o = eosflip(&[
        "bifurcate",
        "--loss",
        "double_well",
        "--eta-from",
        "0.8",
        "--eta-to",
        "1.3",
        "--steps",
        "60",
        "--jobs",
        "1",
        "--out",
        out1.to_str().unwrap(),
    ]);
    assert!(o.status.success());
    let json1: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out1.with_extension("json")).unwrap())
            .unwrap();
    assert_eq!(json["columns"], json1["columns"]);
}

#[test]
fn picture_commands_reject_bad_input_with_exit_2() {
    let out = tmp("bad.svg");
    let out = out.to_str().unwrap();
    for args in [
        vec![
            "bifurcate",
            "--loss",
            "double_well",
            "--eta-from",
            "1.2",
            "--eta-to",
            "1.0",
            "--out",
            out,
        ],
        vec![
            "bifurcate",
            "--loss",
            "double_well",
            "--eta-from",
            "0.8",
            "--eta-to",
            "1.0",
            "--out",
            "x.png",
        ],
        vec![
            "bifurcate",
            "--loss",
            "nope",
            "--eta-from",
            "0.8",
            "--eta-to",
            "1.0",
            "--out",
            out,
        ],
        vec!["bifurcate", "--eta-from", "0.8", "--eta-to", "1.0"],
        vec![
            "simulate",
            "--loss",
            "double_well",
            "--eta",
            "-1",
            "--out",
            out,
        ],
        vec![
            "simulate",
            "--loss",
            "double_well",
            "--eta",
            "1.02",
            "--from",
            "1,2",
            "--out",
            out,
        ],
    ] {
        let o = eosflip(&args);
        assert_eq!(
            o.status.code(),
            Some(2),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
}

#[test]
fn simulate_draws_the_four_panels_with_the_threshold_line_and_phases() {
    let out = tmp("sim.svg");
    let o = eosflip(&[
        "simulate",
        "--loss",
        "tilted",
        "--point",
        "0,50",
        "--from",
        "0.001,55",
        "--eta",
        "0.125",
        "--steps",
        "300",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains("phase growth")
            && stdout.contains("phase drift")
            && stdout.contains("phase decay"),
        "{stdout}"
    );
    let svg = read_svg(&out);
    let doc = roxmltree::Document::parse(&svg).expect("valid XML");
    let t = texts(&doc);
    for want in [
        "loss",
        "sharpness",
        "normal amplitude",
        "distance to M",
        "2/η",
        "first-order λ∞ = 2/η − ηG/(4c1)",
    ] {
        assert!(t.iter().any(|s| s == want), "{want}: {t:?}");
    }
    // The 2/η line: a dashed (many short) horizontal run of THRESHOLD polylines.
    let horizontal = doc
        .descendants()
        .filter(|n| n.has_tag_name("polyline") && n.attribute("stroke") == Some(THRESHOLD))
        .filter(|n| {
            let ys: Vec<&str> = n
                .attribute("points")
                .unwrap_or("")
                .split_whitespace()
                .filter_map(|p| p.split(',').nth(1))
                .collect();
            ys.len() == 2 && ys[0] == ys[1]
        })
        .count();
    assert!(horizontal > 10, "{horizontal}");
    assert!(count(&doc, "polyline", "stroke", DATA) >= 1);
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.with_extension("json")).unwrap())
            .unwrap();
    assert_eq!(json["phases"].as_array().unwrap().len(), 3);
}

#[test]
fn scan_product_shades_the_supercritical_part() {
    let out = tmp("scan.svg");
    let o = eosflip(&[
        "scan",
        "--loss",
        "product",
        "--points",
        "30",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let svg = read_svg(&out);
    let doc = roxmltree::Document::parse(&svg).expect("valid XML");
    let t = texts(&doc);
    for want in ["c1", "λ", "|Π_T g|", "supercritical (c1 > 0)"] {
        assert!(t.iter().any(|s| s == want), "{want}: {t:?}");
    }
    assert!(count(&doc, "polyline", "stroke", DATA) >= 1);
    // (xy − 1)²/2: c1 = 32/s³ > 0 everywhere, so the shading spans the curve in each panel.
    assert!(count(&doc, "rect", "fill", "#2CA02C") >= 3);
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.with_extension("json")).unwrap())
            .unwrap();
    assert_eq!(json["points"].as_array().unwrap().len(), 30);
    // An isolated minimizer has no curve of M.
    let o = eosflip(&[
        "scan",
        "--loss",
        "double_well",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
}

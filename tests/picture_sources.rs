//! The picture commands load the loss through one path (`src/cli/source.rs`): a text loss given
//! by `--expr` gives the same diagram as the catalog entry it spells out.
#![cfg(feature = "symbolic")]

use std::process::{Command, Output};

fn eosflip(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_eosflip"))
        .args(args)
        .env_remove("COLUMNS")
        .output()
        .expect("binary runs")
}

fn json(args: &[&str]) -> serde_json::Value {
    let o = eosflip(args);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).expect("one JSON object")
}

fn close(a: &serde_json::Value, b: &serde_json::Value, key: &str) {
    let (x, y) = (a[key].as_f64().unwrap(), b[key].as_f64().unwrap());
    assert!(
        (x - y).abs() <= 1e-12 * y.abs().max(1.0),
        "{key}: {x} vs {y}"
    );
}

#[test]
fn expr_and_catalog_give_the_same_pictures() {
    let dir = std::env::temp_dir().join(format!("eosflip-sources-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = |n: &str| dir.join(n).to_string_lossy().into_owned();
    let grid = [
        "--eta-from",
        "0.9",
        "--eta-to",
        "1.3",
        "--steps",
        "40",
        "--burn-in",
        "400",
        "--json",
    ];
    let (o1, o2) = (out("cat.svg"), out("txt.svg"));
    let cat = json(
        &[
            &["bifurcate", "--loss", "double_well", "--out", &o1][..],
            &grid,
        ]
        .concat(),
    );
    let txt = json(
        &[
            &[
                "bifurcate",
                "--expr",
                "(x^2 - 1)^2/4",
                "--point",
                "1",
                "--out",
                &o2,
            ][..],
            &grid,
        ]
        .concat(),
    );
    for key in ["sharpness", "eta_star", "c1"] {
        close(&cat, &txt, key);
    }
    assert!((txt["c1"].as_f64().unwrap() - 8.0).abs() < 1e-12);
    assert_eq!(cat["first_periods"], txt["first_periods"]);
    assert!(
        std::fs::metadata(&o2).unwrap().len() > 1000,
        "the SVG is written"
    );
    // simulate and scan on a text product loss at a point of M.
    let s = json(&[
        "simulate",
        "--expr",
        "(x*y - 1)^2/2",
        "--point",
        "2,0.5",
        "--eta",
        "0.5",
        "--steps",
        "300",
        "--out",
        &out("sim.svg"),
        "--json",
    ]);
    assert!(s["phases"].as_array().is_some_and(|p| !p.is_empty()));
    let c = json(&[
        "scan",
        "--expr",
        "(x*y - 1)^2/2",
        "--point",
        "2,0.5",
        "--points",
        "12",
        "--out",
        &out("scan.svg"),
        "--json",
    ]);
    // c1 = 32z²/s³ > 0 on all of M for the squared loss (docs/math.md §6).
    assert_eq!(c["supercritical"], serde_json::json!(12));
    // A text loss has no default point; --vars needs --expr.
    let never = out("never.svg");
    for args in [
        &[
            "bifurcate",
            "--expr",
            "x^2",
            "--eta-from",
            "0.9",
            "--eta-to",
            "1.1",
            "--out",
            &never,
        ][..],
        &[
            "scan", "--loss", "product", "--vars", "x,y", "--out", &never,
        ],
    ] {
        let o = eosflip(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(o.stdout.is_empty());
        assert!(
            !std::path::Path::new(&never).exists(),
            "nothing written on bad input"
        );
    }
    std::fs::remove_dir_all(&dir).ok();
}

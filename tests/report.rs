//! `eosflip check --report DIR` on three embedded cases: the verdict table (one row per case,
//! the verdicts of the case files), each case's section with one plot per drawable validation,
//! the convergence figure with the sharpness series from the thinned trace and the 2/η line,
//! nothing external; and the thinned trace itself in the JSON (≤ 300 samples, the run's last
//! step and final sharpness).

use std::path::{Path, PathBuf};
use std::process::Command;

const CASES: [&str; 3] = [
    "tilted_clean_regime",
    "factorization_rank_one",
    "quartic1d_degenerate",
];
const DATA: &str = "#1F77B4";
const THRESHOLD: &str = "#FF7F0E";

fn case_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("theorems/cases")
        .join(format!("{name}.toml"))
}

/// The `[expect]` verdicts A1–A6 of a case file, as the report's table writes them.
fn expected_verdicts(name: &str) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(case_path(name)).unwrap();
    let t: toml::Table = text.parse().unwrap();
    let expect = t["expect"].as_table().unwrap();
    (1..=6)
        .filter_map(|i| {
            let id = format!("A{i}");
            expect.get(&id).map(|v| {
                let cell = match v.as_str().unwrap() {
                    "holds" => "holds",
                    "fails" => "FAILS",
                    "inconclusive" => "incon.",
                    "not_applicable" => "n/a",
                    other => panic!("{other}"),
                };
                (id, cell.to_string())
            })
        })
        .collect()
}

/// Every `<svg …>…</svg>` of `html`, parsed.
fn svgs(html: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(a) = rest.find("<svg") {
        let b = rest[a..].find("</svg>").expect("closed svg") + a + "</svg>".len();
        out.push(&rest[a..b]);
        rest = &rest[b..];
    }
    out
}

fn attr_values<'a>(html: &'a str, attr: &str) -> Vec<&'a str> {
    let pat = format!("{attr}=\"");
    html.match_indices(&pat)
        .map(|(i, _)| {
            let v = &html[i + pat.len()..];
            &v[..v.find('"').unwrap()]
        })
        .collect()
}

fn texts(doc: &roxmltree::Document<'_>) -> Vec<String> {
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text().map(|t| t.trim().to_string()))
        .collect()
}

fn points(n: &roxmltree::Node<'_, '_>) -> Vec<(f64, f64)> {
    n.attribute("points")
        .unwrap_or("")
        .split_whitespace()
        .map(|p| {
            let (x, y) = p.split_once(',').unwrap();
            (x.parse().unwrap(), y.parse().unwrap())
        })
        .collect()
}

#[test]
fn report_has_the_verdicts_plots_and_sharpness_traces_and_nothing_external() {
    let dir = std::env::temp_dir().join(format!("eosflip-report-{}", std::process::id()));
    let mut args: Vec<String> = CASES
        .iter()
        .map(|c| case_path(c).display().to_string())
        .collect();
    args.extend(["--report".into(), dir.display().to_string()]);
    args.extend(["--json".into(), "--quiet".into()]);
    let o = Command::new(env!("CARGO_BIN_EXE_eosflip"))
        .arg("check")
        .args(&args)
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let html = std::fs::read_to_string(dir.join("index.html")).unwrap();

    // The verdict table: one row per case, in order, with the case files' verdicts.
    let a = html.find("<table>").unwrap();
    let b = html.find("</table>").unwrap() + "</table>".len();
    let table = roxmltree::Document::parse(&html[a..b]).expect("the table is well-formed");
    let header: Vec<String> = table
        .descendants()
        .filter(|n| n.has_tag_name("th"))
        .map(|n| n.text().unwrap_or("").to_string())
        .collect();
    let rows: Vec<Vec<String>> = table
        .descendants()
        .filter(|n| n.has_tag_name("tr"))
        .skip(1)
        .map(|tr| {
            tr.children()
                .filter(|c| c.has_tag_name("td"))
                .map(|td| {
                    td.descendants()
                        .filter(|d| d.is_text())
                        .filter_map(|d| d.text())
                        .collect::<String>()
                })
                .collect()
        })
        .collect();
    assert_eq!(rows.len(), CASES.len(), "{rows:?}");
    for (row, case) in rows.iter().zip(CASES) {
        assert_eq!(row[0], case);
        for (id, want) in expected_verdicts(case) {
            let col = header.iter().position(|h| *h == id).unwrap();
            assert_eq!(row[col], want, "{case} {id}: {row:?}");
        }
        let (met, all) = row.last().unwrap().split_once('/').unwrap();
        assert_eq!(met, all, "{case}: every expectation met");
    }

    // Each section: one figure per validation with a plot (amplitude, drift, convergence).
    let plots = [
        ("tilted_clean_regime", 2),
        ("factorization_rank_one", 2),
        ("quartic1d_degenerate", 1),
    ];
    for (case, n) in plots {
        let a = html.find(&format!("<section id=\"{case}\">")).unwrap();
        let b = html[a..].find("</section>").unwrap() + a;
        let section = &html[a..b];
        let figs = svgs(section);
        assert_eq!(figs.len(), n, "{case}");
        for f in &figs {
            roxmltree::Document::parse(f).expect("each inline SVG parses");
        }
    }

    // The convergence figures: sharpness series (a long DATA polyline) in both run panels,
    // the dashed horizontal 2/η line, the predictions in the legend.
    let all = svgs(&html);
    let convergence: Vec<&&str> = all
        .iter()
        .filter(|s| s.contains("convergence at the threshold"))
        .collect();
    assert_eq!(convergence.len(), 2);
    for svg in convergence {
        let doc = roxmltree::Document::parse(svg).unwrap();
        let t = texts(&doc);
        for want in ["2/η", "sharpness of GD", "first-order λ∞", "GD step k"] {
            assert!(t.iter().any(|s| s == want), "{want}: {t:?}");
        }
        let long_data: Vec<usize> = doc
            .descendants()
            .filter(|n| n.has_tag_name("polyline") && n.attribute("stroke") == Some(DATA))
            .map(|n| points(&n).len())
            .filter(|&k| k > 30)
            .collect();
        assert!(long_data.len() >= 2, "{long_data:?}");
        let dashes = doc
            .descendants()
            .filter(|n| n.has_tag_name("polyline") && n.attribute("stroke") == Some(THRESHOLD))
            .filter(|n| {
                let p = points(n);
                p.len() == 2 && p[0].1 == p[1].1 && p[0].0 != p[1].0
            })
            .count();
        assert!(dashes > 20, "dashed 2/η in both panels: {dashes}");
    }

    // Nothing external: no http(s) URL in any src or href.
    for attr in ["src", "href", "xlink:href"] {
        for v in attr_values(&html, attr) {
            assert!(
                !v.starts_with("http://") && !v.starts_with("https://") && !v.starts_with("//"),
                "{attr}=\"{v}\""
            );
        }
    }
    assert!(!html.contains("<script"), "no scripts");

    // The thinned traces behind the plots.
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let mut runs = 0;
    for case in json["cases"].as_array().unwrap() {
        for v in case["validations"].as_array().unwrap() {
            if v["name"] != "convergence" {
                continue;
            }
            for key in ["at_threshold", "from_above"] {
                let r = &v["detail"][key];
                let trace = r["thinned_trace"].as_array().expect("a thinned trace");
                let steps: Vec<u64> = trace.iter().map(|s| s["step"].as_u64().unwrap()).collect();
                assert!(trace.len() <= 300 && trace.len() >= 100, "{}", trace.len());
                assert_eq!(steps[0], 0);
                assert!(steps.windows(2).all(|w| w[0] < w[1]));
                assert_eq!(*steps.last().unwrap(), r["steps"].as_u64().unwrap());
                // The last sample is the final iterate: its sharpness is the run's final one.
                let last = trace.last().unwrap()["sharpness"].as_f64().unwrap();
                let fin = r["final_sharpness"].as_f64().unwrap();
                assert!((last - fin).abs() <= 1e-12 * fin.abs(), "{last} vs {fin}");
                // Converged runs end on M: the distance there is at most ~|∇L|/λ.
                let d = trace.last().unwrap()["distance_to_m"].as_f64().unwrap();
                assert!(d < 1e-8, "{d}");
                runs += 1;
            }
        }
    }
    assert_eq!(runs, 4, "two runs for each of the two convergence cases");
}

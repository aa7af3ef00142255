//! The case-file format (TOML) and the cases embedded in the binary.
//!
//! ```toml
//! name = "chen_bruna_double_well"
//! description = "..."
//! theorem = "flip_normal_direction.md"
//! validations = ["amplitude"]          # amplitude | drift | convergence | exception
//! [loss]
//! catalog = "double_well"              # a catalog entry (see `eosflip list`)
//! params = { k2 = 1.5 }                # numbers or strings
//! [point]
//! at = [1.0]                           # default: the entry's default point
//! refine = false                       # refine onto M first
//! [options.amplitude]                  # optional: options of each validation
//! betas = [0.04, 0.02, 0.01]
//! [expect]
//! A1 = "holds"                         # holds | fails | inconclusive, for A1..A6
//! A6 = "not_applicable"                # A6 also: not_applicable (m = 0 or Π_T g ≠ 0)
//! supercritical = true
//! c1 = { value = 8.0, rel = 1e-12 }    # also: c2, sharpness, drift_norm
//! validations = { amplitude = "pass" } # pass | fail | inconclusive
//! ```

use super::validations::ValidationOptions;
use crate::assumptions::{Hypothesis, Outcome};
use crate::error::{Error, Result};
use crate::simulate::Outcome as SimOutcome;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One case: a loss, a point, validations to run and expected results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseFile {
    /// Unique name.
    pub name: String,
    /// What the case shows.
    pub description: String,
    /// The `theorems/` file it instantiates.
    #[serde(default)]
    pub theorem: Option<String>,
    /// The loss.
    pub loss: LossSpec,
    /// The point.
    #[serde(default)]
    pub point: PointSpec,
    /// Validations by simulation to run.
    #[serde(default)]
    pub validations: Vec<String>,
    /// Options of the validations (`[options.amplitude]`, `[options.drift]`,
    /// `[options.convergence]`, `options.sweep_points`).
    #[serde(default)]
    pub options: ValidationOptions,
    /// Expected results.
    #[serde(default)]
    pub expect: Expectations,
}

/// Which loss: a catalog entry, or a text expression (feature `symbolic`), with parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LossSpec {
    /// Catalog entry name (exactly one of `catalog` and `expr`).
    #[serde(default)]
    pub catalog: Option<String>,
    /// A text loss, e.g. `"x^4 + y^2"` (needs the `symbolic` feature and `point.at`).
    #[serde(default)]
    pub expr: Option<String>,
    /// Variable order of `expr` (default: order of first appearance).
    #[serde(default)]
    pub vars: Option<Vec<String>>,
    /// A model file (`docs/model-format.md`), relative to the case file; its θ is the point.
    #[serde(default)]
    pub model: Option<String>,
    /// Parameters (numbers or strings).
    #[serde(default)]
    pub params: BTreeMap<String, toml::Value>,
}

/// Where to analyse.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PointSpec {
    /// The point (default: the entry's default point).
    #[serde(default)]
    pub at: Option<Vec<f64>>,
    /// Refine onto M first.
    #[serde(default)]
    pub refine: bool,
}

/// An expected number with a relative tolerance.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValueExpect {
    /// Expected value (from a closed form).
    pub value: f64,
    /// Relative tolerance.
    pub rel: f64,
}

/// Expected verdicts and values.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expectations {
    /// A1 smoothness.
    #[serde(rename = "A1", default)]
    pub a1: Option<Outcome>,
    /// A2 Morse–Bott.
    #[serde(rename = "A2", default)]
    pub a2: Option<Outcome>,
    /// A3 spectral gap.
    #[serde(rename = "A3", default)]
    pub a3: Option<Outcome>,
    /// A4 supercritical flip.
    #[serde(rename = "A4", default)]
    pub a4: Option<Outcome>,
    /// A5 transversal drift.
    #[serde(rename = "A5", default)]
    pub a5: Option<Outcome>,
    /// A6 sharpness minimal on M (`not_applicable` where m = 0 or Π_T g ≠ 0).
    #[serde(rename = "A6", default)]
    pub a6: Option<Outcome>,
    /// c2 value (degenerate flips, docs/math.md §7).
    #[serde(default)]
    pub c2: Option<ValueExpect>,
    /// Sign of c1.
    #[serde(default)]
    pub supercritical: Option<bool>,
    /// c1 value.
    #[serde(default)]
    pub c1: Option<ValueExpect>,
    /// Sharpness value.
    #[serde(default)]
    pub sharpness: Option<ValueExpect>,
    /// |Π_T g| value.
    #[serde(default)]
    pub drift_norm: Option<ValueExpect>,
    /// Expected outcome of each validation (`pass` | `fail` | `inconclusive`).
    #[serde(default)]
    pub validations: BTreeMap<String, SimOutcome>,
}

impl Expectations {
    /// The expected verdict of hypothesis `id` (`A1` … `A6`).
    pub fn verdict(&self, id: Hypothesis) -> Option<Outcome> {
        match id {
            Hypothesis::A1 => self.a1,
            Hypothesis::A2 => self.a2,
            Hypothesis::A3 => self.a3,
            Hypothesis::A4 => self.a4,
            Hypothesis::A5 => self.a5,
            Hypothesis::A6 => self.a6,
        }
    }
}

/// Validation names a case may request.
pub const VALIDATIONS: [&str; 4] = ["amplitude", "drift", "convergence", "exception"];

impl CaseFile {
    /// Loads the case's model file: relative to `base_dir` (a case read from disk) or from
    /// [`EMBEDDED_MODELS`] (an embedded case).
    pub fn load_model(
        &self,
        base_dir: Option<&std::path::Path>,
    ) -> Result<crate::loss::network::model_file::Model> {
        use crate::loss::network::model_file;
        let path = self.loss.model.as_deref().unwrap_or_default();
        match base_dir {
            Some(dir) => model_file::load(&dir.join(path)),
            None => {
                let text = EMBEDDED_MODELS
                    .iter()
                    .find(|(n, _)| *n == path)
                    .map(|(_, t)| *t)
                    .ok_or_else(|| {
                        Error::bad_input(
                            format!(
                                "embedded case {}: no embedded model file '{path}'",
                                self.name
                            ),
                            "add it to EMBEDDED_MODELS in src/check/case.rs",
                        )
                    })?;
                model_file::parse(text, path, std::path::Path::new("theorems/cases"))
            }
        }
    }

    /// Parses and validates a case file; `origin` names it in errors.
    pub fn parse(text: &str, origin: &str) -> Result<CaseFile> {
        let case: CaseFile = toml::from_str(text).map_err(|e| {
            Error::bad_input(
                format!("case file {origin}: {e}"),
                "see docs/case-format.md for the format",
            )
        })?;
        let sources = [
            case.loss.catalog.is_some(),
            case.loss.expr.is_some(),
            case.loss.model.is_some(),
        ];
        if sources.iter().filter(|&&b| b).count() != 1 {
            return Err(Error::bad_input(
                format!("case file {origin}: [loss] must give exactly one of catalog, expr, model"),
                "see docs/case-format.md for the format",
            ));
        }
        if let Some(bad) = case
            .validations
            .iter()
            .find(|v| !VALIDATIONS.contains(&v.as_str()))
        {
            return Err(Error::bad_input(
                format!("case file {origin}: unknown validation '{bad}'"),
                format!("validations are: {}", VALIDATIONS.join(", ")),
            ));
        }
        super::preflight::validate(&case, origin)?;
        Ok(case)
    }

    /// The loss parameters as text, as the catalog reads them.
    pub fn params_text(&self) -> BTreeMap<String, String> {
        self.loss
            .params
            .iter()
            .map(|(k, v)| {
                let text = match v {
                    toml::Value::String(s) => s.clone(),
                    toml::Value::Array(a) => a
                        .iter()
                        .map(|x| x.to_string())
                        .collect::<Vec<_>>()
                        .join(","),
                    other => other.to_string(),
                };
                (k.clone(), text)
            })
            .collect()
    }
}

macro_rules! embed {
    ($($file:literal),* $(,)?) => {
        &[$(($file, include_str!(concat!("../../theorems/cases/", $file)))),*]
    };
}

/// Model files of the embedded cases (path relative to `theorems/cases/`, text).
pub const EMBEDDED_MODELS: &[(&str, &str)] = &[
    (
        "models/teacher_2_4_3_1.json",
        include_str!("../../theorems/cases/models/teacher_2_4_3_1.json"),
    ),
    (
        "models/decay_2_4_1.json",
        include_str!("../../theorems/cases/models/decay_2_4_1.json"),
    ),
];

/// The case files compiled into the binary (file name, text); `tests/check.rs` asserts this
/// list matches the directory.
pub const EMBEDDED: &[(&str, &str)] = embed!(
    "a6_fails_unstable_cycle.toml",
    "a6_holds_stable_cycle.toml",
    "chen_bruna_double_well.toml",
    "degenerate_flip_on_m.toml",
    "factorization_rank_one.toml",
    "isolated_2d_subcritical.toml",
    "isolated_2d_supercritical.toml",
    "mlp_tanh.toml",
    "network_two_hidden.toml",
    "network_weight_decay.toml",
    "non_morse_bott.toml",
    "product_depth3.toml",
    "product_logistic.toml",
    "product_squared.toml",
    "quartic1d_degenerate.toml",
    "quartic1d_subcritical.toml",
    "quartic1d_supercritical.toml",
    "refine_from_start.toml",
    "repeated_top_eigenvalue.toml",
    "song_yun_logcosh.toml",
    "tilted_clean_regime.toml",
    "zhu_minimalist_balanced.toml",
    "zhu_minimalist_unbalanced.toml",
);

/// Case files with text losses, embedded when the `symbolic` feature is on.
#[cfg(feature = "symbolic")]
pub const EMBEDDED_SYMBOLIC: &[(&str, &str)] =
    embed!("text_chen_bruna.toml", "text_non_morse_bott.toml",);

/// Case files with text losses (none without the `symbolic` feature).
#[cfg(not(feature = "symbolic"))]
pub const EMBEDDED_SYMBOLIC: &[(&str, &str)] = &[];

/// Parses every embedded case.
pub fn embedded_cases() -> Result<Vec<CaseFile>> {
    EMBEDDED
        .iter()
        .chain(EMBEDDED_SYMBOLIC)
        .map(|(name, text)| CaseFile::parse(text, name))
        .collect()
}

//! Model files `eosflip-model/1` (JSON; `docs/model-format.md`): a network's architecture, its
//! data and a point θ. Every field is validated with an error that names it and the expected
//! shape; data may come from CSV files and θ from a PyTorch `nn.Sequential` state_dict in
//! safetensors format (paths relative to the model file).

use super::csv::read_csv_matrix;
use super::safetensors::{read_safetensors, sequential_parameters};
use super::{Activation, Network, Objective};
use crate::error::{Error, Result};
use serde_json::{json, Map, Value};
use std::path::{Path, PathBuf};

/// The format tag.
pub const FORMAT: &str = "eosflip-model/1";

/// Largest model file read (bytes): 4 GB of JSON.
pub const MAX_FILE_BYTES: u64 = 4_000_000_000;

/// A loaded model: the network (a loss) and the point.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// The loss.
    pub network: Network,
    /// θ, in PyTorch's parameter order.
    pub theta: Vec<f64>,
}

fn bad(path: &str, what: String, hint: &str) -> Error {
    Error::bad_input(format!("model file {path}: {what}"), hint)
}

/// Reads and validates a model file.
pub fn load(path: &Path) -> Result<Model> {
    let name = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|e| {
        bad(
            &name,
            format!("cannot be read ({e})"),
            "give the path of an existing model file",
        )
    })?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(bad(
            &name,
            format!(
                "is {} bytes, above the limit of {MAX_FILE_BYTES}",
                meta.len()
            ),
            "store theta in a safetensors file (theta_safetensors)",
        ));
    }
    let text = std::fs::read_to_string(path).map_err(|e| {
        bad(
            &name,
            format!("cannot be read as UTF-8 text ({e})"),
            "a model file is JSON",
        )
    })?;
    parse(&text, &name, path.parent().unwrap_or(Path::new(".")))
}

/// Parses model-file text; `base` resolves the relative paths it names.
pub fn parse(text: &str, name: &str, base: &Path) -> Result<Model> {
    let v: Value = serde_json::from_str(text).map_err(|e| {
        bad(
            name,
            format!("is not valid JSON: {e}"),
            "check the syntax at the line and column given",
        )
    })?;
    let obj = v.as_object().ok_or_else(|| {
        bad(
            name,
            "the top level is not a JSON object".into(),
            "write {\"format\": \"eosflip-model/1\", ...}",
        )
    })?;
    let known = [
        "format",
        "widths",
        "activation",
        "loss",
        "weight_decay",
        "x",
        "y",
        "theta",
        "x_csv",
        "y_csv",
        "theta_safetensors",
        "description",
    ];
    if let Some(k) = obj.keys().find(|k| !known.contains(&k.as_str())) {
        return Err(bad(
            name,
            format!("unknown field '{k}'"),
            &format!("the fields are {}", known.join(", ")),
        ));
    }
    match obj.get("format").and_then(Value::as_str) {
        Some(FORMAT) => {}
        other => {
            return Err(bad(
                name,
                format!("field 'format' is {other:?}, expected \"{FORMAT}\""),
                "set \"format\": \"eosflip-model/1\"",
            ))
        }
    }
    let widths = widths(obj, name)?;
    let activation = match obj.get("activation") {
        Some(Value::String(s)) => Activation::from_name(s).ok_or_else(|| {
            bad(
                name,
                format!("field 'activation' is '{s}'"),
                &format!("use one of {}", Activation::NAMES.join(", ")),
            )
        })?,
        _ => {
            return Err(bad(
                name,
                "field 'activation' is missing or not a string".into(),
                &format!("use one of {}", Activation::NAMES.join(", ")),
            ))
        }
    };
    let objective = match obj.get("loss").and_then(Value::as_str) {
        Some("mse") => Objective::Mse,
        Some("cross_entropy") => Objective::CrossEntropy,
        other => {
            return Err(bad(
                name,
                format!("field 'loss' is {other:?}"),
                "use \"mse\" or \"cross_entropy\"",
            ))
        }
    };
    let weight_decay = match obj.get("weight_decay") {
        None => 0.0,
        Some(w) => w
            .as_f64()
            .filter(|w| w.is_finite() && *w >= 0.0)
            .ok_or_else(|| {
                bad(
                    name,
                    format!("field 'weight_decay' is {w}, expected a finite number ≥ 0"),
                    "e.g. \"weight_decay\": 0.0",
                )
            })?,
    };
    let (d, k) = (widths[0], *widths.last().expect("checked"));
    let x = rows(obj, "x", "x_csv", d, name, base)?;
    let n = x.len();
    let y = if k == 1
        && matches!(obj.get("y"), Some(Value::Array(a)) if a.first().is_some_and(Value::is_number))
    {
        flat(obj.get("y").expect("matched"), "y", name)?
    } else {
        rows(obj, "y", "y_csv", k, name, base)?.concat()
    };
    if y.len() != n * k {
        return Err(bad(
            name,
            format!(
                "'y' has {} values for {n} samples of {k} outputs (expected {})",
                y.len(),
                n * k
            ),
            "give one target row of k numbers per row of x",
        ));
    }
    if objective == Objective::CrossEntropy {
        if k < 2 {
            return Err(bad(
                name,
                "cross_entropy needs k ≥ 2 outputs".into(),
                "end widths with the number of classes",
            ));
        }
        if let Some(i) = y
            .chunks(k)
            .position(|r| r.iter().any(|p| *p < 0.0) || (r.iter().sum::<f64>() - 1.0).abs() > 1e-9)
        {
            return Err(bad(
                name,
                format!("row {i} of 'y' is not a probability vector (entries ≥ 0 summing to 1)"),
                "cross_entropy takes soft labels",
            ));
        }
    }
    let p = Network::parameter_count(&widths);
    let theta = theta(obj, name, base, &widths, p)?;
    let network = Network {
        widths,
        activation,
        objective,
        weight_decay,
        x: x.concat(),
        y,
    };
    Ok(Model { network, theta })
}

fn widths(obj: &Map<String, Value>, name: &str) -> Result<Vec<usize>> {
    let hint = "e.g. \"widths\": [2, 8, 1] (inputs, hidden widths, outputs)";
    let arr = obj
        .get("widths")
        .and_then(Value::as_array)
        .ok_or_else(|| bad(name, "field 'widths' is missing or not a list".into(), hint))?;
    let w: Vec<usize> = arr
        .iter()
        .enumerate()
        .map(|(i, v)| {
            v.as_u64()
                .filter(|&x| (1..=1 << 24).contains(&x))
                .map(|x| x as usize)
                .ok_or_else(|| {
                    bad(
                        name,
                        format!("widths[{i}] = {v} is not an integer in 1..=16777216"),
                        hint,
                    )
                })
        })
        .collect::<Result<_>>()?;
    if w.len() < 2 {
        return Err(bad(
            name,
            format!("'widths' has {} entries, at least 2 are needed", w.len()),
            hint,
        ));
    }
    let p: f64 = w
        .windows(2)
        .map(|x| x[1] as f64 * (x[0] as f64 + 1.0))
        .sum();
    if p > 5e8 {
        return Err(bad(
            name,
            format!("'widths' gives {p:.3e} parameters, above the limit 5e8"),
            "use a smaller network",
        ));
    }
    Ok(w)
}

fn flat(v: &Value, field: &str, name: &str) -> Result<Vec<f64>> {
    let arr = v.as_array().ok_or_else(|| {
        bad(
            name,
            format!("field '{field}' is not a list of numbers"),
            "write a JSON list",
        )
    })?;
    arr.iter()
        .enumerate()
        .map(|(i, x)| {
            x.as_f64().filter(|f| f.is_finite()).ok_or_else(|| {
                bad(
                    name,
                    format!("{field}[{i}] = {x} is not a finite number"),
                    "give finite numbers (no NaN, no strings)",
                )
            })
        })
        .collect()
}

fn rows(
    obj: &Map<String, Value>,
    field: &str,
    csv_field: &str,
    len: usize,
    name: &str,
    base: &Path,
) -> Result<Vec<Vec<f64>>> {
    let r = match (obj.get(field), obj.get(csv_field)) {
        (Some(_), Some(_)) => {
            return Err(bad(
                name,
                format!("both '{field}' and '{csv_field}' are given"),
                "give one of them",
            ))
        }
        (Some(v), None) => {
            let arr = v.as_array().ok_or_else(|| {
                bad(
                    name,
                    format!("field '{field}' is not a list of rows"),
                    &format!("write [[...{len} numbers...], ...]"),
                )
            })?;
            arr.iter()
                .enumerate()
                .map(|(i, row)| flat(row, &format!("{field}[{i}]"), name))
                .collect::<Result<Vec<_>>>()?
        }
        (None, Some(Value::String(p))) => {
            let path = resolve(base, p);
            let text = std::fs::read_to_string(&path).map_err(|e| {
                bad(
                    name,
                    format!("'{csv_field}' file {} cannot be read ({e})", path.display()),
                    "paths are relative to the model file",
                )
            })?;
            read_csv_matrix(&text, &path.display().to_string())
                .map_err(|e| bad(name, e, "fix the CSV file"))?
        }
        (None, Some(v)) => {
            return Err(bad(
                name,
                format!("field '{csv_field}' is {v}, expected a path"),
                "give a path relative to the model file",
            ))
        }
        (None, None) => {
            return Err(bad(
                name,
                format!("field '{field}' is missing"),
                &format!("give '{field}' (rows of {len}) or '{csv_field}'"),
            ))
        }
    };
    if r.is_empty() {
        return Err(bad(
            name,
            format!("'{field}' has no rows"),
            "give at least one sample",
        ));
    }
    if let Some(i) = r.iter().position(|row| row.len() != len) {
        return Err(bad(
            name,
            format!(
                "row {i} of '{field}' has {} numbers, expected {len} (from widths)",
                r[i].len()
            ),
            "every row has the width the architecture says",
        ));
    }
    Ok(r)
}

fn resolve(base: &Path, p: &str) -> PathBuf {
    let path = Path::new(p);
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        base.join(path)
    }
}

fn theta(
    obj: &Map<String, Value>,
    name: &str,
    base: &Path,
    widths: &[usize],
    p: usize,
) -> Result<Vec<f64>> {
    let t = match (obj.get("theta"), obj.get("theta_safetensors")) {
        (Some(_), Some(_)) => {
            return Err(bad(
                name,
                "both 'theta' and 'theta_safetensors' are given".into(),
                "give one of them",
            ))
        }
        (Some(v), None) => flat(v, "theta", name)?,
        (None, Some(Value::String(s))) => {
            let path = resolve(base, s);
            let bytes = std::fs::read(&path).map_err(|e| {
                bad(
                    name,
                    format!(
                        "'theta_safetensors' file {} cannot be read ({e})",
                        path.display()
                    ),
                    "paths are relative to the model file",
                )
            })?;
            let tensors = read_safetensors(&bytes).map_err(|e| {
                bad(
                    name,
                    e,
                    "write it with safetensors.torch.save_file(model.state_dict(), path)",
                )
            })?;
            let (flat, shapes) = sequential_parameters(&tensors)
                .map_err(|e| bad(name, e, "export an nn.Sequential of Linear layers"))?;
            let expect: Vec<(usize, usize)> = widths.windows(2).map(|w| (w[1], w[0])).collect();
            if shapes != expect {
                return Err(bad(name, format!("the safetensors layers have (out, in) shapes {shapes:?}, widths {widths:?} need {expect:?}"), "make widths match the exported network"));
            }
            if let Some(i) = flat.iter().position(|x| !x.is_finite()) {
                return Err(bad(
                    name,
                    format!("parameter {i} in the safetensors file is {}", flat[i]),
                    "export a network with finite weights",
                ));
            }
            flat
        }
        (None, Some(v)) => {
            return Err(bad(
                name,
                format!("field 'theta_safetensors' is {v}, expected a path"),
                "give a path relative to the model file",
            ))
        }
        (None, None) => {
            return Err(bad(
                name,
                "field 'theta' is missing".into(),
                &format!("give 'theta' ({p} numbers) or 'theta_safetensors'"),
            ))
        }
    };
    if t.len() != p {
        return Err(bad(name, format!("'theta' has {} numbers, widths {widths:?} need P = {p} (per layer out·in weights, row-major, then out biases)", t.len()), "export model.parameters() of the nn.Sequential in order"));
    }
    Ok(t)
}

/// The model file of `network` at `theta` (data and θ inline).
pub fn to_json(network: &Network, theta: &[f64]) -> Value {
    let (d, k) = (network.inputs(), network.outputs_dim());
    let x: Vec<&[f64]> = network.x.chunks(d).collect();
    let y = if k == 1 {
        json!(network.y)
    } else {
        json!(network.y.chunks(k).collect::<Vec<_>>())
    };
    json!({
        "format": FORMAT,
        "widths": network.widths,
        "activation": network.activation.name(),
        "loss": network.objective.name(),
        "weight_decay": network.weight_decay,
        "x": x,
        "y": y,
        "theta": theta,
    })
}

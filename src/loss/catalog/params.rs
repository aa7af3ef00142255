//! Catalog parameters: specifications, defaults and validated reading of `k=v` pairs.

use crate::error::{Error, Result};
use std::collections::BTreeMap;

/// One parameter of a catalog entry.
#[derive(Debug, Clone, Copy)]
pub struct ParamSpec {
    /// Name used in `--param name=value`.
    pub name: &'static str,
    /// Default value, as text.
    pub default: &'static str,
    /// What it means and its allowed range.
    pub doc: &'static str,
}

/// Reads parameters of one entry: user values over defaults, every key checked.
#[derive(Debug)]
pub struct ParamReader<'a> {
    entry: &'static str,
    specs: &'static [ParamSpec],
    given: &'a BTreeMap<String, String>,
}

impl<'a> ParamReader<'a> {
    /// Validates that every given key is a parameter of `entry`.
    pub fn new(
        entry: &'static str,
        specs: &'static [ParamSpec],
        given: &'a BTreeMap<String, String>,
    ) -> Result<Self> {
        for key in given.keys() {
            if !specs.iter().any(|s| s.name == key) {
                let known: Vec<&str> = specs.iter().map(|s| s.name).collect();
                return Err(Error::bad_input(
                    format!("unknown parameter '{key}' for loss '{entry}'"),
                    format!(
                        "parameters of '{entry}': {} (see `eosflip list`)",
                        if known.is_empty() {
                            "none".to_string()
                        } else {
                            known.join(", ")
                        }
                    ),
                ));
            }
        }
        Ok(ParamReader {
            entry,
            specs,
            given,
        })
    }

    /// Whether the user set `name` explicitly.
    pub fn is_given(&self, name: &str) -> bool {
        self.given.contains_key(name)
    }

    /// The text value of `name` (user value or default).
    pub fn text(&self, name: &str) -> &str {
        match self.given.get(name) {
            Some(v) => v.as_str(),
            None => self
                .specs
                .iter()
                .find(|s| s.name == name)
                .map(|s| s.default)
                .unwrap_or_else(|| {
                    panic!(
                        "internal: parameter '{name}' not in the spec of '{}'",
                        self.entry
                    )
                }),
        }
    }

    fn invalid(&self, name: &str, why: &str) -> Error {
        let doc = self
            .specs
            .iter()
            .find(|s| s.name == name)
            .map(|s| s.doc)
            .unwrap_or("");
        Error::bad_input(
            format!(
                "parameter '{name}' of loss '{}' = '{}' {why}",
                self.entry,
                self.text(name)
            ),
            format!("{name}: {doc}"),
        )
    }

    /// A finite real value.
    pub fn real(&self, name: &str) -> Result<f64> {
        let v: f64 = self
            .text(name)
            .trim()
            .parse()
            .map_err(|_| self.invalid(name, "is not a number"))?;
        if !v.is_finite() {
            return Err(self.invalid(name, "is not finite"));
        }
        Ok(v)
    }

    /// A comma-separated list of finite reals (at least one).
    pub fn reals(&self, name: &str) -> Result<Vec<f64>> {
        self.text(name)
            .split(',')
            .map(|t| {
                let v: f64 = t
                    .trim()
                    .parse()
                    .map_err(|_| self.invalid(name, "is not a comma-separated list of numbers"))?;
                if v.is_finite() {
                    Ok(v)
                } else {
                    Err(self.invalid(name, "has a non-finite entry"))
                }
            })
            .collect()
    }

    /// A real value with a range check `ok(v)`; `what` describes the range.
    pub fn real_where(&self, name: &str, ok: impl Fn(f64) -> bool, what: &str) -> Result<f64> {
        let v = self.real(name)?;
        if ok(v) {
            Ok(v)
        } else {
            Err(self.invalid(name, &format!("is out of range: must be {what}")))
        }
    }

    /// An integer in `[lo, hi]`.
    pub fn integer(&self, name: &str, lo: u64, hi: u64) -> Result<u64> {
        let v: u64 = self
            .text(name)
            .trim()
            .parse()
            .map_err(|_| self.invalid(name, "is not a non-negative integer"))?;
        if v < lo || v > hi {
            return Err(self.invalid(name, &format!("is out of range: must be in [{lo}, {hi}]")));
        }
        Ok(v)
    }

    /// The resolved parameters (defaults filled in), for reports.
    pub fn resolved(&self) -> BTreeMap<String, String> {
        self.specs
            .iter()
            .map(|s| (s.name.to_string(), self.text(s.name).to_string()))
            .collect()
    }
}

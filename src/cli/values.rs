//! clap value parsers: each turns one command-line value into a typed value or a message that
//! says what is wrong and what to write instead (clap prefixes it with the value and the
//! option, e.g. `invalid value 'fast' for '--eta <X>': …`, and adds the usage hint).

use std::str::FromStr;

/// A finite number (one entry of a comma-separated list).
pub fn finite(s: &str) -> Result<f64, String> {
    let t = s.trim();
    if t.is_empty() {
        return Err(
            "an empty entry (a trailing or doubled comma?); write numbers such as 1,0.5".into(),
        );
    }
    let v: f64 = t
        .parse()
        .map_err(|_| format!("'{t}' is not a number; write e.g. 1.5 or -2e-3"))?;
    if v.is_finite() {
        Ok(v)
    } else {
        Err(format!("{v} is not a finite number; give a finite number"))
    }
}

/// A finite positive number.
pub fn positive(s: &str) -> Result<f64, String> {
    let v = finite(s)?;
    if v > 0.0 {
        Ok(v)
    } else {
        Err(format!(
            "{v} is not positive; give a positive number, e.g. 0.51"
        ))
    }
}

/// `k=v` with a non-empty name and value.
pub fn param(s: &str) -> Result<(String, String), String> {
    let (k, v) = s
        .split_once('=')
        .ok_or_else(|| "not of the form k=v; write e.g. --param k2=1.5".to_string())?;
    let (k, v) = (k.trim(), v.trim());
    if k.is_empty() || v.is_empty() {
        return Err("an empty name or value; write e.g. --param k2=1.5".into());
    }
    Ok((k.to_string(), v.to_string()))
}

/// `name=value` of `symbolic --at` (one entry of the comma-separated list).
pub fn assignment(s: &str) -> Result<(String, String), String> {
    let (k, v) = s
        .split_once('=')
        .ok_or_else(|| "not of the form name=value; write e.g. --at \"x=2,y=1/2\"".to_string())?;
    let (k, v) = (k.trim(), v.trim());
    if k.is_empty() || v.is_empty() {
        return Err("an empty name or value; write e.g. --at \"x=2,y=1/2\"".into());
    }
    Ok((k.to_string(), v.to_string()))
}

/// `--shard i/n`: the i-th (1-based) of n slices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// 1 ≤ index ≤ count.
    pub index: usize,
    /// Number of slices, ≥ 1.
    pub count: usize,
}

impl Shard {
    /// Whether the case at position `k` (0-based) belongs to this slice.
    pub fn contains(&self, k: usize) -> bool {
        k % self.count == self.index - 1
    }
}

impl FromStr for Shard {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let hint = "write i/n with 1 ≤ i ≤ n, e.g. --shard 2/8";
        let (i, n) = s
            .split_once('/')
            .ok_or_else(|| format!("not of the form i/n; {hint}"))?;
        let num = |t: &str| {
            t.trim()
                .parse::<usize>()
                .map_err(|_| format!("'{t}' is not a whole number; {hint}"))
        };
        let (index, count) = (num(i)?, num(n)?);
        if count == 0 || index == 0 || index > count {
            return Err(format!("slice {index} of {count} does not exist; {hint}"));
        }
        Ok(Shard { index, count })
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_shards() {
        assert_eq!(finite(" -2e-3 "), Ok(-2e-3));
        assert!(finite("").unwrap_err().contains("empty entry"));
        assert!(finite("inf").unwrap_err().contains("not a finite"));
        assert!(positive("0").unwrap_err().contains("not positive"));
        assert_eq!(param("k2 = 1.5"), Ok(("k2".into(), "1.5".into())));
        assert!(param("k2").is_err());
        let s: Shard = "2/3".parse().unwrap();
        assert_eq!(
            (0..7).filter(|&k| s.contains(k)).collect::<Vec<_>>(),
            [1, 4]
        );
        assert!("0/3".parse::<Shard>().is_err());
        assert!("4/3".parse::<Shard>().is_err());
    }
}

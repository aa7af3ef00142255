//! A reader of the safetensors format, and the parameter order of a PyTorch `nn.Sequential`.
//!
//! Format: an 8-byte little-endian `u64` header length `N`, then `N` bytes of UTF-8 JSON mapping
//! each tensor name to `{"dtype", "shape", "data_offsets": [begin, end]}` (plus an optional
//! `"__metadata__"` object of strings), then the data buffer: offsets are relative to its start,
//! values little-endian and row-major. [`read_safetensors`] never panics and checks the header
//! length against the file, UTF-8 and JSON syntax, every field of every entry (unknown fields
//! are errors), the dtype (`F64`, `F32`, `F16`, `BF16`, converted to `f64`, the halves by hand),
//! `shape × dtype` size against the offsets, the offsets against the buffer, and that tensors
//! neither overlap nor leave bytes unused. NaN and ±∞ pass: the caller decides about them.
//! [`sequential_parameters`] flattens an `nn.Sequential` state_dict in `parameters()` order.

use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// One tensor of a safetensors file, converted to f64.
#[derive(Debug, Clone, PartialEq)]
pub struct Tensor {
    /// The tensor's name in the header, e.g. `"0.weight"`.
    pub name: String,
    /// Its shape (empty for a scalar).
    pub shape: Vec<usize>,
    /// Its values in row-major order, `shape.iter().product()` of them.
    pub data: Vec<f64>,
}

const NOT_ST: &str = "the file is truncated, corrupt or not a safetensors file";

/// Parses a whole safetensors file. Errors are sentences saying what is wrong and where (byte offset, tensor name) and how to fix it.
///
/// The tensors come back in the order of their data in the file.
pub fn read_safetensors(bytes: &[u8]) -> Result<Vec<Tensor>, String> {
    let len = bytes.len();
    let Some((n, rest)) = bytes.split_first_chunk::<8>() else {
        return Err(format!("the file has {len} bytes, fewer than the 8-byte header length that starts a safetensors file; {NOT_ST}"));
    };
    let (n, avail) = (u64::from_le_bytes(*n), rest.len());
    let Some(hlen) = usize::try_from(n).ok().filter(|&h| h <= avail) else {
        return Err(format!("the header length at byte 0 says {n} bytes, but only {avail} bytes follow it; {NOT_ST}"));
    };
    let (header, data) = rest.split_at(hlen);
    let start = 8 + hlen; // file offset of the data buffer
    let text = std::str::from_utf8(header).map_err(|e| {
        let at = 8 + e.valid_up_to();
        format!("the JSON header (bytes 8..{start}) is not valid UTF-8 at byte {at}; {NOT_ST}")
    })?;
    let root = serde_json::from_str::<Value>(text).map_err(|e| {
        format!("the JSON header (bytes 8..{start}) is not valid JSON ({e}); {NOT_ST}")
    })?;
    let Value::Object(entries) = root else {
        return Err(format!("the JSON header is not an object of tensor entries {{name: {{dtype, shape, data_offsets}}}}; {NOT_ST}"));
    };
    let mut tensors = Vec::new();
    for (name, entry) in &entries {
        let strings = entry.as_object().map(|m| m.values().all(Value::is_string));
        if name != "__metadata__" {
            tensors.push(parse_entry(name, entry, data, start)?);
        } else if strings != Some(true) {
            return Err("__metadata__ is not an object of strings; remove it or save the metadata as a dict of str to str".into());
        }
    }
    tensors.sort_by_key(|t| (t.1, t.2));
    let (mut covered, mut last) = (0, "");
    // The sentinel (len, len) at the end catches unused bytes after the last tensor.
    let bounds = tensors.iter().map(|t| (t.0.name.as_str(), t.1, t.2));
    for (name, begin, end) in bounds.chain([("", data.len(), data.len())]) {
        if begin < covered {
            return Err(format!("tensor '{name}' (data_offsets [{begin}, {end}]) overlaps tensor '{last}', which ends at data offset {covered}; every tensor needs its own bytes: re-save the file"));
        }
        if begin > covered {
            let (a, b) = (start + covered, start + begin);
            return Err(format!("data offsets {covered}..{begin} (bytes {a}..{b}) belong to no tensor; the header lost an entry (a duplicate name?) or the file is corrupt: re-save it"));
        }
        (covered, last) = (end, name);
    }
    Ok(tensors.into_iter().map(|t| t.0).collect())
}

/// Reads field `key` of the entry `m` of tensor `name` as a list of non-negative integers.
fn usize_list(m: &Map<String, Value>, name: &str, key: &str) -> Result<Vec<usize>, String> {
    let bad = || {
        let found = m.get(key).map_or("nothing".into(), Value::to_string);
        format!("tensor '{name}': \"{key}\" must be a list of non-negative integers, found {found}")
    };
    let list = m.get(key).and_then(Value::as_array).ok_or_else(bad)?;
    let item = |v: &Value| v.as_u64().and_then(|x| usize::try_from(x).ok());
    list.iter().map(|v| item(v).ok_or_else(bad)).collect()
}

/// A tensor with its data offsets `begin..end`.
type Entry = (Tensor, usize, usize);

/// Parses and reads one tensor entry; returns it with its data offsets.
fn parse_entry(name: &str, entry: &Value, data: &[u8], start: usize) -> Result<Entry, String> {
    let Value::Object(m) = entry else {
        return Err(format!("tensor '{name}': its header entry is not an object {{dtype, shape, data_offsets}}; {NOT_ST}"));
    };
    let known = ["dtype", "shape", "data_offsets"];
    if let Some(k) = m.keys().find(|k| !known.contains(&k.as_str())) {
        return Err(format!("tensor '{name}': unknown header field \"{k}\"; an entry has only dtype, shape and data_offsets"));
    }
    let Some(dtype) = m.get("dtype").and_then(Value::as_str) else {
        return Err(format!("tensor '{name}': \"dtype\" is missing or not a string (\"F64\", \"F32\", \"F16\" or \"BF16\"); {NOT_ST}"));
    };
    let (width, decode): (usize, fn(&[u8]) -> f64) = match dtype {
        "F64" => (8, |c| f64::from_le_bytes(array(c))),
        "F32" => (4, |c| f64::from(f32::from_le_bytes(array(c)))),
        "F16" => (2, |c| f16_to_f64(u16::from_le_bytes(array(c)))),
        "BF16" => (2, |c| f64::from(f32::from_bits(u32::from(u16::from_le_bytes(array(c))) << 16))),
        _ => return Err(format!("tensor '{name}' has dtype \"{dtype}\", which is not read: only F64, F32, F16 and BF16 are; convert the model first, e.g. model.double()")),
    };
    let shape = usize_list(m, name, "shape")?;
    let offsets = usize_list(m, name, "data_offsets")?;
    let &[begin, end] = offsets.as_slice() else {
        let count = offsets.len();
        return Err(format!("tensor '{name}': \"data_offsets\" must be [begin, end], found {count} numbers; {NOT_ST}"));
    };
    let (buffer, at) = (data.len(), start + begin);
    if begin > end {
        return Err(format!("tensor '{name}': data_offsets [{begin}, {end}] begin after they end (begin must not exceed end); {NOT_ST}"));
    }
    if end > buffer {
        return Err(format!("tensor '{name}': data_offsets [{begin}, {end}] reach past the data buffer, which has {buffer} bytes (from file byte {start}); the file is truncated"));
    }
    let zero = shape.contains(&0).then_some(0); // zero bytes even if the other dimensions overflow
    let size = zero.or_else(|| shape.iter().try_fold(width, |a, &d| a.checked_mul(d)));
    if size != Some(end - begin) {
        let size = size.map_or("more than fits in memory".into(), |s| format!("{s} bytes"));
        let held = end - begin;
        return Err(format!("tensor '{name}': shape {shape:?} of {dtype} needs {size}, but data_offsets [{begin}, {end}] hold {held} bytes (at file byte {at}); the header is corrupt"));
    }
    let raw = data.get(begin..end).unwrap_or_default();
    let data = raw.chunks_exact(width).map(decode).collect();
    let name = name.to_string();
    Ok((Tensor { name, shape, data }, begin, end))
}

/// The first `N` bytes of `c` (zero-padded: callers pass chunks of exactly `N`).
fn array<const N: usize>(c: &[u8]) -> [u8; N] {
    std::array::from_fn(|i| c.get(i).copied().unwrap_or(0))
}

/// IEEE 754 binary16 to f64 (exact).
fn f16_to_f64(bits: u16) -> f64 {
    let sign = if bits & 0x8000 != 0 { -1.0 } else { 1.0 };
    let (exp, mant) = (i32::from((bits >> 10) & 0x1f), f64::from(bits & 0x3ff));
    match exp {
        0 => sign * mant * 2f64.powi(-24),
        31 if bits & 0x3ff == 0 => sign * f64::INFINITY,
        31 => f64::NAN,
        _ => sign * (1.0 + mant / 1024.0) * 2f64.powi(exp - 15),
    }
}

/// Splits `[prefix]<index>.weight|bias` into (prefix, index, is_weight).
fn split_key(name: &str) -> Option<(&str, usize, bool)> {
    let (stem, kind) = name.rsplit_once('.')?;
    matches!(kind, "weight" | "bias").then_some(())?;
    let is_weight = kind == "weight";
    let cut = stem.rfind('.').map_or(0, |i| i + 1);
    let (prefix, index) = (stem.get(..cut)?, stem.get(cut..)?);
    let digits = !index.is_empty() && index.bytes().all(|b| b.is_ascii_digit());
    Some((prefix, index.parse().ok().filter(|_| digits)?, is_weight))
}

/// Orders the tensors of a PyTorch `nn.Sequential` state_dict ("0.weight", "0.bias", "2.weight", …; optionally with a common prefix such as "net." or "model.") into parameter order: by layer index (numeric, not lexicographic), weight before bias. Returns the flat parameter vector and, per layer, (out, in) from the weight's shape. Errors clearly on missing biases, non-2-D weights, bias length ≠ out, unknown keys.
///
/// The vector is `torch.cat([p.flatten() for p in model.parameters()])`. Also checked: one prefix,
/// no parameter twice, data lengths, and that layers chain (`in` = `out` of the layer before).
#[allow(clippy::type_complexity)] // the agreed public signature
pub fn sequential_parameters(
    tensors: &[Tensor],
) -> Result<(Vec<f64>, Vec<(usize, usize)>), String> {
    const KEYS: &str = "an nn.Sequential of nn.Linear layers has only the keys [prefix.]<index>.weight and [prefix.]<index>.bias";
    if tensors.is_empty() {
        return Err(format!("the state_dict has no tensors; {KEYS}"));
    }
    let mut prefix = None;
    let mut layers: BTreeMap<usize, [Option<&Tensor>; 2]> = BTreeMap::new();
    for t in tensors {
        let name = &t.name;
        let Some((pre, index, is_weight)) = split_key(name) else {
            return Err(format!("unknown key '{name}' in the state_dict; {KEYS}"));
        };
        if let Some(p) = prefix.filter(|&p| p != pre) {
            return Err(format!("key '{name}' has prefix '{pre}' but other keys have prefix '{p}'; the state_dict must be of one nn.Sequential"));
        }
        prefix = Some(pre);
        let slot = &mut layers.entry(index).or_default()[usize::from(!is_weight)];
        if let Some(old) = slot.replace(t) {
            let old = &old.name;
            return Err(format!("keys '{old}' and '{name}' name the same parameter of layer {index}; keep one of them"));
        }
    }
    let (p, mut theta, mut dims) = (prefix.unwrap_or_default(), Vec::new(), Vec::new());
    for (index, [weight, bias]) in layers {
        let Some(w) = weight else {
            return Err(format!("layer {index} has a bias '{p}{index}.bias' but no weight '{p}{index}.weight'; save the whole state_dict"));
        };
        let (wname, wshape) = (&w.name, &w.shape);
        let &[out, inp] = wshape.as_slice() else {
            return Err(format!("weight '{wname}' has shape {wshape:?}, not [out, in]: only nn.Linear layers are supported"));
        };
        let Some(b) = bias else {
            return Err(format!("layer {index} has no bias '{p}{index}.bias'; build the nn.Linear layers with bias=True"));
        };
        let (bname, bshape) = (&b.name, &b.shape);
        if bshape != &[out] {
            return Err(format!("bias '{bname}' has shape {bshape:?} but weight '{wname}' has {out} outputs: expected shape [{out}]"));
        }
        if w.data.len() != out.saturating_mul(inp) || b.data.len() != out {
            return Err(format!("layer {index}: the data of '{wname}' or '{bname}' does not match its shape; build each Tensor with shape.iter().product() values"));
        }
        if let Some(&(prev, _)) = dims.last().filter(|&&(prev, _)| prev != inp) {
            return Err(format!("weight '{wname}' takes {inp} inputs but the layer before has {prev} outputs; the layers do not chain"));
        }
        theta.extend(w.data.iter().chain(&b.data));
        dims.push((out, inp));
    }
    Ok((theta, dims))
}

#[cfg(test)]
#[allow(clippy::float_cmp)] // conversions are exact: compare exactly
mod tests {
    use super::*;

    /// A file of entries (name, dtype, shape, raw bytes), laid out in the given order.
    fn file(entries: &[(&str, &str, &[usize], Vec<u8>)]) -> Vec<u8> {
        let (mut header, mut data) = (vec![r#""__metadata__": {"k": "v"}"#.to_string()], vec![]);
        for (name, dtype, shape, raw) in entries {
            let (b, e) = (data.len(), data.len() + raw.len());
            header.push(format!(r#""{name}": {{"dtype": "{dtype}", "shape": {shape:?}, "data_offsets": [{b}, {e}]}}"#));
            data.extend_from_slice(raw);
        }
        raw_file(format!("{{{}}}", header.join(", ")), &data)
    }

    fn raw_file(header: impl AsRef<[u8]>, data: &[u8]) -> Vec<u8> {
        let header = header.as_ref();
        let len = (header.len() as u64).to_le_bytes();
        len.iter().chain(header).chain(data).copied().collect()
    }

    /// Tensors from "name=d1,d2 name2=d1 …", with data 0, 1, 2, ….
    fn ts(spec: &str) -> Vec<Tensor> {
        let tensor = |item: &str| {
            let (name, dims) = item.split_once('=').unwrap();
            let shape: Vec<usize> = dims.split(',').map(|d| d.parse().unwrap()).collect();
            let (name, n) = (name.to_string(), shape.iter().product::<usize>());
            let data = (0..n).map(|i| i as f64).collect();
            Tensor { name, shape, data }
        };
        spec.split_whitespace().map(tensor).collect()
    }

    fn fails<T: std::fmt::Debug>(got: Result<T, String>, needle: &str) {
        let msg = got.expect_err(needle);
        assert!(msg.contains(needle), "{msg:?} lacks {needle:?}");
    }

    #[test]
    fn round_trip_f64_f32_f16_bf16_and_specials() {
        let w = [0.1, -2.5e-300, f64::MAX, -0.0, 1.0 / 3.0, 3.0];
        let h = [0x3c00u16, 0xc000, 0x7bff, 0x0001, 0x3800, 0x8000].map(u16::to_le_bytes);
        let s = [1.5f32, -0.1].map(f32::to_le_bytes);
        let b = [0x3f80u16, 0xc020].map(u16::to_le_bytes);
        let bytes = file(&[
            ("w", "F64", &[2, 3], w.map(f64::to_le_bytes).concat()),
            ("s", "F32", &[2], s.concat()),
            ("h", "F16", &[3, 2], h.concat()),
            ("b", "BF16", &[2], b.concat()),
            ("e", "F64", &[0, 4], vec![]),
            ("c", "F64", &[], 7f64.to_le_bytes().to_vec()),
        ]);
        let got = read_safetensors(&bytes).unwrap();
        let names: Vec<&str> = got.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["w", "s", "h", "b", "e", "c"]);
        let shapes: Vec<&[usize]> = got.iter().map(|t| t.shape.as_slice()).collect();
        assert_eq!(shapes, [&[2, 3][..], &[2], &[3, 2], &[2], &[0, 4], &[]]);
        let data: Vec<&[f64]> = got.iter().map(|t| t.data.as_slice()).collect();
        assert_eq!(data[..2], [&w[..], &[1.5, f64::from(-0.1f32)]]);
        assert_eq!(data[2], [1.0, -2.0, 65504.0, 2f64.powi(-24), 0.5, -0.0]);
        assert_eq!(data[3..], [&[1.0, -2.5][..], &[], &[7.0]]);
        assert!(data[2][5].is_sign_negative());
        // Half-precision specials; NaN passes through the reader.
        assert_eq!(f16_to_f64(0x7c00), f64::INFINITY);
        assert_eq!(f16_to_f64(0xfc00), -f64::INFINITY);
        assert_eq!(f16_to_f64(0x03ff), 1023.0 / 2f64.powi(24));
        assert_eq!(f16_to_f64(0x0400), 2f64.powi(-14));
        assert!(f16_to_f64(0x7e00).is_nan());
        let nan = [0x7f80u16, 0x7fc0, 0xff80].map(u16::to_le_bytes).concat();
        let nan = file(&[("b", "BF16", &[3], nan)]);
        let got = &read_safetensors(&nan).unwrap()[0].data;
        assert!(got[0] == f64::INFINITY && got[1].is_nan() && got[2] == -f64::INFINITY);
    }

    #[test]
    fn every_error_class() {
        let ok = file(&[("a", "F64", &[2], vec![0; 16])]);
        let long = [&u64::MAX.to_le_bytes()[..], &ok[8..]].concat();
        // Entry "a" of dtype d, shape s, offsets o (and what follows) over 16 data bytes.
        let e = |d: &str, s: &str, o: &str| {
            let a = format!(r#""a": {{"dtype": {d}, "shape": {s}, "data_offsets": {o}}}"#);
            raw_file(format!("{{{a}}}"), &[0; 16])
        };
        let two = r#"{"a": {"dtype": "F64", "shape": [2], "data_offsets": [0, 16]}, "b": {"dtype": "F32", "shape": [2], "data_offsets": [8, 16]}}"#;
        let f64 = r#""F64""#;
        let cases: &[(Vec<u8>, &str)] = &[
            (ok[..5].to_vec(), "the file has 5 bytes, fewer than the 8-byte"),
            (long, "header length at byte 0 says 18446744073709551615 bytes"),
            (ok[..20].to_vec(), "only 12 bytes follow it"),
            (raw_file(b"{\"a\xff\":1}", &[]), "is not valid UTF-8 at byte 11"),
            (raw_file("{\"a\": ", &[]), "is not valid JSON (EOF while parsing"),
            (raw_file("[1, 2]", &[]), "not an object of tensor entries"),
            (raw_file(r#"{"__metadata__": [1]}"#, &[]), "__metadata__ is not an object of strings"),
            (raw_file(r#"{"__metadata__": {"k": 1}}"#, &[]), "__metadata__ is not an object of strings"),
            (raw_file(r#"{"a": 3}"#, &[]), "tensor 'a': its header entry is not an object"),
            (e("3", "[2]", "[0, 16]"), "tensor 'a': \"dtype\" is missing or not a string"),
            (e(r#""I64""#, "[2]", "[0, 16]"), "dtype \"I64\", which is not read"),
            (e(f64, "[-2]", "[0, 16]"), "\"shape\" must be a list of non-negative integers, found [-2]"),
            (e(f64, "2", "[0, 16]"), "\"shape\" must be a list of non-negative integers, found 2"),
            (e(f64, "[2]", "[0]"), "\"data_offsets\" must be [begin, end], found 1 numbers"),
            (e(f64, "[2]", "[16, 0]"), "data_offsets [16, 0] begin after they end"),
            (e(f64, "[2]", "[0, 24]"), "reach past the data buffer, which has 16 bytes"),
            (e(f64, "[3]", "[0, 16]"), "needs 24 bytes, but data_offsets [0, 16] hold 16 bytes"),
            (e(f64, "[4294967296, 4294967296]", "[0, 16]"), "needs more than fits in memory"),
            (e(f64, "[4294967296, 4294967296, 0]", "[0, 16]"), "needs 0 bytes, but data_offsets [0, 16] hold 16"),
            (e(f64, "[2]", r#"[0, 16], "x": 1"#), "unknown header field \"x\""),
            (e(f64, "[1]", "[0, 8]"), "data offsets 8..16 (bytes 77..85) belong to no tensor"),
            (e(f64, "[1]", "[8, 16]"), "data offsets 0..8 (bytes 70..78) belong to no tensor"),
            (raw_file(two, &[0; 16]), "tensor 'b' (data_offsets [8, 16]) overlaps tensor 'a', which ends at data offset 16"),
        ];
        for (bytes, needle) in cases {
            fails(read_safetensors(bytes), needle);
        }
    }

    #[test]
    fn never_panics_on_truncated_or_corrupt_input() {
        let ok = file(&[("a", "F16", &[3], vec![1; 6])]);
        for i in 0..ok.len() {
            assert!(read_safetensors(&ok[..i]).is_err());
            for flip in [1u8, 0x80, 0xff] {
                let mut bad = ok.clone();
                bad[i] ^= flip;
                let _ = read_safetensors(&bad);
            }
        }
    }

    #[test]
    fn sequential_order_is_numeric_weight_before_bias() {
        // Lexicographic order would put "10" before "2".
        let spec = "net.10.bias=1 net.2.weight=3,4 net.0.bias=4 net.10.weight=1,3 net.0.weight=4,2 net.2.bias=3";
        let (theta, dims) = sequential_parameters(&ts(spec)).unwrap();
        assert_eq!(dims, [(4, 2), (3, 4), (1, 3)]);
        let want = [8, 4, 12, 3, 3, 1].map(|n| (0..n).map(f64::from).collect::<Vec<_>>());
        assert_eq!(theta, want.concat());
        let one = sequential_parameters(&ts("0.weight=1,2 0.bias=1")).unwrap();
        assert_eq!(one, (vec![0.0, 1.0, 0.0], vec![(1, 2)]));
    }

    #[test]
    fn sequential_errors() {
        let mut short = ts("0.weight=2,2 0.bias=2");
        short[0].data.pop();
        let msg = "the data of '0.weight' or '0.bias' does not match";
        fails(sequential_parameters(&short), msg);
        // One case a line: tensors (as for `ts`) | the error they give.
        let cases = " | the state_dict has no tensors
            0.weight=2,1 | layer 0 has no bias '0.bias'; build the nn.Linear layers with bias=True
            m.3.bias=2 | layer 3 has a bias 'm.3.bias' but no weight 'm.3.weight'
            0.weight=2,1,1 0.bias=2 | weight '0.weight' has shape [2, 1, 1], not [out, in]
            0.weight=2,1 0.bias=3 | bias '0.bias' has shape [3] but weight '0.weight' has 2 outputs
            0.running_mean=2 | unknown key '0.running_mean'
            weight=2,1 | unknown key 'weight'
            net.x.weight=2,1 | unknown key 'net.x.weight'
            a.0.weight=2,1 b.2.weight=1,2 | key 'b.2.weight' has prefix 'b.' but other keys have prefix 'a.'
            0.weight=2,1 00.weight=2,1 | keys '0.weight' and '00.weight' name the same parameter of layer 0
            0.weight=2,1 0.bias=2 1.weight=1,3 1.bias=1 | takes 3 inputs but the layer before has 2";
        for (spec, needle) in cases.lines().map(|l| l.split_once(" | ").unwrap()) {
            fails(sequential_parameters(&ts(spec)), needle);
        }
    }

    #[test]
    fn torch_fixture_matches_json_theta() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/");
        let bytes = std::fs::read(format!("{dir}torch_seq_2_8_1.safetensors")).unwrap();
        let (theta, dims) = sequential_parameters(&read_safetensors(&bytes).unwrap()).unwrap();
        // The JSON numbers are parsed by std (correctly rounded), so the comparison is exact.
        let json = std::fs::read_to_string(format!("{dir}torch_seq_2_8_1.json")).unwrap();
        let (_, after) = json.split_once("\"theta\"").unwrap();
        let list = after.split(['[', ']']).nth(1).unwrap();
        let want: Vec<f64> = list.split(',').map(|s| s.trim().parse().unwrap()).collect();
        assert_eq!((dims, want.len(), theta), (vec![(8, 2), (1, 8)], 33, want));
    }
}

//! A reader of numeric CSV matrices (the `x_csv` and `y_csv` files of a model, docs/model-format.md).
//!
//! The format: one row per line, fields separated by commas, surrounding spaces ignored.
//! Blank lines and lines starting with `#` are skipped. The first remaining line is a header,
//! and skipped, if its fields are not all numbers (it must still have as many fields as the
//! rows). A UTF-8 byte-order mark and `\r\n` line ends are accepted. Quoting is not: every
//! field is a plain number in Rust's `f64` syntax (`1`, `-0.5`, `2.5e-3`).
//!
//! Validated: at least one data row; every row has as many fields as the first (errors name the
//! line and the expected count); every field is a finite number (errors name line and column).

/// Reads a numeric CSV matrix, one `Vec` per data row; `what` names the file in error messages.
///
/// Line and column numbers in errors count from 1, over the lines of the whole text (blank,
/// comment and header lines included).
pub fn read_csv_matrix(text: &str, what: &str) -> Result<Vec<Vec<f64>>, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut rows: Vec<Vec<f64>> = Vec::new();
    // (line number, field count) of the row that fixed the width, and of a header seen first.
    let mut width: Option<(usize, usize)> = None;
    let mut header: Option<(usize, usize)> = None;
    for (i, line) in text.lines().enumerate() {
        let lineno = i + 1;
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split(',').map(str::trim).collect();
        if rows.is_empty() && header.is_none() && fields.iter().any(|f| f.parse::<f64>().is_err()) {
            header = Some((lineno, fields.len()));
            continue;
        }
        let (first, expected) = *width.get_or_insert((lineno, fields.len()));
        if fields.len() != expected {
            return Err(format!(
                "{what}: line {lineno} has {} fields, but line {first} has {expected}: every row needs {expected} comma-separated numbers{}",
                fields.len(),
                separator_hint(line)
            ));
        }
        let mut row = Vec::with_capacity(fields.len());
        for (j, field) in fields.iter().enumerate() {
            let col = j + 1;
            let value: f64 = field.parse().map_err(|_| {
                if field.is_empty() {
                    format!("{what}: line {lineno}, column {col} is empty; write a number there (or remove a trailing comma)")
                } else {
                    format!("{what}: line {lineno}, column {col}: '{field}' is not a number{}", separator_hint(line))
                }
            })?;
            if !value.is_finite() {
                return Err(format!("{what}: line {lineno}, column {col}: '{field}' is not a finite number; every field must be finite"));
            }
            row.push(value);
        }
        rows.push(row);
    }
    let Some((_, expected)) = width else {
        return Err(format!("{what}: no data rows (only blank, comment or header lines); write one row of comma-separated numbers per line"));
    };
    if let Some((lineno, count)) = header.filter(|h| h.1 != expected) {
        return Err(format!("{what}: the header on line {lineno} has {count} fields but the rows have {expected}; fix the header or the rows"));
    }
    Ok(rows)
}

fn separator_hint(line: &str) -> &'static str {
    if line.contains(';') || line.contains('\t') {
        " (fields are separated by commas, not semicolons or tabs)"
    } else {
        ""
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str, needle: &str) {
        let e = read_csv_matrix(text, "x.csv").expect_err(needle);
        assert!(e.contains(needle), "{e:?} lacks {needle:?}");
        assert!(e.starts_with("x.csv: "), "{e:?} does not name the file");
    }

    #[test]
    fn plain_rows() {
        let m = read_csv_matrix("0.1,0.3\n0.2, -0.9\n-4e-1 ,+.5\n", "x").unwrap();
        assert_eq!(m, [vec![0.1, 0.3], vec![0.2, -0.9], vec![-0.4, 0.5]]);
        assert_eq!(read_csv_matrix("1", "y").unwrap(), [vec![1.0]]);
    }

    #[test]
    fn header_comments_blank_lines_crlf_bom() {
        let text =
            "\u{feff}# exported by torch\r\n\r\nx1, x2\r\n# a comment\r\n  \r\n1,2\r\n3,4\r\n";
        assert_eq!(
            read_csv_matrix(text, "x").unwrap(),
            [vec![1.0, 2.0], vec![3.0, 4.0]]
        );
        // Only the first line can be a header: a later text field is an error.
        err("x,y\n1,2\nx,y\n", "line 3, column 1: 'x' is not a number");
        // A header must have as many fields as the rows.
        err(
            "x,y,z\n1,2\n",
            "the header on line 1 has 3 fields but the rows have 2",
        );
        // A first line of numbers is data, not a header.
        err("1,2\n3\n", "line 2 has 1 fields, but line 1 has 2");
    }

    #[test]
    fn ragged_rows() {
        err(
            "# c\n1,2,3\n4,5,6\n\n7,8\n",
            "line 5 has 2 fields, but line 2 has 3: every row needs 3",
        );
        err("1,2\n3,4,5\n", "line 2 has 3 fields");
        err("1,2\n3;4\n", "not semicolons or tabs");
    }

    #[test]
    fn bad_fields() {
        err(
            "a,b\n1,NaN\n",
            "line 2, column 2: 'NaN' is not a finite number",
        );
        err("1,nan\n", "line 1, column 2: 'nan' is not a finite number");
        err(
            "1,2\ninf,1\n",
            "line 2, column 1: 'inf' is not a finite number",
        );
        err("1,2\n-infinity,1\n", "'-infinity' is not a finite number");
        err(
            "1,2\n3,1e999\n",
            "line 2, column 2: '1e999' is not a finite number",
        );
        err("1,2\n3,x\n", "line 2, column 2: 'x' is not a number");
        err("1,2\n3,\n", "line 2, column 2 is empty");
        err("1,2\n\"3\",4\n", "'\"3\"' is not a number");
    }

    #[test]
    fn no_data() {
        err("", "no data rows");
        err("# only a comment\n\n", "no data rows");
        err("x,y\n", "no data rows");
    }
}

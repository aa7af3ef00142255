//! Exact decimal and rational literals, kept as digit strings (no arithmetic: symbolica does the
//! exact arithmetic; we only need to pass literals on exactly and convert them to `f64`).

use std::fmt;

/// A non-negative rational literal `num/den` with decimal digit strings (not necessarily reduced).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Rational {
    num: String,
    den: String,
}

/// Largest decimal exponent accepted in a literal (`1e400` is 401 digits; beyond that is a typo).
const MAX_EXPONENT: i64 = 400;

fn strip_zeros(digits: &str) -> String {
    let s = digits.trim_start_matches('0');
    if s.is_empty() {
        "0".into()
    } else {
        s.into()
    }
}

impl Rational {
    /// Parses `123`, `1.25`, `.5`, `2.5e-3`, `1E4` exactly; `None` if malformed.
    pub fn parse_decimal(text: &str) -> Option<Rational> {
        let (mantissa, exp) = match text.find(['e', 'E']) {
            Some(k) => (&text[..k], text[k + 1..].parse::<i64>().ok()?),
            None => (text, 0),
        };
        let (int, frac) = match mantissa.split_once('.') {
            Some((i, f)) => (i, f),
            None => (mantissa, ""),
        };
        let all_digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
        if (int.is_empty() && frac.is_empty()) || !all_digits(int) || !all_digits(frac) {
            return None;
        }
        if exp.abs() > MAX_EXPONENT {
            return None;
        }
        let digits = strip_zeros(&format!("{int}{frac}"));
        let scale = exp - frac.len() as i64;
        if scale.abs() > 2 * MAX_EXPONENT {
            return None;
        }
        Some(if digits == "0" {
            Rational {
                num: "0".into(),
                den: "1".into(),
            }
        } else if scale >= 0 {
            Rational {
                num: format!("{digits}{}", "0".repeat(scale as usize)),
                den: "1".into(),
            }
        } else {
            Rational {
                num: digits,
                den: format!("1{}", "0".repeat((-scale) as usize)),
            }
        })
    }

    /// The nearest `f64` (correctly rounded numerator and denominator, then one division).
    pub fn to_f64(&self) -> f64 {
        let n: f64 = self.num.parse().unwrap_or(f64::INFINITY);
        let d: f64 = self.den.parse().unwrap_or(f64::INFINITY);
        n / d
    }

    /// Whether the literal is an integer, and its value if it fits in an `i32`.
    pub fn as_i32(&self) -> Option<i32> {
        if self.den != "1" {
            return None;
        }
        self.num.parse().ok()
    }

    /// `log10` of numerator plus `log10` of denominator (0 for 0 and 1): the decimal digits of
    /// the exact value, which its powers multiply.
    pub fn digits(&self) -> f64 {
        fn log10(s: &str) -> f64 {
            let s = s.trim_start_matches('0');
            if s.is_empty() {
                return 0.0;
            }
            let lead: f64 = s[..s.len().min(15)].parse().unwrap_or(1.0);
            (s.len() - s.len().min(15)) as f64 + lead.log10()
        }
        log10(&self.num) + log10(&self.den)
    }

    /// `p` or `(p/q)`: safe to paste into an expression.
    pub fn to_paren_string(&self) -> String {
        if self.den == "1" {
            self.num.clone()
        } else {
            format!("({}/{})", self.num, self.den)
        }
    }
}

impl fmt::Display for Rational {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.den == "1" {
            write!(f, "{}", self.num)
        } else {
            write!(f, "{}/{}", self.num, self.den)
        }
    }
}

#[cfg(test)]
#[allow(clippy::float_cmp)]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_exact() {
        let r = |s| Rational::parse_decimal(s).unwrap().to_string();
        assert_eq!(r("0.25"), "25/100");
        assert_eq!(r("2.5e-3"), "25/10000");
        assert_eq!(r("1E4"), "10000");
        assert_eq!(r(".5"), "5/10");
        assert_eq!(r("007"), "7");
        assert_eq!(r("0.0"), "0");
        assert!(Rational::parse_decimal("1.2.3").is_none());
        assert!(Rational::parse_decimal("1e999").is_none());
        assert_eq!(Rational::parse_decimal("0.1").unwrap().to_f64(), 0.1);
        assert_eq!(Rational::parse_decimal("12").unwrap().as_i32(), Some(12));
        assert_eq!(Rational::parse_decimal("1.5").unwrap().as_i32(), None);
    }
}

//! Kubernetes resource quantities (`500m`, `16Gi`, `1e3`, `0.5`), read exactly as
//! `k8s.io/apimachinery/pkg/api/resource` reads them, into exact decimals. Anything that
//! Kubernetes would refuse (`16GB`, `1.5 Gi`, `1K`) is an error here too, so a typo is
//! reported instead of being priced.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;

/// Why a quantity could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum QuantityError {
    /// Not a quantity at all.
    Invalid,
    /// A quantity, but beyond what an exact decimal holds (about 7.9e28).
    OutOfRange,
}

impl fmt::Display for QuantityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QuantityError::Invalid => f.write_str("is not a Kubernetes quantity"),
            QuantityError::OutOfRange => f.write_str("is too large (or too precise) to read"),
        }
    }
}

/// What to tell a user who wrote an invalid quantity.
pub const QUANTITY_HELP: &str = "write a Kubernetes quantity: memory as `16Gi` (binary) or `16G` (decimal), CPU as cores (`2`, `0.5`) or millicores (`500m`)";

/// The largest exponent worth trying: 10^28 is Decimal's limit.
const MAX_EXPONENT: u32 = 28;

/// Parses a quantity into its plain value (bytes for memory, cores for CPU).
pub fn parse_quantity(text: &str) -> Result<Decimal, QuantityError> {
    let (negative, rest) = match text.as_bytes().first() {
        Some(b'+') => (false, text.get(1..).unwrap_or("")),
        Some(b'-') => (true, text.get(1..).unwrap_or("")),
        _ => (false, text),
    };
    let number_end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(rest.len());
    let (number, suffix) = rest.split_at(number_end);
    let mantissa = parse_number(number)?;
    let value = apply_suffix(mantissa, suffix)?;
    Ok(if negative { -value } else { value })
}

/// `<digits>`, `<digits>.<digits>`, `<digits>.` or `.<digits>`.
fn parse_number(number: &str) -> Result<Decimal, QuantityError> {
    let digits = number.chars().filter(char::is_ascii_digit).count();
    let dots = number.chars().filter(|c| *c == '.').count();
    if digits == 0 || dots > 1 {
        return Err(QuantityError::Invalid);
    }
    let normalized = match (number.strip_prefix('.'), number.strip_suffix('.')) {
        (Some(frac), _) => format!("0.{frac}"),
        (None, Some(int)) => int.to_string(),
        (None, None) => number.to_string(),
    };
    Decimal::from_str(&normalized).map_err(|_| QuantityError::OutOfRange)
}

fn apply_suffix(value: Decimal, suffix: &str) -> Result<Decimal, QuantityError> {
    let binary = |power: u32| -> Result<Decimal, QuantityError> {
        let factor = Decimal::from(1u64 << power);
        value.checked_mul(factor).ok_or(QuantityError::OutOfRange)
    };
    match suffix {
        "" => Ok(value),
        "Ki" => binary(10),
        "Mi" => binary(20),
        "Gi" => binary(30),
        "Ti" => binary(40),
        "Pi" => binary(50),
        "Ei" => binary(60),
        "n" => scale(value, -9),
        "u" => scale(value, -6),
        "m" => scale(value, -3),
        "k" => scale(value, 3),
        "M" => scale(value, 6),
        "G" => scale(value, 9),
        "T" => scale(value, 12),
        "P" => scale(value, 15),
        "E" => scale(value, 18),
        _ => {
            // `e<int>` / `E<int>`: a decimal exponent with an optional sign.
            let exponent = suffix
                .strip_prefix('e')
                .or_else(|| suffix.strip_prefix('E'))
                .ok_or(QuantityError::Invalid)?;
            let digits = exponent
                .strip_prefix('+')
                .or_else(|| exponent.strip_prefix('-'))
                .unwrap_or(exponent);
            if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
                return Err(QuantityError::Invalid);
            }
            let power: i64 = exponent.parse().map_err(|_| QuantityError::OutOfRange)?;
            scale(value, power)
        }
    }
}

/// `value × 10^power`, refusing what Decimal cannot hold.
fn scale(value: Decimal, power: i64) -> Result<Decimal, QuantityError> {
    if value.is_zero() {
        return Ok(Decimal::ZERO);
    }
    let magnitude = u32::try_from(power.unsigned_abs())
        .ok()
        .filter(|m| *m <= MAX_EXPONENT)
        .ok_or(QuantityError::OutOfRange)?;
    let mut factor = Decimal::ONE;
    for _ in 0..magnitude {
        factor = factor
            .checked_mul(Decimal::TEN)
            .ok_or(QuantityError::OutOfRange)?;
    }
    let scaled = if power >= 0 {
        value.checked_mul(factor)
    } else {
        value.checked_div(factor)
    };
    let scaled = scaled.ok_or(QuantityError::OutOfRange)?;
    // A non-zero value that rounds to zero was more precise than Decimal holds.
    if scaled.is_zero() {
        return Err(QuantityError::OutOfRange);
    }
    Ok(scaled.normalize())
}

/// Bytes to GiB (2^30 bytes), exactly where the decimal allows.
pub fn bytes_to_gib(bytes: Decimal) -> Option<Decimal> {
    bytes
        .checked_div(Decimal::from(1u64 << 30))
        .map(|d| d.normalize())
}

/// A quantity as text: its plain value, or why it is not one.
pub fn parse(text: &str) -> Result<Decimal, String> {
    parse_quantity(text).map_err(|e| format!("`{text}` {e}"))
}

/// CPU cores (`2`, `0.5`, `500m`); negative amounts are refused.
pub fn cores(text: &str) -> Result<Decimal, String> {
    let v = parse(text)?;
    if v.is_sign_negative() && !v.is_zero() {
        return Err(format!("`{text}` is negative"));
    }
    Ok(v)
}

/// Memory in GiB (`16Gi`, `512Mi`, `16G`); negative amounts are refused.
pub fn gib(text: &str) -> Result<Decimal, String> {
    let bytes = cores(text)?;
    bytes_to_gib(bytes).ok_or_else(|| format!("`{text}` is too large"))
}

/// A count of an extended resource (`nvidia.com/gpu: 2`): whole and not negative.
pub fn whole(text: &str) -> Result<i64, String> {
    let v = parse(text)?;
    if v.is_sign_negative() && !v.is_zero() {
        return Err(format!("`{text}` is negative"));
    }
    if !v.fract().is_zero() {
        return Err(format!("`{text}` is not a whole number"));
    }
    i64::try_from(v.trunc()).map_err(|_| format!("`{text}` is too large"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(text: &str) -> Decimal {
        parse_quantity(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    fn d(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }

    #[test]
    fn plain_numbers_and_fractions() {
        assert_eq!(q("2"), d("2"));
        assert_eq!(q("0.5"), d("0.5"));
        assert_eq!(q(".5"), d("0.5"));
        assert_eq!(q("5."), d("5"));
        assert_eq!(q("+1"), d("1"));
        assert_eq!(q("-1"), d("-1"));
        assert_eq!(q("0"), d("0"));
        assert_eq!(q("007"), d("7"));
    }

    #[test]
    fn decimal_suffixes() {
        assert_eq!(q("500m"), d("0.5"));
        assert_eq!(q("100m"), d("0.1"));
        assert_eq!(q("1500m"), d("1.5"));
        assert_eq!(q("250u"), d("0.00025"));
        assert_eq!(q("3n"), d("0.000000003"));
        assert_eq!(q("1k"), d("1000"));
        assert_eq!(q("16M"), d("16000000"));
        assert_eq!(q("16G"), d("16000000000"));
        assert_eq!(q("2T"), d("2000000000000"));
        assert_eq!(q("1P"), d("1000000000000000"));
        assert_eq!(q("1E"), d("1000000000000000000"));
        assert_eq!(q("1.5G"), d("1500000000"));
    }

    #[test]
    fn binary_suffixes() {
        assert_eq!(q("1Ki"), d("1024"));
        assert_eq!(q("1Mi"), d("1048576"));
        assert_eq!(q("16Gi"), d("17179869184"));
        assert_eq!(q("1Ti"), d("1099511627776"));
        assert_eq!(q("1Pi"), d("1125899906842624"));
        assert_eq!(q("1Ei"), d("1152921504606846976"));
        assert_eq!(q("1.5Gi"), d("1610612736"));
        assert_eq!(q("0.5Mi"), d("524288"));
    }

    #[test]
    fn exponents() {
        assert_eq!(q("1e3"), d("1000"));
        assert_eq!(q("1E3"), d("1000"));
        assert_eq!(q("1e+3"), d("1000"));
        assert_eq!(q("5e-1"), d("0.5"));
        assert_eq!(q("1.5e3"), d("1500"));
        assert_eq!(q("12e0"), d("12"));
    }

    #[test]
    fn invalid_quantities_are_refused() {
        for text in [
            "", "16GB", "16gi", "1K", "Gi", "1.5 Gi", " 1", "1 ", "1..2", ".", "+", "-", "1e",
            "1e+", "1e1.5", "1ee3", "abc", "1Gi1", "0x10", "1_000", "--1", "1mm", "1.2.3",
        ] {
            assert_eq!(
                parse_quantity(text),
                Err(QuantityError::Invalid),
                "{text:?} should be invalid"
            );
        }
    }

    #[test]
    fn out_of_range_is_an_error_not_a_panic() {
        for text in [
            "1e29",
            "1e99999999999999999999",
            "99999999999999999999999999999999999",
            "100000000000Ei",
            "1e-29",
            "1e-40",
        ] {
            assert_eq!(
                parse_quantity(text),
                Err(QuantityError::OutOfRange),
                "{text:?} should be out of range"
            );
        }
        assert_eq!(q("0e99"), Decimal::ZERO);
    }

    #[test]
    fn conversions() {
        assert_eq!(bytes_to_gib(q("16Gi")), Some(d("16")));
        assert_eq!(bytes_to_gib(q("512Mi")), Some(d("0.5")));
        assert_eq!(bytes_to_gib(q("1G")), Some(d("0.931322574615478515625")));
        assert_eq!(whole("2"), Ok(2));
        assert_eq!(whole("1k"), Ok(1000));
        assert_eq!(whole("2000m"), Ok(2));
        assert!(whole("500m").is_err());
        assert!(whole("-1").is_err());
        assert_eq!(cores("500m"), Ok(d("0.5")));
        assert!(cores("-1").is_err());
        assert_eq!(gib("512Mi"), Ok(d("0.5")));
        assert!(gib("-1Gi").is_err());
        assert_eq!(
            parse("16GB"),
            Err("`16GB` is not a Kubernetes quantity".to_string())
        );
    }
}

//! Number functions: `abs`, `ceil`, `floor`, `signum`, `min`, `max`, `pow`, `log` and
//! `parseint`. Numbers are `f64` here (Terraform uses arbitrary precision), and results
//! that are not finite are errors, as they are for the arithmetic operators. `log` and
//! `pow` follow the algorithms of Go's `math` package, which Terraform calls, because the
//! platform's libm rounds some results differently in the last bit.

use super::args::{arg, integer_arg, number_arg, wrong_type};
use super::{arity, FunctionError, FunctionResult};
use crate::model::{format_number, Value};

fn finite(n: f64, what: &str) -> FunctionResult {
    if n.is_finite() {
        // Adding zero turns -0 into 0, as Terraform's integer results are unsigned zeros.
        Ok(Value::Number(n + 0.0))
    } else {
        Err(FunctionError::new(format!(
            "the result of {what} is not a finite number"
        )))
    }
}

pub fn abs(args: Vec<Value>) -> FunctionResult {
    arity(&args, 1, 1)?;
    Ok(Value::Number(number_arg(&args, 0)?.abs()))
}

pub fn ceil(args: Vec<Value>) -> FunctionResult {
    arity(&args, 1, 1)?;
    finite(number_arg(&args, 0)?.ceil(), "ceil()")
}

pub fn floor(args: Vec<Value>) -> FunctionResult {
    arity(&args, 1, 1)?;
    finite(number_arg(&args, 0)?.floor(), "floor()")
}

/// The sign of a whole number: -1, 0 or 1.
pub fn signum(args: Vec<Value>) -> FunctionResult {
    arity(&args, 1, 1)?;
    Ok(Value::Number(match integer_arg(&args, 0)? {
        n if n < 0 => -1.0,
        0 => 0.0,
        _ => 1.0,
    }))
}

fn extreme(args: &[Value], pick: fn(f64, f64) -> f64) -> FunctionResult {
    arity(args, 1, usize::MAX)?;
    let mut best = number_arg(args, 0)?;
    for i in 1..args.len() {
        best = pick(best, number_arg(args, i)?);
    }
    Ok(Value::Number(best))
}

pub fn max(args: Vec<Value>) -> FunctionResult {
    extreme(&args, f64::max)
}

pub fn min(args: Vec<Value>) -> FunctionResult {
    extreme(&args, f64::min)
}

pub fn pow(args: Vec<Value>) -> FunctionResult {
    arity(&args, 2, 2)?;
    finite(
        go_pow(number_arg(&args, 0)?, number_arg(&args, 1)?),
        "pow()",
    )
}

/// `log(number, base)`.
pub fn log(args: Vec<Value>) -> FunctionResult {
    arity(&args, 2, 2)?;
    let n = number_arg(&args, 0)?;
    let base = number_arg(&args, 1)?;
    let r = go_log(n) / go_log(base);
    if r.is_finite() {
        // Keep the sign of zero: log(10, 0) is -0 in Terraform too.
        Ok(Value::Number(r))
    } else {
        Err(FunctionError::new(format!(
            "the logarithm of {} in base {} is not a finite number",
            format_number(n),
            format_number(base)
        )))
    }
}

/// Splits `x` into a fraction in [0.5, 1) and a power of two.
fn frexp(x: f64) -> (f64, i32) {
    if x == 0.0 || !x.is_finite() {
        return (x, 0);
    }
    let (x, mut exp) = if x.abs() < f64::MIN_POSITIVE {
        (x * 4_503_599_627_370_496.0, -52) // 2^52: make subnormals normal
    } else {
        (x, 0)
    };
    let bits = x.to_bits();
    exp += i32::try_from((bits >> 52) & 0x7ff).unwrap_or(0) - 1022;
    let frac = f64::from_bits((bits & !(0x7ff << 52)) | (1022 << 52));
    (frac, exp)
}

/// `frac * 2^exp`.
fn ldexp(mut frac: f64, mut exp: i32) -> f64 {
    while exp > 1023 {
        frac *= 2f64.powi(1023);
        exp -= 1023;
    }
    while exp < -1022 {
        frac *= 2f64.powi(-1022);
        exp += 1022;
    }
    frac * 2f64.powi(exp)
}

/// Go's `math.Log` (FreeBSD's e_log.c).
fn go_log(x: f64) -> f64 {
    // The constants of e_log.c, by bit pattern.
    const LN2_HI: u64 = 0x3FE6_2E42_FEE0_0000;
    const LN2_LO: u64 = 0x3DEA_39EF_3579_3C76;
    const L: [u64; 7] = [
        0x3FE5_5555_5555_5593,
        0x3FD9_9999_9997_FA04,
        0x3FD2_4924_9422_9359,
        0x3FCC_71C5_1D8E_78AF,
        0x3FC7_4664_96CB_03DE,
        0x3FC3_9A09_D078_C69F,
        0x3FC2_F112_DF3E_5244,
    ];
    let [l1, l2, l3, l4, l5, l6, l7] = L.map(f64::from_bits);
    let (ln2_hi, ln2_lo) = (f64::from_bits(LN2_HI), f64::from_bits(LN2_LO));
    if x.is_nan() || x == f64::INFINITY {
        return x;
    }
    if x < 0.0 {
        return f64::NAN;
    }
    if x == 0.0 {
        return f64::NEG_INFINITY;
    }
    let (mut f1, mut ki) = frexp(x);
    if f1 < std::f64::consts::SQRT_2 / 2.0 {
        f1 *= 2.0;
        ki -= 1;
    }
    let f = f1 - 1.0;
    let k = f64::from(ki);
    let s = f / (2.0 + f);
    let s2 = s * s;
    let s4 = s2 * s2;
    let t1 = s2 * (l1 + s4 * (l3 + s4 * (l5 + s4 * l7)));
    let t2 = s4 * (l2 + s4 * (l4 + s4 * l6));
    let r = t1 + t2;
    let hfsq = 0.5 * f * f;
    k * ln2_hi - ((hfsq - (s * (hfsq + r) + k * ln2_lo)) - f)
}

/// Go's `math.Pow` for finite arguments: whole powers by repeated squaring, the
/// fractional part through `exp` (Go's `Exp` on amd64 depends on whether the CPU has
/// FMA, so that part may differ from Terraform's in the last bit).
fn go_pow(x: f64, y: f64) -> f64 {
    if y == 0.0 || x == 1.0 {
        return 1.0;
    }
    if y == 1.0 {
        return x;
    }
    if x == 0.0 {
        let odd = y.fract() == 0.0 && (y / 2.0).fract() != 0.0;
        return match (y < 0.0, x.is_sign_negative() && odd) {
            (true, true) => f64::NEG_INFINITY,
            (true, false) => f64::INFINITY,
            (false, true) => x,
            (false, false) => 0.0,
        };
    }
    if y == 0.5 {
        return x.sqrt();
    }
    if y == -0.5 {
        return 1.0 / x.sqrt();
    }
    let mut yi = y.abs().trunc();
    let mut yf = y.abs() - yi;
    if yf != 0.0 && x < 0.0 {
        return f64::NAN;
    }
    if yi >= 2f64.powi(63) {
        return match (x == -1.0, (x.abs() < 1.0) == (y > 0.0)) {
            (true, _) => 1.0,
            (false, true) => 0.0,
            (false, false) => f64::INFINITY,
        };
    }
    let mut a1 = 1.0;
    let mut ae: i64 = 0;
    if yf != 0.0 {
        if yf > 0.5 {
            yf -= 1.0;
            yi += 1.0;
        }
        a1 = (yf * go_log(x)).exp();
    }
    let (mut x1, xe) = frexp(x);
    let mut xe = i64::from(xe);
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "a whole number below 2^63"
    )]
    let mut i = yi as u64;
    while i != 0 {
        if !(-(1 << 12)..=(1 << 12)).contains(&xe) {
            ae += xe;
            break;
        }
        if i & 1 == 1 {
            a1 *= x1;
            ae += xe;
        }
        x1 *= x1;
        xe <<= 1;
        if x1 < 0.5 {
            x1 += x1;
            xe -= 1;
        }
        i >>= 1;
    }
    if y < 0.0 {
        a1 = 1.0 / a1;
        ae = -ae;
    }
    ldexp(a1, i32::try_from(ae.clamp(-100_000, 100_000)).unwrap_or(0))
}

/// The value of one digit: 0-9, then a-z; for bases above 36 uppercase letters are
/// 36-61, below that they equal the lowercase ones (as Go's `big.Int.SetString`).
fn digit_value(c: char, base: u32) -> Option<u32> {
    let v = match c {
        '0'..='9' => u32::from(c) - u32::from('0'),
        'a'..='z' => u32::from(c) - u32::from('a') + 10,
        'A'..='Z' if base <= 36 => u32::from(c) - u32::from('A') + 10,
        'A'..='Z' => u32::from(c) - u32::from('A') + 36,
        _ => return None,
    };
    (v < base).then_some(v)
}

/// `parseint(string, base)` for bases 2 to 62; the first argument must be a string.
pub fn parseint(args: Vec<Value>) -> FunctionResult {
    arity(&args, 2, 2)?;
    let s = match arg(&args, 0)? {
        Value::String(s) => s.clone(),
        other => return Err(wrong_type(0, "a string", other)),
    };
    let base = integer_arg(&args, 1)?;
    let base = match u32::try_from(base) {
        Ok(b @ 2..=62) => b,
        _ => {
            return Err(FunctionError::at(
                1,
                "the base must be a whole number between 2 and 62",
            ))
        }
    };
    let (negative, digits) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s.strip_prefix('+').unwrap_or(&s)),
    };
    let invalid = || FunctionError::at(0, format!("cannot parse \"{s}\" as a base {base} integer"));
    if digits.is_empty() {
        return Err(invalid());
    }
    let mut n = 0.0_f64;
    for c in digits.chars() {
        let d = digit_value(c, base).ok_or_else(invalid)?;
        n = n * f64::from(base) + f64::from(d);
    }
    if !n.is_finite() {
        return Err(invalid());
    }
    Ok(Value::Number(if negative { -n + 0.0 } else { n }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(x: f64) -> Value {
        Value::Number(x)
    }

    #[test]
    fn non_finite_results_are_errors() {
        assert!(log(vec![n(0.0), n(10.0)]).is_err());
        assert!(pow(vec![n(10.0), n(400.0)]).is_err());
        assert_eq!(ceil(vec![n(-0.5)]), Ok(n(0.0)));
    }

    #[test]
    fn log_and_pow_round_like_go() {
        assert_eq!(go_log(50.0) / go_log(10.0), 1.698_970_004_336_018_5);
        // Go's log(3) is one bit below libm's.
        assert_eq!(go_log(2.0) / go_log(3.0), 0.630_929_753_571_457_5);
        assert_eq!(go_pow(1.1, 10.0), 2.593_742_460_100_002);
        assert_eq!(go_pow(2.0, -1.0), 0.5);
        assert_eq!(go_pow(2.0, 100.0), 1.267_650_600_228_229_4e30);
    }

    #[test]
    fn parseint_digits_above_base_36_are_case_sensitive() {
        assert_eq!(parseint(vec![Value::string("Z"), n(62.0)]), Ok(n(61.0)));
        assert_eq!(parseint(vec![Value::string("Z"), n(36.0)]), Ok(n(35.0)));
        assert!(parseint(vec![Value::string("Z"), n(35.0)]).is_err());
    }
}

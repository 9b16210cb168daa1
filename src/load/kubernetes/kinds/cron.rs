//! How many times a month a CronJob schedule fires, for the schedules where that can be
//! counted honestly: macros (`@daily`) and five fields built from `*`, numbers, ranges,
//! lists and steps. A month is 730 hours, as everywhere in pricing; a schedule that
//! restricts both day of month and day of week (which cron joins with OR) is not counted.

use rust_decimal::Decimal;

use crate::model::HOURS_PER_MONTH;

/// Runs per month of a cron schedule, or why it cannot be counted.
pub fn runs_per_month(schedule: &str) -> Result<Decimal, String> {
    let hours = HOURS_PER_MONTH;
    let mut text = schedule.trim();
    // A time zone prefix does not change how often the schedule fires.
    for prefix in ["CRON_TZ=", "TZ="] {
        if let Some(rest) = text.strip_prefix(prefix) {
            text = rest
                .split_once(char::is_whitespace)
                .map_or("", |(_, s)| s)
                .trim();
        }
    }
    let per = |divisor: i64| {
        hours
            .checked_div(Decimal::from(divisor))
            .ok_or_else(|| "the schedule cannot be counted".to_string())
    };
    match text {
        "@yearly" | "@annually" => {
            return Decimal::ONE
                .checked_div(Decimal::from(12))
                .ok_or_else(|| "the schedule cannot be counted".to_string())
        }
        "@monthly" => return Ok(Decimal::ONE),
        "@weekly" => return per(24 * 7),
        "@daily" | "@midnight" => return per(24),
        "@hourly" => return Ok(hours),
        _ => {}
    }
    let fields: Vec<&str> = text.split_whitespace().collect();
    let [minute, hour, dom, month, dow] = fields.as_slice() else {
        return Err(format!(
            "the schedule `{schedule}` does not have five fields"
        ));
    };
    let minutes = count(minute, 0, 59, &[])?;
    let hours_a_day = count(hour, 0, 23, &[])?;
    let months = count(month, 1, 12, &MONTHS)?;
    let days = match (*dom == "*", *dow == "*") {
        (true, true) => per(24)?,
        (false, true) => Decimal::from(count(dom, 1, 31, &[])?),
        (true, false) => Decimal::from(count(dow, 0, 7, &DAYS)?)
            .checked_mul(per(24 * 7)?)
            .ok_or_else(|| "the schedule cannot be counted".to_string())?,
        (false, false) => {
            return Err(format!(
            "the schedule `{schedule}` restricts both the day of the month and the day of the week"
        ))
        }
    };
    Decimal::from(minutes)
        .checked_mul(Decimal::from(hours_a_day))
        .and_then(|r| r.checked_mul(days))
        .and_then(|r| r.checked_mul(Decimal::from(months)))
        .and_then(|r| r.checked_div(Decimal::from(12)))
        .map(|r| r.normalize())
        .ok_or_else(|| format!("the schedule `{schedule}` cannot be counted"))
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];
const DAYS: [&str; 7] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

/// How many distinct values a field allows (`*`, `5`, `1-5`, `*/15`, `1-30/2`, `1,15`).
fn count(field: &str, min: u32, max: u32, names: &[&str]) -> Result<u32, String> {
    let mut allowed = vec![false; usize::try_from(max + 1).unwrap_or(0)];
    for part in field.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((r, s)) => (r, s.parse::<u32>().map_err(|_| bad(field))?),
            None => (part, 1),
        };
        if step == 0 {
            return Err(bad(field));
        }
        let (lo, hi) = if range == "*" {
            (min, max)
        } else if let Some((a, b)) = range.split_once('-') {
            (value(a, min, names)?, value(b, min, names)?)
        } else {
            let v = value(range, min, names)?;
            // `5/10` means from 5 to the end, every 10.
            (v, if part.contains('/') { max } else { v })
        };
        if lo < min || hi > max || lo > hi {
            return Err(bad(field));
        }
        let mut v = lo;
        while v <= hi {
            if let Some(slot) = allowed.get_mut(usize::try_from(v).unwrap_or(usize::MAX)) {
                *slot = true;
            }
            v += step;
        }
    }
    // Sunday is both 0 and 7.
    if names.len() == 7 {
        if allowed.get(7) == Some(&true) {
            if let Some(sunday) = allowed.get_mut(0) {
                *sunday = true;
            }
        }
        allowed.truncate(7);
    }
    Ok(u32::try_from(allowed.iter().filter(|a| **a).count()).unwrap_or(0))
}

fn value(text: &str, min: u32, names: &[&str]) -> Result<u32, String> {
    if let Ok(n) = text.parse::<u32>() {
        return Ok(n);
    }
    let lower = text.to_ascii_lowercase();
    names
        .iter()
        .position(|n| *n == lower)
        .and_then(|i| u32::try_from(i).ok())
        .map(|i| i + min)
        .ok_or_else(|| bad(text))
}

fn bad(field: &str) -> String {
    format!("`{field}` is not a cron field this tool can count")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn schedules_are_counted() {
        assert_eq!(runs_per_month("@hourly"), Ok(d("730")));
        assert_eq!(runs_per_month("0 * * * *"), Ok(d("730")));
        assert_eq!(runs_per_month("*/15 * * * *"), Ok(d("2920")));
        assert_eq!(
            runs_per_month("0 2 * * *").unwrap().round_dp(4),
            d("30.4167")
        );
        assert_eq!(runs_per_month("@daily"), runs_per_month("0 0 * * *"));
        assert_eq!(runs_per_month("0 3 1 * *"), Ok(d("1")));
        assert_eq!(runs_per_month("0 3 1,15 * *"), Ok(d("2")));
        assert_eq!(
            runs_per_month("0 9 * * MON-FRI").unwrap().round_dp(2),
            d("21.73")
        );
        assert_eq!(
            runs_per_month("0 0 1 1 *").unwrap().round_dp(4),
            d("0.0833")
        );
        assert_eq!(runs_per_month("CRON_TZ=UTC 0 * * * *"), Ok(d("730")));
        assert_eq!(runs_per_month("0 0 * * 0,7"), runs_per_month("0 0 * * 0"));
    }

    #[test]
    fn uncountable_schedules_say_why() {
        assert!(runs_per_month("0 0 1 * 1").unwrap_err().contains("both"));
        assert!(runs_per_month("0 0 * *")
            .unwrap_err()
            .contains("five fields"));
        assert!(runs_per_month("61 * * * *").is_err());
        assert!(runs_per_month("*/0 * * * *").is_err());
        assert!(runs_per_month("0 0 L * *").is_err());
    }
}

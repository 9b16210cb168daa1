//! A calendar day written `YYYY-MM-DD`: a waiver's expiry, `--today`, a price overlay's
//! `as_of`. The one place such dates are parsed; the calendar (month lengths, leap years)
//! is jiff's, and dates compare as days, not as text.

use std::fmt;

/// A real calendar day, year 0000 to 9999.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(jiff::civil::Date);

/// Why a text is not a `YYYY-MM-DD` date, and what to write instead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DateError {
    text: String,
    reason: String,
    example: String,
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

impl Date {
    /// Exactly `YYYY-MM-DD` in ASCII digits, naming a day that exists: no spaces around it,
    /// no other layout (`2026-1-5`, `20260105`, a time of day).
    pub fn parse(text: &str) -> Result<Date, DateError> {
        let error = |reason: String, example: String| DateError {
            text: text.to_string(),
            reason,
            example,
        };
        let trimmed = text.trim();
        if trimmed != text && Date::parse(trimmed).is_ok() {
            return Err(error(
                "it has spaces around it".to_string(),
                trimmed.to_string(),
            ));
        }
        let shaped = text.len() == 10
            && text.bytes().enumerate().all(|(i, b)| match i {
                4 | 7 => b == b'-',
                _ => b.is_ascii_digit(),
            });
        let (Some(year), Some(month), Some(day)) = (
            number::<i16>(text, 0, 4).filter(|_| shaped),
            number::<i8>(text, 5, 7).filter(|_| shaped),
            number::<i8>(text, 8, 10).filter(|_| shaped),
        ) else {
            return Err(error(
                "it is not written YYYY-MM-DD (a four-digit year, a two-digit month and day)"
                    .to_string(),
                "2026-12-31".to_string(),
            ));
        };
        let Some(name) = usize::try_from(month - 1).ok().and_then(|m| MONTHS.get(m)) else {
            return Err(error(
                format!("there is no month {month:02}: months are 01 to 12"),
                format!("{year:04}-12-{day:02}"),
            ));
        };
        let first = jiff::civil::Date::new(year, month, 1).map_err(|_| {
            error(
                "it is not a day of the calendar".to_string(),
                "2026-12-31".to_string(),
            )
        })?;
        let last = first.days_in_month();
        if !(1..=last).contains(&day) {
            return Err(error(
                format!("there is no day {day:02} in {name} {year:04}, which has {last} days"),
                format!("{year:04}-{month:02}-{last:02}"),
            ));
        }
        jiff::civil::Date::new(year, month, day)
            .map(Date)
            .map_err(|_| {
                error(
                    "it is not a day of the calendar".into(),
                    "2026-12-31".into(),
                )
            })
    }

    /// The day `days` after this one; `None` past the end of the calendar.
    pub fn plus_days(self, days: u32) -> Option<Date> {
        let span = jiff::Span::new().try_days(i64::from(days)).ok()?;
        self.0.checked_add(span).ok().map(Date)
    }

    /// Today in UTC, from the system clock.
    pub fn today_utc() -> Date {
        Date(
            jiff::tz::Offset::UTC
                .to_datetime(jiff::Timestamp::now())
                .date(),
        )
    }
}

/// The number in `text[from..to]`.
fn number<T: std::str::FromStr>(text: &str, from: usize, to: usize) -> Option<T> {
    text.get(from..to).and_then(|s| s.parse().ok())
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.0;
        write!(f, "{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
    }
}

impl serde::Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl DateError {
    /// The text that is not a date.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// What is wrong: `there is no day 30 in February 2026, which has 28 days`.
    pub fn reason(&self) -> &str {
        &self.reason
    }

    /// What to write: `write the date as YYYY-MM-DD, such as 2026-02-28`.
    pub fn help(&self) -> String {
        format!("write the date as YYYY-MM-DD, such as {}", self.example)
    }
}

impl fmt::Display for DateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` is not a date: {}", self.text, self.reason)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(text: &str) -> String {
        Date::parse(text).map_or_else(|e| e.to_string(), |d| format!("ok {d}"))
    }

    #[test]
    fn real_days_parse_and_print_back() {
        for day in [
            "2024-02-29",
            "2000-02-29",
            "2026-12-31",
            "0000-01-01",
            "9999-12-31",
        ] {
            assert_eq!(reason(day), format!("ok {day}"));
        }
    }

    #[test]
    fn each_mistake_is_named() {
        assert_eq!(
            reason("2026-02-30"),
            "`2026-02-30` is not a date: there is no day 30 in February 2026, which has 28 days"
        );
        assert_eq!(
            reason("1900-02-29"),
            "`1900-02-29` is not a date: there is no day 29 in February 1900, which has 28 days"
        );
        assert_eq!(
            reason("2026-04-31"),
            "`2026-04-31` is not a date: there is no day 31 in April 2026, which has 30 days"
        );
        assert_eq!(
            reason("2026-01-00"),
            "`2026-01-00` is not a date: there is no day 00 in January 2026, which has 31 days"
        );
        assert_eq!(
            reason("2026-13-01"),
            "`2026-13-01` is not a date: there is no month 13: months are 01 to 12"
        );
        assert_eq!(
            reason("2026-00-10"),
            "`2026-00-10` is not a date: there is no month 00: months are 01 to 12"
        );
        assert_eq!(
            reason(" 2026-01-05 "),
            "` 2026-01-05 ` is not a date: it has spaces around it"
        );
        let shape = "is not a date: it is not written YYYY-MM-DD (a four-digit year, a two-digit month and day)";
        for bad in [
            "2026-1-05",
            "20260105",
            "26-01-05",
            "2026/01/05",
            "2026-01-05T00:00",
            "+2026-01-05",
            "2026-０1-05",
            "２０２６-01-05",
            "2026-01-5 ",
            "",
            "next week",
        ] {
            assert_eq!(reason(bad), format!("`{bad}` {shape}"));
        }
    }

    #[test]
    fn help_says_what_to_write() {
        let help = |text: &str| Date::parse(text).err().map(|e| e.help());
        assert_eq!(
            help("2026-02-30").as_deref(),
            Some("write the date as YYYY-MM-DD, such as 2026-02-28")
        );
        assert_eq!(
            help("2026-13-01").as_deref(),
            Some("write the date as YYYY-MM-DD, such as 2026-12-01")
        );
        assert_eq!(
            help(" 2026-01-05").as_deref(),
            Some("write the date as YYYY-MM-DD, such as 2026-01-05")
        );
        assert_eq!(
            help("soon").as_deref(),
            Some("write the date as YYYY-MM-DD, such as 2026-12-31")
        );
    }

    #[test]
    fn dates_compare_as_days() {
        let d = |t: &str| Date::parse(t).ok();
        assert!(d("2026-03-10") < d("2026-12-01"));
        assert!(d("2025-12-31") < d("2026-01-01"));
        assert_eq!(d("2026-03-10"), d("2026-03-10"));
        assert_eq!(
            serde_json::to_string(&d("0999-01-02")).ok().as_deref(),
            Some("\"0999-01-02\"")
        );
    }
}

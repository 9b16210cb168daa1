//! JSON read as a stream: `serde_json` parses from the reader and the readers' visitors take
//! one object at a time, so a file is never held whole. The reader is counted as it is
//! read ([`Position`]), so a visitor knows the line it has reached: the line where the object
//! it was just given ends. A visitor that finds bad content stores its [`ImportError`] (at
//! that line) and stops the parse with [`stop`]; [`located`] returns it, or turns a syntax
//! error into one at its line and column.

use std::cell::Cell;
use std::io::{BufRead, Read};
use std::rc::Rc;

use rust_decimal::Decimal;
use std::fmt;

use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use super::ImportError;

const STOP: &str = "aicost-policy import stopped";

/// The error a visitor returns after storing its own [`ImportError`].
pub fn stop<E: serde::de::Error>() -> E {
    E::custom(STOP)
}

/// How far the parser has read: the line breaks it has consumed.
#[derive(Clone, Debug, Default)]
pub struct Position(Rc<Cell<u64>>);

impl Position {
    /// The line the parser is on (1-based): after an object is parsed, the line of its `}`.
    pub fn line(&self) -> u64 {
        self.0.get().saturating_add(1)
    }
}

/// A reader that counts the line breaks read through it into a [`Position`].
struct Counted<R> {
    inner: R,
    position: Position,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let breaks = buf
            .get(..n)
            .map_or(0, |b| b.iter().filter(|c| **c == b'\n').count());
        let cell = &self.position.0;
        cell.set(
            cell.get()
                .saturating_add(u64::try_from(breaks).unwrap_or(u64::MAX)),
        );
        Ok(n)
    }
}

/// Parses the whole of `reader` with `seed` (nothing but white space may follow), counting
/// lines into `position`. A byte-order mark at the start is skipped.
pub fn parse<R, S, T>(mut reader: R, position: &Position, seed: S) -> Result<T, serde_json::Error>
where
    R: BufRead,
    S: for<'de> DeserializeSeed<'de, Value = T>,
{
    if reader
        .fill_buf()
        .is_ok_and(|b| b.starts_with(b"\xef\xbb\xbf"))
    {
        reader.consume(3);
    }
    let counted = Counted {
        inner: reader,
        position: position.clone(),
    };
    let mut de = serde_json::Deserializer::from_reader(counted);
    let value = seed.deserialize(&mut de)?;
    de.end()?;
    Ok(value)
}

/// The error of a failed [`parse`] of the file `name`: the visitor's own (`pending`), or the
/// syntax error at its line and column. `what` names the format (`an AWS Price List JSON
/// file`).
pub fn located(
    e: serde_json::Error,
    name: &str,
    what: &str,
    pending: Option<ImportError>,
) -> ImportError {
    if let Some(mine) = pending {
        return mine;
    }
    let place = if e.line() > 0 {
        format!("{name}:{}:{}", e.line(), e.column())
    } else {
        name.to_string()
    };
    let text = e.to_string();
    let text = text
        .strip_suffix(&format!(" at line {} column {}", e.line(), e.column()))
        .unwrap_or(&text)
        .to_string();
    if e.is_io() {
        return ImportError::new(
            place,
            format!("cannot read the file: {text}"),
            "check that the file is readable",
        );
    }
    if e.is_eof() {
        return ImportError::new(
            place,
            "the JSON ends before it is complete",
            "the file is truncated: download it again",
        );
    }
    ImportError::new(
        place,
        format!("this is not {what}: {text}"),
        "pass the file as the provider publishes it (uncompressed JSON), or check that it went to the right flag",
    )
}

/// A JSON number as the exact decimal its digits write (`0.236555`, `2.4E-05`); `None`
/// when it is not a number, negative, or too large for a decimal.
pub fn exact_number(raw: &RawValue) -> Option<Decimal> {
    let text = raw.get().trim();
    let number = text.strip_prefix('-').unwrap_or(text);
    // The JSON grammar: digits, an optional fraction and an optional exponent.
    let (mantissa, exponent) = match number.find(['e', 'E']) {
        Some(i) => (number.get(..i)?, Some(number.get(i + 1..)?)),
        None => (number, None),
    };
    let (whole, fraction) = match mantissa.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (mantissa, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let exponent_ok = exponent.is_none_or(|x| digits(x.strip_prefix(['+', '-']).unwrap_or(x)));
    if !digits(whole) || fraction.is_some_and(|f| !digits(f)) || !exponent_ok {
        return None;
    }
    let value = match exponent {
        Some(_) => Decimal::from_scientific(number).ok()?,
        None => number.parse::<Decimal>().ok()?,
    };
    (!text.starts_with('-') || value.is_zero()).then_some(value)
}

/// A reader of the one list that matters in a JSON object (Azure's `Items`, Google's
/// `skus`), given its elements one at a time; every other key is skipped unread.
pub trait ListReader {
    type Element: serde::de::DeserializeOwned;
    /// The key of the list.
    const KEY: &'static str;
    /// What the object is, for a syntax error (`an Azure Retail Prices page, ...`).
    const OBJECT: &'static str;
    /// What the list is.
    const LIST: &'static str;
    /// The list is present.
    fn found(&mut self);
    /// The element at `index`; an error stops the parse.
    fn element<E: serde::de::Error>(&mut self, index: u64, element: Self::Element)
        -> Result<(), E>;
}

/// The seed that reads an object with a [`ListReader`]'s list.
pub struct ListObject<'a, R>(pub &'a mut R);

impl<'de, R: ListReader> DeserializeSeed<'de> for ListObject<'_, R> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, R: ListReader> Visitor<'de> for ListObject<'_, R> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(R::OBJECT)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            if key == R::KEY {
                self.0.found();
                map.next_value_seed(ListElements(&mut *self.0))?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

struct ListElements<'a, R>(&'a mut R);

impl<'de, R: ListReader> DeserializeSeed<'de> for ListElements<'_, R> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, R: ListReader> Visitor<'de> for ListElements<'_, R> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(R::LIST)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut index = 0;
        while let Some(element) = seq.next_element::<R::Element>()? {
            self.0.element(index, element)?;
            index += 1;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(s: &str) -> Box<RawValue> {
        RawValue::from_string(s.to_string()).unwrap()
    }

    #[test]
    fn numbers_are_read_exactly() {
        for (text, want) in [
            ("0.236555", "0.236555"),
            ("3", "3"),
            ("2.4E-05", "0.000024"),
            ("1e2", "100"),
        ] {
            assert_eq!(
                exact_number(&raw(text)),
                Some(want.parse().unwrap()),
                "{text}"
            );
        }
        for bad in ["-1", "\"1\"", "null", "1e99", "true"] {
            assert_eq!(exact_number(&raw(bad)), None, "{bad}");
        }
        assert_eq!(exact_number(&raw("-0")), Some(Decimal::ZERO));
    }
}

//! CSV read a line at a time: a line is at most [`MAX_LINE`] bytes (a longer one is an error,
//! so a file without line breaks cannot fill the memory), and fields are split into buffers
//! that are reused from line to line. A field holding a line break is not supported (the AWS
//! Price List writes none).

use std::io::{BufRead, Read};

use super::ImportError;

/// The longest line read: an AWS Price List CSV row is about 2 KB.
pub const MAX_LINE: usize = 1024 * 1024;

/// The lines of a file, without their `\n` or `\r\n`, numbered from 1; a byte-order mark at
/// the start is dropped.
pub struct Lines<R> {
    reader: R,
    name: String,
    buffer: Vec<u8>,
    number: u64,
}

impl<R: BufRead> Lines<R> {
    pub fn new(reader: R, name: &str) -> Lines<R> {
        Lines {
            reader,
            name: name.to_string(),
            buffer: Vec::new(),
            number: 0,
        }
    }

    /// The number of the line last returned.
    pub fn number(&self) -> u64 {
        self.number
    }

    /// `file:line` of the line last returned.
    pub fn place(&self) -> String {
        format!("{}:{}", self.name, self.number)
    }

    /// The next line, `None` at the end of the file.
    pub fn next_line(&mut self) -> Result<Option<&str>, ImportError> {
        self.buffer.clear();
        let limit = u64::try_from(MAX_LINE)
            .unwrap_or(u64::MAX)
            .saturating_add(1);
        let read = (&mut self.reader)
            .take(limit)
            .read_until(b'\n', &mut self.buffer)
            .map_err(|e| {
                ImportError::new(
                    format!("{}:{}", self.name, self.number + 1),
                    format!("cannot read the file: {e}"),
                    "check that the file is readable and complete",
                )
            })?;
        if read == 0 {
            return Ok(None);
        }
        self.number += 1;
        if self.buffer.last() == Some(&b'\n') {
            self.buffer.pop();
            if self.buffer.last() == Some(&b'\r') {
                self.buffer.pop();
            }
        } else if self.buffer.len() > MAX_LINE {
            return Err(ImportError::new(
                self.place(),
                format!("the line is longer than {} MiB", MAX_LINE / (1024 * 1024)),
                "a price list row is a few kilobytes; check that this is the right file, uncompressed",
            ));
        }
        let mut bytes = self.buffer.as_slice();
        if self.number == 1 {
            bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
        }
        match std::str::from_utf8(bytes) {
            Ok(text) => Ok(Some(text)),
            Err(_) => Err(ImportError::new(
                self.place(),
                "the line is not UTF-8 text",
                "a price list CSV is UTF-8 text; check that this is the right file, uncompressed",
            )),
        }
    }
}

/// Splits one CSV line into `fields`, reusing its strings: fields are separated by commas; a
/// field that starts with a quote ends at the next lone quote, `""` inside it being a quote.
/// `false` when a quoted field is not closed on the line or is followed by more than a comma.
pub fn split_into(line: &str, fields: &mut Vec<String>) -> bool {
    let mut used = 0;
    let mut chars = line.chars().peekable();
    loop {
        if used == fields.len() {
            fields.push(String::new());
        }
        let Some(field) = fields.get_mut(used) else {
            return false;
        };
        field.clear();
        used += 1;
        if chars.peek() == Some(&'"') {
            chars.next();
            let mut closed = false;
            while let Some(c) = chars.next() {
                if c == '"' {
                    if chars.peek() == Some(&'"') {
                        chars.next();
                        field.push('"');
                    } else {
                        closed = true;
                        break;
                    }
                } else {
                    field.push(c);
                }
            }
            if !closed {
                fields.truncate(used);
                return false;
            }
            match chars.next() {
                None => break,
                Some(',') => continue,
                Some(_) => {
                    fields.truncate(used);
                    return false;
                }
            }
        } else {
            let mut ended = true;
            for c in chars.by_ref() {
                if c == ',' {
                    ended = false;
                    break;
                }
                field.push(c);
            }
            if ended {
                break;
            }
        }
    }
    fields.truncate(used);
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(line: &str) -> Option<Vec<String>> {
        let mut fields = vec!["stale".to_string(); 9];
        split_into(line, &mut fields).then_some(fields)
    }

    #[test]
    fn fields_are_split_and_unquoted() {
        assert_eq!(split("a,b,,c").unwrap(), ["a", "b", "", "c"]);
        assert_eq!(
            split("\"SKU\",\"a, b\",,\"say \"\"hi\"\"\",\"\"").unwrap(),
            ["SKU", "a, b", "", "say \"hi\"", ""]
        );
        assert_eq!(split("").unwrap(), [""]);
        assert_eq!(split("x,").unwrap(), ["x", ""]);
        assert_eq!(split("\"x\",").unwrap(), ["x", ""]);
        assert_eq!(split("in\"side").unwrap(), ["in\"side"]);
        assert_eq!(split("\"open"), None);
        assert_eq!(split("\"a\"b,c"), None);
    }

    #[test]
    fn lines_are_bounded_and_numbered() {
        let text = "\u{feff}one\r\ntwo\n\nthree";
        let mut lines = Lines::new(text.as_bytes(), "f.csv");
        let mut got = Vec::new();
        while let Some(l) = lines.next_line().unwrap() {
            let l = l.to_string();
            got.push((lines.number(), l));
        }
        assert_eq!(
            got,
            [
                (1, "one".to_string()),
                (2, "two".to_string()),
                (3, String::new()),
                (4, "three".to_string())
            ]
        );
        let long = "x".repeat(MAX_LINE + 10);
        let mut lines = Lines::new(long.as_bytes(), "f.csv");
        let e = lines.next_line().unwrap_err();
        assert_eq!(
            (e.place.as_str(), e.message.as_str()),
            ("f.csv:1", "the line is longer than 1 MiB")
        );
        let exact = format!("{}\n", "y".repeat(MAX_LINE));
        let mut lines = Lines::new(exact.as_bytes(), "f.csv");
        assert_eq!(lines.next_line().unwrap().map(str::len), Some(MAX_LINE));
        let mut lines = Lines::new(&b"ok\n\xff\xfe\n"[..], "f.csv");
        assert!(lines.next_line().unwrap().is_some());
        assert_eq!(lines.next_line().unwrap_err().place, "f.csv:2");
    }
}

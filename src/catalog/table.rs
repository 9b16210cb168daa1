//! Reading the catalog's CSV tables: `# key: value` metadata lines, a header row, then data
//! rows (RFC 4180 quoting, no line breaks inside fields). A row that does not parse is
//! skipped and counted, never a panic; the unit tests assert that no shipped row is skipped.

use std::collections::{BTreeMap, HashMap};
use std::str::FromStr;

use rust_decimal::Decimal;

/// Metadata of one catalog table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableInfo {
    /// The table's file name without `.csv` (`aws_ec2_ondemand`).
    pub name: &'static str,
    pub source: String,
    pub as_of: String,
    pub license: String,
}

/// A price found in the catalog.
#[derive(Clone, Debug, PartialEq)]
pub struct Price {
    /// USD per unit.
    pub usd: Decimal,
    /// "hour", "GB-month", "IOPS-month", "MBps-month", "1M tokens", "disk-month", "GPU-hour",
    /// "vCPU-hour", "GiB-hour".
    pub unit: &'static str,
    /// The region the price is listed for ("global" for prices that have no region).
    pub region: String,
    /// False when estimated from another region (fallback).
    pub exact_region: bool,
    pub table: &'static TableInfo,
    /// How the price was estimated when no row lists it (a spot factor, a SageMaker/EC2
    /// ratio): a guess, which estimates show as an assumption.
    pub estimate: Option<String>,
}

pub(crate) const HOUR: &str = "hour";
pub(crate) const GB_MONTH: &str = "GB-month";
pub(crate) const IOPS_MONTH: &str = "IOPS-month";
pub(crate) const MBPS_MONTH: &str = "MBps-month";
pub(crate) const TOKENS_1M: &str = "1M tokens";
pub(crate) const DISK_MONTH: &str = "disk-month";
pub(crate) const GPU_HOUR: &str = "GPU-hour";
pub(crate) const VCPU_HOUR: &str = "vCPU-hour";
pub(crate) const GIB_HOUR: &str = "GiB-hour";

/// The region of prices that are not listed per region.
pub(crate) const GLOBAL: &str = "global";

/// A unit as written in a table, as the `'static` string `Price` carries.
pub(crate) fn unit(text: &str) -> Option<&'static str> {
    [
        HOUR, GB_MONTH, IOPS_MONTH, MBPS_MONTH, TOKENS_1M, DISK_MONTH, GPU_HOUR, VCPU_HOUR,
        GIB_HOUR,
    ]
    .into_iter()
    .find(|u| *u == text)
}

/// How many data rows a table file had and how many of them parsed; the tests assert the
/// two are equal for every shipped table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) struct Counts {
    pub data_rows: usize,
    pub parsed: usize,
}

/// A table after parsing: its metadata, the typed rows that parsed, and how many data rows
/// the file had (so a test can see that none was skipped).
pub(crate) struct Loaded<T> {
    pub info: TableInfo,
    pub items: Vec<T>,
    pub data_rows: usize,
}

impl<T> Loaded<T> {
    pub fn counts(&self) -> Counts {
        Counts {
            data_rows: self.data_rows,
            parsed: self.items.len(),
        }
    }
}

/// Parses `text` (the file `name`.csv) whose header must be exactly `header`; `row` turns the
/// fields of one data row into a typed row, or `None` when they are malformed. A file whose
/// header differs yields no rows at all rather than misread columns.
pub(crate) fn load<T>(
    name: &'static str,
    text: &str,
    header: &[&str],
    mut row: impl FnMut(&[String]) -> Option<T>,
) -> Loaded<T> {
    let mut meta = BTreeMap::new();
    let mut header_ok = None;
    let mut items = Vec::new();
    let mut data_rows = 0;
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        if let Some(comment) = line.strip_prefix('#') {
            if let Some((key, value)) = comment.split_once(':') {
                meta.entry(key.trim().to_string())
                    .or_insert_with(|| value.trim().to_string());
            }
            continue;
        }
        let Some(fields) = split_line(line) else {
            if header_ok.is_some() {
                data_rows += 1;
            }
            continue;
        };
        match header_ok {
            None => header_ok = Some(fields.iter().map(String::as_str).eq(header.iter().copied())),
            Some(ok) => {
                data_rows += 1;
                if ok && fields.len() == header.len() {
                    if let Some(item) = row(&fields) {
                        items.push(item);
                    }
                }
            }
        }
    }
    let mut take = |key: &str| meta.remove(key).unwrap_or_default();
    Loaded {
        info: TableInfo {
            name,
            source: take("source"),
            as_of: take("as_of"),
            license: take("license"),
        },
        items,
        data_rows,
    }
}

/// A table keyed by item (lowercased: instance type, VM size, GPU type) and then region, the
/// shape of every per-region price table.
pub(crate) struct Regional<T> {
    pub info: TableInfo,
    pub by_key: HashMap<String, BTreeMap<String, T>>,
    /// Each key of `by_key` as the table first writes it (`Standard_NC24ads_A100_v4` for
    /// `standard_nc24ads_a100_v4`): the name to suggest.
    pub names: HashMap<String, String>,
    /// How keys are normalized, in the table and in lookups.
    pub fold: fn(&str) -> String,
    /// Read by the test that checks every row parses.
    #[cfg_attr(not(test), allow(dead_code))]
    pub counts: Counts,
}

/// Keys compared without case (instance types, VM sizes, GPU types).
pub(crate) fn fold_case(key: &str) -> String {
    key.trim().to_ascii_lowercase()
}

/// Keys compared exactly (storage classes: EBS `standard` is not S3 `STANDARD`).
pub(crate) fn fold_exact(key: &str) -> String {
    key.trim().to_string()
}

/// Loads a per-region table with case-insensitive keys; `row` returns (region, key, value).
pub(crate) fn regional<T>(
    name: &'static str,
    text: &str,
    header: &[&str],
    row: impl FnMut(&[String]) -> Option<(String, String, T)>,
) -> Regional<T> {
    regional_with(fold_case, name, text, header, row)
}

/// Loads a per-region table whose keys are normalized by `fold`.
pub(crate) fn regional_with<T>(
    fold: fn(&str) -> String,
    name: &'static str,
    text: &str,
    header: &[&str],
    row: impl FnMut(&[String]) -> Option<(String, String, T)>,
) -> Regional<T> {
    let loaded = load(name, text, header, row);
    let counts = loaded.counts();
    let mut by_key: HashMap<String, BTreeMap<String, T>> = HashMap::new();
    let mut names: HashMap<String, String> = HashMap::new();
    for (region, key, value) in loaded.items {
        let folded = fold(&key);
        names
            .entry(folded.clone())
            .or_insert_with(|| key.trim().to_string());
        by_key
            .entry(folded)
            .or_default()
            .insert(region.to_ascii_lowercase(), value);
    }
    Regional {
        info: loaded.info,
        by_key,
        names,
        fold,
        counts,
    }
}

/// An entry found in a per-region table.
pub(crate) struct Found<T: 'static> {
    pub region: &'static str,
    pub row: &'static T,
    pub exact: bool,
    pub info: &'static TableInfo,
}

impl<T> Found<T> {
    pub fn price(&self, usd: Decimal, unit: &'static str) -> Price {
        Price {
            usd,
            unit,
            region: self.region.to_string(),
            exact_region: self.exact,
            table: self.info,
            estimate: None,
        }
    }
}

/// Looks `key` up in `table` for `region` (see [`pick_region`]); `title` names the table in
/// the error ("AWS EC2").
pub(crate) fn find<T>(
    table: &'static Regional<T>,
    title: &str,
    key: &str,
    region: &str,
    fallback: &str,
) -> Result<Found<T>, String> {
    table
        .by_key
        .get(&(table.fold)(key))
        .and_then(|regions| pick_region(regions, region, fallback))
        .map(|(region, row, exact)| Found {
            region,
            row,
            exact,
            info: &table.info,
        })
        .ok_or_else(|| not_in(key, title, &table.info))
}

/// The fields of one CSV line (RFC 4180 quoting, no line breaks in fields); `None` when
/// its quoting is malformed. The catalog and installed price overlays share this format.
pub(crate) fn split_line(line: &str) -> Option<Vec<String>> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut chars = line.chars().peekable();
    // Whether the current field started with a quote, and whether that quote is still open.
    let mut quoted = false;
    let mut open = false;
    let mut at_start = true;
    while let Some(c) = chars.next() {
        if open {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    field.push('"');
                } else {
                    open = false;
                }
            } else {
                field.push(c);
            }
            continue;
        }
        match c {
            ',' => {
                fields.push(std::mem::take(&mut field));
                quoted = false;
                at_start = true;
                continue;
            }
            '"' if at_start => {
                quoted = true;
                open = true;
            }
            // Text after a closing quote, or a stray quote inside an unquoted field.
            _ if quoted || c == '"' => return None,
            _ => field.push(c),
        }
        at_start = false;
    }
    if open {
        return None;
    }
    fields.push(field);
    Some(fields)
}

/// A non-negative decimal price written as plain digits (`0.204000`, `55.04`, `0`).
pub(crate) fn price(text: &str) -> Option<Decimal> {
    let plain = !text.is_empty()
        && text.chars().all(|c| c.is_ascii_digit() || c == '.')
        && text.chars().filter(|c| *c == '.').count() <= 1;
    if !plain {
        return None;
    }
    Decimal::from_str(text).ok()
}

/// An optional price: empty means "not listed" (`Some(None)`), anything else must parse.
pub(crate) fn optional_price(text: &str) -> Option<Option<Decimal>> {
    if text.is_empty() {
        Some(None)
    } else {
        price(text).map(Some)
    }
}

/// Where a per-region entry was found: the asked region, else the provider's fallback
/// region, else the first region the table lists (sorted, so the choice is stable).
pub(crate) fn pick_region<'a, T>(
    regions: &'a BTreeMap<String, T>,
    region: &str,
    fallback: &str,
) -> Option<(&'a str, &'a T, bool)> {
    let asked = region.trim().to_ascii_lowercase();
    if let Some((r, v)) = regions.get_key_value(&asked) {
        return Some((r.as_str(), v, true));
    }
    regions
        .get_key_value(fallback)
        .or_else(|| regions.iter().next())
        .map(|(r, v)| (r.as_str(), v, false))
}

/// "X is not in the T price table (as of D)".
/// The keys of `table` one edit away from `key` (a deleted, inserted or changed
/// character, compared as the table folds keys), as the table writes them, sorted, at most
/// three: the likely typos of a name the table lacks.
pub(crate) fn near_keys<T>(table: &'static Regional<T>, key: &str) -> Vec<&'static str> {
    let folded = (table.fold)(key);
    if table.by_key.contains_key(&folded) {
        return Vec::new();
    }
    let mut near: Vec<&'static str> = table
        .names
        .iter()
        .filter(|(k, _)| {
            k.len().abs_diff(folded.len()) <= 1 && strsim::levenshtein(k, &folded) == 1
        })
        .map(|(_, name)| name.as_str())
        .collect();
    near.sort_unstable();
    near.truncate(3);
    near
}

pub(crate) fn not_in(what: &str, title: &str, info: &TableInfo) -> String {
    format!(
        "{what} is not in the {title} price table (as of {})",
        info.as_of
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_quoted_fields() {
        assert_eq!(
            split_line(r#"a,"b, c","say ""hi""",,d"#),
            Some(vec![
                "a".to_string(),
                "b, c".to_string(),
                r#"say "hi""#.to_string(),
                String::new(),
                "d".to_string()
            ])
        );
        assert_eq!(split_line(r#"a,"b"c"#), None);
        assert_eq!(split_line(r#"a,"open"#), None);
        assert_eq!(split_line(r#"a,b"c"#), None);
    }

    #[test]
    fn malformed_rows_are_skipped_not_fatal() {
        let text = "# source: s\n# as_of: 2026-01-01\n# license: MIT\nk,v\na,1\nb,x\nc\n\"d,2\n";
        let t = load("t", text, &["k", "v"], |f| match f {
            [k, v] => Some((k.clone(), price(v)?)),
            _ => None,
        });
        assert_eq!(t.items, vec![("a".to_string(), Decimal::ONE)]);
        assert_eq!(t.data_rows, 4);
        assert_eq!(t.info.as_of, "2026-01-01");
        let wrong_header = load("t", "x,y\na,1\n", &["k", "v"], |_| Some(()));
        assert!(wrong_header.items.is_empty());
    }

    #[test]
    fn prices_are_plain_decimals() {
        assert_eq!(
            price("0.204000").map(|d| d.to_string()),
            Some("0.204000".into())
        );
        for bad in ["", "-1", "1e5", "1.2.3", " 1", "abc"] {
            assert_eq!(price(bad), None, "{bad}");
        }
        assert_eq!(optional_price(""), Some(None));
        assert_eq!(optional_price("x"), None);
    }
}

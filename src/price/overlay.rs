//! The price overlay: prices a user installs with `aicost-policy pricing update`, written in
//! the catalog's own CSV format (`catalog/README.md`):
//!
//! ```text
//! # source: <where the prices come from>
//! # as_of: <YYYY-MM-DD>
//! # license: <licence of the data>
//! provider,region,item,usd_per_hour
//! aws,us-east-1,p5.48xlarge,39.80
//! aws,,g5.xlarge,0.75
//! ```
//!
//! An empty region means every region. The installed copy lives at [`INSTALLED_PATH`] under
//! the repository root, so every machine and CI prices the same. Overlay prices win over the
//! catalog; configuration overrides win over the overlay.
//!
//! The file is validated completely: one problem refuses the whole overlay, and every problem
//! is reported with its line. No I/O here: the callers read and write the file.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;

use rust_decimal::Decimal;

use super::settings::PriceOverride;
use crate::catalog::split_line;
use crate::model::{Date, InputError, Location};

/// Where the installed overlay lives, relative to the repository root.
pub const INSTALLED_PATH: &str = ".aicost-policy/prices.csv";

/// The header row an overlay must have, exactly.
pub const HEADER: [&str; 4] = ["provider", "region", "item", "usd_per_hour"];

/// The providers an overlay may price, as the catalog names them.
pub const PROVIDERS: [&str; 3] = ["aws", "google", "azurerm"];

/// More problems than this are summarised in one last error.
const MAX_ERRORS: usize = 20;

const FORMAT_HELP: &str = "an overlay starts with `# source: ...`, `# as_of: YYYY-MM-DD` and `# license: ...` lines, then the header `provider,region,item,usd_per_hour` (see docs/pricing.md)";

/// The installed overlay's path under the repository root `root`.
pub fn installed_path(root: &Path) -> PathBuf {
    root.join(INSTALLED_PATH)
}

/// A validated overlay.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Overlay {
    pub source: String,
    pub as_of: String,
    pub license: String,
    /// In file order.
    pub rows: Vec<OverlayRow>,
}

/// One price of an overlay and the line it is written on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OverlayRow {
    pub price: PriceOverride,
    /// 1-based.
    pub line: u32,
}

impl Overlay {
    /// The prices, for [`super::PricingSettings::overlay`].
    pub fn prices(&self) -> Vec<PriceOverride> {
        self.rows.iter().map(|r| r.price.clone()).collect()
    }
}

/// Collects problems, keeping the first [`MAX_ERRORS`] and counting the rest.
struct Problems<'a> {
    file: &'a Arc<str>,
    text: &'a str,
    errors: Vec<InputError>,
    more: usize,
}

impl Problems<'_> {
    fn push(&mut self, span: (usize, usize), message: String, help: &str) {
        if self.errors.len() >= MAX_ERRORS {
            self.more += 1;
            return;
        }
        let location = Location::from_span(self.file.clone(), self.text, span.0, span.1);
        self.errors
            .push(InputError::new(location, message).with_help(help.to_string()));
    }

    fn finish(mut self) -> Vec<InputError> {
        self.errors.sort_by_key(|e| e.location.line);
        if self.more > 0 {
            let location = Location::file_start(self.file.clone());
            self.errors.push(InputError::new(
                location,
                format!(
                    "{} more problems in the price overlay are not shown",
                    self.more
                ),
            ));
        }
        self.errors
    }
}

/// Parses and validates an overlay; `file` names it in errors. Every problem is returned
/// (up to a limit), each at its line: the metadata lines `source`, `as_of` (a real
/// `YYYY-MM-DD` date) and `license` must be present before the header, the header must be
/// exactly [`HEADER`], every row must have a known provider, an item and a non-negative
/// decimal price, and no (provider, region, item) may be priced twice.
pub fn parse(text: &str, file: &Arc<str>) -> Result<Overlay, Vec<InputError>> {
    let mut problems = Problems {
        file,
        text,
        errors: Vec::new(),
        more: 0,
    };
    // (value, span, line) of each metadata key.
    let mut meta: HashMap<String, (String, (usize, usize), u32)> = HashMap::new();
    let mut header_seen = false;
    // Rows under a wrong header cannot be read: only the header is reported.
    let mut header_ok = false;
    let mut rows: Vec<OverlayRow> = Vec::new();
    let mut first_line: HashMap<(String, String, String), u32> = HashMap::new();
    let mut offset = 0;
    for (index, raw) in text.split_inclusive('\n').enumerate() {
        let start = offset;
        offset += raw.len();
        let line_no = u32::try_from(index).map_or(u32::MAX, |i| i.saturating_add(1));
        let mut line = raw.trim_end_matches(['\n', '\r']);
        if index == 0 {
            line = line.strip_prefix('\u{feff}').unwrap_or(line);
        }
        let span = (start, start + line.len());
        if line.trim().is_empty() {
            continue;
        }
        if let Some(comment) = line.strip_prefix('#') {
            // Before the header, `# key: value` lines are metadata; other comments are
            // allowed anywhere.
            if header_seen {
                continue;
            }
            if let Some((key, value)) = comment.split_once(':') {
                let key = key.trim().to_string();
                if let Some((_, _, first_no)) = meta.get(&key) {
                    problems.push(
                        span,
                        format!("the metadata `{key}` is given twice (first on line {first_no})"),
                        "keep one of the two lines",
                    );
                } else {
                    meta.insert(key, (value.trim().to_string(), span, line_no));
                }
            }
            continue;
        }
        let Some(fields) = split_line(line) else {
            problems.push(
                span,
                "the quoting of this line is malformed".to_string(),
                "a field holding a comma or a quote is written in double quotes, with \"\" for a quote",
            );
            header_seen = true;
            continue;
        };
        if !header_seen {
            header_seen = true;
            header_ok = fields.iter().map(String::as_str).eq(HEADER);
            if !header_ok {
                problems.push(
                    span,
                    format!(
                        "the header is `{}`, expected `{}`",
                        line.trim(),
                        HEADER.join(",")
                    ),
                    FORMAT_HELP,
                );
            }
            continue;
        }
        if !header_ok {
            continue;
        }
        if let Some(row) = parse_row(&fields, span, line_no, &mut problems) {
            let key = (
                row.price.provider.clone(),
                row.price.region.clone().unwrap_or_default(),
                row.price.item.clone(),
            );
            match first_line.get(&key) {
                Some(first) => problems.push(
                    span,
                    format!(
                        "{} {} in {} is priced twice (first on line {first})",
                        key.0,
                        key.2,
                        row.price.region.as_deref().unwrap_or("every region")
                    ),
                    "keep one price per provider, region and item",
                ),
                None => {
                    first_line.insert(key, line_no);
                    rows.push(row);
                }
            }
        }
    }
    let header_span = (0, text.find('\n').unwrap_or(text.len()));
    let mut take = |key: &str| -> Option<(String, (usize, usize))> {
        match meta.remove(key) {
            Some((value, span, _)) if !value.is_empty() => Some((value, span)),
            Some((_, span, _)) => {
                problems.push(span, format!("the metadata `{key}` is empty"), FORMAT_HELP);
                None
            }
            None => {
                problems.push(
                    header_span,
                    format!("the price overlay has no `# {key}:` line before its header"),
                    FORMAT_HELP,
                );
                None
            }
        }
    };
    let source = take("source");
    let as_of = take("as_of");
    let license = take("license");
    if let Some((date, span)) = &as_of {
        if let Err(e) = Date::parse(date) {
            problems.push(
                *span,
                format!("`{date}` is not a date: `as_of` is written YYYY-MM-DD"),
                &format!(
                    "{}; write the date the prices were valid, such as `# as_of: 2026-11-01`",
                    e.reason()
                ),
            );
        }
    }
    if !header_seen {
        problems.push(
            header_span,
            "the price overlay has no header row".to_string(),
            FORMAT_HELP,
        );
    } else if rows.is_empty() && problems.errors.is_empty() {
        problems.push(
            header_span,
            "the price overlay lists no prices".to_string(),
            "add rows such as `aws,us-east-1,p5.48xlarge,39.80` after the header",
        );
    }
    let errors = problems.finish();
    match (source, as_of, license) {
        (Some((source, _)), Some((as_of, _)), Some((license, _))) if errors.is_empty() => {
            Ok(Overlay {
                source,
                as_of,
                license,
                rows,
            })
        }
        _ => Err(errors),
    }
}

/// One data row; problems are recorded and give `None`.
fn parse_row(
    fields: &[String],
    span: (usize, usize),
    line: u32,
    problems: &mut Problems,
) -> Option<OverlayRow> {
    let [provider, region, item, usd] = fields else {
        problems.push(
            span,
            format!(
                "this row has {} fields, expected 4 ({})",
                fields.len(),
                HEADER.join(",")
            ),
            "write provider,region,item,usd_per_hour (an empty region means every region)",
        );
        return None;
    };
    let (provider, region, item, usd) = (provider.trim(), region.trim(), item.trim(), usd.trim());
    let mut ok = true;
    if !PROVIDERS.contains(&provider) {
        problems.push(
            span,
            format!("unknown provider `{provider}`"),
            "the provider is aws, google or azurerm, as Terraform names them",
        );
        ok = false;
    }
    if item.is_empty() || item.contains(char::is_whitespace) {
        problems.push(
            span,
            format!("`{item}` is not an item"),
            "the item is a machine type, VM size or model id as Terraform writes it, without spaces",
        );
        ok = false;
    }
    if region.contains(char::is_whitespace) {
        problems.push(
            span,
            format!("`{region}` is not a region"),
            "write the region as the provider names it (us-east-1), or leave it empty for every region",
        );
        ok = false;
    }
    let price = parse_price(usd);
    if price.is_none() {
        problems.push(
            span,
            format!("`{usd}` is not a price"),
            "write USD per hour as a plain non-negative decimal such as 0.204 (no sign, currency symbol, exponent or thousands separator)",
        );
        ok = false;
    }
    let usd_per_hour = price?;
    ok.then(|| OverlayRow {
        price: PriceOverride {
            provider: provider.to_string(),
            item: item.to_string(),
            region: (!region.is_empty()).then(|| region.to_string()),
            usd_per_hour,
        },
        line,
    })
}

/// The text of an overlay with these metadata and prices, one row per price in the order
/// given: what [`parse`] reads back. Metadata values are written on one line (line breaks
/// and other control characters become spaces); `extra` adds more `# key: value` lines
/// after the three required ones (`derivation`). Prices are written without trailing zeros
/// (`0.0960000000` → `0.096`); fields that need it are quoted.
pub fn render(
    source: &str,
    as_of: &str,
    license: &str,
    extra: &[(&str, &str)],
    prices: &[PriceOverride],
) -> String {
    let one_line = |v: &str| -> String {
        v.chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect::<String>()
            .trim()
            .to_string()
    };
    let mut out = String::new();
    for (key, value) in [("source", source), ("as_of", as_of), ("license", license)]
        .into_iter()
        .chain(extra.iter().copied())
    {
        out.push_str(&format!("# {key}: {}\n", one_line(value)));
    }
    out.push_str(&HEADER.join(","));
    out.push('\n');
    for p in prices {
        let fields = [
            p.provider.as_str(),
            p.region.as_deref().unwrap_or(""),
            p.item.as_str(),
            &p.usd_per_hour.normalize().to_string(),
        ]
        .map(quoted);
        out.push_str(&fields.join(","));
        out.push('\n');
    }
    out
}

/// A CSV field as [`split_line`] reads it back: quoted when it holds a comma, a quote or
/// starts or ends with a space.
fn quoted(field: &str) -> String {
    if field.contains([',', '"']) || field.trim() != field {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_string()
    }
}

/// A plain non-negative decimal: digits, optionally a dot and more digits; the form the
/// overlay, the catalog and the AWS Price List write prices in.
pub fn parse_price(text: &str) -> Option<Decimal> {
    let (whole, fraction) = match text.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (text, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || fraction.is_some_and(|f| !digits(f)) {
        return None;
    }
    Decimal::from_str(text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "# source: acme price sheet\n# as_of: 2026-11-01\n# license: CC0-1.0\nprovider,region,item,usd_per_hour\naws,us-east-1,p5.48xlarge,39.80\naws,,g5.xlarge,0.75\n\"azurerm\",eastus,Standard_NC24ads_A100_v4,3\n";

    fn name() -> Arc<str> {
        Arc::from("prices.csv")
    }

    fn errors(text: &str) -> Vec<(u32, String)> {
        parse(text, &name())
            .unwrap_err()
            .into_iter()
            .map(|e| (e.location.line, e.message))
            .collect()
    }

    #[test]
    fn a_valid_overlay() {
        let o = parse(GOOD, &name()).unwrap();
        assert_eq!(
            (o.source.as_str(), o.as_of.as_str(), o.license.as_str()),
            ("acme price sheet", "2026-11-01", "CC0-1.0")
        );
        assert_eq!(o.rows.len(), 3);
        assert_eq!(o.rows[0].line, 5);
        assert_eq!(
            o.rows[0].price.usd_per_hour,
            Decimal::from_str("39.80").unwrap()
        );
        assert_eq!(o.rows[1].price.region, None);
        assert_eq!(o.rows[2].price.provider, "azurerm");
        let crlf = GOOD.replace('\n', "\r\n");
        assert_eq!(parse(&format!("\u{feff}{crlf}"), &name()).unwrap(), o);
    }

    #[test]
    fn every_problem_is_reported_at_its_line() {
        let text = "# source: s\n# as_of: 2026-02-30\nprovider,region,item,usd_per_hour\ngcp,us-central1,a2-highgpu-1g,3\naws,us-east-1,p5.48xlarge,-1\naws,us-east-1,m5.large,0.096\naws,us-east-1,m5.large,0.1\naws,us-east-1\n";
        assert_eq!(
            errors(text),
            vec![
                (
                    1,
                    "the price overlay has no `# license:` line before its header".to_string()
                ),
                (
                    2,
                    "`2026-02-30` is not a date: `as_of` is written YYYY-MM-DD".to_string()
                ),
                (4, "unknown provider `gcp`".to_string()),
                (5, "`-1` is not a price".to_string()),
                (
                    7,
                    "aws m5.large in us-east-1 is priced twice (first on line 6)".to_string()
                ),
                (
                    8,
                    "this row has 2 fields, expected 4 (provider,region,item,usd_per_hour)"
                        .to_string()
                ),
            ]
        );
    }

    #[test]
    fn header_and_empty_files() {
        let text = "# source: s\n# as_of: 2026-01-01\n# license: MIT\nprovider,item,region,usd_per_hour\naws,,x,1\n";
        assert_eq!(
            errors(text),
            vec![(
                4,
                "the header is `provider,item,region,usd_per_hour`, expected `provider,region,item,usd_per_hour`".to_string()
            )]
        );
        assert!(errors("")
            .iter()
            .any(|(_, m)| m == "the price overlay has no header row"));
        assert_eq!(
            errors("# source: s\n# as_of: 2026-01-01\n# license: MIT\nprovider,region,item,usd_per_hour\n"),
            vec![(1, "the price overlay lists no prices".to_string())]
        );
    }

    #[test]
    fn prices_and_dates() {
        for good in ["0", "0.204000", "55.04", "12"] {
            assert!(parse_price(good).is_some(), "{good}");
        }
        for bad in [
            "", "-1", "+1", "1e5", "1.2.3", ".5", "5.", "1,000", "$1", "abc",
        ] {
            assert_eq!(parse_price(bad), None, "{bad}");
        }
        assert!(Date::parse("2024-02-29").is_ok());
        for bad in [
            "2023-02-29",
            "2026-13-01",
            "2026-1-01",
            "26-01-01",
            "2026-01-00",
            "x",
        ] {
            assert!(Date::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn render_is_read_back() {
        let prices = vec![
            PriceOverride {
                provider: "aws".into(),
                item: "p5.48xlarge".into(),
                region: Some("us-east-1".into()),
                usd_per_hour: Decimal::from_str("55.0400000000").unwrap(),
            },
            PriceOverride {
                provider: "azurerm".into(),
                item: "odd,\"item".into(),
                region: None,
                usd_per_hour: Decimal::from_str("3").unwrap(),
            },
        ];
        let text = render(
            "a\nsource",
            "2026-11-01",
            "terms",
            &[("derivation", "how")],
            &prices,
        );
        assert_eq!(
            text,
            "# source: a source\n# as_of: 2026-11-01\n# license: terms\n# derivation: how\nprovider,region,item,usd_per_hour\naws,us-east-1,p5.48xlarge,55.04\nazurerm,,\"odd,\"\"item\",3\n"
        );
        let o = parse(&text, &name()).unwrap();
        assert_eq!(o.source, "a source");
        assert_eq!(
            o.prices()[0].usd_per_hour,
            Decimal::from_str("55.04").unwrap()
        );
        assert_eq!(o.prices()[1].item, "odd,\"item");
    }

    #[test]
    fn many_problems_are_capped() {
        let mut text = GOOD.to_string();
        for _ in 0..30 {
            text.push_str("oracle,,x,1\n");
        }
        let e = errors(&text);
        assert_eq!(e.len(), MAX_ERRORS + 1);
        assert_eq!(
            e.last().map(|(_, m)| m.as_str()),
            Some("10 more problems in the price overlay are not shown")
        );
    }
}

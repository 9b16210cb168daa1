//! `pricing import`: reading the price files the clouds publish into overlay prices
//! ([`super::overlay`]). One module per format:
//!
//! - `aws.rs`: the AWS Price List bulk files of the `AmazonEC2` offer (CSV or JSON) and of
//!   the `AmazonSageMaker` offer (JSON), one region or all;
//! - `azure.rs`: pages of the Azure Retail Prices API (JSON);
//! - `gcp.rs`: SKU lists of the Cloud Billing Catalog API (JSON).
//!
//! A reader takes an open file and its name and adds what it selects to [`Prices`]; every
//! row, product, item or SKU it reads is either used or counted under the first reason it is
//! skipped for ([`FileReport`]). Input is treated as hostile and may be gigabytes: CSV is read
//! a line at a time with a bound on the line length ([`lines`]), JSON as a stream whose
//! objects are read one at a time and dropped ([`json`]), so memory holds the selected prices
//! (and one record), not the file. Bad input is an [`ImportError`] naming the file and line
//! (or JSON path); a reader never panics. The caller opens files and writes the overlay.

mod aws;
mod azure;
mod gcp;
mod json;
mod lines;

use std::collections::BTreeMap;
use std::io::BufRead;

use rust_decimal::Decimal;

use super::settings::PriceOverride;

/// The formats `pricing import` reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// `--aws-price-list`: an AWS Price List bulk file, CSV or JSON.
    AwsPriceList,
    /// `--azure-retail-prices`: one page of the Azure Retail Prices API.
    AzureRetailPrices,
    /// `--gcp-billing-catalog`: one page of `services/…/skus` of the Cloud Billing Catalog API.
    GcpBillingCatalog,
}

impl Format {
    /// Who publishes it, for the default licence line.
    pub fn publisher(self) -> &'static str {
        match self {
            Format::AwsPriceList => "AWS Price List",
            Format::AzureRetailPrices => "Azure Retail Prices API",
            Format::GcpBillingCatalog => "Google Cloud Billing Catalog API",
        }
    }

    /// How the prices were selected, for the overlay's `# derivation:` line.
    pub fn derivation(self) -> &'static str {
        match self {
            Format::AwsPriceList => "AWS: OnDemand terms, USD per Hrs, EC2 Linux with Shared tenancy, no pre-installed software, CapacityStatus Used, MarketOption OnDemand, AWS Regions only; SageMaker ml.* real-time Hosting",
            Format::AzureRetailPrices => "Azure: Virtual Machines, type Consumption, USD per 1 Hour, primary meter region, not Spot, Low Priority or Windows, retailPrice",
            Format::GcpBillingCatalog => "Google Cloud: Compute Engine OnDemand GPU SKUs of the GPUs billed separately from the machine type (T4, P4, V100, P100, K80), USD per hour, one row per service region",
        }
    }
}

/// One price a reader selected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Price {
    pub provider: &'static str,
    pub region: String,
    pub item: String,
    pub usd_per_hour: Decimal,
}

/// Bad input: where (`file:line`, or the file and a JSON path), what is wrong, what to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportError {
    pub place: String,
    pub message: String,
    pub help: String,
}

impl ImportError {
    pub fn new(
        place: impl Into<String>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> ImportError {
        ImportError {
            place: place.into(),
            message: message.into(),
            help: help.into(),
        }
    }
}

/// What was read from one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileReport {
    /// The file as named on the command line.
    pub name: String,
    /// `AWS Price List CSV, offer AmazonEC2`.
    pub format: String,
    /// The date the file says its prices are of (`YYYY-MM-DD`), when it says one.
    pub date: Option<String>,
    /// What the file's date is (`publication date`), for messages.
    pub date_kind: &'static str,
    /// More for the overlay's `# source:` line (`version 20250912225308`), or nothing.
    pub details: String,
    /// What a unit read is called: `rows`, `products`, `items`, `SKUs`.
    pub unit: &'static str,
    /// Units read.
    pub read: u64,
    /// Prices added (a GCP SKU gives one per region).
    pub imported: u64,
    /// Units skipped, per reason, in the order the reasons are checked.
    pub skipped: Skips,
}

/// Units skipped, counted per reason.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Skips(Vec<(&'static str, u64)>);

impl Skips {
    pub fn add(&mut self, reason: &'static str) {
        match self.0.iter_mut().find(|(r, _)| *r == reason) {
            Some((_, n)) => *n += 1,
            None => self.0.push((reason, 1)),
        }
    }

    pub fn total(&self) -> u64 {
        self.0.iter().map(|(_, n)| n).sum()
    }

    /// Most first; equal counts in the order the reasons were first met.
    pub fn sorted(&self) -> Vec<(&'static str, u64)> {
        let mut v = self.0.clone();
        v.sort_by_key(|r| std::cmp::Reverse(r.1));
        v
    }
}

/// A number with thousands separators: `9,031`.
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

impl FileReport {
    /// What standard error says about the file: `ec2.csv (AWS Price List CSV, offer
    /// AmazonEC2): imported 3 prices; skipped 9 of 12 rows:`, then one indented line per
    /// reason (`  4 not on-demand (reserved)`), most first.
    pub fn summary(&self) -> String {
        let skipped = self.skipped.total();
        let mut line = format!(
            "{} ({}): imported {} {}; skipped {} of {} {}",
            self.name,
            self.format,
            count(self.imported),
            if self.imported == 1 {
                "price"
            } else {
                "prices"
            },
            count(skipped),
            count(self.read),
            self.unit
        );
        if skipped > 0 {
            line.push(':');
        }
        for (reason, n) in self.skipped.sorted() {
            line.push_str(&format!("\n  {} {reason}", count(n)));
        }
        line
    }
}

/// Whether `text` may be an item or a region in an overlay written by `import`: ASCII
/// letters, digits, `.`, `_` and `-`, as every machine type, VM size, GPU type and region
/// name is written.
pub(super) fn plain_name(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 128
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// A name from the input, for messages: control characters escaped, at most 80 characters.
pub(super) fn shown(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars().take(80) {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    if text.chars().count() > 80 {
        out.push('…');
    }
    out
}

/// The `YYYY-MM-DD` date at the start of a timestamp (`2025-09-12T22:53:08Z`), if it is one.
pub(super) fn date_of(timestamp: &str) -> Option<String> {
    let date = timestamp.get(..10)?;
    let rest = timestamp.get(10..)?;
    let ok = rest.is_empty() || rest.starts_with('T') || rest.starts_with(' ');
    (ok && crate::model::Date::parse(date).is_ok()).then(|| date.to_string())
}

/// The prices selected so far, from every file, keyed and sorted by provider, region and
/// item, each with the place it was read from.
#[derive(Debug, Default)]
pub struct Prices {
    map: BTreeMap<(&'static str, String, String), (Decimal, String)>,
}

/// What [`Prices::add`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Added {
    New,
    /// The same provider, region, item and price were read before.
    Again,
}

impl Prices {
    /// Adds a price read at `place`. The same price again is [`Added::Again`]; another price
    /// for the same provider, region and item is an error naming both places.
    pub fn add(
        &mut self,
        price: Price,
        place: impl FnOnce() -> String,
    ) -> Result<Added, ImportError> {
        let key = (price.provider, price.region, price.item);
        if let Some((usd, first)) = self.map.get(&key) {
            if *usd == price.usd_per_hour {
                return Ok(Added::Again);
            }
            let place = place();
            return Err(ImportError::new(
                place.clone(),
                format!(
                    "{} {} in {} costs {}/hour here and {}/hour at {first}",
                    key.0,
                    key.2,
                    key.1,
                    price.usd_per_hour.normalize(),
                    usd.normalize()
                ),
                "the input gives two prices for one item in one region, so neither is taken; check that the files are of one download (the pages of one query, one version of a price list), or import them separately",
            ));
        }
        self.map.insert(key, (price.usd_per_hour, place()));
        Ok(Added::New)
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// The prices as overlay rows, sorted by provider, region and item.
    pub fn into_overrides(self) -> Vec<PriceOverride> {
        self.map
            .into_iter()
            .map(|((provider, region, item), (usd, _))| PriceOverride {
                provider: provider.to_string(),
                item,
                region: Some(region),
                usd_per_hour: usd,
            })
            .collect()
    }
}

/// Reads one file of `format`; `name` names it in messages.
pub fn read(
    format: Format,
    reader: impl BufRead,
    name: &str,
    prices: &mut Prices,
) -> Result<FileReport, ImportError> {
    match format {
        Format::AwsPriceList => aws::read(reader, name, prices),
        Format::AzureRetailPrices => azure::read(reader, name, prices),
        Format::GcpBillingCatalog => gcp::read(reader, name, prices),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_have_thousands_separators() {
        for (n, s) in [
            (0, "0"),
            (12, "12"),
            (999, "999"),
            (1000, "1,000"),
            (9031, "9,031"),
            (1_234_567, "1,234,567"),
        ] {
            assert_eq!(count(n), s);
        }
    }

    #[test]
    fn dates_of_timestamps() {
        assert_eq!(
            date_of("2025-09-12T22:53:08Z").as_deref(),
            Some("2025-09-12")
        );
        assert_eq!(date_of("2025-09-12").as_deref(), Some("2025-09-12"));
        for bad in [
            "2025-02-30T00:00:00Z",
            "2025-09-1",
            "20250912",
            "2025-09-12X",
            "",
        ] {
            assert_eq!(date_of(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_second_price_for_one_item_is_an_error_naming_both_places() {
        let mut prices = Prices::default();
        let p = |usd: &str| Price {
            provider: "aws",
            region: "us-east-1".into(),
            item: "m5.large".into(),
            usd_per_hour: usd.parse().unwrap(),
        };
        assert_eq!(prices.add(p("0.096"), || "a.csv:7".into()), Ok(Added::New));
        assert_eq!(
            prices.add(p("0.0960000000"), || "b.csv:9".into()),
            Ok(Added::Again)
        );
        let e = prices.add(p("0.1"), || "b.csv:12".into()).unwrap_err();
        assert_eq!(e.place, "b.csv:12");
        assert_eq!(
            e.message,
            "aws m5.large in us-east-1 costs 0.1/hour here and 0.096/hour at a.csv:7"
        );
    }

    #[test]
    fn plain_names() {
        for ok in [
            "p5.48xlarge",
            "Standard_NC24ads_A100_v4",
            "nvidia-tesla-t4",
            "us-east-1",
        ] {
            assert!(plain_name(ok), "{ok}");
        }
        for bad in ["", "a b", "a,b", "a\"b", "ä", "x/y"] {
            assert!(!plain_name(bad), "{bad}");
        }
    }
}

/// Hostile input: the test files cut short and with a byte changed, read by every reader.
/// Whatever the bytes, a reader returns a report or an error; it never panics, and what it
/// takes is still a valid overlay.
#[cfg(test)]
mod robustness {
    use super::*;
    use proptest::prelude::*;
    use proptest::sample::Index;

    const FILES: [&str; 6] = [
        include_str!("../../../testdata/pricing-import/aws-ec2-us-east-1.csv"),
        include_str!("../../../testdata/pricing-import/aws-ec2-eu-west-1.json"),
        include_str!("../../../testdata/pricing-import/aws-sagemaker-us-east-1.json"),
        include_str!("../../../testdata/pricing-import/azure-vm-page-1.json"),
        include_str!("../../../testdata/pricing-import/azure-vm-page-2.json"),
        include_str!("../../../testdata/pricing-import/gcp-compute-skus.json"),
    ];
    const FORMATS: [Format; 3] = [
        Format::AwsPriceList,
        Format::AzureRetailPrices,
        Format::GcpBillingCatalog,
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]
        #[test]
        fn changed_files_never_panic(
            file in 0..FILES.len(),
            format in 0..FORMATS.len(),
            at in any::<Index>(),
            byte in any::<u8>(),
            cut in any::<Index>(),
        ) {
            let mut bytes = FILES[file].as_bytes().to_vec();
            let i = at.index(bytes.len());
            bytes[i] = byte;
            bytes.truncate(cut.index(bytes.len() + 1));
            let mut prices = Prices::default();
            let _ = read(FORMATS[format], &bytes[..], "f", &mut prices);
            if !prices.is_empty() {
                let text = super::super::overlay::render(
                    "s",
                    "2026-01-01",
                    "l",
                    &[],
                    &prices.into_overrides(),
                );
                let name: std::sync::Arc<str> = std::sync::Arc::from("o");
                prop_assert!(super::super::overlay::parse(&text, &name).is_ok(), "{text}");
            }
        }
    }
}

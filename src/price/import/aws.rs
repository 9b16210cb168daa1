//! The AWS Price List bulk files (`https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/
//! <offer>/current/[<region>/]index.{csv,json}`), told apart by their first byte (`{` is JSON).
//!
//! - **CSV** (`AmazonEC2` only): five metadata lines (`"FormatVersion","v1.0"`,
//!   `"Disclaimer",…`, `"Publication Date","2025-09-12T22:53:08Z"`, `"Version",…`,
//!   `"OfferCode","AmazonEC2"`), then a header starting with `"SKU"`, then one row per price
//!   dimension of every term of every product. Columns are found by name.
//! - **JSON** (`AmazonEC2` and `AmazonSageMaker`): `offerCode`, `version`, `publicationDate`,
//!   `products` keyed by SKU with their `attributes`, and
//!   `terms.OnDemand[sku][offerTermCode].priceDimensions[rateCode]` with `unit` and
//!   `pricePerUnit.USD`. Units counted are products; reserved terms are not read.
//!
//! EC2 prices taken: on-demand, Linux, shared tenancy, no pre-installed software, capacity
//! status `Used` (not capacity reservations), market option `OnDemand` (not capacity blocks)
//! where the file has it, AWS Regions (not Local Zones, Wavelength or Outposts), USD per
//! `Hrs`. SageMaker: product family `ML Instance`, component `Hosting` (real-time endpoints),
//! `ml.*` instance names. The region is the `Region Code`; a file without that column is
//! mapped from `Location` through the SDK region names (`catalog/aws_regions.csv`). A price of
//! 0 is not taken (AWS lists 0 for capacity it does not sell on demand).

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::io::BufRead;

use rust_decimal::Decimal;
use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;

use super::json::{self, stop, Position};
use super::lines::{split_into, Lines};
use super::{date_of, plain_name, shown, Added, FileReport, ImportError, Price, Prices, Skips};
use crate::catalog::aws_region_for_location;
use crate::price::overlay::parse_price;

const NOT_ON_DEMAND: &str = "not on-demand (reserved)";
const NO_INSTANCE: &str = "no instance type (storage, data transfer, fees)";
const NOT_LINUX: &str = "not Linux";
const NOT_SHARED: &str = "not shared tenancy";
const SOFTWARE: &str = "with pre-installed software";
const CAPACITY: &str = "capacity reservations (CapacityStatus not Used)";
const MARKET: &str = "capacity blocks (MarketOption not OnDemand)";
const NOT_REGION: &str = "not an AWS Region (Local Zone, Wavelength, Outposts)";
const UNIT: &str = "unit not Hrs";
const CURRENCY: &str = "not USD";
const NO_REGION: &str = "no region code";
const UNMAPPED: &str = "location not mapped to a region";
const ZERO: &str = "price 0";
const AGAIN: &str = "same price listed again";
const NO_PRICE: &str = "no on-demand hourly USD price";
const NOT_ML: &str = "not an ML instance";
const NOT_HOSTING: &str = "not real-time hosting (training, notebooks, processing...)";
const NOT_ML_TYPE: &str = "not an ml.* instance";

const FORMAT_HELP: &str = "pass an AWS Price List bulk file as published (https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonEC2/current/<region>/index.csv or index.json), uncompressed";

/// The offers read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Offer {
    Ec2,
    SageMaker,
}

impl Offer {
    fn parse(code: &str, place: &str, csv: bool) -> Result<Offer, ImportError> {
        match code {
            "AmazonEC2" => Ok(Offer::Ec2),
            "AmazonSageMaker" if !csv => Ok(Offer::SageMaker),
            "AmazonSageMaker" => Err(ImportError::new(
                place,
                "the AmazonSageMaker offer is read from its JSON file, not the CSV",
                "download index.json instead of index.csv (the SageMaker CSV columns are not read)",
            )),
            other => Err(ImportError::new(
                place,
                format!("the offer `{}` is not read: only AmazonEC2 and AmazonSageMaker prices go into an overlay", shown(other)),
                "pass the AmazonEC2 (CSV or JSON) or AmazonSageMaker (JSON) price list",
            )),
        }
    }

    fn code(self) -> &'static str {
        match self {
            Offer::Ec2 => "AmazonEC2",
            Offer::SageMaker => "AmazonSageMaker",
        }
    }
}

/// The attributes a product is selected by, as the CSV columns or JSON attributes give them.
#[derive(Debug, Default)]
struct Attributes<'a> {
    instance_type: &'a str,
    operating_system: &'a str,
    tenancy: &'a str,
    pre_installed_sw: &'a str,
    capacity_status: &'a str,
    /// `None` when the file does not have it.
    market_option: Option<&'a str>,
    location_type: Option<&'a str>,
    region_code: Option<&'a str>,
    location: &'a str,
    // SageMaker
    product_family: &'a str,
    component: &'a str,
    instance_name: &'a str,
}

/// The item and region of a product that is taken, or why it is not.
fn select(offer: Offer, a: &Attributes) -> Result<(String, String), &'static str> {
    let item = match offer {
        Offer::Ec2 => {
            if a.instance_type.is_empty() {
                return Err(NO_INSTANCE);
            }
            if a.operating_system != "Linux" {
                return Err(NOT_LINUX);
            }
            if a.tenancy != "Shared" {
                return Err(NOT_SHARED);
            }
            if !matches!(a.pre_installed_sw, "NA" | "") {
                return Err(SOFTWARE);
            }
            if a.capacity_status != "Used" {
                return Err(CAPACITY);
            }
            if a.market_option.is_some_and(|m| m != "OnDemand") {
                return Err(MARKET);
            }
            a.instance_type
        }
        Offer::SageMaker => {
            if a.product_family != "ML Instance" {
                return Err(NOT_ML);
            }
            if a.component != "Hosting" {
                return Err(NOT_HOSTING);
            }
            if !a.instance_name.starts_with("ml.") {
                return Err(NOT_ML_TYPE);
            }
            a.instance_name
        }
    };
    if a.location_type.is_some_and(|t| t != "AWS Region") {
        return Err(NOT_REGION);
    }
    let region = match a.region_code {
        Some("") => return Err(NO_REGION),
        Some(code) => code,
        None => aws_region_for_location(a.location).ok_or(UNMAPPED)?,
    };
    Ok((item.to_string(), region.to_string()))
}

/// An item and region that will go into the overlay, checked.
fn checked(
    item: String,
    region: String,
    place: impl Fn() -> String,
) -> Result<(String, String), ImportError> {
    for (what, value) in [("instance type", &item), ("region", &region)] {
        if !plain_name(value) {
            return Err(ImportError::new(
                place(),
                format!("`{}` is not an AWS {what}", shown(value)),
                "AWS names are letters, digits, dots, dashes and underscores; check that the file is an unedited AWS Price List",
            ));
        }
    }
    Ok((item, region))
}

pub fn read(
    mut reader: impl BufRead,
    name: &str,
    prices: &mut Prices,
) -> Result<FileReport, ImportError> {
    // The first byte that is not white space tells JSON (`{`) from CSV; nothing is consumed,
    // so line numbers stay those of the file.
    let buf = reader.fill_buf().map_err(|e| {
        ImportError::new(
            name,
            format!("cannot read the file: {e}"),
            "check that the file is readable",
        )
    })?;
    let buf = buf.strip_prefix(b"\xef\xbb\xbf").unwrap_or(buf);
    let first = if buf.is_empty() {
        None
    } else {
        Some(
            buf.iter()
                .copied()
                .find(|b| !b.is_ascii_whitespace())
                .unwrap_or(b' '),
        )
    };
    match first {
        None => Err(ImportError::new(name, "the file is empty", FORMAT_HELP)),
        Some(b'{') => read_json(reader, name, prices),
        Some(_) => read_csv(reader, name, prices),
    }
}

// ---------------------------------------------------------------------------------------
// CSV
// ---------------------------------------------------------------------------------------

/// The columns read, by their header names.
struct Columns {
    term_type: usize,
    unit: usize,
    price: usize,
    currency: usize,
    instance_type: usize,
    tenancy: usize,
    operating_system: usize,
    pre_installed_sw: usize,
    capacity_status: usize,
    market_option: Option<usize>,
    location_type: Option<usize>,
    region_code: Option<usize>,
    location: Option<usize>,
    count: usize,
}

impl Columns {
    fn find(header: &[String], place: &str) -> Result<Columns, ImportError> {
        let index = |name: &str| header.iter().position(|h| h == name);
        let mut missing = Vec::new();
        let mut need = |name: &'static str| {
            index(name).unwrap_or_else(|| {
                missing.push(name);
                0
            })
        };
        let columns = Columns {
            term_type: need("TermType"),
            unit: need("Unit"),
            price: need("PricePerUnit"),
            currency: need("Currency"),
            instance_type: need("Instance Type"),
            tenancy: need("Tenancy"),
            operating_system: need("Operating System"),
            pre_installed_sw: need("Pre Installed S/W"),
            capacity_status: need("CapacityStatus"),
            market_option: index("MarketOption"),
            location_type: index("Location Type"),
            region_code: index("Region Code"),
            location: index("Location"),
            count: header.len(),
        };
        if columns.region_code.is_none() && columns.location.is_none() {
            missing.push("Region Code");
        }
        if !missing.is_empty() {
            return Err(ImportError::new(
                place,
                format!(
                    "the header has no {} column{}",
                    missing.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", "),
                    if missing.len() == 1 { "" } else { "s" }
                ),
                "this reads the AmazonEC2 price list CSV; check that the file is that offer's, as published",
            ));
        }
        Ok(columns)
    }
}

fn read_csv(
    reader: impl BufRead,
    name: &str,
    prices: &mut Prices,
) -> Result<FileReport, ImportError> {
    let mut lines = Lines::new(reader, name);
    let mut fields: Vec<String> = Vec::new();
    let mut meta: HashMap<String, String> = HashMap::new();
    let malformed = |place: String| {
        ImportError::new(
            place,
            "the quoting of this line is malformed",
            "a field holding a comma or a quote is written in double quotes, with \"\" for a quote; check that the file is complete and unedited",
        )
    };
    // The metadata lines, then the header.
    let (offer, columns) = loop {
        let Some(line) = lines.next_line()? else {
            return Err(ImportError::new(
                lines.place(),
                "the file ends before the header row (\"SKU\",\"OfferTermCode\",...)",
                FORMAT_HELP,
            ));
        };
        if !split_into(line, &mut fields) {
            return Err(malformed(lines.place()));
        }
        let key = fields.first().map(String::as_str).unwrap_or("");
        if lines.number() == 1 && key != "FormatVersion" {
            return Err(ImportError::new(
                lines.place(),
                "this is not an AWS Price List CSV: it does not start with \"FormatVersion\"",
                FORMAT_HELP,
            ));
        }
        if key == "SKU" {
            let offer = Offer::parse(
                meta.get("OfferCode").map_or("", String::as_str),
                &lines.place(),
                true,
            )?;
            break (offer, Columns::find(&fields, &lines.place())?);
        }
        if lines.number() > 10 {
            return Err(ImportError::new(
                lines.place(),
                "this is not an AWS Price List CSV: no header row starting with \"SKU\" in its first 10 lines",
                FORMAT_HELP,
            ));
        }
        if let [key, value] = fields.as_slice() {
            meta.insert(key.clone(), value.clone());
        }
    };
    let version = meta.get("Version").cloned().unwrap_or_default();
    let published = meta.get("Publication Date").cloned().unwrap_or_default();
    let mut report = report(name, offer, "CSV", "rows", &version, &published)?;
    while let Some(line) = lines.next_line()? {
        if line.is_empty() {
            continue;
        }
        if !split_into(line, &mut fields) {
            return Err(malformed(lines.place()));
        }
        if fields.len() != columns.count {
            return Err(ImportError::new(
                lines.place(),
                format!(
                    "this row has {} fields, the header {}",
                    fields.len(),
                    columns.count
                ),
                "check that the file is complete and unedited",
            ));
        }
        report.read += 1;
        let field = |i: usize| fields.get(i).map_or("", String::as_str);
        let optional = |i: Option<usize>| i.map(field);
        if field(columns.term_type) != "OnDemand" {
            report.skipped.add(NOT_ON_DEMAND);
            continue;
        }
        let attributes = Attributes {
            instance_type: field(columns.instance_type),
            operating_system: field(columns.operating_system),
            tenancy: field(columns.tenancy),
            pre_installed_sw: field(columns.pre_installed_sw),
            capacity_status: field(columns.capacity_status),
            market_option: optional(columns.market_option),
            location_type: optional(columns.location_type),
            region_code: optional(columns.region_code),
            location: optional(columns.location).unwrap_or(""),
            ..Attributes::default()
        };
        let (item, region) = match select(offer, &attributes) {
            Ok(found) => found,
            Err(reason) => {
                report.skipped.add(reason);
                continue;
            }
        };
        if field(columns.unit) != "Hrs" {
            report.skipped.add(UNIT);
            continue;
        }
        if field(columns.currency) != "USD" {
            report.skipped.add(CURRENCY);
            continue;
        }
        let text = field(columns.price);
        let Some(usd) = parse_price(text) else {
            return Err(ImportError::new(
                lines.place(),
                format!("`{}` in PricePerUnit is not a price", shown(text)),
                "the AWS Price List writes prices as plain decimals such as 0.0960000000; check that the file is complete and unedited",
            ));
        };
        if usd.is_zero() {
            report.skipped.add(ZERO);
            continue;
        }
        let place = lines.place();
        let (item, region) = checked(item, region, || place.clone())?;
        add(prices, &mut report, item, region, usd, || place.clone())?;
    }
    Ok(report)
}

/// The report of one file, before anything is read, with its publication date checked.
fn report(
    name: &str,
    offer: Offer,
    kind: &str,
    unit: &'static str,
    version: &str,
    published: &str,
) -> Result<FileReport, ImportError> {
    let date = if published.is_empty() {
        None
    } else {
        Some(date_of(published).ok_or_else(|| {
            ImportError::new(
                name,
                format!("the publication date `{}` is not a date", shown(published)),
                "the AWS Price List writes it as 2025-09-12T22:53:08Z; check that the file is unedited",
            )
        })?)
    };
    let details = if version.is_empty() {
        String::new()
    } else {
        format!("version {}", shown(version))
    };
    Ok(FileReport {
        name: name.to_string(),
        format: format!("AWS Price List {kind}, offer {}", offer.code()),
        date,
        date_kind: "publication date",
        details,
        unit,
        read: 0,
        imported: 0,
        skipped: Skips::default(),
    })
}

fn add(
    prices: &mut Prices,
    report: &mut FileReport,
    item: String,
    region: String,
    usd: Decimal,
    place: impl FnOnce() -> String,
) -> Result<(), ImportError> {
    let price = Price {
        provider: "aws",
        region,
        item,
        usd_per_hour: usd,
    };
    match prices.add(price, place)? {
        Added::New => report.imported += 1,
        Added::Again => report.skipped.add(AGAIN),
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// JSON
// ---------------------------------------------------------------------------------------

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct JsonAttributes {
    instance_type: Option<String>,
    operating_system: Option<String>,
    tenancy: Option<String>,
    pre_installed_sw: Option<String>,
    #[serde(rename = "capacitystatus")]
    capacity_status: Option<String>,
    #[serde(rename = "marketoption")]
    market_option: Option<String>,
    location_type: Option<String>,
    region_code: Option<String>,
    location: Option<String>,
    component: Option<String>,
    instance_name: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Product {
    product_family: Option<String>,
    attributes: Option<JsonAttributes>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Term {
    price_dimensions: Option<BTreeMap<String, Dimension>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Dimension {
    unit: Option<String>,
    price_per_unit: Option<BTreeMap<String, String>>,
}

/// A product taken, waiting for its on-demand price.
struct Candidate {
    item: String,
    region: String,
    /// Where the product ends.
    line: u64,
}

/// What the stream has read so far.
struct State<'p> {
    name: String,
    position: Position,
    prices: &'p mut Prices,
    offer: Option<Offer>,
    version: String,
    published: String,
    has_products: bool,
    has_terms: bool,
    products_done: bool,
    /// Products read.
    read: u64,
    skipped: Skips,
    candidates: BTreeMap<String, Candidate>,
    /// The on-demand hourly USD prices by SKU: of candidates, or of every product when the
    /// terms come before the products.
    hourly: HashMap<String, Vec<String>>,
    error: Option<ImportError>,
}

impl State<'_> {
    fn fail<E: serde::de::Error>(&mut self, message: String, help: &str) -> E {
        let place = format!("{}:{}", self.name, self.position.line());
        self.error = Some(ImportError::new(place, message, help));
        stop()
    }

    fn product<E: serde::de::Error>(&mut self, sku: String, product: Product) -> Result<(), E> {
        let Some(offer) = self.offer else {
            return Err(self.fail(
                "`products` comes before `offerCode`, so the offer is not known".to_string(),
                FORMAT_HELP,
            ));
        };
        self.read += 1;
        let a = product.attributes.unwrap_or_default();
        let attributes = Attributes {
            instance_type: a.instance_type.as_deref().unwrap_or(""),
            operating_system: a.operating_system.as_deref().unwrap_or(""),
            tenancy: a.tenancy.as_deref().unwrap_or(""),
            pre_installed_sw: a.pre_installed_sw.as_deref().unwrap_or(""),
            capacity_status: a.capacity_status.as_deref().unwrap_or(""),
            market_option: a.market_option.as_deref(),
            location_type: a.location_type.as_deref(),
            region_code: a.region_code.as_deref(),
            location: a.location.as_deref().unwrap_or(""),
            product_family: product.product_family.as_deref().unwrap_or(""),
            component: a.component.as_deref().unwrap_or(""),
            instance_name: a.instance_name.as_deref().unwrap_or(""),
        };
        match select(offer, &attributes) {
            Ok((item, region)) => {
                let place = format!("products[\"{}\"]", shown(&sku));
                match checked(item, region, String::new) {
                    Ok((item, region)) => {
                        if self.candidates.contains_key(&sku) {
                            return Err(self.fail(
                                format!("{place} is listed twice"),
                                "a SKU is one product; check that the file is complete and unedited",
                            ));
                        }
                        let line = self.position.line();
                        self.candidates
                            .insert(sku, Candidate { item, region, line });
                    }
                    Err(e) => {
                        return Err(self.fail(format!("{place}: {}", e.message), &e.help));
                    }
                }
            }
            Err(reason) => {
                self.skipped.add(reason);
                if self.has_terms {
                    self.hourly.remove(&sku);
                }
            }
        }
        Ok(())
    }

    /// Whether the terms of `sku` are wanted.
    fn wants(&self, sku: &str) -> bool {
        !self.products_done || self.candidates.contains_key(sku)
    }

    fn term<E: serde::de::Error>(&mut self, sku: &str, term: Term) -> Result<(), E> {
        for (rate, d) in term.price_dimensions.unwrap_or_default() {
            if d.unit.as_deref() != Some("Hrs") {
                continue;
            }
            let Some(usd) = d.price_per_unit.as_ref().and_then(|p| p.get("USD")) else {
                continue;
            };
            if parse_price(usd).is_none() {
                return Err(self.fail(
                    format!(
                        "terms.OnDemand[\"{}\"]: the price `{}` of rate {} is not a price",
                        shown(sku),
                        shown(usd),
                        shown(&rate)
                    ),
                    "the AWS Price List writes prices as plain decimals such as \"0.0960000000\"; check that the file is complete and unedited",
                ));
            }
            self.hourly
                .entry(sku.to_string())
                .or_default()
                .push(usd.clone());
        }
        Ok(())
    }
}

struct Top<'a, 'p>(&'a mut State<'p>);

impl<'de> DeserializeSeed<'de> for Top<'_, '_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Top<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an AWS Price List JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let st = self.0;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "offerCode" => {
                    let code: String = map.next_value()?;
                    match Offer::parse(&code, "", false) {
                        Ok(offer) => st.offer = Some(offer),
                        Err(e) => return Err(st.fail(e.message, &e.help)),
                    }
                }
                "version" => st.version = map.next_value::<Option<String>>()?.unwrap_or_default(),
                "publicationDate" => {
                    st.published = map.next_value::<Option<String>>()?.unwrap_or_default();
                }
                "products" => {
                    st.has_products = true;
                    map.next_value_seed(Products(&mut *st))?;
                    st.products_done = true;
                    if st.has_terms {
                        let candidates: Vec<String> = st.candidates.keys().cloned().collect();
                        st.hourly
                            .retain(|sku, _| candidates.binary_search(sku).is_ok());
                    }
                }
                "terms" => {
                    st.has_terms = true;
                    map.next_value_seed(Terms(&mut *st))?;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

struct Products<'a, 'p>(&'a mut State<'p>);

impl<'de> DeserializeSeed<'de> for Products<'_, '_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Products<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("the products, an object keyed by SKU")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(sku) = map.next_key::<String>()? {
            let product: Product = map.next_value()?;
            self.0.product(sku, product)?;
        }
        Ok(())
    }
}

struct Terms<'a, 'p>(&'a mut State<'p>);

impl<'de> DeserializeSeed<'de> for Terms<'_, '_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Terms<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("the terms, an object keyed by term type")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(kind) = map.next_key::<String>()? {
            if kind == "OnDemand" {
                map.next_value_seed(OnDemand(&mut *self.0))?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

struct OnDemand<'a, 'p>(&'a mut State<'p>);

impl<'de> DeserializeSeed<'de> for OnDemand<'_, '_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for OnDemand<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("the on-demand terms, an object keyed by SKU")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(sku) = map.next_key::<String>()? {
            if self.0.wants(&sku) {
                let terms: BTreeMap<String, Term> = map.next_value()?;
                for term in terms.into_values() {
                    self.0.term(&sku, term)?;
                }
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

fn read_json(
    reader: impl BufRead,
    name: &str,
    prices: &mut Prices,
) -> Result<FileReport, ImportError> {
    let mut st = State {
        name: name.to_string(),
        position: Position::default(),
        prices,
        offer: None,
        version: String::new(),
        published: String::new(),
        has_products: false,
        has_terms: false,
        products_done: false,
        read: 0,
        skipped: Skips::default(),
        candidates: BTreeMap::new(),
        hourly: HashMap::new(),
        error: None,
    };
    let position = st.position.clone();
    if let Err(e) = json::parse(reader, &position, Top(&mut st)) {
        let pending = st.error.take();
        return Err(json::located(
            e,
            name,
            "an AWS Price List JSON file",
            pending,
        ));
    }
    let Some(offer) = st.offer else {
        return Err(ImportError::new(
            name,
            "this is not an AWS Price List JSON file: it has no `offerCode`",
            FORMAT_HELP,
        ));
    };
    if !st.has_products || !st.has_terms {
        return Err(ImportError::new(
            name,
            format!(
                "this is not a complete AWS Price List JSON file: it has no `{}`",
                if st.has_products { "terms" } else { "products" }
            ),
            FORMAT_HELP,
        ));
    }
    let mut report = report(name, offer, "JSON", "products", &st.version, &st.published)?;
    report.read = st.read;
    report.skipped = st.skipped;
    for (sku, c) in std::mem::take(&mut st.candidates) {
        let place = || format!("{}:{}", st.name, c.line);
        let mut found: Vec<Decimal> = st
            .hourly
            .get(&sku)
            .map(|v| v.iter().filter_map(|p| parse_price(p)).collect())
            .unwrap_or_default();
        found.sort();
        found.dedup();
        match found.as_slice() {
            [] => report.skipped.add(NO_PRICE),
            [usd] if usd.is_zero() => report.skipped.add(ZERO),
            [usd] => add(st.prices, &mut report, c.item, c.region, *usd, place).map_err(|mut e| {
                e.message = format!("products[\"{}\"]: {}", shown(&sku), e.message);
                e
            })?,
            several => {
                return Err(ImportError::new(
                    place(),
                    format!(
                        "products[\"{}\"]: {} in {} has {} on-demand hourly prices: {}",
                        shown(&sku),
                        c.item,
                        c.region,
                        several.len(),
                        several.iter().map(|d| d.normalize().to_string()).collect::<Vec<_>>().join(", ")
                    ),
                    "the product should have one on-demand price per hour; check that the file is complete and unedited",
                ))
            }
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ec2_selection_reasons_in_order() {
        let linux = Attributes {
            instance_type: "m5.large",
            operating_system: "Linux",
            tenancy: "Shared",
            pre_installed_sw: "NA",
            capacity_status: "Used",
            market_option: Some("OnDemand"),
            location_type: Some("AWS Region"),
            region_code: Some("us-east-1"),
            location: "US East (N. Virginia)",
            ..Attributes::default()
        };
        assert_eq!(
            select(Offer::Ec2, &linux),
            Ok(("m5.large".into(), "us-east-1".into()))
        );
        let no_code = Attributes {
            region_code: None,
            ..linux
        };
        assert_eq!(
            select(Offer::Ec2, &no_code),
            Ok(("m5.large".into(), "us-east-1".into()))
        );
        let eu = Attributes {
            location: "EU (Ireland)",
            ..no_code
        };
        assert_eq!(
            select(Offer::Ec2, &eu),
            Ok(("m5.large".into(), "eu-west-1".into()))
        );
        let nowhere = Attributes {
            location: "Atlantis",
            ..eu
        };
        assert_eq!(select(Offer::Ec2, &nowhere), Err(UNMAPPED));
        let windows = Attributes {
            operating_system: "Windows",
            tenancy: "Dedicated",
            ..nowhere
        };
        assert_eq!(select(Offer::Ec2, &windows), Err(NOT_LINUX));
        let block = Attributes {
            operating_system: "Linux",
            tenancy: "Shared",
            market_option: Some("CapacityBlock"),
            ..windows
        };
        assert_eq!(select(Offer::Ec2, &block), Err(MARKET));
    }
}

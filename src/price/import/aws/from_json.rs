//! The AWS Price List's JSON: `products` and `terms.OnDemand`, streamed.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use rust_decimal::Decimal;
use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;

use super::*;
use crate::price::import::json::{self, stop, Position};

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

pub(super) fn read_json(
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

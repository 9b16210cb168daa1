//! The AWS Price List's CSV: metadata lines, a header found by column names, one row per
//! price dimension.

use std::collections::HashMap;

use super::*;
use crate::price::import::lines::{split_into, Lines};

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

pub(super) fn read_csv(
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

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

use std::io::BufRead;

use rust_decimal::Decimal;

use super::{date_of, plain_name, shown, Added, FileReport, ImportError, Price, Prices, Skips};
use crate::catalog::aws_region_for_location;
use crate::price::overlay::parse_price;

mod from_csv;
mod from_json;

use self::from_csv::read_csv;
use self::from_json::read_json;

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

//! Pages of the Azure Retail Prices API (`https://prices.azure.com/api/retail/prices`), as
//! saved from it: `{"BillingCurrency": "USD", "Items": [...], "NextPageLink": ..., "Count":
//! N}`, each item with `serviceName`, `type`, `productName`, `meterName`, `skuName`,
//! `armSkuName`, `armRegionName`, `unitOfMeasure`, `currencyCode`, `retailPrice`,
//! `isPrimaryMeterRegion`, `tierMinimumUnits` and `effectiveStartDate`. Each page is one
//! file; units counted are items.
//!
//! Prices taken: service `Virtual Machines`, type `Consumption` (not reservations or dev/test),
//! not `Spot` or `Low Priority` meters, not Windows products (`productName` containing
//! `Windows`: these are the Linux prices), unit `1 Hour`, USD, the primary meter region (an
//! item without `isPrimaryMeterRegion`, from API versions before 2021-10-01, counts as
//! primary), no tier above 0 units. The item is `armSkuName` (`Standard_NC24ads_A100_v4`, as
//! Terraform writes `size`), the region `armRegionName`, the price `retailPrice` read as the
//! exact decimal it writes. The file's date is the latest `effectiveStartDate` of the prices
//! taken.

use std::io::BufRead;

use serde::Deserialize;
use serde_json::value::RawValue;

use super::json::{self, exact_number, stop, Position};
use super::{date_of, plain_name, shown, Added, FileReport, ImportError, Price, Prices, Skips};

const NOT_VM: &str = "not Virtual Machines";
const NOT_CONSUMPTION: &str = "not Consumption (reservations, dev/test)";
const SPOT: &str = "Spot or Low Priority meters";
const WINDOWS: &str = "Windows";
const UNIT: &str = "unit not 1 Hour";
const CURRENCY: &str = "not USD";
const NOT_PRIMARY: &str = "not the primary meter region";
const TIERED: &str = "tiered (a minimum above 0 units)";
const NO_SKU: &str = "no armSkuName";
const NO_REGION: &str = "no armRegionName";
const ZERO: &str = "price 0";
const AGAIN: &str = "same price listed again";

const WHAT: &str = "an Azure Retail Prices API page";
const HELP: &str = "save each page the API returns (https://prices.azure.com/api/retail/prices?$filter=serviceName eq 'Virtual Machines' ...) as a file and pass the files as they are";

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Item {
    service_name: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    product_name: Option<String>,
    meter_name: Option<String>,
    sku_name: Option<String>,
    arm_sku_name: Option<String>,
    arm_region_name: Option<String>,
    unit_of_measure: Option<String>,
    currency_code: Option<String>,
    retail_price: Option<Box<RawValue>>,
    is_primary_meter_region: Option<bool>,
    tier_minimum_units: Option<Box<RawValue>>,
    effective_start_date: Option<String>,
}

struct State<'p> {
    prices: &'p mut Prices,
    name: String,
    position: Position,
    has_items: bool,
    read: u64,
    imported: u64,
    skipped: Skips,
    latest: Option<String>,
    error: Option<ImportError>,
}

impl State<'_> {
    fn fail<E: serde::de::Error>(&mut self, message: String, help: &str) -> E {
        let place = format!("{}:{}", self.name, self.position.line());
        self.error = Some(ImportError::new(place, message, help));
        stop()
    }

    fn item<E: serde::de::Error>(&mut self, index: u64, item: Item) -> Result<(), E> {
        self.read += 1;
        let at = format!("Items[{index}]");
        let mut missing = Vec::new();
        let mut text = |name: &'static str, v: &Option<String>| -> String {
            if v.is_none() {
                missing.push(name);
            }
            v.clone().unwrap_or_default()
        };
        let service = text("serviceName", &item.service_name);
        let kind = text("type", &item.kind);
        let product = text("productName", &item.product_name);
        let meter = text("meterName", &item.meter_name);
        let unit = text("unitOfMeasure", &item.unit_of_measure);
        let currency = text("currencyCode", &item.currency_code);
        let sku = item.arm_sku_name.clone().unwrap_or_default();
        let region = item.arm_region_name.clone().unwrap_or_default();
        if item.retail_price.is_none() {
            missing.push("retailPrice");
        }
        if !missing.is_empty() {
            return Err(self.fail(
                format!(
                    "{at} has no {}: this is not a Retail Prices item",
                    missing
                        .iter()
                        .map(|m| format!("`{m}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                HELP,
            ));
        }
        let sku_name = item.sku_name.as_deref().unwrap_or("");
        let reason = if service != "Virtual Machines" {
            Some(NOT_VM)
        } else if kind != "Consumption" {
            Some(NOT_CONSUMPTION)
        } else if [meter.as_str(), sku_name]
            .iter()
            .any(|m| m.contains("Spot") || m.contains("Low Priority"))
        {
            Some(SPOT)
        } else if product.contains("Windows") {
            Some(WINDOWS)
        } else if unit != "1 Hour" {
            Some(UNIT)
        } else if currency != "USD" {
            Some(CURRENCY)
        } else if item.is_primary_meter_region == Some(false) {
            Some(NOT_PRIMARY)
        } else if item
            .tier_minimum_units
            .as_deref()
            .is_some_and(|t| exact_number(t).is_none_or(|n| !n.is_zero()))
        {
            Some(TIERED)
        } else if sku.is_empty() {
            Some(NO_SKU)
        } else if region.is_empty() {
            Some(NO_REGION)
        } else {
            None
        };
        if let Some(reason) = reason {
            self.skipped.add(reason);
            return Ok(());
        }
        let raw = item.retail_price.as_deref().map_or("", RawValue::get);
        let Some(usd) = item.retail_price.as_deref().and_then(exact_number) else {
            return Err(self.fail(
                format!("{at}.retailPrice `{}` is not a price", shown(raw)),
                "a retail price is a non-negative JSON number such as 3.673; check that the page is unedited",
            ));
        };
        for (what, value) in [("armSkuName", &sku), ("armRegionName", &region)] {
            if !plain_name(value) {
                return Err(self.fail(
                    format!("{at}.{what} `{}` is not an Azure name", shown(value)),
                    "Azure VM sizes and regions are letters, digits and underscores (Standard_NC24ads_A100_v4, eastus); check that the page is unedited",
                ));
            }
        }
        if usd.is_zero() {
            self.skipped.add(ZERO);
            return Ok(());
        }
        if let Some(start) = &item.effective_start_date {
            let Some(date) = date_of(start) else {
                return Err(self.fail(
                    format!("{at}.effectiveStartDate `{}` is not a date", shown(start)),
                    "the API writes it as 2024-01-01T00:00:00Z; check that the page is unedited",
                ));
            };
            if self.latest.as_ref().is_none_or(|l| *l < date) {
                self.latest = Some(date);
            }
        }
        let price = Price {
            provider: "azurerm",
            region,
            item: sku,
            usd_per_hour: usd,
        };
        let place = format!("{}:{}", self.name, self.position.line());
        match self.prices.add(price, || place) {
            Ok(Added::New) => self.imported += 1,
            Ok(Added::Again) => self.skipped.add(AGAIN),
            Err(mut e) => {
                e.message = format!("{at}: {}", e.message);
                self.error = Some(e);
                return Err(stop());
            }
        }
        Ok(())
    }
}

impl json::ListReader for State<'_> {
    type Element = Item;
    const KEY: &'static str = "Items";
    const OBJECT: &'static str = "an Azure Retail Prices page, a JSON object with `Items`";
    const LIST: &'static str = "`Items`, a list of price items";
    fn found(&mut self) {
        self.has_items = true;
    }
    fn element<E: serde::de::Error>(&mut self, index: u64, element: Item) -> Result<(), E> {
        self.item(index, element)
    }
}

pub fn read(
    reader: impl BufRead,
    name: &str,
    prices: &mut Prices,
) -> Result<FileReport, ImportError> {
    let mut st = State {
        prices,
        name: name.to_string(),
        position: Position::default(),
        has_items: false,
        read: 0,
        imported: 0,
        skipped: Skips::default(),
        latest: None,
        error: None,
    };
    let position = st.position.clone();
    if let Err(e) = json::parse(reader, &position, json::ListObject(&mut st)) {
        let pending = st.error.take();
        return Err(json::located(e, name, WHAT, pending));
    }
    if !st.has_items {
        return Err(ImportError::new(
            name,
            format!("this is not {WHAT}: it has no `Items` list"),
            HELP,
        ));
    }
    Ok(FileReport {
        name: name.to_string(),
        format: "Azure Retail Prices API JSON".to_string(),
        date: st.latest,
        date_kind: "latest effectiveStartDate",
        details: String::new(),
        unit: "items",
        read: st.read,
        imported: st.imported,
        skipped: st.skipped,
    })
}

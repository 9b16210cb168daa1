//! SKU lists of the Cloud Billing Catalog API (`https://cloudbilling.googleapis.com/v1/
//! services/6F81-5844-456A/skus`, Compute Engine), as saved from it: `{"skus": [...],
//! "nextPageToken": ...}`, each SKU with `description`, `category` (`resourceFamily`,
//! `resourceGroup`, `usageType`), `serviceRegions` and `pricingInfo[].pricingExpression`
//! (`usageUnit`, `tieredRates[].unitPrice` as `currencyCode`, `units` and `nanos`). Each page
//! is one file; units counted are SKUs.
//!
//! Compute Engine bills a machine type as separate per-vCPU and per-GiB SKUs of its family,
//! and the catalog has no table of machine shapes (vCPUs and memory per type) to add them up
//! with, so machine types are not derived: those SKUs are counted as skipped. What is taken
//! are the GPUs billed apart from the machine type (attached to N1 machines): SKUs of
//! resource group `GPU`, usage `OnDemand`, described exactly as `<model> GPU running in
//! <place>` for the models below, USD per `h` with one rate from 0 units. Each region of
//! `serviceRegions` gets the price, as the Terraform GPU type (`nvidia-tesla-t4`). GPUs
//! bundled into machine-type prices (A100, L4, H100, ... on a2, a3, a4, g2) are skipped:
//! their machine types are priced whole. The price is `units + nanos / 10^9`, exactly. The
//! catalog API gives no publication date, so `--as-of` is required.

use std::io::BufRead;

use rust_decimal::Decimal;
use serde::Deserialize;

use super::json::{self, stop, Position};
use super::{plain_name, shown, Added, FileReport, ImportError, Price, Prices, Skips};

/// The GPUs billed separately, by the model their SKU descriptions name, with the type
/// Terraform writes in `guest_accelerator.type` (the `billing=attached` rows of
/// `catalog/gcp_gpus.csv`).
pub const ATTACHED_GPUS: [(&str, &str); 5] = [
    ("Nvidia Tesla T4", "nvidia-tesla-t4"),
    ("Nvidia Tesla P4", "nvidia-tesla-p4"),
    ("Nvidia Tesla V100", "nvidia-tesla-v100"),
    ("Nvidia Tesla P100", "nvidia-tesla-p100"),
    ("Nvidia Tesla K80", "nvidia-tesla-k80"),
];

/// Models whose price is part of a machine type's (their SKUs start so).
const BUNDLED: [&str; 6] = [
    "Nvidia Tesla A100",
    "Nvidia A100",
    "Nvidia L4",
    "Nvidia H100",
    "Nvidia H200",
    "Nvidia B200",
];

const NOT_COMPUTE: &str = "not Compute (storage, network, licences...)";
const NOT_GPU: &str = "vCPU, memory and other Compute SKUs (machine types are not derived)";
const NOT_ON_DEMAND: &str = "not OnDemand (spot, preemptible, commitments)";
const BUNDLED_GPU: &str = "GPUs bundled in machine-type prices (A100, L4, H100...)";
const UNKNOWN_GPU: &str =
    "GPU SKUs not recognised (Virtual Workstation, reservations, other models)";
const HISTORY: &str = "not one pricingInfo";
const UNIT: &str = "unit not h";
const TIERED: &str = "tiered prices";
const CURRENCY: &str = "not USD";
const NO_REGION: &str = "no service region";
const ZERO: &str = "price 0";
const AGAIN: &str = "same prices listed again";

const WHAT: &str = "a Cloud Billing Catalog SKU list";
const HELP: &str = "save each page of https://cloudbilling.googleapis.com/v1/services/6F81-5844-456A/skus (Compute Engine) as a file and pass the files as they are";

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Sku {
    sku_id: Option<String>,
    description: Option<String>,
    category: Option<Category>,
    service_regions: Option<Vec<String>>,
    pricing_info: Option<Vec<PricingInfo>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Category {
    resource_family: Option<String>,
    resource_group: Option<String>,
    usage_type: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PricingInfo {
    pricing_expression: Option<Expression>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Expression {
    usage_unit: Option<String>,
    tiered_rates: Option<Vec<Rate>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Rate {
    start_usage_amount: Option<f64>,
    unit_price: Option<Money>,
}

/// `google.type.Money`: `units` is an int64, which proto3 JSON writes as a string.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Money {
    currency_code: Option<String>,
    units: Option<Int>,
    nanos: Option<Int>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Int {
    Number(i64),
    Text(String),
}

impl Int {
    fn value(&self) -> Option<i64> {
        match self {
            Int::Number(n) => Some(*n),
            Int::Text(t) => t.parse().ok(),
        }
    }

    fn text(&self) -> String {
        match self {
            Int::Number(n) => n.to_string(),
            Int::Text(t) => t.clone(),
        }
    }
}

/// `units + nanos / 10^9`, for a non-negative amount; `None` when malformed.
fn money(units: Option<&Int>, nanos: Option<&Int>) -> Option<Decimal> {
    let units = units.map_or(Some(0), Int::value)?;
    let nanos = nanos.map_or(Some(0), Int::value)?;
    if units < 0 || !(0..1_000_000_000).contains(&nanos) {
        return None;
    }
    let total = i128::from(units)
        .checked_mul(1_000_000_000)?
        .checked_add(i128::from(nanos))?;
    Decimal::try_from_i128_with_scale(total, 9)
        .ok()
        .map(|d| d.normalize())
}

/// The model named by `<model> GPU running in <place>`.
fn gpu_model(description: &str) -> Option<&str> {
    let (model, place) = description.split_once(" GPU running in ")?;
    (!place.is_empty() && !place.contains(" GPU ")).then_some(model)
}

struct State<'p> {
    prices: &'p mut Prices,
    name: String,
    position: Position,
    has_skus: bool,
    read: u64,
    imported: u64,
    skipped: Skips,
    error: Option<ImportError>,
}

impl State<'_> {
    fn fail<E: serde::de::Error>(&mut self, message: String, help: &str) -> E {
        let place = format!("{}:{}", self.name, self.position.line());
        self.error = Some(ImportError::new(place, message, help));
        stop()
    }

    /// Why the SKU is not taken, or its GPU type, price and regions.
    fn select<E: serde::de::Error>(
        &mut self,
        at: &str,
        sku: &Sku,
    ) -> Result<Result<(&'static str, Decimal), &'static str>, E> {
        let (Some(category), Some(description), Some(_), Some(info)) = (
            &sku.category,
            &sku.description,
            &sku.service_regions,
            &sku.pricing_info,
        ) else {
            return Err(self.fail(
                format!("{at} lacks `description`, `category`, `serviceRegions` or `pricingInfo`: this is not a catalog SKU"),
                HELP,
            ));
        };
        if category.resource_family.as_deref() != Some("Compute") {
            return Ok(Err(NOT_COMPUTE));
        }
        if category.resource_group.as_deref() != Some("GPU") {
            return Ok(Err(NOT_GPU));
        }
        if category.usage_type.as_deref() != Some("OnDemand") {
            return Ok(Err(NOT_ON_DEMAND));
        }
        let model = gpu_model(description);
        let Some(gpu) = model.and_then(|m| ATTACHED_GPUS.iter().find(|(name, _)| *name == m))
        else {
            let bundled = model.is_some_and(|m| {
                BUNDLED
                    .iter()
                    .any(|b| m == *b || m.starts_with(&format!("{b} ")))
            });
            return Ok(Err(if bundled { BUNDLED_GPU } else { UNKNOWN_GPU }));
        };
        let [info] = info.as_slice() else {
            return Ok(Err(HISTORY));
        };
        let Some(expression) = &info.pricing_expression else {
            return Err(self.fail(
                format!("{at}.pricingInfo[0] has no `pricingExpression`"),
                HELP,
            ));
        };
        if expression.usage_unit.as_deref() != Some("h") {
            return Ok(Err(UNIT));
        }
        let rates = expression.tiered_rates.as_deref().unwrap_or(&[]);
        let [rate] = rates else {
            return Ok(Err(TIERED));
        };
        if rate.start_usage_amount.is_some_and(|s| s != 0.0) {
            return Ok(Err(TIERED));
        }
        let Some(price) = &rate.unit_price else {
            return Err(self.fail(
                format!("{at}.pricingInfo[0].pricingExpression.tieredRates[0] has no `unitPrice`"),
                HELP,
            ));
        };
        if price.currency_code.as_deref() != Some("USD") {
            return Ok(Err(CURRENCY));
        }
        let Some(usd) = money(price.units.as_ref(), price.nanos.as_ref()) else {
            let part = |v: &Option<Int>| v.as_ref().map_or_else(|| "none".to_string(), Int::text);
            return Err(self.fail(
                format!(
                    "{at}: the unit price (units {}, nanos {}) is not an amount",
                    shown(&part(&price.units)),
                    shown(&part(&price.nanos))
                ),
                "a price is whole units and nanos from 0 to 999,999,999, neither negative; check that the page is unedited",
            ));
        };
        Ok(Ok((gpu.1, usd)))
    }

    fn sku<E: serde::de::Error>(&mut self, index: u64, sku: Sku) -> Result<(), E> {
        self.read += 1;
        let id = sku.sku_id.as_deref().map(shown).unwrap_or_default();
        let at = if id.is_empty() {
            format!("skus[{index}]")
        } else {
            format!("skus[{index}] (skuId {id})")
        };
        let (item, usd) = match self.select(&at, &sku)? {
            Ok(found) => found,
            Err(reason) => {
                self.skipped.add(reason);
                return Ok(());
            }
        };
        let regions = sku.service_regions.unwrap_or_default();
        if regions.is_empty() {
            self.skipped.add(NO_REGION);
            return Ok(());
        }
        if usd.is_zero() {
            self.skipped.add(ZERO);
            return Ok(());
        }
        let mut new = 0;
        for region in regions {
            if !plain_name(&region) {
                return Err(self.fail(
                    format!("{at}: `{}` in serviceRegions is not a region", shown(&region)),
                    "Google Cloud regions are written like us-central1; check that the page is unedited",
                ));
            }
            let price = Price {
                provider: "google",
                region,
                item: item.to_string(),
                usd_per_hour: usd,
            };
            let place = format!("{}:{}", self.name, self.position.line());
            match self.prices.add(price, || place) {
                Ok(Added::New) => new += 1,
                Ok(Added::Again) => {}
                Err(mut e) => {
                    e.message = format!("{at}: {}", e.message);
                    self.error = Some(e);
                    return Err(stop());
                }
            }
        }
        if new == 0 {
            self.skipped.add(AGAIN);
        }
        self.imported += new;
        Ok(())
    }
}

impl json::ListReader for State<'_> {
    type Element = Sku;
    const KEY: &'static str = "skus";
    const OBJECT: &'static str = "a Cloud Billing Catalog SKU list, a JSON object with `skus`";
    const LIST: &'static str = "`skus`, a list of SKUs";
    fn found(&mut self) {
        self.has_skus = true;
    }
    fn element<E: serde::de::Error>(&mut self, index: u64, element: Sku) -> Result<(), E> {
        self.sku(index, element)
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
        has_skus: false,
        read: 0,
        imported: 0,
        skipped: Skips::default(),
        error: None,
    };
    let position = st.position.clone();
    if let Err(e) = json::parse(reader, &position, json::ListObject(&mut st)) {
        let pending = st.error.take();
        return Err(json::located(e, name, WHAT, pending));
    }
    if !st.has_skus {
        return Err(ImportError::new(
            name,
            format!("this is not {WHAT}: it has no `skus` list"),
            HELP,
        ));
    }
    Ok(FileReport {
        name: name.to_string(),
        format: "Cloud Billing Catalog API JSON".to_string(),
        date: None,
        date_kind: "",
        details: String::new(),
        unit: "SKUs",
        read: st.read,
        imported: st.imported,
        skipped: st.skipped,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_exact() {
        let t = |s: &str| Int::Text(s.to_string());
        assert_eq!(
            money(Some(&t("0")), Some(&Int::Number(350_000_000))),
            Some("0.35".parse().unwrap())
        );
        assert_eq!(
            money(Some(&t("2")), Some(&Int::Number(480_000_000))),
            Some("2.48".parse().unwrap())
        );
        assert_eq!(
            money(None, Some(&Int::Number(1))),
            Some("0.000000001".parse().unwrap())
        );
        assert_eq!(money(Some(&t("-1")), None), None);
        assert_eq!(
            money(Some(&t("1")), Some(&Int::Number(1_000_000_000))),
            None
        );
        assert_eq!(money(Some(&t("x")), None), None);
    }

    #[test]
    fn gpu_descriptions() {
        assert_eq!(
            gpu_model("Nvidia Tesla T4 GPU running in Americas"),
            Some("Nvidia Tesla T4")
        );
        assert_eq!(
            gpu_model("Nvidia Tesla T4 Virtual Workstation GPU running in Americas"),
            Some("Nvidia Tesla T4 Virtual Workstation")
        );
        assert_eq!(
            gpu_model("Commitment v1: Nvidia Tesla T4 GPU in Americas for 1 Year"),
            None
        );
        assert_eq!(gpu_model("Nvidia Tesla T4 GPU running in "), None);
    }
}

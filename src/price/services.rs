//! Managed services: Kubernetes control planes (EKS, GKE, AKS), Bedrock provisioned
//! throughput (no public price: configuration only), and Azure OpenAI deployments billed by
//! token.

use rust_decimal::Decimal;

use super::compute::{catalog_rate, pricing_region, unknown_price};
use super::line::{component, usage_component, PriceResult, Rate, Units};
use super::settings::PricingSettings;
use super::usage::UsageValues;
use crate::catalog;
use crate::load::terraform::convert::{to_number, to_string};
use crate::load::terraform::facts::arg;
use crate::model::{CostComponent, Fact, Resource, Value, HOURS_PER_MONTH};

pub(super) fn components(
    r: &Resource,
    s: &PricingSettings,
    usage: &UsageValues,
    notes: &mut Vec<String>,
    assumptions: &mut Vec<String>,
) -> Option<Vec<CostComponent>> {
    match r.resource_type.as_str() {
        "aws_eks_cluster" => Some(vec![eks_control_plane(r, s)]),
        "google_container_cluster" => {
            notes.push("Google credits one zonal or Autopilot cluster per billing account; the credit is not applied".to_string());
            let mut out = vec![control_plane(
                s,
                "google",
                "GKE cluster management",
                "standard",
            )];
            out.extend(super::compute::gke_default_pool(r, s, assumptions));
            Some(out)
        }
        "azurerm_kubernetes_cluster" => {
            let tier = match arg(&r.attributes, "sku_tier") {
                // `Paid` is azurerm 3.x's name for what is now the Standard tier.
                Some(Value::String(t)) if t.eq_ignore_ascii_case("paid") => "standard".to_string(),
                Some(Value::String(t)) => t.to_lowercase(),
                _ => "free".to_string(),
            };
            Some(vec![control_plane(
                s,
                "azurerm",
                &format!("AKS control plane ({tier} tier)"),
                &tier,
            )])
        }
        "aws_bedrock_provisioned_model_throughput" => Some(vec![bedrock(r, s, notes, assumptions)]),
        "azurerm_cognitive_deployment" => Some(cognitive_deployment(r, s, usage, assumptions)),
        _ => None,
    }
}

fn control_plane(s: &PricingSettings, provider: &str, name: &str, tier: &str) -> CostComponent {
    let price: PriceResult = catalog::control_plane_price(provider, tier)
        .map_err(unknown_price)
        .and_then(|p| catalog_rate(&p, "", Vec::new(), s));
    component(
        name.to_string(),
        "hours",
        price,
        Ok(HOURS_PER_MONTH),
        &Units::one(),
    )
}

/// The EKS control plane: the standard rate, or the extended-support rate when the
/// cluster's `version` is past the end of its standard support on the date prices are for
/// (`catalog/eks_versions.csv`), unless `upgrade_policy.support_type = "STANDARD"` has AWS
/// upgrade it instead.
fn eks_control_plane(r: &Resource, s: &PricingSettings) -> CostComponent {
    let tier = eks_tier(r, s.today);
    let (name, variant) = if tier.extended {
        ("EKS control plane (extended support)", "extended")
    } else {
        ("EKS control plane", "standard")
    };
    let price: PriceResult = catalog::control_plane_price("aws", variant)
        .map_err(unknown_price)
        .and_then(|p| catalog_rate(&p, "", Vec::new(), s))
        .map(|mut rate| {
            rate.notes.splice(0..0, tier.notes);
            rate.assumptions.extend(tier.assumptions);
            rate
        });
    let mut c = component(
        name.to_string(),
        "hours",
        price,
        Ok(HOURS_PER_MONTH),
        &Units::one(),
    );
    if let Some(m) = tier.missing {
        c.missing.get_or_insert(m);
    }
    c
}

/// Which EKS rate a cluster pays, and why.
#[derive(Debug, Default, PartialEq)]
struct EksTier {
    extended: bool,
    notes: Vec<String>,
    assumptions: Vec<String>,
    /// Set when the rate depends on what the input does not say: the standard rate is the
    /// lower bound, and the estimate is incomplete.
    missing: Option<String>,
}

/// `upgrade_policy.support_type`: whether the cluster may enter extended support (AWS's
/// default, `EXTENDED`) or is upgraded at the end of standard support (`STANDARD`).
enum SupportType {
    Extended,
    Standard,
    Unknown(String),
}

const EKS_EXTENDED_HINT: &str =
    "the lower bound: a version past standard support pays the extended-support rate";

fn eks_tier(r: &Resource, today: Option<crate::model::Date>) -> EksTier {
    let support = match arg(&r.attributes, "upgrade_policy.support_type") {
        Some(Value::String(t)) if t.trim().eq_ignore_ascii_case("standard") => {
            SupportType::Standard
        }
        Some(Value::Unknown(u)) => SupportType::Unknown(u.origin.to_string()),
        _ => SupportType::Extended,
    };
    let standard_policy = "upgrade_policy.support_type = \"STANDARD\": AWS upgrades the cluster at the end of standard support, so it never pays extended support";
    let version = match arg(&r.attributes, "version") {
        None => {
            return EksTier {
                notes: vec![
                    "version is not set: EKS creates the cluster at its default version, in standard support"
                        .to_string(),
                ],
                ..EksTier::default()
            }
        }
        Some(Value::Unknown(u)) => Err(format!("version is unknown: {}", u.origin)),
        Some(v) => match to_string(v) {
            Ok(Some(text)) => match catalog::kubernetes_minor(&text) {
                Some(_) => Ok(text),
                None => Err(format!(
                    "version {text:?} is not a Kubernetes minor version such as \"1.33\""
                )),
            },
            _ => Err("version is not a string".to_string()),
        },
    };
    if let SupportType::Standard = support {
        if version.is_err() || today.is_none() {
            return EksTier {
                notes: vec![standard_policy.to_string()],
                ..EksTier::default()
            };
        }
    }
    let version = match version {
        Ok(v) => v,
        Err(why) => {
            return EksTier {
                missing: Some(format!(
                    "{why}; priced at the standard rate, {EKS_EXTENDED_HINT}"
                )),
                ..EksTier::default()
            }
        }
    };
    let Some(today) = today else {
        return EksTier {
            assumptions: vec![format!(
                "the date prices are for is not known: Kubernetes {version} is priced at the standard rate"
            )],
            ..EksTier::default()
        };
    };
    let calendar = catalog::eks_calendar();
    let source = format!("{}, as of {}", calendar.name, calendar.as_of);
    let releases = catalog::eks_releases();
    let (Some(oldest), Some(newest)) = (releases.first(), releases.last()) else {
        return EksTier {
            missing: Some(format!(
                "the catalog has no EKS version calendar; priced at the standard rate, {EKS_EXTENDED_HINT}"
            )),
            ..EksTier::default()
        };
    };
    let minor = catalog::kubernetes_minor(&version);
    let release = catalog::eks_release(&version);
    // Out of support: past its extended support, or older than every version listed.
    let out_of_support = match release {
        Some(rel) if today >= rel.end_of_extended => Some(format!(
            "Kubernetes {version}'s extended support ended on {}",
            rel.end_of_extended
        )),
        Some(_) => None,
        None if minor < Some(oldest.minor) => Some(format!(
            "Kubernetes {version} is older than the EKS calendar ({} to {}), out of support",
            oldest.version, newest.version
        )),
        None if minor > Some(newest.minor) => {
            return EksTier {
                notes: vec![format!(
                    "Kubernetes {version} is newer than the EKS calendar (up to {}; {source}): priced at the standard rate",
                    newest.version
                )],
                ..EksTier::default()
            }
        }
        None => {
            return EksTier {
                missing: Some(format!(
                    "Kubernetes {version} is not in the EKS calendar; priced at the standard rate, {EKS_EXTENDED_HINT}"
                )),
                ..EksTier::default()
            }
        }
    };
    if let Some(why) = out_of_support {
        // AWS upgrades such a cluster to the oldest version still supported, and refuses to
        // create one: priced at that version's rate on the date.
        let target = releases.iter().find(|r| today < r.end_of_extended);
        let (extended, target_text) = match (&support, target) {
            (SupportType::Standard, _) => (false, "a version in standard support".to_string()),
            (_, Some(t)) if today < t.end_of_standard => {
                (false, format!("{}, in standard support", t.version))
            }
            (_, Some(t)) => (true, format!("{}, in extended support", t.version)),
            (_, None) => (true, "a version the calendar does not list".to_string()),
        };
        let mut tier = EksTier {
            extended,
            notes: vec![format!("EKS version calendar: {source}")],
            assumptions: vec![format!(
                "{why}: by {today} AWS has upgraded the cluster to {target_text}"
            )],
            ..EksTier::default()
        };
        if let (true, SupportType::Unknown(origin)) = (extended, &support) {
            tier.extended = false;
            tier.missing = Some(format!(
                "upgrade_policy.support_type is unknown: {origin}; priced at the standard rate, {EKS_EXTENDED_HINT}"
            ));
        }
        return tier;
    }
    let Some(rel) = release else {
        return EksTier::default();
    };
    if today < rel.end_of_standard {
        return EksTier {
            notes: vec![format!(
                "Kubernetes {version}: standard support until {} ({source})",
                rel.end_of_standard
            )],
            ..EksTier::default()
        };
    }
    let left = format!(
        "Kubernetes {version} left standard support on {}, extended support until {} ({source})",
        rel.end_of_standard, rel.end_of_extended
    );
    match support {
        SupportType::Standard => EksTier {
            notes: vec![format!("{left}; {standard_policy}")],
            ..EksTier::default()
        },
        SupportType::Unknown(origin) => EksTier {
            notes: vec![left],
            missing: Some(format!(
                "upgrade_policy.support_type is unknown: {origin}; priced at the standard rate, {EKS_EXTENDED_HINT}"
            )),
            ..EksTier::default()
        },
        SupportType::Extended => EksTier {
            extended: true,
            notes: vec![format!("{left}: priced at the extended-support rate on {today}")],
            ..EksTier::default()
        },
    }
}

/// Bedrock provisioned throughput: model units × hours, at the price the configuration
/// gives for the model (AWS publishes no list price we can ship).
fn bedrock(
    r: &Resource,
    s: &PricingSettings,
    notes: &mut Vec<String>,
    assumptions: &mut Vec<String>,
) -> CostComponent {
    let model = match arg(&r.attributes, "model_arn") {
        Some(Value::String(arn)) => Ok(arn.rsplit('/').next().unwrap_or(arn).to_string()),
        Some(Value::Unknown(u)) => Err(format!("model_arn is unknown: {}", u.origin)),
        _ => Err("model_arn is not set".to_string()),
    };
    let units = match arg(&r.attributes, "model_units") {
        Some(Value::Unknown(u)) => Err(format!("model_units is unknown: {}", u.origin)),
        Some(v) => match to_number(v) {
            Ok(Some(n)) => {
                Decimal::try_from(n).map_err(|_| "model_units is not a usable number".to_string())
            }
            _ => Err("model_units is not a number".to_string()),
        },
        None => Err("model_units is not set".to_string()),
    };
    if let Some(Value::String(term)) = arg(&r.attributes, "commitment_duration") {
        notes.push(format!("commitment {term}: billed for the whole term"));
    }
    let region = pricing_region(r, assumptions);
    let region = (!region.is_empty()).then_some(region.as_str());
    let price: PriceResult = match &model {
        Ok(m) => match s.override_for("aws", m, region) {
            Some((p, from)) => Ok(Rate::new(p, vec![format!("{m} priced from {from}")])),
            None => Err(format!(
                "price unknown: AWS publishes no offline list price for provisioned throughput of {m}; set one in [[pricing.overrides]] (provider = \"aws\", item = \"{m}\")"
            )),
        },
        Err(e) => Err(e.clone()),
    };
    let per_unit = units.and_then(|u| {
        HOURS_PER_MONTH
            .checked_mul(u)
            .ok_or_else(|| "the quantity is too large to price".to_string())
    });
    let name = format!(
        "Provisioned throughput ({})",
        model.as_deref().unwrap_or("unknown model")
    );
    component(name, "model-unit-hours", price, per_unit, &Units::one())
}

/// Azure OpenAI: token prices of the model × tokens from the usage file. Provisioned SKUs
/// are billed per PTU-hour, which needs a configured price.
fn cognitive_deployment(
    r: &Resource,
    s: &PricingSettings,
    usage: &UsageValues,
    assumptions: &mut Vec<String>,
) -> Vec<CostComponent> {
    let model = match arg(&r.attributes, "model.name") {
        Some(Value::String(m)) => m.clone(),
        _ => String::new(),
    };
    let version = match arg(&r.attributes, "model.version") {
        Some(Value::String(v)) if !v.is_empty() => Some(v.clone()),
        _ => None,
    };
    let sku = match arg(&r.attributes, "sku.name") {
        Some(Value::String(n)) => n.clone(),
        _ => "Standard".to_string(),
    };
    // ProvisionedManaged, GlobalProvisionedManaged, DataZoneProvisionedManaged.
    if sku.contains("Provisioned") {
        let capacity = match arg(&r.attributes, "sku.capacity") {
            Some(Value::Unknown(u)) => Err(format!("sku.capacity is unknown: {}", u.origin)),
            Some(v) => to_number(v)
                .ok()
                .flatten()
                .and_then(|n| Decimal::try_from(n).ok())
                .ok_or_else(|| "sku.capacity is not a number".to_string()),
            None => Err("sku.capacity is not set".to_string()),
        };
        let item = format!("ptu:{model}");
        let region = pricing_region(r, assumptions);
        let region = (!region.is_empty()).then_some(region.as_str());
        let price: PriceResult = match s.override_for("azurerm", &item, region) {
            Some((p, from)) => Ok(Rate::new(p, vec![format!("{item} priced from {from}")])),
            None => Err(format!(
                "price unknown: provisioned throughput units have no offline list price; set one in [[pricing.overrides]] (provider = \"azurerm\", item = \"{item}\")"
            )),
        };
        let per_unit = capacity.and_then(|c| {
            HOURS_PER_MONTH
                .checked_mul(c)
                .ok_or_else(|| "too large".to_string())
        });
        return vec![component(
            format!("Provisioned throughput ({sku}, {model})"),
            "PTU-hours",
            price,
            per_unit,
            &Units::one(),
        )];
    }
    // Token prices are not regional, except that a data zone follows the region.
    let region = match &r.region {
        Some(Fact::Known(region)) => region.as_str(),
        _ => "",
    };
    let prices = token_price_ids(&model, version.as_deref(), &sku, region).map(|ids| {
        ids.iter()
            .find_map(|id| catalog::token_prices(id))
            .ok_or_else(|| {
                format!("price unknown: the model `{model}` is not in the token price table")
            })
    });
    let prices = prices.and_then(|p| p);
    let per_million = |which: &str| -> PriceResult {
        match &prices {
            Ok(p) => {
                let price = match which {
                    "input" => Some(&p.input),
                    "output" => Some(&p.output),
                    _ => p.cached_input.as_ref(),
                };
                price
                    .ok_or_else(|| format!("price unknown: {model} has no {which} token price"))
                    .and_then(|pr| {
                        catalog_rate(pr, "", vec![format!("token prices of {}", p.model)], s)
                    })
            }
            Err(e) => Err(e.clone()),
        }
    };
    let millions =
        |tokens: Option<Decimal>| tokens.and_then(|t| t.checked_div(Decimal::from(1_000_000)));
    let mut out = vec![
        usage_component(
            format!("Input tokens ({model})"),
            "1M tokens",
            per_million("input"),
            millions(usage.monthly_input_tokens()),
        ),
        usage_component(
            format!("Output tokens ({model})"),
            "1M tokens",
            per_million("output"),
            millions(usage.monthly_output_tokens()),
        ),
    ];
    if usage.monthly_cached_input_tokens().is_some() {
        out.push(usage_component(
            format!("Cached input tokens ({model})"),
            "1M tokens",
            per_million("cached input"),
            millions(usage.monthly_cached_input_tokens()),
        ));
    }
    out
}

/// The token price table ids to try for an Azure OpenAI deployment, most specific first:
/// the deployment type's own rows for the model version, then the model's. Prices differ
/// between versions (`gpt-4o` 2024-05-13 costs twice what 2024-08-06 does) and between
/// deployment types: GlobalStandard (`azure/global-standard/`, `azure/global/`, else the
/// regional rows), DataZoneStandard (`azure/eu/` or `azure/us/` by the account's region,
/// about 10% above global, with no fallback to another type's price) and Standard
/// (regional, `azure/`). Batch deployments have no rows: their price is unknown.
fn token_price_ids(
    model: &str,
    version: Option<&str>,
    sku: &str,
    region: &str,
) -> Result<Vec<String>, String> {
    let mut names = Vec::new();
    if let Some(v) = version {
        names.push(format!("{model}-{v}"));
    }
    names.push(model.to_string());
    let with =
        |prefix: &str| -> Vec<String> { names.iter().map(|n| format!("{prefix}/{n}")).collect() };
    if sku.contains("Batch") {
        return Err(format!(
            "price unknown: {sku} deployments are billed at batch token rates, which the token price table does not have"
        ));
    }
    if sku.eq_ignore_ascii_case("DataZoneStandard") {
        let zone = data_zone(region).ok_or_else(|| {
            if region.is_empty() {
                "price unknown: a DataZoneStandard deployment is priced by its data zone (EU or US), and the account's region is unknown".to_string()
            } else {
                format!("price unknown: {region} is in neither the EU nor the US data zone, so a DataZoneStandard deployment has no token price")
            }
        })?;
        return Ok(with(&format!("azure/{zone}")));
    }
    let mut ids = Vec::new();
    if sku.eq_ignore_ascii_case("GlobalStandard") {
        for prefix in ["azure/global-standard", "azure/global"] {
            ids.extend(with(prefix));
        }
    }
    ids.extend(with("azure"));
    ids.push(model.to_string());
    Ok(ids)
}

/// The Azure OpenAI data zone of a region: `eu` for the regions in EU member states, `us`
/// for the United States regions.
fn data_zone(region: &str) -> Option<&'static str> {
    const EU: &[&str] = &[
        "francecentral",
        "francesouth",
        "germanynorth",
        "germanywestcentral",
        "italynorth",
        "northeurope",
        "polandcentral",
        "spaincentral",
        "swedencentral",
        "swedensouth",
        "westeurope",
    ];
    const US: &[&str] = &[
        "centralus",
        "eastus",
        "eastus2",
        "northcentralus",
        "southcentralus",
        "westcentralus",
        "westus",
        "westus2",
        "westus3",
    ];
    if EU.contains(&region) {
        Some("eu")
    } else if US.contains(&region) {
        Some("us")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::terraform::facts::resources_of;
    use crate::price::{PriceOverride, PricingSettings};
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn only(hcl: &str) -> Resource {
        let mut all = resources_of(hcl);
        assert_eq!(all.len(), 1, "{all:?}");
        all.remove(0)
    }

    #[test]
    fn a_zonal_clusters_default_pool_runs_in_its_zone_and_the_listed_ones() {
        let nodes = |node_locations: &str| {
            let cluster = only(&format!(
                r#"
resource "google_container_cluster" "zonal" {{
  name               = "train"
  location           = "us-central1-a"
  node_locations     = {node_locations}
  initial_node_count = 2
}}
"#
            ));
            let pool = super::super::compute::gke_default_pool(
                &cluster,
                &PricingSettings::default(),
                &mut Vec::new(),
            );
            pool.first().and_then(|c| c.quantity)
        };
        // 2 nodes in each of 3 zones, 730 hours: 4,380 node-hours.
        assert_eq!(
            nodes(r#"["us-central1-b", "us-central1-c"]"#),
            Some(d("4380"))
        );
        // The cluster's own zone listed: 2 zones.
        assert_eq!(
            nodes(r#"["us-central1-a", "us-central1-c"]"#),
            Some(d("2920"))
        );
    }

    fn usage_tokens(input: &str, output: &str) -> UsageValues {
        UsageValues::with_tokens(d(input), d(output))
    }

    fn deployment(version: &str, sku: &str) -> Resource {
        only(&format!(
            r#"
resource "azurerm_cognitive_deployment" "chat" {{
  name                 = "chat"
  cognitive_account_id = "/subscriptions/x/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/a"
  model {{
    format  = "OpenAI"
    name    = "gpt-4o"
    version = "{version}"
  }}
  sku {{
    name = "{sku}"
  }}
}}
"#
        ))
    }

    #[test]
    fn azure_openai_tokens_are_priced_for_the_model_version_and_deployment_type() {
        let s = PricingSettings::default();
        let usage = usage_tokens("1000000", "1000000");
        let amounts = |r: &Resource| -> Vec<Option<Decimal>> {
            cognitive_deployment(r, &s, &usage, &mut Vec::new())
                .iter()
                .map(|c| c.unit_price.map(|p| p.0))
                .collect()
        };
        // llm_tokens.csv: azure/gpt-4o-2024-05-13 is $5 / $15, azure/gpt-4o $2.50 / $10.
        assert_eq!(
            amounts(&deployment("2024-05-13", "Standard")),
            vec![Some(d("5")), Some(d("15"))]
        );
        // azure/gpt-4o-2024-11-20 (regional) $2.75 / $11; global-standard $2.50 / $10.
        assert_eq!(
            amounts(&deployment("2024-11-20", "Standard")),
            vec![Some(d("2.75")), Some(d("11"))]
        );
        assert_eq!(
            amounts(&deployment("2024-11-20", "GlobalStandard")),
            vec![Some(d("2.5")), Some(d("10"))]
        );
        // A version the table does not list: the model's own row.
        assert_eq!(
            amounts(&deployment("2099-01-01", "Standard")),
            vec![Some(d("2.5")), Some(d("10"))]
        );
    }

    #[test]
    fn a_region_specific_override_prices_bedrock_throughput_in_its_region() {
        let r = only(
            r#"
provider "aws" {
  region = "us-west-2"
}

resource "aws_bedrock_provisioned_model_throughput" "claude" {
  provisioned_model_name = "claude"
  model_arn              = "arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-v2:1"
  model_units            = 2
}
"#,
        );
        let s = PricingSettings {
            overrides: vec![PriceOverride {
                provider: "aws".into(),
                item: "anthropic.claude-v2:1".into(),
                region: Some("us-west-2".into()),
                usd_per_hour: d("63"),
            }],
            ..PricingSettings::default()
        };
        let c = bedrock(&r, &s, &mut Vec::new(), &mut Vec::new());
        assert_eq!(c.missing, None);
        // 2 model units x 730 h x $63.
        assert_eq!(c.monthly.map(|m| m.0), Some(d("91980")));
    }

    #[test]
    fn without_a_date_an_eks_cluster_is_priced_at_the_standard_rate_as_an_assumption() {
        let r = only(
            r#"
resource "aws_eks_cluster" "c" {
  name     = "c"
  role_arn = "arn"
  version  = "1.31"
  vpc_config {
    subnet_ids = []
  }
}
"#,
        );
        let c = eks_control_plane(&r, &PricingSettings::default());
        // 0.10 x 730
        assert_eq!(c.monthly.map(|m| m.0), Some(d("73")));
        assert_eq!(
            c.assumptions,
            ["the date prices are for is not known: Kubernetes 1.31 is priced at the standard rate"]
        );
        let dated = PricingSettings {
            today: crate::model::Date::parse("2026-01-15").ok(),
            ..PricingSettings::default()
        };
        // 1.31 left standard support on 2025-11-26: 0.60 x 730.
        let c = eks_control_plane(&r, &dated);
        assert_eq!(c.monthly.map(|m| m.0), Some(d("438")));
        assert_eq!(c.name, "EKS control plane (extended support)");
    }

    #[test]
    fn the_aks_paid_tier_is_the_standard_tier() {
        let r = only(
            r#"
resource "azurerm_kubernetes_cluster" "aks" {
  name                = "aks"
  location            = "eastus"
  resource_group_name = "rg"
  dns_prefix          = "aks"
  sku_tier            = "Paid"
  default_node_pool {
    name       = "system"
    vm_size    = "Standard_D4s_v5"
    node_count = 1
  }
}
"#,
        );
        let c = components(
            &r,
            &PricingSettings::default(),
            &UsageValues::default(),
            &mut Vec::new(),
            &mut Vec::new(),
        )
        .unwrap();
        assert_eq!(c[0].name, "AKS control plane (standard tier)");
        assert_eq!(c[0].monthly.map(|m| m.0), Some(d("73")));
    }
}

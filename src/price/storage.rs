//! Storage: EBS volumes and the disks of instances and node groups, persistent disks of
//! GCE and GKE, Azure managed disks (priced by tier), and object storage billed by use.
//! Where a size is not written and comes from an image, the assumption is stated.

use rust_decimal::Decimal;

use super::compute::{catalog_provider, catalog_rate, pricing_region, unknown_price};
use super::line::{component, usage_component, PriceResult, Units};
use super::settings::{In, PricingSettings};
use super::usage::UsageValues;
use crate::catalog;
use crate::load::terraform::convert::to_number;
use crate::load::terraform::facts::{arg, blocks};
use crate::model::{CostComponent, Map, Resource, Value};

mod google;

/// A disk: class, size in GB (or why unknown), optional provisioned IOPS / throughput.
struct Disk {
    label: String,
    class: String,
    size: Result<Decimal, String>,
    iops: Option<Decimal>,
    throughput: Option<Decimal>,
}

pub(super) fn components(
    r: &Resource,
    s: &PricingSettings,
    usage: &UsageValues,
    notes: &mut Vec<String>,
    assumptions: &mut Vec<String>,
) -> Option<Vec<CostComponent>> {
    let provider = catalog_provider(&r.provider.name);
    let units = match &r.compute {
        Some(c) => Units::from_counts(&c.count),
        None => Units::one(),
    };
    let disks: Vec<Disk> = match r.resource_type.as_str() {
        "aws_ebs_volume" => vec![Disk {
            label: "Storage".into(),
            class: string_or(&r.attributes, "type", "gp2"),
            size: number(&r.attributes, "size")
                .ok_or_else(|| "size is not set".to_string())
                .and_then(|r| r),
            iops: number(&r.attributes, "iops").and_then(Result::ok),
            throughput: number(&r.attributes, "throughput").and_then(Result::ok),
        }],
        "aws_instance" => instance_volumes(r, notes),
        "aws_eks_node_group" => {
            if arg(&r.attributes, "launch_template").is_some() {
                notes.push(
                    "the node disks come from the launch template and are not priced".to_string(),
                );
                Vec::new()
            } else {
                let size = match number(&r.attributes, "disk_size") {
                    Some(s) => s,
                    None => {
                        // EKS gives Windows nodes 50 GB and every other AMI type 20 GB.
                        let windows = matches!(
                            arg(&r.attributes, "ami_type"),
                            Some(Value::String(t)) if t.starts_with("WINDOWS")
                        );
                        let gb = if windows { 50 } else { 20 };
                        notes.push(format!(
                            "node disk not set; EKS uses {gb} GB (priced as gp2)"
                        ));
                        Ok(Decimal::from(gb))
                    }
                };
                vec![disk("Node storage", "gp2", size)]
            }
        }
        "google_compute_instance" => {
            let size = match number(&r.attributes, "boot_disk.initialize_params.size") {
                Some(s) => s,
                None => {
                    notes.push(
                        "boot disk size not set; priced at the image default of 10 GB".to_string(),
                    );
                    Ok(Decimal::from(10))
                }
            };
            let mut disks = vec![disk(
                "Boot disk",
                &string_or(
                    &r.attributes,
                    "boot_disk.initialize_params.type",
                    "pd-standard",
                ),
                size,
            )];
            disks.extend(google::scratch_disks(r));
            disks
        }
        "google_compute_disk" | "google_compute_region_disk" => {
            vec![google::persistent_disk(r, assumptions)]
        }
        "google_container_node_pool" => {
            let size =
                number(&r.attributes, "node_config.disk_size_gb").unwrap_or(Ok(Decimal::from(100)));
            let mut disks = vec![disk(
                "Node boot disk",
                &string_or(&r.attributes, "node_config.disk_type", "pd-balanced"),
                size,
            )];
            disks.extend(google::node_local_ssds(r));
            disks
        }
        "azurerm_virtual_machine" => azure_legacy_vm_disks(r, notes),
        "azurerm_linux_virtual_machine" | "azurerm_windows_virtual_machine" => {
            let size = match number(&r.attributes, "os_disk.disk_size_gb") {
                Some(s) => s,
                None => {
                    notes.push(
                        "OS disk size not set; priced at the image default of 30 GB".to_string(),
                    );
                    Ok(Decimal::from(30))
                }
            };
            vec![disk(
                "OS disk",
                &string_or(
                    &r.attributes,
                    "os_disk.storage_account_type",
                    "Standard_LRS",
                ),
                size,
            )]
        }
        "azurerm_managed_disk" => vec![disk(
            "Managed disk",
            &string_or(&r.attributes, "storage_account_type", "Standard_LRS"),
            number(&r.attributes, "disk_size_gb")
                .unwrap_or(Err("disk_size_gb is not set".to_string())),
        )],
        "aws_s3_bucket" => {
            let region = pricing_region(r, assumptions);
            return Some(vec![object_storage(
                provider,
                "STANDARD",
                (&region, s),
                usage,
            )]);
        }
        "google_storage_bucket" => {
            let region = pricing_region(r, assumptions);
            let class = string_or(&r.attributes, "storage_class", "STANDARD");
            return Some(vec![object_storage(provider, &class, (&region, s), usage)]);
        }
        _ => return None,
    };
    if disks.is_empty() {
        return None;
    }
    let region = pricing_region(r, assumptions);
    let mut out = Vec::new();
    for d in disks {
        out.extend(disk_components(provider, &d, (&region, s), &units));
    }
    Some(out)
}

fn disk(label: &str, class: &str, size: Result<Decimal, String>) -> Disk {
    Disk {
        label: label.to_string(),
        class: class.to_string(),
        size,
        iops: None,
        throughput: None,
    }
}

/// The OS disk and data disks of a legacy `azurerm_virtual_machine`: managed disks are
/// priced by tier; an unmanaged disk (a `vhd_uri` in a storage account) is billed with the
/// account and noted.
fn azure_legacy_vm_disks(r: &Resource, notes: &mut Vec<String>) -> Vec<Disk> {
    let mut out = Vec::new();
    for (kind, label) in [
        ("storage_os_disk", "OS disk"),
        ("storage_data_disk", "Data disk"),
    ] {
        for block in blocks(&r.attributes, kind) {
            let Value::Map(m) = block else { continue };
            let Some(class) = arg(m, "managed_disk_type") else {
                notes.push(format!(
                    "{kind} is not a managed disk (managed_disk_type is not set); an unmanaged disk is billed with its storage account and is not priced"
                ));
                continue;
            };
            let class = match class {
                Value::String(c) => c.clone(),
                _ => String::new(),
            };
            let size = match number(m, "disk_size_gb") {
                Some(s) => s,
                None if kind == "storage_os_disk" => {
                    notes.push(
                        "OS disk size not set; priced at the image default of 30 GB".to_string(),
                    );
                    Ok(Decimal::from(30))
                }
                None => Err(format!("{kind}.disk_size_gb is not set")),
            };
            out.push(disk(label, &class, size));
        }
    }
    out
}

/// `root_block_device` and every `ebs_block_device` of an instance.
fn instance_volumes(r: &Resource, notes: &mut Vec<String>) -> Vec<Disk> {
    let mut out = Vec::new();
    if blocks(&r.attributes, "root_block_device").is_empty() {
        notes.push(
            "no root_block_device; the root volume's size comes from the AMI and is not priced"
                .to_string(),
        );
    }
    for (kind, label) in [
        ("root_block_device", "Root volume"),
        ("ebs_block_device", "EBS volume"),
    ] {
        for block in blocks(&r.attributes, kind) {
            let Value::Map(m) = block else { continue };
            let size = match number(m, "volume_size") {
                Some(s) => s,
                None => {
                    notes.push(format!(
                        "{kind} has no volume_size; its size comes from the AMI and is not priced"
                    ));
                    continue;
                }
            };
            if kind == "root_block_device" && !m.entries.contains_key("volume_type") {
                notes.push(
                    "root_block_device has no volume_type; the AMI decides it, priced as gp2"
                        .to_string(),
                );
            }
            out.push(Disk {
                label: label.to_string(),
                class: string_or(m, "volume_type", "gp2"),
                size,
                iops: number(m, "iops").and_then(Result::ok),
                throughput: number(m, "throughput").and_then(Result::ok),
            });
        }
    }
    out
}

/// The boot disks of a pool's nodes: `size` GB of `class` on each unit.
pub(super) fn node_disks(
    provider: &str,
    class: &str,
    size: Result<Decimal, String>,
    region: In<'_>,
    units: &Units,
) -> Vec<CostComponent> {
    disk_components(
        provider,
        &disk("Node boot disk", class, size),
        region,
        units,
    )
}

fn disk_components(
    provider: &str,
    d: &Disk,
    (region, s): In<'_>,
    units: &Units,
) -> Vec<CostComponent> {
    if provider == "azurerm" {
        let price: PriceResult = match &d.size {
            Ok(size) => {
                let gb = size.ceil().try_into().unwrap_or(u64::MAX);
                catalog::azure_disk_price(&d.class, gb, region)
                    .map_err(unknown_price)
                    .and_then(|(p, tier)| catalog_rate(&p, region, vec![format!("{tier} tier")], s))
            }
            Err(e) => Err(e.clone()),
        };
        return vec![component(
            format!("{} ({})", d.label, d.class),
            "disk-months",
            price,
            Ok(Decimal::ONE),
            units,
        )];
    }
    let price = catalog::storage_price(provider, &d.class, region)
        .map_err(unknown_price)
        .and_then(|p| catalog_rate(&p, region, Vec::new(), s));
    let mut out = vec![component(
        format!("{} ({})", d.label, d.class),
        "GB-months",
        price,
        d.size.clone(),
        units,
    )];
    let extras = catalog::volume_extras(provider, &d.class, region);
    for (what, free_unit, provisioned, extra) in [
        ("IOPS", "IOPS", d.iops, extras.iops),
        ("Throughput", "MBps", d.throughput, extras.throughput_mbps),
    ] {
        let (Some(amount), Some((price, free))) = (provisioned, extra) else {
            continue;
        };
        let billed = (amount - Decimal::from(free)).max(Decimal::ZERO);
        if billed.is_zero() {
            continue;
        }
        let unit = price.unit;
        // io1/io2 bill every IOPS: there is no allowance to mention.
        let allowance = if free > 0 {
            vec![format!(
                "the first {free} {free_unit} of a {} volume are included",
                d.class
            )]
        } else {
            Vec::new()
        };
        out.push(component(
            format!("Provisioned {what} ({})", d.class),
            unit,
            catalog_rate(&price, region, allowance, s),
            Ok(billed),
            units,
        ));
    }
    out
}

/// Object storage billed by use: stored GB from the usage file, else "depends on usage".
fn object_storage(
    provider: &str,
    class: &str,
    (region, s): In<'_>,
    usage: &UsageValues,
) -> CostComponent {
    let price = catalog::storage_price(provider, class, region)
        .map_err(unknown_price)
        .and_then(|p| catalog_rate(&p, region, Vec::new(), s));
    usage_component(
        format!("Storage ({class})"),
        "GB-months",
        price,
        usage.storage_gb(),
    )
}

/// A string argument, or `default` when absent.
fn string_or(attrs: &Map, path: &str, default: &str) -> String {
    match arg(attrs, path) {
        Some(Value::String(s)) => s.clone(),
        _ => default.to_string(),
    }
}

/// A numeric argument: `None` when absent, `Err` when unknown or not a number.
fn number(attrs: &Map, path: &str) -> Option<Result<Decimal, String>> {
    arg(attrs, path).map(|v| match v {
        Value::Unknown(u) => Err(format!("{path} is unknown: {}", u.origin)),
        other => match to_number(other) {
            Ok(Some(n)) => {
                Decimal::try_from(n).map_err(|_| format!("{path} is not a usable number"))
            }
            _ => Err(format!("{path} is not a number")),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::terraform::facts::resources_of;

    fn priced(hcl: &str) -> (Vec<CostComponent>, Vec<String>) {
        let all = resources_of(hcl);
        assert_eq!(all.len(), 1, "{all:?}");
        let mut notes = Vec::new();
        let c = components(
            &all[0],
            &PricingSettings::default(),
            &UsageValues::default(),
            &mut notes,
            &mut Vec::new(),
        )
        .unwrap_or_default();
        (c, notes)
    }

    #[test]
    fn provisioned_performance_notes_name_the_free_allowance_and_its_unit() {
        let volume = |class: &str, extra: &str| {
            format!(
                r#"
provider "aws" {{
  region = "us-east-1"
}}

resource "aws_ebs_volume" "v" {{
  availability_zone = "us-east-1a"
  type              = "{class}"
  size              = 100
  {extra}
}}
"#
            )
        };
        let (c, _) = priced(&volume("gp3", "iops = 4000\n  throughput = 200"));
        assert_eq!(
            c[1].notes.first().map(String::as_str),
            Some("the first 3000 IOPS of a gp3 volume are included")
        );
        assert_eq!(
            c[2].notes.first().map(String::as_str),
            Some("the first 125 MBps of a gp3 volume are included")
        );
        // io2 bills every IOPS: no "first 0" allowance.
        let (c, _) = priced(&volume("io2", "iops = 1000"));
        assert_eq!(c[1].quantity, Some(Decimal::from(1000)));
        assert!(
            c[1].notes.iter().all(|n| !n.contains("included")),
            "{:?}",
            c[1].notes
        );
    }

    #[test]
    fn eks_node_disks_default_by_ami_type_unless_a_launch_template_sets_them() {
        let group = |ami: &str| {
            format!(
                r#"
provider "aws" {{
  region = "us-east-1"
}}

resource "aws_eks_node_group" "win" {{
  cluster_name    = "c"
  node_group_name = "win"
  node_role_arn   = "arn:aws:iam::1:role/n"
  subnet_ids      = ["s"]
  ami_type        = "{ami}"
  instance_types  = ["m5.xlarge"]
  scaling_config {{
    desired_size = 2
    min_size     = 1
    max_size     = 3
  }}
}}
"#
            )
        };
        let (c, notes) = priced(&group("WINDOWS_CORE_2022_x86_64"));
        // 2 nodes x 50 GB.
        assert_eq!(c[0].quantity, Some(Decimal::from(100)));
        assert!(notes.iter().any(|n| n.contains("50 GB")), "{notes:?}");
        let (c, _) = priced(&group("AL2023_x86_64_STANDARD"));
        assert_eq!(c[0].quantity, Some(Decimal::from(40)));
        // With a launch template EKS ignores disk_size: the template's disks are not priced,
        // and the estimate says so.
        let (c, notes) = priced(&group("CUSTOM").replace(
            "  instance_types  = [\"m5.xlarge\"]",
            "  launch_template {\n    id      = \"lt-0123\"\n    version = \"1\"\n  }",
        ));
        assert!(c.is_empty(), "{c:?}");
        assert!(
            notes
                .iter()
                .any(|n| n.contains("come from the launch template")),
            "{notes:?}"
        );
    }

    #[test]
    fn an_instance_says_which_root_volume_it_does_not_price() {
        let instance = |root: &str| {
            format!(
                r#"
provider "aws" {{
  region = "us-east-1"
}}

resource "aws_instance" "x" {{
  ami           = "ami-1"
  instance_type = "m5.xlarge"
  {root}
}}
"#
            )
        };
        let (c, notes) = priced(&instance(""));
        assert!(c.is_empty());
        assert!(
            notes.iter().any(|n| n.contains("no root_block_device")),
            "{notes:?}"
        );
        let (c, notes) = priced(&instance("root_block_device {\n    volume_size = 100\n  }"));
        assert_eq!(c[0].name, "Root volume (gp2)");
        assert!(
            notes.iter().any(|n| n.contains("no volume_type")),
            "{notes:?}"
        );
    }

    #[test]
    fn numbers_are_read_or_explained() {
        let mut m = Map::new();
        m.insert("size", Value::Number(100.0));
        m.insert("iops", Value::unknown("var.iops has no default"));
        assert_eq!(number(&m, "size"), Some(Ok(Decimal::from(100))));
        assert_eq!(
            number(&m, "iops"),
            Some(Err("iops is unknown: var.iops has no default".to_string()))
        );
        assert_eq!(number(&m, "missing"), None);
    }
}

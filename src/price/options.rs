//! Options that change what a machine costs but that the catalog has no price for:
//! dedicated tenancy, Windows and other licensed images, detailed monitoring, the
//! EBS-optimized fee of old instance families. The catalog prices Linux on shared hardware,
//! so an estimate for a machine with one of these options would be complete at the wrong
//! price. Each option found (or unknown, since it could be set) makes the estimate
//! incomplete with a sentence naming it; options billed only by use are notes.

use crate::load::terraform::facts::{arg, string_in};
use crate::model::{Fact, Map, Resource, Value};

/// What the options of `r` leave out of its estimate (`missing`) and what they may add by
/// use (`notes`).
pub(super) fn unmodelled(r: &Resource) -> (Vec<String>, Vec<String>) {
    let mut missing = Vec::new();
    let mut notes = Vec::new();
    let a = &r.attributes;
    match r.resource_type.as_str() {
        "aws_instance" => {
            aws_tenancy(a, &mut missing);
            if let Some(v) = text(a, "host_id") {
                missing.push(after(
                    "host_id",
                    &v,
                    "the instance runs on a Dedicated Host, which is billed per host, not per instance",
                    "a host would be billed per host, not per instance",
                ));
            }
            if flag(a, "monitoring", &mut missing) {
                missing.push("monitoring = true: detailed monitoring adds CloudWatch metric charges, which are not priced".to_string());
            }
            if flag(a, "get_password_data", &mut missing) {
                missing.push("get_password_data = true: the AMI is Windows, billed with a Windows licence; the catalog has Linux prices".to_string());
            }
            aws_ebs_optimized(a, &mut missing);
            if let Some(Ok(credits)) = text(a, "credit_specification.cpu_credits") {
                if credits == "unlimited" {
                    notes.push("cpu_credits = \"unlimited\": CPU use above the baseline is billed by use as surplus credits, not estimated".to_string());
                }
            }
        }
        "aws_eks_node_group" => {
            if let Some(v) = text(a, "ami_type") {
                licensed(&v, "ami_type", &["WINDOWS"], &mut missing);
            }
        }
        "azurerm_windows_virtual_machine" | "azurerm_windows_virtual_machine_scale_set" => {
            azure_windows(a, &mut missing, &mut notes);
        }
        // The legacy VM is Windows when it has a Windows OS profile or OS disk.
        "azurerm_virtual_machine" => {
            let os = text(a, "storage_os_disk.os_type");
            if arg(a, "os_profile_windows_config").is_some()
                || matches!(&os, Some(Ok(t)) if t.eq_ignore_ascii_case("windows"))
            {
                azure_windows(a, &mut missing, &mut notes);
            }
        }
        "azurerm_kubernetes_cluster_node_pool" => {
            for key in ["os_type", "os_sku"] {
                if let Some(v) = text(a, key) {
                    licensed(&v, key, &["WINDOWS"], &mut missing);
                }
            }
        }
        "google_compute_instance" | "google_compute_instance_template" => {
            let image = if r.resource_type == "google_compute_instance" {
                "boot_disk.initialize_params.image"
            } else {
                "disk.source_image"
            };
            if let Some(v) = text(a, image) {
                licensed(&v, image, GOOGLE_LICENSED, &mut missing);
            }
        }
        "google_container_node_pool" => {
            if let Some(v) = text(a, "node_config.image_type") {
                licensed(&v, "node_config.image_type", &["WINDOWS"], &mut missing);
            }
        }
        _ => {}
    }
    (missing, notes)
}

/// Image names of Google's premium images, billed with a licence per core or per VM on
/// top of the machine type: Windows Server, SQL Server, Red Hat, SUSE.
const GOOGLE_LICENSED: &[&str] = &["WINDOWS", "SQL", "RHEL", "SLES", "SUSE"];

/// Families whose `ebs_optimized = true` adds an hourly fee (newer families include it).
const EBS_OPTIMIZED_FEE: &[&str] = &["c1", "c3", "g2", "i2", "m1", "m2", "m3", "r3"];

/// A string argument: `None` when absent, `Err` with the reason when unknown.
fn text(a: &Map, path: &str) -> Option<Result<String, String>> {
    string_in(a, path).map(|f| match f {
        Fact::Known(s) => Ok(s),
        Fact::Unknown(u) => Err(u.origin.to_string()),
    })
}

/// Whether a boolean argument is true; an unknown one is missing, since it could be.
fn flag(a: &Map, path: &str, missing: &mut Vec<String>) -> bool {
    match arg(a, path) {
        Some(Value::Bool(b)) => *b,
        Some(Value::Unknown(u)) => {
            missing.push(format!(
                "{path} is unknown ({}): true would change the price",
                u.origin
            ));
            false
        }
        Some(Value::String(s)) => s == "true",
        _ => false,
    }
}

/// The sentence for an option whose value is known (`Ok`: `known` says what it means) or
/// unknown (`Err`: `could` says what a value could mean).
fn after(path: &str, value: &Result<String, String>, known: &str, could: &str) -> String {
    match value {
        Ok(v) => format!("{path} = \"{v}\": {known}"),
        Err(u) => format!("{path} is unknown ({u}): {could}"),
    }
}

/// A value naming a licensed operating system (any of `markers`, compared without case).
fn licensed(
    value: &Result<String, String>,
    path: &str,
    markers: &[&str],
    missing: &mut Vec<String>,
) {
    let found = match value {
        Ok(v) => {
            let upper = v.to_ascii_uppercase();
            markers.iter().any(|m| upper.contains(m))
        }
        Err(_) => true,
    };
    if found {
        missing.push(after(
            path,
            value,
            "a licensed operating system, billed above the Linux price the catalog has",
            "a Windows or other licensed image would be billed above the Linux price the catalog has",
        ));
    }
}

fn aws_tenancy(a: &Map, missing: &mut Vec<String>) {
    match text(a, "tenancy") {
        None => {}
        Some(Ok(t)) if t == "default" => {}
        Some(Ok(t)) if t == "host" => missing.push(
            "tenancy = \"host\": the instance runs on a Dedicated Host, which is billed per host, not per instance".to_string(),
        ),
        Some(value) => missing.push(after(
            "tenancy",
            &value,
            "dedicated hardware, billed at Dedicated Instance rates the catalog does not have",
            "\"dedicated\" or \"host\" would be billed at rates the catalog does not have",
        )),
    }
}

fn aws_ebs_optimized(a: &Map, missing: &mut Vec<String>) {
    let Some(Ok(instance_type)) = text(a, "instance_type") else {
        return;
    };
    let family = instance_type.split('.').next().unwrap_or_default();
    if !EBS_OPTIMIZED_FEE.contains(&family) {
        return;
    }
    let mut unknown = Vec::new();
    if flag(a, "ebs_optimized", &mut unknown) {
        missing.push(format!(
            "ebs_optimized = true: {family} instances pay an hourly EBS-optimized fee, which is not priced"
        ));
    }
    missing.extend(unknown);
}

/// Windows VMs: Linux price plus a licence, unless Azure Hybrid Benefit brings the licence.
fn azure_windows(a: &Map, missing: &mut Vec<String>, notes: &mut Vec<String>) {
    match text(a, "license_type") {
        Some(Ok(l)) if l == "Windows_Server" || l == "Windows_Client" => notes.push(format!(
            "license_type = \"{l}\": Azure Hybrid Benefit brings the Windows licence, so the VM is billed at the Linux rate"
        )),
        Some(Err(u)) => missing.push(format!(
            "license_type is unknown ({u}): without Azure Hybrid Benefit a Windows VM is billed with a Windows licence, above the Linux price the catalog has"
        )),
        _ => missing.push(
            "Windows VM: billed with a Windows licence, above the Linux price the catalog has (set license_type = \"Windows_Server\" if Azure Hybrid Benefit applies)".to_string(),
        ),
    }
}

//! Google's sustained-use discount: an on-demand machine of an eligible series billed the
//! whole month (730 hours) at its catalog list price is priced with Google's full-month
//! discount — 30% for N1 (and the GPUs attached to it), M1 and M2, 20% for N2, N2D and C2 —
//! noted on its line; `[pricing] sustained_use_discounts = false` turns it off.
//!
//! Catalog prices (us-central1, per hour): n1-standard-16 $0.76, n2-standard-8 $0.3885,
//! e2-standard-8 $0.26805, nvidia-tesla-t4 $0.35; a boot disk without a size is the
//! image's 10 GB of pd-standard at $0.04 a GB-month = $0.40.

#![allow(clippy::panic, clippy::unwrap_used, clippy::indexing_slicing)]

use crate::common;

use serde_json::Value;

/// A `google_compute_instance.NAME` in us-central1-a; `extra` goes inside its block.
fn instance(name: &str, machine_type: &str, extra: &str) -> String {
    format!(
        r#"
resource "google_compute_instance" "{name}" {{
  name         = "{name}"
  machine_type = "{machine_type}"
  zone         = "us-central1-a"
  boot_disk {{
    initialize_params {{
      image = "debian-cloud/debian-12"
    }}
  }}
  network_interface {{
    network = "default"
  }}
{extra}
}}
"#
    )
}

const PROVIDER: &str = r#"
provider "google" {
  project = "ml"
  region  = "us-central1"
}
"#;

/// `cost . --format json` on a root of `files` (name, text).
fn cost(files: &[(&str, &str)]) -> Value {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let run = common::run::aicost(
        dir.path(),
        &["cost", ".", "--format", "json", "--today", "2026-11-28"],
        &[],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    serde_json::from_str(&run.stdout).unwrap()
}

fn resource<'a>(report: &'a Value, address: &str) -> &'a Value {
    report["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["address"] == address)
        .unwrap_or_else(|| panic!("no {address}"))
}

/// (name, unit price, monthly) of each component.
fn lines(report: &Value, address: &str) -> Vec<(String, String, String)> {
    resource(report, address)["monthly_cost"]["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap().to_string(),
                c["unit_price"].as_str().unwrap().to_string(),
                c["monthly"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn line(name: &str, price: &str, monthly: &str) -> (String, String, String) {
    (name.into(), price.into(), monthly.into())
}

fn notes(report: &Value, address: &str) -> Vec<String> {
    resource(report, address)["monthly_cost"]["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap().to_string())
        .collect()
}

fn baseline(report: &Value, address: &str) -> String {
    resource(report, address)["monthly_cost"]["baseline"]
        .as_str()
        .unwrap()
        .to_string()
}

const T4: &str = r#"  guest_accelerator {
    type  = "nvidia-tesla-t4"
    count = 2
  }
  scheduling {
    on_host_maintenance = "TERMINATE"
  }"#;

#[test]
fn an_n1_machine_and_its_gpus_get_30_percent_for_the_full_month() {
    let tf = format!("{PROVIDER}{}", instance("train", "n1-standard-16", T4));
    let report = cost(&[("main.tf", &tf)]);
    assert_eq!(
        lines(&report, "google_compute_instance.train"),
        vec![
            // $0.76 x 0.70 = $0.532; x 730 = $388.36 (list: 0.76 x 730 = $554.80).
            line(
                "Instance usage (on-demand, n1-standard-16)",
                "0.532",
                "388.36"
            ),
            // $0.35 x 0.70 = $0.245; x 2 GPUs x 730 = $357.70.
            line("GPU usage (on-demand, nvidia-tesla-t4)", "0.245", "357.70"),
            line("Boot disk (pd-standard)", "0.04", "0.40"),
        ]
    );
    let notes = notes(&report, "google_compute_instance.train");
    assert!(notes.contains(&"sustained-use discount 30% (n1, full month)".to_string()));
    assert!(notes.contains(&"sustained-use discount 30% (GPUs on n1, full month)".to_string()));
    // 388.36 + 357.70 + 0.40.
    assert_eq!(baseline(&report, "google_compute_instance.train"), "746.46");
}

#[test]
fn n2_gets_20_percent_and_e2_and_spot_get_none() {
    let tf = format!(
        "{PROVIDER}{}{}{}",
        instance("n2", "n2-standard-8", ""),
        instance("e2", "e2-standard-8", ""),
        instance(
            "n1spot",
            "n1-standard-16",
            r#"  scheduling {
    provisioning_model = "SPOT"
    preemptible        = true
    automatic_restart  = false
  }"#
        ),
    );
    let report = cost(&[("main.tf", &tf)]);
    // $0.3885 x 0.80 = $0.3108; x 730 = $226.884, + $0.40.
    assert_eq!(baseline(&report, "google_compute_instance.n2"), "227.28");
    assert!(notes(&report, "google_compute_instance.n2")
        .contains(&"sustained-use discount 20% (n2, full month)".to_string()));
    // e2 gets none: $0.26805 x 730 = $195.6765, + $0.40.
    assert_eq!(baseline(&report, "google_compute_instance.e2"), "196.08");
    // Spot gets none: the listed spot price $0.16 x 730 = $116.80, + $0.40.
    assert_eq!(
        baseline(&report, "google_compute_instance.n1spot"),
        "117.20"
    );
    for address in [
        "google_compute_instance.e2",
        "google_compute_instance.n1spot",
    ] {
        assert!(
            !notes(&report, address)
                .iter()
                .any(|n| n.starts_with("sustained-use")),
            "{address}"
        );
    }
}

#[test]
fn the_switch_turns_it_off() {
    let tf = format!("{PROVIDER}{}", instance("train", "n1-standard-16", T4));
    let report = cost(&[
        ("main.tf", &tf),
        (
            "aicost-policy.toml",
            "[pricing]\nsustained_use_discounts = false\n",
        ),
    ]);
    // List prices: 0.76 x 730 = 554.80; 0.35 x 2 x 730 = 511.00; + 0.40.
    assert_eq!(
        lines(&report, "google_compute_instance.train"),
        vec![
            line(
                "Instance usage (on-demand, n1-standard-16)",
                "0.76",
                "554.80"
            ),
            line("GPU usage (on-demand, nvidia-tesla-t4)", "0.35", "511.00"),
            line("Boot disk (pd-standard)", "0.04", "0.40"),
        ]
    );
}

#[test]
fn fewer_hours_from_the_usage_file_get_none() {
    let tf = format!("{PROVIDER}{}", instance("dev", "n1-standard-16", ""));
    let usage = "version: 1\nresources:\n  google_compute_instance.dev:\n    monthly_hours: 200\n";
    let report = cost(&[("main.tf", &tf), ("aicost-usage.yml", usage)]);
    // 200 h x $0.76 = $152.00, + $0.40: part of the month earns less than the full-month
    // rate, and no sustained-use discount is applied.
    assert_eq!(baseline(&report, "google_compute_instance.dev"), "152.40");
}

#[test]
fn a_configured_price_is_taken_as_net_and_a_discount_stacks_on_the_list_price() {
    let tf = format!(
        "{PROVIDER}{}{}",
        instance("priced", "n1-standard-16", ""),
        instance("n2", "n2-standard-8", "")
    );
    let config = r#"
[[pricing.overrides]]
provider = "google"
item = "n1-standard-16"
usd_per_hour = 0.50

[[pricing.discounts]]
provider = "google"
percent = 10
name = "reseller"
"#;
    let report = cost(&[("main.tf", &tf), ("aicost-policy.toml", config)]);
    // The override is the price paid: no sustained-use discount, only the 10%:
    // 0.50 x 730 x 0.90 = 328.50, + 0.40 x 0.90 = 0.36.
    assert_eq!(
        baseline(&report, "google_compute_instance.priced"),
        "328.86"
    );
    // The catalog price gets both, one after the other: 0.3885 x 0.80 x 0.90 x 730 =
    // 204.1956, + 0.36.
    assert_eq!(baseline(&report, "google_compute_instance.n2"), "204.56");
}

#[test]
fn a_gke_node_pool_on_n1_gets_it() {
    let tf = format!(
        r#"{PROVIDER}
resource "google_container_node_pool" "t4" {{
  name       = "t4"
  cluster    = "ml"
  location   = "us-central1-a"
  node_count = 2
  node_config {{
    machine_type = "n1-standard-4"
    disk_size_gb = 100
    disk_type    = "pd-balanced"
    guest_accelerator {{
      type  = "nvidia-tesla-t4"
      count = 1
    }}
  }}
}}
"#
    );
    let report = cost(&[("main.tf", &tf)]);
    assert_eq!(
        lines(&report, "google_container_node_pool.t4"),
        vec![
            // 2 nodes x 730 h = 1,460 h x ($0.19 x 0.70 = $0.133) = $194.18.
            line(
                "Instance usage (on-demand, n1-standard-4)",
                "0.133",
                "194.18"
            ),
            // 1,460 GPU-hours x ($0.35 x 0.70 = $0.245) = $357.70.
            line("GPU usage (on-demand, nvidia-tesla-t4)", "0.245", "357.70"),
            // 2 x 100 GB x $0.10: disks get no sustained-use discount.
            line("Node boot disk (pd-balanced)", "0.10", "20.00"),
        ]
    );
}

#[test]
fn pricing_show_names_the_discount_beside_the_list_price() {
    let run = common::run::aicost(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")),
        &["pricing", "show", "n1-standard-16"],
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    // 0.76 x 0.70 = 0.532.
    assert!(run.stdout.contains(
        "note: a whole month on demand gets Google's sustained-use discount of 30% (n1): 0.532 $/h in estimates, unless [pricing] sustained_use_discounts = false"
    ), "{}", run.stdout);
}

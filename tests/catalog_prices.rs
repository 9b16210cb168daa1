//! Pins list prices of the compiled-in catalog, so a catalog rebuild that changes a price
//! (or a lookup that stops finding one) shows up here.

// The helpers below are test code too.
#![allow(clippy::unwrap_used)]

use std::str::FromStr;

use aicost_policy::catalog::{
    attached_gpu_price, azure_disk_price, control_plane_price, gpu_hour_rate, gpus_included,
    kubernetes_unit_rates, machine_price, machine_size, spot_price, storage_price, tables,
    token_prices, volume_extras,
};
use rust_decimal::Decimal;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

/// The on-demand price of a machine type, asserting it is listed for the asked region.
fn listed(provider: &str, machine_type: &str, region: &str) -> Decimal {
    let (price, _) = machine_price(provider, machine_type, region).unwrap();
    assert!(price.exact_region, "{machine_type} in {region}: {price:?}");
    assert_eq!(price.region, region);
    assert_eq!(price.unit, "hour");
    price.usd
}

#[test]
fn aws_ec2_list_prices() {
    assert_eq!(listed("aws", "p5.48xlarge", "us-east-1"), d("55.04"));
    assert_eq!(listed("aws", "g5.xlarge", "us-east-1"), d("1.006"));
    assert_eq!(listed("aws", "m5.xlarge", "us-east-1"), d("0.192"));
    assert_eq!(listed("aws", "p4d.24xlarge", "us-east-1"), d("21.957642"));
    assert_eq!(listed("aws", "trn1.32xlarge", "us-east-1"), d("21.50"));
    let (p, _) = machine_price("aws", "p5.48xlarge", "us-east-1").unwrap();
    assert_eq!(
        (p.table.name, p.table.as_of.as_str()),
        ("aws_ec2_ondemand", "2026-07-20")
    );
}

#[test]
fn azure_list_prices() {
    assert_eq!(
        listed("azurerm", "Standard_NC24ads_A100_v4", "eastus"),
        d("3.673")
    );
    assert_eq!(
        listed("azurerm", "Standard_ND96isr_H100_v5", "eastus"),
        d("98.32")
    );
    assert_eq!(listed("azurerm", "Standard_D4s_v5", "eastus"), d("0.192"));
}

#[test]
fn gcp_machine_types_and_attached_gpus() {
    assert_eq!(
        listed("google", "a2-highgpu-1g", "us-central1"),
        d("3.673385")
    );
    assert_eq!(listed("google", "n1-standard-4", "us-central1"), d("0.19"));
    // Host + 8 x H100, derived from the SkyPilot rows.
    assert_eq!(
        listed("google", "a3-highgpu-8g", "us-central1"),
        d("87.83247")
    );
    assert!(gpus_included("google", "a2-highgpu-1g"));
    assert!(!gpus_included("google", "n1-standard-4"));

    let (t4, notes) =
        attached_gpu_price("google", "nvidia-tesla-t4", "us-central1", false).unwrap();
    assert_eq!(
        (t4.usd, t4.unit, t4.exact_region),
        (d("0.35"), "GPU-hour", true)
    );
    assert!(notes.is_empty());
    let (t4_spot, _) =
        attached_gpu_price("google", "nvidia-tesla-t4", "us-central1", true).unwrap();
    assert_eq!(t4_spot.usd, d("0.11"));
}

#[test]
fn sagemaker_listed_and_estimated() {
    let (p, notes) = machine_price("aws", "ml.g5.xlarge", "us-east-1").unwrap();
    assert_eq!(
        (p.usd, p.table.name),
        (d("1.4084"), "aws_sagemaker_hosting")
    );
    assert!(notes.is_empty(), "{notes:?}");
    // Not in the SageMaker table: the EC2 price x 1.40, a guess that estimates show as an
    // assumption.
    let (p, notes) = machine_price("aws", "ml.g6e.2xlarge", "us-east-1").unwrap();
    assert_eq!(p.usd, d("2.242080") * d("1.40"));
    assert!(p.exact_region);
    assert!(notes.is_empty(), "{notes:?}");
    assert!(
        p.estimate.as_deref().is_some_and(|e| e.contains("x 1.40")),
        "{p:?}"
    );
}

#[test]
fn region_fallback() {
    let (p, _) = machine_price("aws", "m5.xlarge", "eu-west-1").unwrap();
    assert_eq!(p.usd, d("0.192"));
    assert_eq!((p.region.as_str(), p.exact_region), ("us-east-1", false));
    let (p, _) = machine_price("google", "n1-standard-4", "europe-west1").unwrap();
    assert_eq!((p.region.as_str(), p.exact_region), ("us-central1", false));
    let (p, _) = machine_price("azurerm", "Standard_NC24ads_A100_v4", "westeurope").unwrap();
    assert!(p.exact_region, "westeurope is listed for Azure");
    let (p, _) = machine_price("azurerm", "Standard_NC24ads_A100_v4", "nowhere").unwrap();
    assert_eq!((p.region.as_str(), p.exact_region), ("eastus", false));
}

#[test]
fn unknown_types_are_errors_not_zero() {
    assert_eq!(
        machine_price("aws", "p9.huge", "us-east-1").unwrap_err(),
        "p9.huge is not in the AWS EC2 price table (as of 2026-07-20)"
    );
    assert_eq!(
        machine_price("google", "z9-standard-1", "us-central1").unwrap_err(),
        "z9-standard-1 is not in the GCP machine type price table (as of 2026-06-23)"
    );
    assert_eq!(
        machine_price("azurerm", "Standard_Nope", "eastus").unwrap_err(),
        "Standard_Nope is not in the Azure VM price table (as of 2026-06-18)"
    );
    // p5e.48xlarge is sold as capacity blocks only: no on-demand list price.
    assert!(machine_price("aws", "p5e.48xlarge", "us-east-1").is_err());
    assert!(machine_price("oracle", "x", "y").is_err());
}

#[test]
fn spot_prices() {
    // GCP lists preemptible prices per machine type.
    let (p, notes) = spot_price("google", "a2-highgpu-1g", "us-central1").unwrap();
    assert_eq!(p.usd, d("1.102016"));
    assert!(notes.iter().any(|n| n.contains("listed")), "{notes:?}");
    // AWS: on-demand x the documented factor 0.4 (from the SkyPilot samples).
    let (p, _) = spot_price("aws", "g5.xlarge", "us-east-1").unwrap();
    assert_eq!(p.usd, d("0.4024"));
    assert!(
        p.estimate.as_deref().is_some_and(|e| e.contains("x 0.4")),
        "{p:?}"
    );
    // Azure: on-demand x 0.20.
    let (p, _) = spot_price("azurerm", "Standard_NC24ads_A100_v4", "eastus").unwrap();
    assert_eq!(p.usd, d("0.7346"));
}

#[test]
fn storage_prices() {
    let gp3 = storage_price("aws", "gp3", "us-east-1").unwrap();
    assert_eq!((gp3.usd, gp3.unit), (d("0.08"), "GB-month"));
    for (class, usd) in [
        ("gp2", "0.10"),
        ("io1", "0.125"),
        ("io2", "0.125"),
        ("st1", "0.045"),
        ("sc1", "0.015"),
        ("STANDARD", "0.023"),
        ("STANDARD_IA", "0.0125"),
    ] {
        assert_eq!(
            storage_price("aws", class, "us-east-1").unwrap().usd,
            d(usd),
            "{class}"
        );
    }
    for (class, usd) in [
        ("pd-standard", "0.04"),
        ("pd-balanced", "0.10"),
        ("pd-ssd", "0.17"),
    ] {
        assert_eq!(
            storage_price("google", class, "us-central1").unwrap().usd,
            d(usd),
            "{class}"
        );
    }
    assert_eq!(
        storage_price("google", "STANDARD", "US").unwrap().usd,
        d("0.026")
    );
    let extras = volume_extras("aws", "gp3", "us-east-1");
    let (iops, free_iops) = extras.iops.unwrap();
    let (mbps, free_mbps) = extras.throughput_mbps.unwrap();
    assert_eq!((iops.usd, free_iops), (d("0.005"), 3000));
    assert_eq!((mbps.usd, free_mbps), (d("0.04"), 125));
}

#[test]
fn azure_disk_tiers() {
    let (p, tier) = azure_disk_price("Premium_LRS", 128, "eastus").unwrap();
    assert_eq!(
        (p.usd, p.unit, tier.as_str()),
        (d("19.71"), "disk-month", "P10")
    );
    let (p, tier) = azure_disk_price("StandardSSD_LRS", 1000, "eastus").unwrap();
    assert_eq!((p.usd, tier.as_str()), (d("76.80"), "E30"));
    let (p, tier) = azure_disk_price("Standard_LRS", 30, "eastus").unwrap();
    assert_eq!((p.usd, tier.as_str()), (d("1.54"), "S4"));
    // P20's price is not in a stored source: price unknown, not a guess.
    assert!(azure_disk_price("Premium_LRS", 500, "eastus").is_err());
}

#[test]
fn kubernetes_prices() {
    let eks = control_plane_price("aws", "standard").unwrap();
    assert_eq!((eks.usd, eks.unit), (d("0.10"), "hour"));
    assert_eq!(control_plane_price("google", "").unwrap().usd, d("0.10"));
    assert_eq!(
        control_plane_price("azurerm", "free").unwrap().usd,
        Decimal::ZERO
    );
    assert_eq!(
        control_plane_price("azurerm", "standard").unwrap().usd,
        d("0.10")
    );

    let rates = kubernetes_unit_rates();
    assert_eq!(rates.cpu_hour.usd, d("0.031611"));
    assert_eq!(rates.gib_hour.usd, d("0.004237"));
    assert_eq!(rates.gpu_hour_default.usd, d("0.95"));
    assert_eq!(rates.spot_cpu_hour.usd, d("0.006655"));
    assert_eq!(rates.spot_gib_hour.usd, d("0.000892"));
    assert_eq!(gpu_hour_rate("T4").map(|p| p.usd), Some(d("0.35")));
    assert_eq!(gpu_hour_rate("H100").map(|p| p.usd), Some(d("9.79655")));
    assert!(gpu_hour_rate("MI300X").is_none());
}

#[test]
fn token_prices_per_million() {
    let p = token_prices("gpt-4o").unwrap();
    assert_eq!(p.input.usd, d("2.5"));
    assert_eq!(p.output.usd, d("10"));
    assert_eq!(p.cached_input.map(|c| c.usd), Some(d("1.25")));
    assert_eq!(p.input.unit, "1M tokens");
    let p = token_prices("azure/gpt-4o").unwrap();
    assert_eq!(p.provider, "azure");
    let p = token_prices("claude-sonnet-4-5").unwrap();
    assert_eq!((p.input.usd, p.output.usd), (d("3"), d("15")));
}

#[test]
fn instance_sizes_are_listed_for_ec2_only() {
    let g6e = machine_size("aws", "g6e.12xlarge").unwrap();
    assert_eq!((g6e.vcpus, g6e.memory_gib), (d("48"), d("384")));
    let m5 = machine_size("aws", "m5.xlarge").unwrap();
    assert_eq!((m5.vcpus, m5.memory_gib), (d("4"), d("16")));
    assert_eq!(machine_size("aws", "t3.nano").unwrap().memory_gib, d("0.5"));
    assert_eq!(machine_size("google", "n2-standard-8"), None);
    assert_eq!(machine_size("aws", "x9.huge"), None);
}

#[test]
fn every_table_names_its_source() {
    let all = tables();
    assert_eq!(all.len(), 13);
    for t in all {
        assert!(
            !t.source.is_empty() && !t.license.is_empty() && t.as_of.len() == 10,
            "{t:?}"
        );
    }
}

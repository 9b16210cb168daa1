//! Resources priced from the catalog since issue 15, point 9: Google persistent disks
//! (zonal and regional), local SSDs of instances and GKE node pools, the legacy
//! `azurerm_virtual_machine` with its managed disks, and Azure ML compute instances in
//! their workspace's region (`testdata/terraform/price-coverage/`); Azure OpenAI token prices
//! by deployment type and data zone (`testdata/terraform/azure-openai-zones/`).

#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use crate::common;

use common::estimates::{estimates, Estimate};

const WORKSPACE_ELSEWHERE: &str = "the compute instance runs in its workspace's region, and the workspace is not in this configuration";

#[test]
fn disks_local_ssds_and_azure_vms_are_priced_from_the_catalog() {
    let rows = estimates("testdata/terraform/price-coverage", &[]);
    let regional = "a regional disk is replicated in two zones: billed as twice its size at the zonal pd-balanced rate";
    let elsewhere_assumed =
        format!("the region is unknown ({WORKSPACE_ELSEWHERE}); priced at eastus rates");
    assert_eq!(
        rows,
        vec![
            // Standard_NC24ads_A100_v4 in eastus: 730 h x $3.673 = $2,681.29, at the
            // reference region's rate since the workspace's region is not known.
            Estimate::new(
                "azurerm_machine_learning_compute_instance.elsewhere",
                "unknown",
                "2681.29",
                true,
                &[],
                &[&elsewhere_assumed],
                &[]
            ),
            // In the workspace's westeurope: 730 h x $4.775 = $3,485.75.
            Estimate::new(
                "azurerm_machine_learning_compute_instance.notebook",
                "westeurope",
                "3485.75",
                true,
                &[],
                &[],
                &[]
            ),
            // $2,681.29 + a 32 GB Premium_LRS OS disk and a 30 GB data disk, each the P4
            // tier (32 GiB) at $5.28: $2,691.85.
            Estimate::new(
                "azurerm_virtual_machine.legacy",
                "eastus",
                "2691.85",
                true,
                &[],
                &[],
                &[]
            ),
            // 500 GB x $0.17 (pd-ssd).
            Estimate::new(
                "google_compute_disk.datasets",
                "us-central1",
                "85.00",
                true,
                &[],
                &[],
                &[]
            ),
            // No type: pd-standard, 200 GB x $0.04.
            Estimate::new(
                "google_compute_disk.default_type",
                "us-central1",
                "8.00",
                true,
                &[],
                &[],
                &[]
            ),
            Estimate::new(
                "google_compute_disk.from_image",
                "us-central1",
                "0.00",
                false,
                &["size is not set: the disk takes the size of its image or snapshot"],
                &[],
                &[]
            ),
            Estimate::new(
                "google_compute_disk.hyperdisk",
                "us-central1",
                "0.00",
                false,
                &["price unknown: hyperdisk-balanced is not in the google storage price table (as of 2026-11-28)"],
                &[],
                &[]
            ),
            // Spot e2-standard-8: 730 h x $0.08041 = $58.70, a 10 GB boot disk $0.40; the
            // local SSD's spot rate is not listed.
            Estimate::new(
                "google_compute_instance.spot_with_local_ssd",
                "us-central1",
                "59.10",
                false,
                &["local SSD on spot capacity has a spot price the catalog does not list"],
                &[],
                &[]
            ),
            // e2-standard-8 730 h x $0.26805 = $195.68, a 50 GB pd-standard boot disk
            // $2.00, two 375 GB local SSDs 750 x $0.08 = $60.00: $257.68.
            Estimate::new(
                "google_compute_instance.with_local_ssd",
                "us-central1",
                "257.68",
                true,
                &[],
                &[],
                &[]
            ),
            // 100 GB in two zones: 200 x $0.10 (pd-balanced) = $20.00.
            Estimate::new(
                "google_compute_region_disk.shared",
                "us-central1",
                "20.00",
                true,
                &[],
                &[regional],
                &[]
            ),
            // Three nodes: 3 x 730 h x $0.26805 = $587.03, 3 x 100 GB pd-standard = $12.00,
            // 3 x 2 x 375 GB local SSD x $0.08 = $180.00: $779.03.
            Estimate::new(
                "google_container_node_pool.ssd_nodes",
                "us-central1",
                "779.03",
                true,
                &[],
                &[],
                &[]
            ),
        ]
    );
}

#[test]
fn azure_openai_tokens_are_priced_by_deployment_type_and_data_zone() {
    // 10M input, 2M output and 4M cached input tokens a month (aicost-usage.yml next to
    // the files), gpt-4o 2024-08-06.
    assert_eq!(
        estimates("testdata/terraform/azure-openai-zones", &[]),
        vec![
            Estimate::new(
                "azurerm_cognitive_deployment.batch",
                "swedencentral",
                "0.00",
                false,
                &["price unknown: GlobalBatch deployments are billed at batch token rates, which the token price table does not have"],
                &[],
                &[]
            ),
            // The EU data zone (swedencentral): 10 x $2.75 + 2 x $11 + 4 x $1.375 = $55.00,
            // not the global rate.
            Estimate::new(
                "azurerm_cognitive_deployment.data_zone",
                "swedencentral",
                "55.00",
                true,
                &[],
                &[],
                &[]
            ),
            Estimate::new(
                "azurerm_cognitive_deployment.data_zone_uk",
                "uksouth",
                "0.00",
                false,
                &["price unknown: uksouth is in neither the EU nor the US data zone, so a DataZoneStandard deployment has no token price"],
                &[],
                &[]
            ),
            // Global: 10 x $2.50 + 2 x $10 + 4 x $1.25 = $50.00.
            Estimate::new(
                "azurerm_cognitive_deployment.global",
                "swedencentral",
                "50.00",
                true,
                &[],
                &[],
                &[]
            ),
        ]
    );
}

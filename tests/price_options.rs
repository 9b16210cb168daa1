//! Options that change what a machine costs but have no price in the catalog (issue 15,
//! point 7): the estimate is incomplete and names the option, never complete at the Linux,
//! shared-tenancy price. `testdata/terraform/price-options/`.

#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use crate::common;

use common::estimates::{estimates, Estimate};

/// A priced resource of the fixture (all in their provider's region): address, baseline,
/// complete, missing, and the notes about options.
fn row(
    address: &str,
    baseline: &str,
    complete: bool,
    missing: &[&str],
    notes: &[&str],
) -> Estimate {
    let region = match address.split('_').next() {
        Some("aws") => "us-east-1",
        Some("azurerm") => "eastus",
        _ => "us-central1",
    };
    Estimate::new(address, region, baseline, complete, missing, &[], notes)
}

const LICENSED: &str = "a licensed operating system, billed above the Linux price the catalog has";

#[test]
fn options_without_a_catalog_price_leave_the_estimate_incomplete_and_say_which() {
    // The amounts are the list prices the options would be added to:
    // g5.xlarge 730 h x $1.006 = $734.38; t3.large 730 x $0.0832 = $60.74; m3.xlarge
    // 730 x $0.266 = $194.18; the EKS group's g5.xlarge plus its 50 GB Windows root disk
    // (50 x $0.10 = $5.00) = $739.38; Standard_NC24ads_A100_v4 in eastus 730 x $3.673 =
    // $2,681.29 plus its P4 OS disk $5.28 = $2,686.57; e2-standard-8 730 x $0.26805 =
    // $195.68 plus the 10 GB boot disk 10 x $0.04 = $0.40: $196.08.
    assert_eq!(
        estimates(
            "testdata/terraform/price-options",
            &["cpu_credits", "license_type"]
        ),
        vec![
            row(
                "aws_eks_node_group.windows",
                "739.38",
                false,
                &[&format!("ami_type = \"WINDOWS_CORE_2022_x86_64\": {LICENSED}")],
                &[]
            ),
            row(
                "aws_instance.dedicated",
                "734.38",
                false,
                &["tenancy = \"dedicated\": dedicated hardware, billed at Dedicated Instance rates the catalog does not have"],
                &[]
            ),
            row(
                "aws_instance.monitored",
                "60.74",
                false,
                &["monitoring = true: detailed monitoring adds CloudWatch metric charges, which are not priced"],
                &["cpu_credits = \"unlimited\": CPU use above the baseline is billed by use as surplus credits, not estimated"]
            ),
            row(
                "aws_instance.old_ebs_optimized",
                "194.18",
                false,
                &["ebs_optimized = true: m3 instances pay an hourly EBS-optimized fee, which is not priced"],
                &[]
            ),
            row(
                "aws_instance.on_host",
                "734.38",
                false,
                &["tenancy = \"host\": the instance runs on a Dedicated Host, which is billed per host, not per instance"],
                &[]
            ),
            row("aws_instance.plain", "734.38", true, &[], &[]),
            row(
                "aws_instance.tenancy_from_variable",
                "734.38",
                false,
                &["tenancy is unknown (var.tenancy has no default): \"dedicated\" or \"host\" would be billed at rates the catalog does not have"],
                &[]
            ),
            row(
                "aws_instance.windows",
                "734.38",
                false,
                &["get_password_data = true: the AMI is Windows, billed with a Windows licence; the catalog has Linux prices"],
                &[]
            ),
            row(
                "azurerm_windows_virtual_machine.hybrid_benefit",
                "2686.57",
                true,
                &[],
                &["license_type = \"Windows_Server\": Azure Hybrid Benefit brings the Windows licence, so the VM is billed at the Linux rate"]
            ),
            row(
                "azurerm_windows_virtual_machine.licensed",
                "2686.57",
                false,
                &["Windows VM: billed with a Windows licence, above the Linux price the catalog has (set license_type = \"Windows_Server\" if Azure Hybrid Benefit applies)"],
                &[]
            ),
            row("google_compute_instance.debian", "196.08", true, &[], &[]),
            row(
                "google_compute_instance.windows",
                "196.08",
                false,
                &[&format!("boot_disk.initialize_params.image = \"windows-cloud/windows-2022\": {LICENSED}")],
                &[]
            ),
        ]
    );
}

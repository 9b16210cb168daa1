//! End-to-end tests of `aicost-policy pricing import`: the real binary reads the small
//! hand-written files in `testdata/pricing-import/` (one per format, with rows that must be
//! skipped: Windows, dedicated tenancy, reserved terms, capacity reservations and blocks,
//! Local Zones, spot and low-priority meters, other currencies...) and writes an overlay. The
//! exact overlay bytes and the exact summary on standard error are asserted; then the
//! overlay prices a tiny Terraform file in `check` and `cost`. Errors are asserted with their
//! exact messages and exit code 2. Nothing here uses the network.

// Test code: a failed expectation should stop the test loudly.
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common::run::{aicost, Run};

const CRATE_DIR: &str = env!("CARGO_MANIFEST_DIR");

fn fixtures() -> PathBuf {
    Path::new(CRATE_DIR).join("testdata/pricing-import")
}

/// `pricing import ARGS` run in the fixture directory, so files are named as given.
fn import(args: &[&str]) -> Run {
    let mut all = vec!["pricing", "import"];
    all.extend_from_slice(args);
    aicost(&fixtures(), &all, &[])
}

/// An empty repository: a temporary directory with a `.git` directory.
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    dir
}

/// `pricing import ARGS` in `dir` with files written there first.
fn import_in(dir: &Path, files: &[(&str, &str)], args: &[&str]) -> Run {
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
    let mut all = vec!["pricing", "import"];
    all.extend_from_slice(args);
    aicost(dir, &all, &[])
}

const AWS_DERIVATION: &str = "# derivation: AWS: OnDemand terms, USD per Hrs, EC2 Linux with Shared tenancy, no pre-installed software, CapacityStatus Used, MarketOption OnDemand, AWS Regions only; SageMaker ml.* real-time Hosting\n";
const AZURE_DERIVATION: &str = "Azure: Virtual Machines, type Consumption, USD per 1 Hour, primary meter region, not Spot, Low Priority or Windows, retailPrice";
const GCP_DERIVATION: &str = "Google Cloud: Compute Engine OnDemand GPU SKUs of the GPUs billed separately from the machine type (T4, P4, V100, P100, K80), USD per hour, one row per service region";

// ---------------------------------------------------------------------------------------
// AWS Price List
// ---------------------------------------------------------------------------------------

#[test]
fn aws_csv_rows_are_taken_or_counted_as_skipped() {
    let run = import(&["--aws-price-list", "aws-ec2-us-east-1.csv"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // Prices without their trailing zeros, sorted by provider, region and item; as_of is
    // the date of the file's "Publication Date" line.
    assert_eq!(
        run.stdout,
        format!(
            "# source: AWS Price List CSV, offer AmazonEC2, version 20250912225308: aws-ec2-us-east-1.csv; imported by aicost-policy pricing import\n\
             # as_of: 2025-09-12\n\
             # license: terms of use of the publisher (AWS Price List)\n\
             {AWS_DERIVATION}\
             provider,region,item,usd_per_hour\n\
             aws,us-east-1,g5.xlarge,1.006\n\
             aws,us-east-1,m5.large,0.096\n\
             aws,us-east-1,p5.48xlarge,55.04\n"
        )
    );
    // Every one of the 14 rows is taken or counted once, under the first reason that
    // applies: the reserved term and its upfront fee, Windows, dedicated tenancy, SQL Web
    // pre-installed, an unused capacity reservation, a p5 capacity block (price 0), a Local
    // Zone, an EBS storage row, a second identical g5.xlarge price, a CNY price.
    assert_eq!(
        run.stderr,
        "aws-ec2-us-east-1.csv (AWS Price List CSV, offer AmazonEC2): imported 3 prices; skipped 11 of 14 rows:\n\
         \x20 2 not on-demand (reserved)\n\
         \x20 1 not Linux\n\
         \x20 1 not shared tenancy\n\
         \x20 1 with pre-installed software\n\
         \x20 1 capacity reservations (CapacityStatus not Used)\n\
         \x20 1 capacity blocks (MarketOption not OnDemand)\n\
         \x20 1 not an AWS Region (Local Zone, Wavelength, Outposts)\n\
         \x20 1 no instance type (storage, data transfer, fees)\n\
         \x20 1 same price listed again\n\
         \x20 1 not USD\n\
         wrote 3 prices (as_of 2025-09-12) to standard output\n"
    );
}

#[test]
fn aws_json_ec2_and_sagemaker_into_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("prices.csv");
    let run = import(&[
        "--aws-price-list",
        "aws-ec2-eu-west-1.json",
        "aws-sagemaker-us-east-1.json",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "");
    // eu-west-1 comes from the product's regionCode; as_of is the earlier of the two
    // publication dates.
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        format!(
            "# source: AWS Price List JSON, offer AmazonEC2, version 20250910184447: aws-ec2-eu-west-1.json; AWS Price List JSON, offer AmazonSageMaker, version 20250911120000: aws-sagemaker-us-east-1.json; imported by aicost-policy pricing import\n\
             # as_of: 2025-09-10\n\
             # license: terms of use of the publisher (AWS Price List)\n\
             {AWS_DERIVATION}\
             provider,region,item,usd_per_hour\n\
             aws,eu-west-1,m5.large,0.107\n\
             aws,us-east-1,ml.g5.xlarge,1.408\n"
        )
    );
    // JSON files count products; the g5.xlarge product has only a reserved term. The
    // SageMaker training product and the ML storage product are not hosting.
    assert_eq!(
        run.stderr,
        format!(
            "aws-ec2-eu-west-1.json (AWS Price List JSON, offer AmazonEC2): imported 1 price; skipped 4 of 5 products:\n\
             \x20 1 not Linux\n\
             \x20 1 not shared tenancy\n\
             \x20 1 no instance type (storage, data transfer, fees)\n\
             \x20 1 no on-demand hourly USD price\n\
             aws-sagemaker-us-east-1.json (AWS Price List JSON, offer AmazonSageMaker): imported 1 price; skipped 2 of 3 products:\n\
             \x20 1 not real-time hosting (training, notebooks, processing...)\n\
             \x20 1 not an ML instance\n\
             wrote 2 prices (as_of 2025-09-10) to {}\n",
            out.display()
        )
    );
}

// ---------------------------------------------------------------------------------------
// Azure Retail Prices API
// ---------------------------------------------------------------------------------------

const AZURE_OVERLAY: &str = "provider,region,item,usd_per_hour\n\
    azurerm,eastus,Standard_D2s_v3,0.096\n\
    azurerm,eastus,Standard_NC24ads_A100_v4,3.673\n\
    azurerm,westeurope,Standard_D2s_v3,0.115\n";

#[test]
fn azure_pages_as_several_files_or_a_repeated_flag() {
    let run = import(&[
        "--azure-retail-prices",
        "azure-vm-page-1.json",
        "azure-vm-page-2.json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // as_of: the latest effectiveStartDate of the items taken (2025-06-01, westeurope D2s v3).
    assert_eq!(
        run.stdout,
        format!(
            "# source: Azure Retail Prices API JSON: azure-vm-page-1.json, azure-vm-page-2.json; imported by aicost-policy pricing import\n\
             # as_of: 2025-06-01\n\
             # license: terms of use of the publisher (Azure Retail Prices API)\n\
             # derivation: {AZURE_DERIVATION}\n\
             {AZURE_OVERLAY}"
        )
    );
    assert_eq!(
        run.stderr,
        "azure-vm-page-1.json (Azure Retail Prices API JSON): imported 1 price; skipped 5 of 6 items:\n\
         \x20 2 Spot or Low Priority meters\n\
         \x20 1 Windows\n\
         \x20 1 not Consumption (reservations, dev/test)\n\
         \x20 1 not USD\n\
         azure-vm-page-2.json (Azure Retail Prices API JSON): imported 2 prices; skipped 3 of 5 items:\n\
         \x20 1 not Consumption (reservations, dev/test)\n\
         \x20 1 not Virtual Machines\n\
         \x20 1 not the primary meter region\n\
         wrote 3 prices (as_of 2025-06-01) to standard output\n"
    );
    let repeated = import(&[
        "--azure-retail-prices",
        "azure-vm-page-1.json",
        "--azure-retail-prices",
        "azure-vm-page-2.json",
    ]);
    assert_eq!((repeated.code, &repeated.stdout), (0, &run.stdout));
}

// ---------------------------------------------------------------------------------------
// Cloud Billing Catalog API
// ---------------------------------------------------------------------------------------

#[test]
fn gcp_gpus_billed_apart_one_row_per_region() {
    let run = import(&[
        "--gcp-billing-catalog",
        "gcp-compute-skus.json",
        "--as-of",
        "2025-09-15",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // T4: units "0" + 350000000 nanos = 0.35, in both regions of its SKU; V100: 2 +
    // 550000000 nanos = 2.55.
    assert_eq!(
        run.stdout,
        format!(
            "# source: Cloud Billing Catalog API JSON: gcp-compute-skus.json; imported by aicost-policy pricing import\n\
             # as_of: 2025-09-15\n\
             # license: terms of use of the publisher (Google Cloud Billing Catalog API)\n\
             # derivation: {GCP_DERIVATION}\n\
             provider,region,item,usd_per_hour\n\
             google,europe-west4,nvidia-tesla-v100,2.55\n\
             google,us-central1,nvidia-tesla-t4,0.35\n\
             google,us-east1,nvidia-tesla-t4,0.35\n"
        )
    );
    // The N1 core and RAM SKUs are counted, not dropped: machine types are not derived.
    assert_eq!(
        run.stderr,
        "gcp-compute-skus.json (Cloud Billing Catalog API JSON): imported 3 prices; skipped 8 of 10 SKUs:\n\
         \x20 2 not OnDemand (spot, preemptible, commitments)\n\
         \x20 2 vCPU, memory and other Compute SKUs (machine types are not derived)\n\
         \x20 1 GPUs bundled in machine-type prices (A100, L4, H100...)\n\
         \x20 1 GPU SKUs not recognised (Virtual Workstation, reservations, other models)\n\
         \x20 1 not Compute (storage, network, licences...)\n\
         \x20 1 not USD\n\
         wrote 3 prices (as_of 2025-09-15) to standard output\n"
    );
}

#[test]
fn the_cloud_billing_catalog_needs_as_of() {
    let run = import(&["--gcp-billing-catalog", "gcp-compute-skus.json"]);
    assert_eq!(
        (run.code, run.stdout.as_str(), run.stderr.as_str()),
        (
            2,
            "",
            "error: --gcp-billing-catalog needs --as-of: the Cloud Billing Catalog API gives no date for its prices\n\
             \x20 help: pass the day the SKU lists were downloaded, such as --as-of 2026-11-01\n"
        )
    );
}

// ---------------------------------------------------------------------------------------
// Every format into one overlay, installed and used
// ---------------------------------------------------------------------------------------

#[test]
fn every_format_at_once_is_a_valid_overlay() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("all.csv");
    let run = import(&[
        "--aws-price-list",
        "aws-ec2-us-east-1.csv",
        "--azure-retail-prices",
        "azure-vm-page-1.json",
        "azure-vm-page-2.json",
        "--gcp-billing-catalog",
        "gcp-compute-skus.json",
        "--as-of",
        "2025-09-20",
        "--license",
        "AWS Site Terms; Microsoft terms of use; Google APIs Terms of Service",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.ends_with(&format!(
            "wrote 9 prices (as_of 2025-09-20) to {}\n",
            out.display()
        )),
        "{}",
        run.stderr
    );
    let text = std::fs::read_to_string(&out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[..3],
        [
            "# source: AWS Price List CSV, offer AmazonEC2, version 20250912225308: aws-ec2-us-east-1.csv; Azure Retail Prices API JSON: azure-vm-page-1.json, azure-vm-page-2.json; Cloud Billing Catalog API JSON: gcp-compute-skus.json; imported by aicost-policy pricing import",
            "# as_of: 2025-09-20",
            "# license: AWS Site Terms; Microsoft terms of use; Google APIs Terms of Service",
        ]
    );
    assert_eq!(lines.len(), 5 + 9);
    // `pricing update` takes the file as it is: the same validation.
    let repo = repository();
    let update = aicost(
        repo.path(),
        &["pricing", "update", "--from", out.to_str().unwrap()],
        &[],
    );
    assert_eq!(update.code, 0, "{}", update.stderr);
    assert!(
        update.stdout.starts_with(&format!(
            "installed 9 prices from {} (as_of 2025-09-20, source: AWS Price List CSV",
            out.display()
        )),
        "{}",
        update.stdout
    );
    assert_eq!(
        std::fs::read_to_string(repo.path().join(".aicost-policy/prices.csv")).unwrap(),
        text
    );
}

#[test]
fn an_installed_import_prices_check_and_cost() {
    let repo = repository();
    std::fs::copy(
        fixtures().join("aws-ec2-eu-west-1.json"),
        repo.path().join("aws-ec2-eu-west-1.json"),
    )
    .unwrap();
    std::fs::write(
        repo.path().join("main.tf"),
        "provider \"aws\" {\n  region = \"eu-west-1\"\n}\n\n\
         resource \"aws_instance\" \"api\" {\n  ami           = \"ami-0123456789abcdef0\"\n  instance_type = \"m5.large\"\n}\n",
    )
    .unwrap();
    // Before: the catalog has no eu-west-1 price, so the estimate is incomplete.
    let before = aicost(repo.path(), &["check", "--format", "json"], &[]);
    let doc: Value = serde_json::from_str(&before.stdout).unwrap();
    assert_eq!(doc["resources"][0]["monthly_cost"]["complete"], false);

    let run = import_in(
        repo.path(),
        &[],
        &["--aws-price-list", "aws-ec2-eu-west-1.json", "--install"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr.ends_with(
            "installed 1 price (as_of 2025-09-10) at .aicost-policy/prices.csv\n\
             check and cost read it from .aicost-policy/prices.csv; commit it so every machine and CI price the same\n"
        ),
        "{}",
        run.stderr
    );

    // After: m5.large in eu-west-1 at the imported 0.107 $/h; a month is 730 hours, so
    // 0.107 × 730 = 78.11 a month.
    let after = aicost(repo.path(), &["check", "--format", "json"], &[]);
    let doc: Value = serde_json::from_str(&after.stdout).unwrap();
    let estimate = &doc["resources"][0]["monthly_cost"];
    assert_eq!(estimate["complete"], true, "{estimate}");
    assert_eq!(estimate["baseline"], "78.11");
    assert_eq!(estimate["components"][0]["unit_price"], "0.107");
    assert!(
        estimate["notes"].as_array().unwrap().contains(&Value::from(
            "m5.large priced from the installed price overlay"
        )),
        "{estimate}"
    );
    assert_eq!(doc["summary"]["monthly_cost"]["baseline"], "78.11");
    let text = aicost(repo.path(), &["check"], &[]);
    assert!(
        text.stdout
            .contains("1 × m5.large, on-demand, $78.11/month"),
        "{}",
        text.stdout
    );

    // Importing again replaces the overlay.
    let again = import_in(
        repo.path(),
        &[],
        &["--aws-price-list", "aws-ec2-eu-west-1.json", "--install"],
    );
    assert!(
        again
            .stderr
            .contains("at .aicost-policy/prices.csv, replacing the previous overlay\n"),
        "{}",
        again.stderr
    );
}

#[test]
fn an_imported_gpu_prices_an_attached_gpu() {
    let repo = repository();
    std::fs::copy(
        fixtures().join("gcp-compute-skus.json"),
        repo.path().join("skus.json"),
    )
    .unwrap();
    std::fs::write(
        repo.path().join("main.tf"),
        "provider \"google\" {\n  region = \"us-east1\"\n}\n\n\
         resource \"google_compute_instance\" \"trainer\" {\n  name         = \"trainer\"\n  machine_type = \"n1-standard-4\"\n  zone         = \"us-east1-b\"\n\n\
         \x20 guest_accelerator {\n    type  = \"nvidia-tesla-t4\"\n    count = 2\n  }\n\n\
         \x20 boot_disk {\n    initialize_params {\n      image = \"debian-cloud/debian-12\"\n    }\n  }\n\n\
         \x20 network_interface {\n    network = \"default\"\n  }\n}\n",
    )
    .unwrap();
    let run = import_in(
        repo.path(),
        &[],
        &[
            "--gcp-billing-catalog",
            "skus.json",
            "--as-of",
            "2025-09-15",
            "--install",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    // The catalog lists T4 prices in us-central1 only; the imported us-east1 row prices
    // the two GPUs: 2 × 730 h × 0.35 = 511.00 a month. (n1-standard-4 and its disk have no
    // us-east1 price, so the estimate stays incomplete.)
    let cost = aicost(repo.path(), &["cost", "--format", "json"], &[]);
    let doc: Value = serde_json::from_str(&cost.stdout).unwrap();
    let gpu = &doc["resources"][0]["monthly_cost"]["components"][1];
    assert_eq!(gpu["name"], "GPU usage (on-demand, nvidia-tesla-t4)");
    assert_eq!(gpu["unit_price"], "0.35");
    assert_eq!(gpu["quantity"], "1460");
    assert_eq!(gpu["monthly"], "511.00");
}

// ---------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------

fn assert_error(run: &Run, expected: &str) {
    assert_eq!(
        (run.code, run.stdout.as_str(), run.stderr.as_str()),
        (2, "", expected)
    );
}

const AWS_HELP: &str = "pass an AWS Price List bulk file as published (https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonEC2/current/<region>/index.csv or index.json), uncompressed; nothing was written";

#[test]
fn a_file_of_another_format_is_refused() {
    assert_error(
        &import(&["--aws-price-list", "azure-vm-page-1.json"]),
        &format!("error: azure-vm-page-1.json: this is not an AWS Price List JSON file: it has no `offerCode`\n  help: {AWS_HELP}\n"),
    );
    assert_error(
        &import(&["--azure-retail-prices", "aws-ec2-us-east-1.csv"]),
        "error: aws-ec2-us-east-1.csv:1:15: this is not an Azure Retail Prices API page: invalid type: string \"FormatVersion\", expected an Azure Retail Prices page, a JSON object with `Items`\n  \
         help: pass the file as the provider publishes it (uncompressed JSON), or check that it went to the right flag; nothing was written\n",
    );
    assert_error(
        &import(&["--gcp-billing-catalog", "azure-vm-page-1.json", "--as-of", "2025-09-15"]),
        "error: azure-vm-page-1.json: this is not a Cloud Billing Catalog SKU list: it has no `skus` list\n  \
         help: save each page of https://cloudbilling.googleapis.com/v1/services/6F81-5844-456A/skus (Compute Engine) as a file and pass the files as they are; nothing was written\n",
    );
    let dir = tempfile::tempdir().unwrap();
    assert_error(
        &import_in(dir.path(), &[("prices.csv", "provider,region,item,usd_per_hour\n")], &["--aws-price-list", "prices.csv"]),
        &format!("error: prices.csv:1: this is not an AWS Price List CSV: it does not start with \"FormatVersion\"\n  help: {AWS_HELP}\n"),
    );
    assert_error(
        &import_in(
            dir.path(),
            &[("sm.csv", "\"FormatVersion\",\"v1.0\"\n\"OfferCode\",\"AmazonSageMaker\"\n\"SKU\",\"TermType\"\n")],
            &["--aws-price-list", "sm.csv"],
        ),
        "error: sm.csv:3: the AmazonSageMaker offer is read from its JSON file, not the CSV\n  \
         help: download index.json instead of index.csv (the SageMaker CSV columns are not read); nothing was written\n",
    );
}

/// An AmazonEC2 CSV with the columns read, and `rows` after the header.
fn ec2_csv(header: &str, rows: &str) -> String {
    format!(
        "\"FormatVersion\",\"v1.0\"\n\"Disclaimer\",\"x\"\n\"Publication Date\",\"2025-09-12T22:53:08Z\"\n\"Version\",\"20250912225308\"\n\"OfferCode\",\"AmazonEC2\"\n{header}\n{rows}"
    )
}

const HEADER: &str = "\"SKU\",\"TermType\",\"Unit\",\"PricePerUnit\",\"Currency\",\"Instance Type\",\"Tenancy\",\"Operating System\",\"Pre Installed S/W\",\"CapacityStatus\",\"Region Code\"";

#[test]
fn malformed_csv_is_an_error_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let missing = ec2_csv(
        "\"SKU\",\"TermType\",\"Unit\",\"PricePerUnit\",\"Currency\",\"Instance Type\",\"Tenancy\",\"Operating System\",\"Pre Installed S/W\"",
        "",
    );
    assert_error(
        &import_in(dir.path(), &[("missing.csv", &missing)], &["--aws-price-list", "missing.csv"]),
        "error: missing.csv:6: the header has no `CapacityStatus`, `Region Code` columns\n  \
         help: this reads the AmazonEC2 price list CSV; check that the file is that offer's, as published; nothing was written\n",
    );
    let price = ec2_csv(
        HEADER,
        "\"A\",\"OnDemand\",\"Hrs\",\"0.0960000000\",\"USD\",\"m5.large\",\"Shared\",\"Linux\",\"NA\",\"Used\",\"us-east-1\"\n\
         \"B\",\"OnDemand\",\"Hrs\",\"0.09.6\",\"USD\",\"m5.xlarge\",\"Shared\",\"Linux\",\"NA\",\"Used\",\"us-east-1\"\n",
    );
    assert_error(
        &import_in(dir.path(), &[("price.csv", &price)], &["--aws-price-list", "price.csv"]),
        "error: price.csv:8: `0.09.6` in PricePerUnit is not a price\n  \
         help: the AWS Price List writes prices as plain decimals such as 0.0960000000; check that the file is complete and unedited; nothing was written\n",
    );
    let short = ec2_csv(HEADER, "\"A\",\"OnDemand\",\"Hrs\"\n");
    assert_error(
        &import_in(dir.path(), &[("short.csv", &short)], &["--aws-price-list", "short.csv"]),
        "error: short.csv:7: this row has 3 fields, the header 11\n  help: check that the file is complete and unedited; nothing was written\n",
    );
    let quote = ec2_csv(HEADER, "\"A,\"OnDemand\n");
    assert_error(
        &import_in(dir.path(), &[("quote.csv", &quote)], &["--aws-price-list", "quote.csv"]),
        "error: quote.csv:7: the quoting of this line is malformed\n  \
         help: a field holding a comma or a quote is written in double quotes, with \"\" for a quote; check that the file is complete and unedited; nothing was written\n",
    );
}

#[test]
fn malformed_json_is_an_error_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let truncated =
        "{\"offerCode\": \"AmazonEC2\", \"products\": {\n\"A\": {\"productFamily\": \"Compute";
    assert_error(
        &import_in(dir.path(), &[("cut.json", truncated)], &["--aws-price-list", "cut.json"]),
        "error: cut.json:2:31: the JSON ends before it is complete\n  help: the file is truncated: download it again; nothing was written\n",
    );
    let price = "{\"Items\": [\n{\"serviceName\": \"Virtual Machines\", \"type\": \"Consumption\", \"productName\": \"Virtual Machines Dv3 Series\", \"meterName\": \"D2 v3\", \"armSkuName\": \"Standard_D2_v3\", \"armRegionName\": \"eastus\", \"unitOfMeasure\": \"1 Hour\", \"currencyCode\": \"USD\",\n\"retailPrice\": -0.096}\n]}";
    assert_error(
        &import_in(dir.path(), &[("page.json", price)], &["--azure-retail-prices", "page.json"]),
        "error: page.json:3: Items[0].retailPrice `-0.096` is not a price\n  \
         help: a retail price is a non-negative JSON number such as 3.673; check that the page is unedited; nothing was written\n",
    );
    let missing = "{\"Items\": [{\"serviceName\": \"Virtual Machines\"}]}";
    assert_error(
        &import_in(dir.path(), &[("bare.json", missing)], &["--azure-retail-prices", "bare.json"]),
        "error: bare.json:1: Items[0] has no `type`, `productName`, `meterName`, `unitOfMeasure`, `currencyCode`, `retailPrice`: this is not a Retail Prices item\n  \
         help: save each page the API returns (https://prices.azure.com/api/retail/prices?$filter=serviceName eq 'Virtual Machines' ...) as a file and pass the files as they are; nothing was written\n",
    );
    let gcp = "{\"skus\": [{\"skuId\": \"49C6-9328-AC0B\", \"description\": \"Nvidia Tesla T4 GPU running in Americas\", \"category\": {\"resourceFamily\": \"Compute\", \"resourceGroup\": \"GPU\", \"usageType\": \"OnDemand\"}, \"serviceRegions\": [\"us-central1\"], \"pricingInfo\": [{\"pricingExpression\": {\"usageUnit\": \"h\", \"tieredRates\": [{\"startUsageAmount\": 0, \"unitPrice\": {\"currencyCode\": \"USD\", \"units\": \"-1\", \"nanos\": 0}}]}}]}]}";
    assert_error(
        &import_in(dir.path(), &[("skus.json", gcp)], &["--gcp-billing-catalog", "skus.json", "--as-of", "2025-09-15"]),
        "error: skus.json:1: skus[0] (skuId 49C6-9328-AC0B): the unit price (units -1, nanos 0) is not an amount\n  \
         help: a price is whole units and nanos from 0 to 999,999,999, neither negative; check that the page is unedited; nothing was written\n",
    );
}

#[test]
fn two_prices_for_one_item_and_region_name_both_places() {
    assert_error(
        &import(&["--azure-retail-prices", "azure-vm-page-1.json", "azure-vm-conflict.json"]),
        "error: azure-vm-conflict.json:25: Items[0]: azurerm Standard_NC24ads_A100_v4 in eastus costs 3.5/hour here and 3.673/hour at azure-vm-page-1.json:27\n  \
         help: the input gives two prices for one item in one region, so neither is taken; check that the files are of one download (the pages of one query, one version of a price list), or import them separately; nothing was written\n",
    );
}

#[test]
fn nothing_taken_is_an_error_with_the_summary() {
    assert_error(
        &import(&["--azure-retail-prices", "azure-windows-only.json"]),
        "azure-windows-only.json (Azure Retail Prices API JSON): imported 0 prices; skipped 1 of 1 items:\n\
         \x20 1 Windows\n\
         error: no price was taken from the inputs; nothing was written\n  \
         help: the lines above count what was skipped and why; check that the files are of the right offer, service and currency\n",
    );
}

#[test]
fn usage_errors() {
    assert_error(
        &import(&["--aws-price-list", "aws-ec2-us-east-1.csv", "--as-of", "2025-02-30"]),
        "error: --as-of `2025-02-30` is not a date: there is no day 30 in February 2025, which has 28 days\n  \
         help: write the date the prices are of as YYYY-MM-DD, such as --as-of 2026-11-01\n",
    );
    assert_error(
        &import(&["--aws-price-list", "no-such-file.csv"]),
        "error: cannot read no-such-file.csv: No such file or directory (os error 2)\n  help: check the path; nothing was written\n",
    );
    let run = import(&[]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.starts_with("error: the following required arguments were not provided:\n  <--aws-price-list <FILE>...|--azure-retail-prices <FILE>...|--gcp-billing-catalog <FILE>...>\n"),
        "{}",
        run.stderr
    );
    let run = import(&[
        "--aws-price-list",
        "aws-ec2-us-east-1.csv",
        "--install",
        "--output",
        "x.csv",
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .starts_with("error: the argument '--install' cannot be used with '--output <FILE>'"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_file_without_region_codes_or_dates() {
    let dir = tempfile::tempdir().unwrap();
    // An older CSV: no "Region Code" column, so the Location is mapped through the SDK
    // region names; no "Publication Date" line, so --as-of is needed.
    let csv = "\u{feff}\"FormatVersion\",\"v1.0\"\n\"OfferCode\",\"AmazonEC2\"\n\
        \"SKU\",\"TermType\",\"Unit\",\"PricePerUnit\",\"Currency\",\"Instance Type\",\"Tenancy\",\"Operating System\",\"Pre Installed S/W\",\"CapacityStatus\",\"Location\"\n\
        \"A\",\"OnDemand\",\"Hrs\",\"0.1070000000\",\"USD\",\"m5.large\",\"Shared\",\"Linux\",\"NA\",\"Used\",\"EU (Ireland)\"\n\
        \"B\",\"OnDemand\",\"Hrs\",\"0.2000000000\",\"USD\",\"m5.large\",\"Shared\",\"Linux\",\"NA\",\"Used\",\"Atlantis\"\n";
    assert_error(
        &import_in(dir.path(), &[("old.csv", csv)], &["--aws-price-list", "old.csv"]),
        "old.csv (AWS Price List CSV, offer AmazonEC2): imported 1 price; skipped 1 of 2 rows:\n\
         \x20 1 location not mapped to a region\n\
         error: old.csv gives no date for its prices\n  \
         help: pass the date the prices are of with --as-of YYYY-MM-DD, such as the day the files were downloaded; nothing was written\n",
    );
    let run = import_in(
        dir.path(),
        &[],
        &["--aws-price-list", "old.csv", "--as-of", "2020-01-01"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .ends_with("provider,region,item,usd_per_hour\naws,eu-west-1,m5.large,0.107\n"),
        "{}",
        run.stdout
    );

    // Azure items without effectiveStartDate give no date either; a byte-order mark is
    // allowed before the JSON.
    let page = "\u{feff}{\"Items\": [{\"serviceName\": \"Virtual Machines\", \"type\": \"Consumption\", \"productName\": \"Virtual Machines Dv3 Series\", \"meterName\": \"D2 v3\", \"skuName\": \"D2 v3\", \"armSkuName\": \"Standard_D2_v3\", \"armRegionName\": \"eastus\", \"unitOfMeasure\": \"1 Hour\", \"currencyCode\": \"USD\", \"retailPrice\": 0.096}]}";
    let run = import_in(
        dir.path(),
        &[("page.json", page)],
        &["--azure-retail-prices", "page.json"],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.ends_with("error: no Azure item taken has an effectiveStartDate, so the Azure pages give no date for their prices\n  help: pass the date the prices are of with --as-of YYYY-MM-DD, such as the day the files were downloaded; nothing was written\n"),
        "{}",
        run.stderr
    );
    let run = import_in(
        dir.path(),
        &[],
        &[
            "--azure-retail-prices",
            "page.json",
            "--as-of",
            "2026-01-05",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .ends_with("azurerm,eastus,Standard_D2_v3,0.096\n"),
        "{}",
        run.stdout
    );
}

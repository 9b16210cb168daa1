//! OpenTofu files (issue 17, point 3): `.tofu` and `.tofu.json` are read, and an `x.tofu`
//! takes the place of an `x.tf` next to it, as OpenTofu does, in the scanned directory and
//! in the modules it calls. `testdata/terraform/opentofu/`.

#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use crate::common;

use std::path::Path;

use common::run::aicost;
use serde_json::Value;

#[test]
fn tofu_files_are_read_and_take_the_place_of_tf_files_of_the_same_name() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let run = aicost(
        root,
        &["check", "testdata/terraform/opentofu", "--format", "json"],
        &[],
    );
    let report: Value = serde_json::from_str(&run.stdout).expect("a JSON report");
    assert_eq!(report["errors"], serde_json::json!([]));
    let rows: Vec<(String, String, String, String)> = report["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .map(|r| {
            (
                r["address"].as_str().unwrap_or_default().to_string(),
                r["file"].as_str().unwrap_or_default().to_string(),
                r["compute"]["instance_type"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                r["monthly_cost"]["baseline"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            )
        })
        .collect();
    let row = |a: &str, f: &str, t: &str, m: &str| {
        (
            a.to_string(),
            format!("testdata/terraform/opentofu/{f}"),
            t.to_string(),
            m.to_string(),
        )
    };
    // One trainer, from main.tofu (g5.2xlarge: 730 h x $1.212 = $884.76), not also the
    // g5.xlarge of main.tf; the module's g6.xlarge (730 x $0.8048 = $587.50) from its
    // main.tofu; serving from a .tofu.json file (730 x $1.006 = $734.38).
    assert_eq!(
        rows,
        vec![
            row(
                "aws_instance.serving",
                "serving.tofu.json",
                "g5.xlarge",
                "734.38"
            ),
            row("aws_instance.trainer", "main.tofu", "g5.2xlarge", "884.76"),
            row(
                "module.gpu.aws_instance.node",
                "modules/gpu/main.tofu",
                "g6.xlarge",
                "587.50"
            ),
        ]
    );
    // --verbose says which files were not read, and why.
    let verbose = aicost(
        root,
        &["check", "testdata/terraform/opentofu", "--verbose"],
        &[],
    );
    let notes: Vec<&str> = verbose
        .stderr
        .lines()
        .chain(verbose.stdout.lines())
        .filter(|l| l.contains("is not read"))
        .collect();
    assert_eq!(
        notes,
        vec![
            "note: `testdata/terraform/opentofu/main.tf` is not read: an OpenTofu `.tofu` file of the same name takes its place",
            "note: `testdata/terraform/opentofu/modules/gpu/main.tf` is not read: an OpenTofu `.tofu` file of the same name takes its place",
        ]
    );
}

//! No input may crash the loader: arbitrary bytes, arbitrary HCL-looking text, deeply nested
//! expressions and every real fixture cut short must each give resources or errors, never a
//! panic or an abort. `PROPTEST_CASES` raises the number of random cases (CI uses more).

// Test code: a failed setup step should stop the test loudly.
#![allow(clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use aicost_policy::discover::discover;
use aicost_policy::load::source::PathNamer;
use aicost_policy::load::terraform::{load, TerraformOptions};
use aicost_policy::model::Inventory;
use aicost_policy::policy::{Policies, Settings};
use proptest::prelude::*;

/// Loads one directory and evaluates the built-in policies on whatever was read.
fn check_dir(dir: &Path) -> Inventory {
    let root = dir.canonicalize().expect("temp dir exists");
    let namer = PathNamer::new(root.clone());
    let found = discover(&[root], &namer, &globset::GlobSet::empty());
    let mut inventory = Inventory::default();
    let options = TerraformOptions {
        vars: Vec::new(),
        env: Vec::new(),
        max_file_size: 1 << 20,
    };
    load(&found.terraform_modules, &namer, &options, &mut inventory);
    let _ = policies().evaluate(&inventory.resources, &Settings::default());
    inventory
}

/// The built-in policies, loaded once for all cases.
fn policies() -> &'static Policies {
    static POLICIES: OnceLock<Policies> = OnceLock::new();
    POLICIES.get_or_init(|| Policies::load(&Default::default()).expect("built-in policies load"))
}

fn check_text(name: &str, bytes: &[u8]) -> Inventory {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join(name), bytes).expect("write input");
    check_dir(dir.path())
}

/// Every error must point inside the file it names.
fn assert_errors_are_located(inventory: &Inventory, text_len: usize) {
    for e in &inventory.errors {
        assert!(e.location.line >= 1, "{e:?}");
        assert!(e.location.span.0 <= text_len, "{e:?}");
    }
}

/// Fragments real configurations are made of, so random text often gets deep into the
/// parser and evaluator rather than failing on the first byte.
fn hcl_fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("resource \"aws_instance\" \"x\" {".to_string()),
        Just("}".to_string()),
        Just("{".to_string()),
        Just("variable \"v\" {}".to_string()),
        Just("locals { a = local.b\n b = local.a }".to_string()),
        Just("count = length(var.v)".to_string()),
        Just("for_each = toset([\"a\", \"b\"])".to_string()),
        Just("tags = merge(var.v, { team = \"ml\" })".to_string()),
        Just("instance_type = \"p5.48xlarge\"".to_string()),
        Just("dynamic \"tag\" { for_each = var.v content { key = tag.key } }".to_string()),
        Just("module \"m\" { source = \"./\" }".to_string()),
        Just("x = [for k, v in var.v : v if k != \"\"]".to_string()),
        Just("\"${".to_string()),
        Just("%{ if true }".to_string()),
        Just("<<EOT\n".to_string()),
        Just("EOT\n".to_string()),
        Just("\n".to_string()),
        "[a-z_]{1,8}".prop_map(|s| s),
        "[ -~]{0,12}".prop_map(|s| s),
    ]
}

/// 64 random cases per property, or `PROPTEST_CASES` when set (CI sets more).
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn arbitrary_bytes_never_crash(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let inventory = check_text("main.tf", &bytes);
        assert_errors_are_located(&inventory, bytes.len());
    }

    #[test]
    fn arbitrary_json_bytes_never_crash(bytes in proptest::collection::vec(any::<u8>(), 0..1024)) {
        let inventory = check_text("main.tf.json", &bytes);
        assert_errors_are_located(&inventory, bytes.len());
    }

    #[test]
    fn hcl_like_text_never_crashes(parts in proptest::collection::vec(hcl_fragment(), 0..40)) {
        let text = parts.join(" ");
        let inventory = check_text("main.tf", text.as_bytes());
        assert_errors_are_located(&inventory, text.len());
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    for (open, close) in [("[", "]"), ("(", ")"), ("{", "}"), ("\"${", "}\"")] {
        let depth = 100_000;
        let text = format!(
            "locals {{ x = {}1{} }}\n",
            open.repeat(depth),
            close.repeat(depth)
        );
        let inventory = check_text("main.tf", text.as_bytes());
        assert_eq!(inventory.errors.len(), 1, "{open}: {:?}", inventory.errors);
        let json = format!(
            "{{\"locals\": {{\"x\": {}1{}}}}}",
            "[".repeat(depth),
            "]".repeat(depth)
        );
        let inventory = check_text("main.tf.json", json.as_bytes());
        assert_eq!(inventory.errors.len(), 1, "json: {:?}", inventory.errors);
    }
}

#[test]
fn huge_counts_and_widths_are_errors_not_exhaustion() {
    let text = r#"resource "aws_instance" "many" {
  count         = 1000000000
  instance_type = format("%999999999d", 1)
}
locals {
  big = [for a in range(1024) : [for b in range(1024) : [for c in range(1024) : c]]]
}
"#;
    let inventory = check_text("main.tf", text.as_bytes());
    assert!(
        inventory.resources.len() <= 100_000,
        "{}",
        inventory.resources.len()
    );
    assert!(inventory.errors.len() >= 2, "{:?}", inventory.errors);
}

fn fixture_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            fixture_files(&path, out);
        } else if path.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
            n.ends_with(".tf") || n.ends_with(".tf.json") || n.ends_with(".tfvars")
        }) {
            out.push(path);
        }
    }
}

#[test]
fn every_fixture_cut_short_never_crashes() {
    let mut files = Vec::new();
    fixture_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata"),
        &mut files,
    );
    files.sort();
    assert!(!files.is_empty(), "no fixtures found under testdata/");
    for file in files {
        let text = std::fs::read(&file).expect("fixture is readable");
        let name = file
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("main.tf")
            .to_string();
        // Every cut point for small files, about 64 evenly spaced ones for larger files.
        let step = (text.len() / 64).max(1);
        for cut in (0..text.len()).step_by(step) {
            let inventory = check_text(&name, &text[..cut]);
            assert_errors_are_located(&inventory, cut);
        }
    }
}

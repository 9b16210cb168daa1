//! No input may crash the loader: arbitrary bytes, arbitrary HCL-looking text, deeply nested
//! expressions and every real fixture cut short must each give resources or errors, never a
//! panic or an abort. `PROPTEST_CASES` raises the number of random cases (CI uses more).

// Test code: a failed setup step should stop the test loudly.
#![allow(clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use aicost_policy::discover::discover;
use aicost_policy::load::source::PathNamer;
use aicost_policy::load::terraform::budget::{
    map_bytes, MAX_ROOT_INSTANCES, MAX_RUN_KEPT, MAX_VALUE_BYTES, RUN_GROUPS,
};
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
        extra_regions: Vec::new(),
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

/// Checks one directory tree of files (path relative to the temp dir, text).
fn check_tree(files: &[(String, String)]) -> Inventory {
    let dir = tempfile::tempdir().expect("temp dir");
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
        std::fs::write(path, text).expect("write input");
    }
    check_dir(dir.path())
}

/// What evaluation made stays within the root's budgets: no more instances than the
/// limit, no attribute value larger than one value may be, no more kept than one group
/// of roots may keep, and every error inside the file it names.
fn assert_bounded(inventory: &Inventory, files: &[(String, String)]) {
    assert!(inventory.resources.len() as u64 <= MAX_ROOT_INSTANCES);
    let mut kept = 0u64;
    for r in &inventory.resources {
        for v in r.attributes.entries.values() {
            assert!(
                aicost_policy::load::terraform::budget::value_bytes(v) <= MAX_VALUE_BYTES,
                "{}",
                r.address
            );
        }
        kept += map_bytes(&r.attributes) as u64;
    }
    assert!(kept <= MAX_RUN_KEPT / RUN_GROUPS as u64, "{kept}");
    for e in &inventory.errors {
        let len = files
            .iter()
            .find(|(path, _)| e.location.file.as_ref() == path.as_str())
            .map_or(usize::MAX, |(_, text)| text.len());
        assert!(e.location.line >= 1, "{e:?}");
        assert!(e.location.span.0 <= len, "{e:?}");
    }
}

/// Function names for random calls: those that build large results from small arguments
/// first, then the rest of the common ones.
const FUNCTIONS: &[&str] = &[
    "format",
    "formatlist",
    "join",
    "split",
    "replace",
    "regexall",
    "regex",
    "transpose",
    "jsondecode",
    "jsonencode",
    "concat",
    "flatten",
    "merge",
    "zipmap",
    "distinct",
    "setunion",
    "setintersection",
    "range",
    "length",
    "keys",
    "values",
    "tolist",
    "toset",
    "tomap",
    "lookup",
    "element",
    "slice",
    "sort",
    "reverse",
    "upper",
    "title",
    "try",
    "can",
    "coalesce",
    "compact",
    "one",
    "sum",
    "max",
    "tostring",
    "tonumber",
];

/// Random HCL expressions over a few locals, with the numbers and format strings that
/// make values grow (Go's widest padding, ranges of a thousand).
fn expression() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        (0u32..4).prop_map(|n| n.to_string()),
        Just("1000".to_string()),
        Just("999999".to_string()),
        Just("-1".to_string()),
        "[a-z ]{0,3}".prop_map(|s| format!("\"{s}\"")),
        Just("\"%999999d\"".to_string()),
        Just("\"%[1]999999s%[1]v\"".to_string()),
        Just("\"\"".to_string()),
        Just("\"/(a*)*/\"".to_string()),
        (0usize..4).prop_map(|i| format!("local.l{i}")),
        Just("var.v".to_string()),
        Just("x".to_string()),
        Just("null".to_string()),
        Just("true".to_string()),
    ];
    leaf.prop_recursive(4, 32, 3, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4)
                .prop_map(|v| format!("[{}]", v.join(", "))),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{{ a = {a}, b = {b} }}")),
            (
                proptest::sample::select(FUNCTIONS),
                proptest::collection::vec(inner.clone(), 1..4)
            )
                .prop_map(|(f, args)| format!("{f}({})", args.join(", "))),
            (inner.clone(), inner.clone()).prop_map(|(c, b)| format!("[for x in {c} : {b}]")),
            (inner.clone(), inner.clone())
                .prop_map(|(c, b)| format!("{{for k, x in {c} : k => {b}...}}")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("\"${{{a}}}-${{{b}}}\"")),
            (inner.clone(), inner.clone(), inner.clone())
                .prop_map(|(c, a, b)| format!("{c} ? {a} : {b}")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a} + {b}")),
            (inner.clone(), inner).prop_map(|(a, b)| format!("{a}[{b}]")),
        ]
    })
}

/// A root whose locals, variable default, count and arguments are random expressions.
fn expression_root(locals: &[String], default: &str, count: &str) -> String {
    let mut text = format!("variable \"v\" {{\n  default = {default}\n}}\n\nlocals {{\n");
    for (i, l) in locals.iter().enumerate() {
        text.push_str(&format!("  l{i} = {l}\n"));
    }
    text.push_str(&format!(
        "}}\n\nresource \"aws_instance\" \"r\" {{\n  count         = {count}\n  instance_type = \"g5.xlarge\"\n  tags          = {{ a = local.l0, b = var.v }}\n}}\n"
    ));
    text
}

/// A small random module graph: modules `m0`..`m3`, each calling up to two others (or
/// itself) with a small count and passing a random expression down, with a resource and
/// an output that passes values back up.
fn module_graph() -> impl Strategy<Value = Vec<(String, String)>> {
    let call = (0usize..4, 0u32..4, expression());
    let module = (proptest::collection::vec(call, 0..3), expression(), 0u32..3);
    proptest::collection::vec(module, 4).prop_map(|modules| {
        let mut files = vec![(
            "main.tf".to_string(),
            "module \"top\" {\n  source = \"./m0\"\n  input  = 1\n}\n".to_string(),
        )];
        for (i, (calls, local, count)) in modules.iter().enumerate() {
            let mut text = format!(
                "variable \"input\" {{}}\n\nlocals {{\n  l0 = {local}\n  l1 = var.input\n  l2 = 1\n  l3 = \"x\"\n}}\n\nresource \"aws_instance\" \"r\" {{\n  count         = {count}\n  instance_type = \"g5.xlarge\"\n  tags          = {{ a = local.l0 }}\n}}\n"
            );
            let mut outputs = vec!["local.l0".to_string()];
            for (j, (target, n, input)) in calls.iter().enumerate() {
                text.push_str(&format!(
                    "\nmodule \"c{j}\" {{\n  source = \"../m{target}\"\n  count  = {n}\n  input  = {input}\n}}\n"
                ));
                outputs.push(format!("module.c{j}[*].out"));
            }
            text.push_str(&format!(
                "\noutput \"out\" {{\n  value = [{}]\n}}\n",
                outputs.join(", ")
            ));
            files.push((format!("m{i}/main.tf"), text));
        }
        files
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn random_expressions_stay_within_the_budget(
        locals in proptest::collection::vec(expression(), 4),
        default in expression(),
        count in prop_oneof![Just("1".to_string()), Just("local.l1".to_string()), expression()],
    ) {
        let files = vec![("main.tf".to_string(), expression_root(&locals, &default, &count))];
        let inventory = check_tree(&files);
        assert_bounded(&inventory, &files);
    }

    #[test]
    fn random_module_graphs_stay_within_the_budget(files in module_graph()) {
        let inventory = check_tree(&files);
        assert_bounded(&inventory, &files);
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

//! Loading YAML: multi-document streams with exact spans, `kind: List`, broken documents
//! beside good ones, Helm templates, hostile documents (billion laughs, deep nesting, huge
//! alias expansions), duplicate keys, files that are not Kubernetes, and standard input
//! through the real binary. Fixtures are under `testdata/yaml/`.
//!
//! What each document becomes is the extraction's business (`kinds/`); these tests assert
//! only what loading decides: documents, lines, errors and notes.

// Test code: a failed expectation should stop the test loudly.
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::common;
use aicost_policy::discover::discover;
use aicost_policy::load::kubernetes::yaml::{parse_stream, Document, Limits, Node, NodeValue};
use aicost_policy::load::kubernetes::{load, read_documents, HELM_HINT, STDIN_NAME};
use aicost_policy::load::source::{PathNamer, SourceFile};
use aicost_policy::model::{line_col, InputError, Inventory};
use proptest::prelude::*;

const CRATE_DIR: &str = env!("CARGO_MANIFEST_DIR");

fn fixture_path(name: &str) -> PathBuf {
    Path::new(CRATE_DIR).join("testdata/yaml").join(name)
}

fn fixture(name: &str) -> SourceFile {
    let text = std::fs::read_to_string(fixture_path(name)).expect("fixture exists");
    SourceFile::new(Arc::from(format!("testdata/yaml/{name}")), Arc::from(text))
}

fn line_of(text: &str, offset: usize) -> u32 {
    line_col(text, offset).0
}

fn name_of(doc: &Document) -> &str {
    doc.root
        .path("metadata.name")
        .and_then(Node::as_str)
        .expect("the document has a name")
}

/// The one error of a fixture, which must also yield `docs` documents.
fn single_error(name: &str, docs: usize) -> (SourceFile, InputError) {
    let file = fixture(name);
    let (read, mut errors) = read_documents(&file, &Limits::default());
    assert_eq!(read.len(), docs, "{read:?}");
    assert_eq!(errors.len(), 1, "{errors:?}");
    (file, errors.remove(0))
}

#[test]
fn multi_document_files_give_each_document_its_exact_span() {
    let file = fixture("multi.yaml");
    let text = &*file.text;
    let docs: Vec<Document> = parse_stream(text, &Limits::default())
        .into_iter()
        .map(|d| d.expect("every document is valid"))
        .collect();
    assert_eq!(docs.len(), 3);

    // A document runs from its first node (past `---` and comments) to its last node.
    let expected = [
        ("apiVersion: v1\nkind: Namespace", "  name: inference", 2, 5),
        ("apiVersion: apps/v1", "nvidia.com/gpu: 1", 8, 31),
        ("apiVersion: v1\nkind: Service", "- port: 8000", 33, 40),
    ];
    for (doc, (first, last, start_line, end_line)) in docs.iter().zip(expected) {
        let start = text.find(first).unwrap();
        let end = text[start..].find(last).unwrap() + start + last.len();
        assert_eq!(doc.span, (start, end), "{first}");
        assert_eq!(doc.span, doc.root.span);
        assert_eq!(line_of(text, doc.span.0), start_line);
        assert_eq!(line_of(text, doc.span.1), end_line);
    }

    // Fields keep their own spans, and scalars say whether they were quoted.
    let deployment = &docs[1];
    let replicas = deployment.root.path("spec.replicas").unwrap();
    assert_eq!(
        replicas.value,
        NodeValue::Scalar {
            text: "2".into(),
            plain: true
        }
    );
    assert_eq!(line_of(text, replicas.span.0), 14);
    assert_eq!(&text[replicas.span.0..replicas.span.1], "2");
    let containers = deployment
        .root
        .path("spec.template.spec.containers")
        .unwrap();
    let gpu = containers.items()[0]
        .path("resources.limits")
        .and_then(|l| l.get("nvidia.com/gpu"))
        .unwrap();
    assert_eq!(line_of(text, gpu.span.0), 31);
    let args: Vec<&str> = containers.items()[0]
        .get("args")
        .unwrap()
        .items()
        .iter()
        .filter_map(Node::as_str)
        .collect();
    assert_eq!(args, ["--model", "meta-llama/Llama-3.1-8B-Instruct"]);
}

#[test]
fn a_kind_list_is_unpacked_into_its_items() {
    let file = fixture("list.yaml");
    let (docs, errors) = read_documents(&file, &Limits::default());
    assert!(errors.is_empty(), "{errors:?}");
    let kinds: Vec<(&str, &str, u32)> = docs
        .iter()
        .map(|d| {
            (
                d.root.get("kind").and_then(Node::as_str).unwrap(),
                name_of(d),
                line_of(&file.text, d.span.0),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("Deployment", "embedder", 7),
            ("HorizontalPodAutoscaler", "embedder", 22)
        ]
    );
}

#[test]
fn a_broken_document_in_the_middle_leaves_the_others_readable() {
    let file = fixture("broken-middle.yaml");
    let parsed = parse_stream(&file.text, &Limits::default());
    assert_eq!(parsed.len(), 3, "{parsed:?}");
    assert!(parsed[0].is_ok() && parsed[1].is_err() && parsed[2].is_ok());

    let (docs, errors) = read_documents(&file, &Limits::default());
    let names: Vec<&str> = docs.iter().map(name_of).collect();
    assert_eq!(names, ["first", "third"]);
    assert_eq!(errors.len(), 1);
    let error = &errors[0];
    assert_eq!(&*error.location.file, "testdata/yaml/broken-middle.yaml");
    // The flow sequence opened on line 12 is never closed; the parser notices on line 13.
    assert_eq!(error.location.line, 13, "{error:?}");
    assert!(error.message.starts_with("invalid YAML: "), "{error:?}");
    assert!(!error.message.contains("Helm"), "{error:?}");
    let help = error.help.as_deref().unwrap();
    assert!(help.contains("if this is a Helm template"), "{help}");
    assert!(
        help.contains("helm template ... | aicost-policy check -"),
        "{help}"
    );
}

#[test]
fn an_unrendered_helm_template_is_an_error_with_the_hint() {
    let (file, error) = single_error("helm-template.yaml", 0);
    assert_eq!(&*error.location.file, &*file.path);
    // `name: {{ include ... }}` reads as a map used as a key: the first thing that fails.
    assert_eq!(error.location.line, 5, "{error:?}");
    assert!(
        error
            .message
            .contains("looks like an unrendered Helm template"),
        "{error:?}"
    );
    assert_eq!(error.help.as_deref(), Some(HELM_HINT));
}

#[test]
fn template_text_inside_quoted_strings_is_valid_yaml() {
    let file = fixture("helm-quoted.yaml");
    let (docs, errors) = read_documents(&file, &Limits::default());
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(docs.len(), 1);
    assert_eq!(name_of(&docs[0]), "{{ .Release.Name }}-prompts");
    let system = docs[0].root.path("data.system").unwrap();
    assert_eq!(
        system.value,
        NodeValue::Scalar {
            text: "{{ .Values.systemPrompt }}".into(),
            plain: false
        }
    );
}

#[test]
fn a_fifty_document_file_gives_fifty_documents_at_their_lines() {
    let file = fixture("fifty.yaml");
    let (docs, errors) = read_documents(&file, &Limits::default());
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(docs.len(), 50);
    for (i, doc) in docs.iter().enumerate() {
        assert_eq!(name_of(doc), format!("shard-{i:02}"));
        // A comment line, then 7 lines per document and a `---` between documents.
        let expected = 2 + 8 * u32::try_from(i).unwrap();
        assert_eq!(line_of(&file.text, doc.span.0), expected, "document {i}");
    }
}

#[test]
fn a_billion_laughs_document_is_refused_before_it_is_expanded() {
    let (file, error) = single_error("billion-laughs.yaml", 0);
    // Nothing is copied before the count is checked, so this returns at once rather
    // than allocating gigabytes.
    let parsed = parse_stream(&file.text, &Limits::default());
    assert_eq!(parsed.len(), 1);
    assert!(
        error
            .message
            .contains("would expand to more than 1000000 nodes through its aliases"),
        "{error:?}"
    );
    // Refused at the first level past the limit (`f`: 10^6 strings), not at the end.
    assert_eq!(error.location.line, 11, "{error:?}");
}

#[test]
fn aliases_of_long_text_are_refused_by_size_not_expanded() {
    // Few nodes, but 10^8 copies of a 100 KB string: only the size budget stops it, and the
    // test could not finish if anything were copied.
    let mut text = format!("a: &a \"{}\"\n", "x".repeat(100_000));
    text.push_str("b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\n");
    for (name, prev) in [("c", "b"), ("d", "c"), ("e", "d"), ("f", "e"), ("g", "f")] {
        text.push_str(&format!(
            "{name}: &{name} [{}]\n",
            vec![format!("*{prev}"); 10].join(",")
        ));
    }
    let parsed = parse_stream(&text, &Limits::default());
    let error = parsed[0].as_ref().unwrap_err();
    assert!(
        error.message.contains("bytes through its aliases"),
        "{error:?}"
    );
    // `b` copies 1 MB; the first alias of `c` past 8 MiB is refused.
    assert_eq!(line_of(&text, error.offset), 3);
}

#[test]
fn nested_anchors_do_not_multiply_memory() {
    // No alias at all, but 120 anchors each around the same 400,000-item list: keeping a
    // copy of every anchored node must not cost 120 copies (gigabytes from 800 KB).
    let mut text = String::from("a: ");
    for i in 0..120 {
        text.push_str(&format!("&a{i} ["));
    }
    text.push_str(&"1,".repeat(400_000));
    text.push('1');
    text.push_str(&"]".repeat(120));
    text.push('\n');
    let parsed = parse_stream(&text, &Limits::default());
    assert_eq!(parsed.len(), 1);
    // A few nested anchors around small nodes are read as usual.
    let parsed = parse_stream("a: &x {b: &y [&z 1, 2]}\nc: *y\n", &Limits::default());
    let doc = parsed[0].as_ref().unwrap();
    assert_eq!(doc.root.get("c").unwrap().items().len(), 2);
}

#[test]
fn a_small_node_budget_is_honoured_exactly() {
    let limits = Limits {
        max_nodes: 7,
        ..Limits::default()
    };
    // A map, then two keys and two values: five nodes; the alias adds a copy of 1 node.
    assert!(parse_stream("a: &x 1\nb: *x\n", &limits)[0].is_ok());
    // Two three-node lists, each aliased once: 1 + 2 keys + 2 × 3 + 2 keys + 2 × 3 > 7.
    let parsed = parse_stream("a: &x [1, 2]\nb: *x\nc: *x\n", &limits);
    assert!(parsed[0].is_err(), "{parsed:?}");
}

#[test]
fn deep_nesting_is_refused() {
    let (_, error) = single_error("deep.yaml", 0);
    assert!(
        error.message.contains("more than 128 levels deep"),
        "{error:?}"
    );
    assert_eq!(error.location.line, 6);

    // Block nesting too, and depth reached through an alias counts.
    let mut block = String::new();
    for depth in 0..200 {
        block.push_str(&format!("{}k{depth}:\n", "  ".repeat(depth)));
    }
    let parsed = parse_stream(&block, &Limits::default());
    assert!(parsed[0]
        .as_ref()
        .unwrap_err()
        .message
        .contains("levels deep"));
    let limits = Limits {
        max_depth: 4,
        ..Limits::default()
    };
    assert!(parse_stream("a: &x [[1]]\nb: [[*x]]\n", &limits)[0].is_ok());
    let parsed = parse_stream("a: &x [[1]]\nb: [[[*x]]]\n", &limits);
    assert!(parsed[0]
        .as_ref()
        .unwrap_err()
        .message
        .contains("levels deep"));
}

#[test]
fn an_oversized_document_is_refused_and_the_next_one_read() {
    let limits = Limits {
        max_document_bytes: 100,
        ..Limits::default()
    };
    let text = format!("a: {}\n---\nb: 1\n", "x".repeat(200));
    let parsed = parse_stream(&text, &limits);
    assert_eq!(parsed.len(), 2, "{parsed:?}");
    let error = parsed[0].as_ref().unwrap_err();
    assert!(
        error.message.contains("over the 100-byte limit"),
        "{error:?}"
    );
    assert!(parsed[1].is_ok());
}

#[test]
fn a_duplicate_key_is_an_error_naming_the_key() {
    let (_, error) = single_error("duplicate-key.yaml", 0);
    assert_eq!(error.location.line, 12);
    assert_eq!(
        error.message,
        "duplicate key `image` (first on line 11); kubectl rejects duplicate keys, keep one"
    );
}

#[test]
fn yaml_that_is_not_kubernetes_is_skipped_with_a_note() {
    let root = fixture_path("other").canonicalize().unwrap();
    let namer = PathNamer::new(root.clone());
    let found = discover(&[root], &namer, &globset::GlobSet::empty());
    assert_eq!(found.yaml_files.len(), 3, "{:?}", found.yaml_files);
    let mut inventory = Inventory::default();
    load(&found.yaml_files, None, &namer, 1 << 20, &mut inventory);
    inventory.sort();
    assert!(inventory.errors.is_empty(), "{:?}", inventory.errors);
    assert!(inventory.resources.is_empty());
    assert_eq!(inventory.files, 3);
    let notes: Vec<(String, u32)> = inventory
        .notes
        .iter()
        .map(|n| {
            assert!(n.message.starts_with("YAML document skipped: "), "{n:?}");
            let l = n.location.as_ref().unwrap();
            (l.file.to_string(), l.line)
        })
        .collect();
    assert_eq!(
        notes,
        [
            (".github/workflows/ci.yml".to_string(), 1),
            ("chart/Chart.yaml".to_string(), 1),
            ("docker-compose.yml".to_string(), 1),
        ]
    );
    assert!(inventory.sources.contains_key("docker-compose.yml"));
}

#[test]
fn every_fixture_loads_with_errors_located_in_their_files() {
    let root = fixture_path("").canonicalize().unwrap();
    let namer = PathNamer::new(root.clone());
    let found = discover(&[root], &namer, &globset::GlobSet::empty());
    let mut inventory = Inventory::default();
    load(&found.yaml_files, None, &namer, 1 << 20, &mut inventory);
    inventory.sort();
    let errors: Vec<(&str, u32)> = inventory
        .errors
        .iter()
        .map(|e| (&*e.location.file, e.location.line))
        .collect();
    assert_eq!(
        errors,
        [
            ("billion-laughs.yaml", 11),
            ("broken-middle.yaml", 13),
            ("deep.yaml", 6),
            ("duplicate-key.yaml", 12),
            ("helm-template.yaml", 5),
        ]
    );
    assert_eq!(inventory.files, found.yaml_files.len());
}

#[test]
fn standard_input_is_read_through_the_real_binary() {
    let dir = tempfile::tempdir().unwrap();
    let broken = std::fs::read_to_string(fixture_path("broken-middle.yaml")).unwrap();
    let output = common::run::command()
        .current_dir(dir.path())
        .args(["check", "-", "--color", "never", "--format", "json"])
        .write_stdin(broken)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let errors = report["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{report}");
    let error = errors[0].to_string();
    assert!(error.contains(STDIN_NAME), "{error}");
    assert!(error.contains("invalid YAML"), "{error}");
    assert!(error.contains("\"line\":13"), "{error}");

    // Not Kubernetes: a clean run, and --verbose says what was skipped.
    let compose = std::fs::read_to_string(fixture_path("other/docker-compose.yml")).unwrap();
    let output = common::run::command()
        .current_dir(dir.path())
        .args(["check", "-", "--color", "never", "--verbose"])
        .write_stdin(compose)
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("note: <stdin>:1: YAML document skipped: "),
        "{stdout}"
    );
}

#[test]
fn standard_input_over_the_size_limit_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let output = common::run::command()
        .current_dir(dir.path())
        .args(["check", "-", "--color", "never", "--max-file-size", "10"])
        .write_stdin("a: 1\nb: 2\nc: 3\n")
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(2), "{stdout}");
    assert!(
        stdout.contains("standard input is over the 10-byte limit"),
        "{stdout}"
    );
}

/// Pieces YAML is made of, so random streams reach deep into the parser and the builder.
fn yaml_fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("---\n".to_string()),
        Just("...\n".to_string()),
        Just("a: ".to_string()),
        Just("- ".to_string()),
        Just("&x ".to_string()),
        Just("*x".to_string()),
        Just("<<: ".to_string()),
        Just("[".to_string()),
        Just("]".to_string()),
        Just("{".to_string()),
        Just("}".to_string()),
        Just(", ".to_string()),
        Just("\n".to_string()),
        Just("  ".to_string()),
        Just("|\n".to_string()),
        Just("\"q\"".to_string()),
        Just("!!str ".to_string()),
        Just("{{ .Values.x }}".to_string()),
        "[a-z0-9:# '\"-]{0,8}",
    ]
}

fn assert_well_formed(text: &str, limits: &Limits) {
    for parsed in parse_stream(text, limits) {
        match parsed {
            Ok(doc) => assert!(doc.span.0 <= doc.span.1 && doc.span.1 <= text.len()),
            Err(e) => assert!(e.offset <= text.len(), "{e:?}"),
        }
    }
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let text = String::from_utf8_lossy(&bytes);
        assert_well_formed(&text, &Limits::default());
    }

    #[test]
    fn arbitrary_yaml_like_streams_never_panic(parts in proptest::collection::vec(yaml_fragment(), 0..60)) {
        let text = parts.concat();
        assert_well_formed(&text, &Limits::default());
        // Tight limits take the refusal paths.
        assert_well_formed(&text, &Limits { max_nodes: 5, max_depth: 2, max_document_bytes: 40 });
    }
}

/// A manifest meant for `envsubst` (`nvidia.com/gpu: $GPU_PER_NODE`, `replicas: $NUM_NODES`)
/// is not broken: those values are unknown, named in the findings, not input errors (the
/// AWS distributed-training samples are written this way).
#[test]
fn envsubst_variables_are_unknown_values_not_input_errors() {
    let out = common::run::command()
        .current_dir(CRATE_DIR)
        .args([
            "check",
            "testdata/mistakes/envsubst",
            "--format",
            "json",
            "--today",
            "2026-11-28",
        ])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["errors"], serde_json::json!([]));
    let unknowns: Vec<(String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["policy_id"] == "AIC-GPU-002" || f["policy_id"] == "AIC-K8S-004")
        .map(|f| {
            (
                f["unknowns"][0]["fact"].as_str().unwrap().to_string(),
                f["unknowns"][0]["origin"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        unknowns,
        vec![
            (
                "accelerators_max".to_string(),
                "spec.pytorchReplicaSpecs.Worker.template.spec.containers[0].resources.requests.nvidia.com/gpu is a placeholder: $GPU_PER_NODE".to_string()
            ),
            (
                "replicas_max".to_string(),
                "spec.pytorchReplicaSpecs.Worker.replicas is a placeholder: $NUM_NODES".to_string()
            ),
        ]
    );
}

//! Kubernetes manifests and AI serving configs in YAML (and standard input): documents
//! are parsed with positions (`yaml.rs`), classified, and turned into resource records
//! (`kinds/`). A broken document is reported and the others are still read.
//!
//! Files are parsed in parallel and their results gathered in input order, so the output
//! does not depend on scheduling. HorizontalPodAutoscalers are paired with their targets,
//! and PodTemplates with the ProvisioningRequests that name them, once every file of a root
//! (the file's directory, or standard input) has been read.

pub mod kinds;
pub mod kustomize;
pub mod regions;
pub mod yaml;

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use self::kinds::{Classification, Extracted, Hpa, Options, PodTemplate};
use self::yaml::{Document, DocumentError, Limits, Node, NodeValue};
use crate::load::source::{read_source, read_text, PathNamer, SourceFile, Subject};
use crate::model::{InputError, Inventory, Location, Note, Resource, UnitCounts, WorkloadDetail};

/// What standard input (`-` on the command line) is called in reports; also its root.
pub const STDIN_NAME: &str = "<stdin>";

/// What to do with a Helm template.
pub const HELM_HINT: &str = "render it with `helm template` and pass the output (`helm template ... | aicost-policy check -`)";

/// Reads standard input (or any reader) with the checks a file gets: size limit, no NUL
/// bytes, UTF-8. The caller passes the reader, so only the CLI touches the process's stdin.
pub fn read_stdin(reader: impl Read, max_size: u64) -> Result<Arc<SourceFile>, InputError> {
    read_text(
        reader,
        Arc::from(STDIN_NAME),
        max_size,
        &Subject {
            what: "standard input",
            refused: "was not read",
        },
    )
}

/// Loads YAML files (canonical paths from discovery) and standard input, when given, into
/// `inventory`: resources, errors, notes for skipped documents, and the texts for snippets.
/// Read with the default [`Options`].
pub fn load(
    files: &[PathBuf],
    stdin: Option<Arc<SourceFile>>,
    namer: &PathNamer,
    max_file_size: u64,
    inventory: &mut Inventory,
) {
    load_with(
        files,
        stdin,
        namer,
        max_file_size,
        Options::default(),
        inventory,
    );
}

/// [`load`] with the configuration's options.
pub fn load_with(
    files: &[PathBuf],
    stdin: Option<Arc<SourceFile>>,
    namer: &PathNamer,
    max_file_size: u64,
    options: Options,
    inventory: &mut Inventory,
) {
    let limits = Limits::default();
    // Kustomizations first: the files they list are read through them, not again here.
    let (kustomization_files, plain): (Vec<&PathBuf>, Vec<&PathBuf>) =
        files.iter().partition(|p| {
            p.file_name()
                .is_some_and(|n| kustomize::is_kustomization_file(&n.to_string_lossy()))
        });
    let kustomization_files: Vec<PathBuf> = kustomization_files.into_iter().cloned().collect();
    let built = kustomize::load(&kustomization_files, namer, max_file_size, &limits, options);
    for file in &built.files {
        inventory.files += 1;
        inventory
            .sources
            .insert(file.path.clone(), file.text.clone());
    }
    inventory.errors.extend(built.errors);
    inventory.notes.extend(built.notes);
    inventory.resources.extend(built.resources);
    let mut unlisted = Vec::new();
    let plain: Vec<&PathBuf> = plain
        .into_iter()
        .filter(|p| !built.consumed.contains(*p))
        .filter(|p| {
            // Beside a kustomization that does not list it (a patch left out, a disabled
            // resource): kustomize does not deploy it.
            let beside = p.parent().is_some_and(|d| built.dirs.contains(d));
            if beside {
                unlisted.push(namer.name(p));
            }
            !beside
        })
        .collect();
    for name in unlisted {
        inventory.notes.push(Note {
            location: Some(Location::file_start(name.clone())),
            message: format!(
                "`{name}` is not listed by the kustomization in its directory, so kustomize does not deploy it; not checked"
            ),
        });
    }
    let mut results: Vec<FileResult> = plain
        .par_iter()
        .map(|path| read_file(path, namer, max_file_size, &limits, options))
        .collect();
    if let Some(file) = stdin {
        results.push(load_source(file, Arc::from(STDIN_NAME), &limits, options));
    }

    // HPAs and PodTemplates pair with objects in the same root only.
    let mut by_root: BTreeMap<Arc<str>, Root> = BTreeMap::new();
    for result in results {
        if let Some(file) = result.file {
            inventory.files += 1;
            inventory
                .sources
                .insert(file.path.clone(), file.text.clone());
        }
        inventory.errors.extend(result.extracted.errors);
        inventory.notes.extend(result.extracted.notes);
        let entry = by_root.entry(result.root).or_default();
        entry.resources.extend(result.extracted.resources);
        entry.hpas.extend(result.extracted.hpas);
        entry.templates.extend(result.extracted.pod_templates);
    }
    for mut root in by_root.into_values() {
        kinds::link_hpas(&mut root.resources, &root.hpas);
        kinds::link_pod_templates(&mut root.resources, &root.templates);
        inventory.resources.extend(root.resources);
    }
}

/// What the files of one root gave, before pairing.
#[derive(Default)]
struct Root {
    resources: Vec<Resource>,
    hpas: Vec<Hpa>,
    templates: Vec<PodTemplate>,
}

/// Sets the pods of every DaemonSet to one per node of `nodes` (`[kubernetes]
/// daemonset_nodes`): a manifest does not say how many nodes its cluster has.
pub fn set_daemonset_nodes(resources: &mut [Resource], nodes: i64) {
    for r in resources {
        let Some(w) = r.workload.as_mut().filter(|w| w.kind == "DaemonSet") else {
            continue;
        };
        if let WorkloadDetail::Pods(p) = &mut w.detail {
            p.replicas = UnitCounts::fixed(nodes);
        }
    }
}

/// What one file gave.
struct FileResult {
    /// The file, when it could be read.
    file: Option<Arc<SourceFile>>,
    root: Arc<str>,
    extracted: Extracted,
}

fn read_file(
    path: &Path,
    namer: &PathNamer,
    max_file_size: u64,
    limits: &Limits,
    options: Options,
) -> FileResult {
    let root = path
        .parent()
        .map_or_else(|| Arc::from("."), |dir| namer.name(dir));
    match read_source(path, namer.name(path), max_file_size) {
        Ok(file) => load_source(file, root, limits, options),
        Err(e) => FileResult {
            file: None,
            root,
            extracted: Extracted {
                errors: vec![e],
                ..Extracted::default()
            },
        },
    }
}

/// The documents of a file, with `kind: List` documents unpacked into their items, and
/// the documents that could not be read as errors at their file and line.
pub fn read_documents(file: &SourceFile, limits: &Limits) -> (Vec<Document>, Vec<InputError>) {
    let mut docs = Vec::new();
    let mut errors = Vec::new();
    for parsed in yaml::parse_stream(&file.text, limits) {
        match parsed {
            Err(e) => errors.push(document_error(file, &e)),
            Ok(doc) => docs.extend(unpack_lists(doc)),
        }
    }
    (docs, errors)
}

/// Parses one stream and extracts every document of it.
fn load_source(
    file: Arc<SourceFile>,
    root: Arc<str>,
    limits: &Limits,
    options: Options,
) -> FileResult {
    let (docs, errors) = read_documents(&file, limits);
    let mut out = Extracted {
        errors,
        ..Extracted::default()
    };
    for doc in &docs {
        extract_document(doc, &file, &root, options, None, &mut out);
    }
    FileResult {
        file: Some(file),
        root,
        extracted: out,
    }
}

/// The records of one document; `regions` says where nodes merged in from other files are
/// (a document built by kustomize).
fn extract_document(
    doc: &Document,
    file: &SourceFile,
    root: &Arc<str>,
    options: Options,
    regions: Option<&regions::Regions>,
    out: &mut Extracted,
) {
    match kinds::classify(doc) {
        Classification::Other(reason) => out.notes.push(Note {
            location: Some(file.location(doc.span).first_line()),
            message: format!("YAML document skipped: {reason}"),
        }),
        class => {
            let got = kinds::extract_with(doc, &class, file, root, options, regions);
            out.resources.extend(got.resources);
            out.hpas.extend(got.hpas);
            out.pod_templates.extend(got.pod_templates);
            out.errors.extend(got.errors);
            out.notes.extend(got.notes);
        }
    }
}

/// The items of `kind: List` documents (what `kubectl get -o yaml` prints), as documents of
/// their own; any other document as it is.
fn unpack_lists(doc: Document) -> Vec<Document> {
    let mut out = Vec::new();
    let mut pending = vec![doc];
    while let Some(doc) = pending.pop() {
        if !is_list(&doc.root) {
            out.push(doc);
            continue;
        }
        let NodeValue::Map(entries) = doc.root.value else {
            continue;
        };
        let items = entries
            .into_iter()
            .rev()
            .find(|(k, _)| k == "items")
            .map(|(_, items)| items.value);
        if let Some(NodeValue::Seq(items)) = items {
            // Reversed, so popping keeps document order.
            pending.extend(
                items
                    .into_iter()
                    .rev()
                    .filter(|item| item.value != NodeValue::Null)
                    .map(|item| Document {
                        span: item.span,
                        root: item,
                    }),
            );
        }
    }
    out
}

/// `kind: List`, or a typed list such as `DeploymentList`, with `items`.
fn is_list(root: &Node) -> bool {
    root.get("apiVersion").is_some()
        && root
            .get("kind")
            .and_then(Node::as_str)
            .is_some_and(|k| k.ends_with("List"))
        && matches!(root.get("items").map(|n| &n.value), Some(NodeValue::Seq(_)))
}

/// A document that could not be read, at its line, with a hint when it looks like a Helm
/// template (decided only once parsing has failed: `{{` inside strings is valid YAML).
fn document_error(file: &SourceFile, e: &DocumentError) -> InputError {
    let location = file.location((e.offset, e.offset));
    if document_text_around(&file.text, e.offset).contains("{{") {
        return InputError::new(
            location,
            format!(
                "{} (this looks like an unrendered Helm template)",
                e.message
            ),
        )
        .with_help(HELM_HINT)
        .unrendered_template();
    }
    let error = InputError::new(location, e.message.clone());
    if e.is_syntax_error() {
        error.with_help(format!(
            "fix the YAML at this line; if this is a Helm template, {HELM_HINT}"
        ))
    } else {
        error
    }
}

/// The text of the document around `offset`: from the nearest `---` line at or before it to
/// the next `---` or `...` line after it.
fn document_text_around(text: &str, offset: usize) -> &str {
    let mut start = 0;
    let mut end = text.len();
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        if is_document_marker(line) {
            if at <= offset {
                start = at;
            } else {
                end = at;
                break;
            }
        }
        at += line.len();
    }
    text.get(start..end).unwrap_or("")
}

fn is_document_marker(line: &str) -> bool {
    line.strip_prefix("---")
        .or_else(|| line.strip_prefix("..."))
        .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t', '\r', '\n']))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_around_an_offset_stops_at_markers() {
        let text = "a: 1\n---\nb: {{ x }}\n---\nc: 3\n";
        let at = text.find("{{").unwrap();
        assert_eq!(document_text_around(text, at), "---\nb: {{ x }}\n");
        assert_eq!(document_text_around(text, 0), "a: 1\n");
    }

    #[test]
    fn standard_input_is_checked_like_a_file() {
        let file = read_stdin("\u{feff}a: 1\n".as_bytes(), 100).unwrap();
        assert_eq!(file.text.as_ref(), "a: 1\n");
        assert_eq!(file.path.as_ref(), STDIN_NAME);
        let err = read_stdin(&[b'a'; 200][..], 100).unwrap_err();
        assert!(err.message.contains("over the 100-byte limit"), "{err:?}");
        let err = read_stdin(&b"a\0"[..], 100).unwrap_err();
        assert!(err.message.contains("binary"), "{err:?}");
    }
}

//! Kubernetes manifests and AI serving configs in YAML (and standard input): documents
//! are parsed with positions (`yaml.rs`), classified, and turned into resource records
//! (`kinds/`). A broken document is reported and the others are still read.

pub mod kinds;
pub mod yaml;

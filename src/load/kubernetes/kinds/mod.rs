//! Turning one YAML document into resource records, one file per family of kinds.
//! (Interface fixed; the extraction is being written.)

use std::sync::Arc;

use super::yaml::Document;
use crate::load::source::SourceFile;
use crate::model::{InputError, Note, Resource};

/// What a document is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Classification {
    /// A Kubernetes object (`apiVersion` and `kind`); `List` objects are unpacked by the loader.
    Kubernetes { api_version: String, kind: String },
    /// A LiteLLM proxy configuration (`model_list`).
    LiteLlm,
    /// vLLM production-stack Helm values (`servingEngineSpec`).
    VllmValues,
    /// Anything else (CI files, docker-compose, Chart.yaml): skipped, with the reason.
    Other(String),
}

/// A HorizontalPodAutoscaler, to be paired with its target.
#[derive(Clone, Debug, PartialEq)]
pub struct Hpa {
    pub namespace: String,
    pub target_kind: String,
    pub target_name: String,
    pub min: crate::model::Fact<i64>,
    pub max: crate::model::Fact<i64>,
}

/// What one document yielded.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Extracted {
    pub resources: Vec<Resource>,
    pub hpas: Vec<Hpa>,
    pub errors: Vec<InputError>,
    pub notes: Vec<Note>,
}

pub fn classify(_doc: &Document) -> Classification {
    Classification::Other("not yet understood".to_string())
}

/// The records of one document (already classified as not `Other`); `root` is the
/// directory of the file, repository-relative.
pub fn extract(
    _doc: &Document,
    _class: &Classification,
    _file: &SourceFile,
    _root: &Arc<str>,
) -> Extracted {
    Extracted::default()
}

/// Applies each HPA's min and max replicas to its target, in place.
pub fn link_hpas(_resources: &mut [Resource], _hpas: &[Hpa]) {}

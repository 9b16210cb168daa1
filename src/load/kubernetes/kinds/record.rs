//! The parts every record of a Kubernetes object shares: where things are in the file,
//! the object's name, namespace, labels (its tags), annotations and inline waivers, and
//! turning one part of the object (a pod group, a node pool) into a [`Resource`].
//!
//! Waivers are written as the annotation `aicost-policy.io/ignore`. Each line of its value
//! is one waiver: `POLICY-ID[,POLICY-ID...] [expires=YYYY-MM-DD] [--] reason`. The reason is
//! required, as for Terraform waiver comments; several ids share one reason, and a block
//! scalar (`|`) holds several waivers.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::sync::Arc;

use super::super::regions::{self, Regions};
use super::super::yaml::{Node, Span};
use super::convert::{self, Style};
use super::names;
use super::{Extracted, Options};
use crate::load::source::SourceFile;
use crate::load::{expiry_error, owner_name};
use crate::model::{
    Date, Fact, InlineWaiver, InputError, Location, Map, ProviderRef, Resource, SourceFormat,
    Suppression, Tags, Unknown, Workload, WorkloadDetail,
};

/// The annotation that waives policies on an object.
pub const IGNORE_ANNOTATION: &str = "aicost-policy.io/ignore";

/// How far back from a value its key is looked for.
const KEY_WINDOW: usize = 4096;

/// The file and document being read, and the input errors found while reading it.
pub struct Cx<'a> {
    pub file: &'a SourceFile,
    pub root: &'a Arc<str>,
    pub doc_span: Span,
    pub errors: RefCell<Vec<InputError>>,
    pub options: Options,
    /// Where nodes merged in from other files are (a document built by kustomize).
    pub regions: Option<&'a Regions>,
}

impl<'a> Cx<'a> {
    pub fn new(
        file: &'a SourceFile,
        root: &'a Arc<str>,
        doc_span: Span,
        options: Options,
    ) -> Cx<'a> {
        Cx {
            file,
            root,
            doc_span,
            errors: RefCell::new(Vec::new()),
            options,
            regions: None,
        }
    }

    /// The same file, options and regions, for another document of it (an item of a
    /// `List`).
    pub fn for_document(&self, doc_span: Span) -> Cx<'a> {
        Cx {
            regions: self.regions,
            ..Cx::new(self.file, self.root, doc_span, self.options)
        }
    }

    /// Records an input error; reading goes on.
    pub fn error(&self, error: InputError) {
        self.errors.borrow_mut().push(error);
    }

    /// A value Kubernetes would refuse: an error, so a typo is reported rather than priced.
    pub fn bad_quantity(&self, at: Location, message: String) {
        self.error(InputError::new(at, message).with_help(super::quantity::QUANTITY_HELP));
    }

    /// The location of a node.
    pub fn loc(&self, node: &Node) -> Location {
        self.regions
            .and_then(|r| r.location(node.span))
            .unwrap_or_else(|| self.file.location(node.span))
    }

    /// The location of a map entry, from its key to the end of its value, so a finding
    /// points at `resources:` rather than the line below it.
    pub fn key_loc(&self, key: &str, value: &Node) -> Location {
        if regions::is_virtual(value.span.0) {
            // A value merged in from another file: its key is looked for in that file.
            let at = self.loc(value);
            let found = self
                .regions
                .and_then(|r| r.resolve(value.span.0))
                .and_then(|r| {
                    key_start(&r.file.text, r.floor, r.offset, key).map(|start| (r.file, start))
                });
            return match found {
                Some((file, start)) => file.location((start, at.span.1.max(start))),
                None => at,
            };
        }
        match key_start(&self.file.text, self.doc_span.0, value.span.0, key) {
            Some(start) => self.file.location((start, value.span.1.max(start))),
            None => self.loc(value),
        }
    }

    /// The location of the entry `key` of `map`, if present.
    pub fn entry_loc(&self, map: &Node, key: &str) -> Option<Location> {
        map.get(key).map(|v| self.key_loc(key, v))
    }

    /// The whole document.
    pub fn doc_location(&self) -> Location {
        self.file.location(self.doc_span)
    }

    /// A resource record with the fields every format fills the same way.
    pub fn resource(
        &self,
        address: String,
        resource_type: &str,
        source: SourceFormat,
        location: Location,
        provider: &str,
    ) -> Resource {
        Resource {
            root: self.root.clone(),
            address,
            resource_type: resource_type.to_string(),
            source,
            location,
            argument_locations: BTreeMap::new(),
            provider: ProviderRef {
                name: provider.to_string(),
                alias: None,
            },
            region: None,
            environment: None,
            taggable: false,
            tags: Tags::default(),
            compute: None,
            fact_locations: BTreeMap::new(),
            waivers: Vec::new(),
            attributes: Map::new(),
            cost: None,
            workload: None,
            sensitive: crate::model::Sensitive::default(),
        }
    }
}

/// Where `key:` starts before a value at `value_start` in `text`, looking no further back
/// than `floor` (the document's start) or [`KEY_WINDOW`] bytes.
fn key_start(text: &str, floor: usize, value_start: usize, key: &str) -> Option<usize> {
    // An empty key (`"": x`) is found everywhere and the search below would never move.
    if key.is_empty() {
        return None;
    }
    let end = value_start.min(text.len());
    let mut start = end.saturating_sub(KEY_WINDOW).max(floor.min(end));
    while start < end && !text.is_char_boundary(start) {
        start += 1;
    }
    let window = text.get(start..end)?;
    let mut search_end = window.len();
    while let Some(i) = window.get(..search_end)?.rfind(key) {
        let before = window.get(..i)?.chars().next_back();
        let after = window.get(i + key.len()..)?;
        let after = after
            .trim_start_matches(['"', '\''])
            .trim_start_matches(' ');
        let starts_token =
            before.is_none_or(|c| c.is_whitespace() || matches!(c, '{' | ',' | '"' | '\'' | '-'));
        if starts_token && after.starts_with(':') {
            return Some(start + i);
        }
        search_end = i;
    }
    None
}

/// A Kubernetes object's identity and metadata, read once per document.
pub struct Object<'a> {
    pub node: &'a Node,
    pub api_version: String,
    pub kind: String,
    pub name: String,
    /// `None` for cluster-scoped kinds; `default` when a namespaced object names none.
    pub namespace: Option<String>,
    pub tags: Tags,
    pub annotations: BTreeMap<String, String>,
    pub waivers: Vec<(String, Suppression)>,
    /// `tags`, `labels`, `annotations`, `namespace`.
    pub fact_locations: BTreeMap<String, Location>,
    pub attributes: Map,
    pub argument_locations: BTreeMap<String, Location>,
}

/// One record's worth of an object: a pod group or a node pool.
pub struct Part {
    /// `predictor`, `head`, `worker:gpu`; `None` for the object as a whole.
    pub component: Option<String>,
    pub location: Location,
    pub detail: WorkloadDetail,
    pub fact_locations: BTreeMap<String, Location>,
    pub region: Option<Fact<String>>,
}

impl<'a> Object<'a> {
    /// Reads the metadata of `node`; `None` (with an error) when it has no name.
    pub fn read(
        cx: &Cx,
        node: &'a Node,
        api_version: &str,
        kind: &str,
        namespaced: bool,
        out: &mut Extracted,
    ) -> Option<Object<'a>> {
        let metadata = node.get("metadata");
        if let Some(refused) = refused_name(cx, metadata, kind, namespaced) {
            out.errors.push(refused);
            return None;
        }
        let name = match (
            convert::text(metadata.and_then(|m| m.get("name"))),
            metadata.and_then(|m| m.get("name")).and_then(Node::as_str),
            convert::text(metadata.and_then(|m| m.get("generateName"))),
        ) {
            (Some(n), _, _) => n.to_string(),
            // A placeholder name still identifies the object in the file.
            (None, Some(raw), _) => raw.trim().to_string(),
            (None, None, Some(prefix)) => format!("{prefix}*"),
            (None, None, None) => {
                out.errors.push(
                    InputError::new(
                        cx.doc_location().first_line(),
                        format!("this {kind} has no metadata.name, so it was not checked"),
                    )
                    .with_help("give the object a name under `metadata.name`"),
                );
                return None;
            }
        };
        let mut fact_locations = BTreeMap::new();
        let namespace = if namespaced {
            let ns = metadata.and_then(|m| m.get("namespace"));
            if let (Some(m), Some(_)) = (metadata, ns) {
                if let Some(loc) = cx.entry_loc(m, "namespace") {
                    fact_locations.insert("namespace".to_string(), loc);
                }
            }
            Some(
                ns.and_then(Node::as_str)
                    .map_or_else(|| "default".to_string(), |s| s.trim().to_string()),
            )
        } else {
            None
        };
        let tags = labels(metadata.and_then(|m| m.get("labels")), "metadata.labels");
        if let Some(m) = metadata {
            let at = cx
                .entry_loc(m, "labels")
                .unwrap_or_else(|| cx.key_loc("metadata", m));
            fact_locations.insert("tags".to_string(), at.clone());
            fact_locations.insert("labels".to_string(), at);
            if let Some(loc) = cx.entry_loc(m, "annotations") {
                fact_locations.insert("annotations".to_string(), loc);
            }
        }
        let annotations_node = metadata.and_then(|m| m.get("annotations"));
        let annotations: BTreeMap<String, String> = annotations_node
            .map(|a| {
                a.entries()
                    .iter()
                    .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string())))
                    .collect()
            })
            .unwrap_or_default();
        let waivers = match annotations_node.and_then(|a| a.get(IGNORE_ANNOTATION)) {
            Some(value) => {
                let at = cx.key_loc(IGNORE_ANNOTATION, value);
                match value.as_str() {
                    Some(text) => parse_waivers(text, &at, &mut out.errors),
                    None => {
                        out.errors.push(waiver_error(
                            at,
                            format!("the annotation {IGNORE_ANNOTATION} is not text"),
                        ));
                        Vec::new()
                    }
                }
            }
            None => Vec::new(),
        };
        Some(Object {
            node,
            api_version: api_version.to_string(),
            kind: kind.to_string(),
            name,
            namespace,
            tags,
            annotations,
            waivers,
            fact_locations,
            attributes: convert::to_map(node, "", Style::Kubernetes),
            argument_locations: convert::argument_locations(node, "", &|k, v| cx.key_loc(k, v)),
        })
    }

    /// `Kind/namespace/name` (`Kind/name` when cluster-scoped), then `/component`.
    pub fn address(&self, component: Option<&str>) -> String {
        let mut a = match &self.namespace {
            Some(ns) => format!("{}/{}/{}", self.kind, ns, self.name),
            None => format!("{}/{}", self.kind, self.name),
        };
        if let Some(c) = component {
            a.push('/');
            a.push_str(c);
        }
        a
    }

    /// The record of a pod group: the whole object when `component` is `None`, else one
    /// part of it at `location`.
    pub fn pods(
        &self,
        cx: &Cx,
        component: Option<String>,
        location: Location,
        pods: super::podspec::PodPart,
    ) -> Resource {
        self.resource(
            cx,
            Part {
                component,
                location,
                detail: WorkloadDetail::Pods(pods.group),
                fact_locations: pods.fact_locations,
                region: pods.region,
            },
        )
    }

    /// The record of one part of the object.
    pub fn resource(&self, cx: &Cx, part: Part) -> Resource {
        let mut r = cx.resource(
            self.address(part.component.as_deref()),
            &self.kind,
            SourceFormat::Kubernetes,
            part.location,
            "kubernetes",
        );
        r.argument_locations = self.argument_locations.clone();
        r.region = part.region;
        r.taggable = true;
        r.tags = self.tags.clone();
        r.fact_locations = self.fact_locations.clone();
        r.fact_locations.extend(part.fact_locations);
        r.waivers = self.waivers.clone();
        r.attributes = self.attributes.clone();
        r.workload = Some(Box::new(Workload {
            kind: self.kind.clone(),
            api_version: self.api_version.clone(),
            namespace: self.namespace.clone(),
            component: part.component,
            annotations: self.annotations.clone(),
            detail: part.detail,
        }));
        r
    }
}

/// An error for a `metadata.name`, `generateName` or `metadata.namespace` Kubernetes would
/// refuse; placeholders (`{{ .Release.Name }}`) are not names yet and are not checked.
fn refused_name(
    cx: &Cx,
    metadata: Option<&Node>,
    kind: &str,
    namespaced: bool,
) -> Option<InputError> {
    let metadata = metadata?;
    type Check = fn(&str) -> Option<&'static str>;
    let fields: [(&str, Check, &str); 3] = [
        ("name", names::subdomain_problem, names::NAME_HELP),
        ("generateName", names::prefix_problem, names::NAME_HELP),
        ("namespace", names::namespace_problem, names::NAMESPACE_HELP),
    ];
    fields.into_iter().find_map(|(field, problem, help)| {
        if field == "namespace" && !namespaced {
            return None;
        }
        let value = metadata.get(field)?;
        let text = convert::text(Some(value))?;
        let why = problem(text)?;
        let at = cx
            .entry_loc(metadata, field)
            .unwrap_or_else(|| cx.loc(value));
        Some(
            InputError::new(
                at,
                format!(
                    "metadata.{field} {} is not a valid Kubernetes name: {why}, so this {kind} \
                     was not checked",
                    names::quoted(text)
                ),
            )
            .with_help(help),
        )
    })
}

/// Labels (`metadata.labels` at `path`) as tags; placeholders are unknown values.
pub fn labels(node: Option<&Node>, path: &str) -> Tags {
    let mut tags = Tags::default();
    let Some(node) = convert::present(node) else {
        return tags;
    };
    if let Some(t) = node.as_str() {
        tags.more = Some(if convert::is_placeholder(t) {
            convert::placeholder(path, t)
        } else {
            Unknown::new(format!("{path} is not a map"))
        });
        return tags;
    }
    for (key, value) in node.entries() {
        let fact = convert::string(Some(value), &format!("{path}.{key}"))
            .unwrap_or_else(|| Fact::Known(String::new()));
        tags.entries.insert(key.clone(), fact);
    }
    tags
}

/// The waivers written in the annotation's value, one per line.
fn parse_waivers(
    text: &str,
    at: &Location,
    errors: &mut Vec<InputError>,
) -> Vec<(String, Suppression)> {
    let mut waivers = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        match parse_waiver(line) {
            Ok(waiver) => waivers.extend(Suppression::for_policies(waiver, at)),
            Err(message) => errors.push(waiver_error(at.clone(), message)),
        }
    }
    if waivers.is_empty() && text.trim().is_empty() {
        errors.push(waiver_error(
            at.clone(),
            format!("the annotation {IGNORE_ANNOTATION} is empty"),
        ));
    }
    waivers
}

fn waiver_error(at: Location, message: String) -> InputError {
    InputError::new(at, message).with_help(format!(
        "write `{IGNORE_ANNOTATION}: POLICY-ID reason` (several ids separated by commas, \
         an optional `expires=YYYY-MM-DD` after them)"
    ))
}

/// `ID[,ID...] [expires=YYYY-MM-DD] [owner=NAME] [--] reason`
fn parse_waiver(line: &str) -> Result<InlineWaiver, String> {
    let mut ids_text = String::new();
    let mut rest = line.trim_start();
    // Ids: one token, continued while a token ends with a comma (`A, B reason`).
    while let Some((token, after)) = next_token(rest) {
        if token == "--" || token.starts_with("expires=") || token.starts_with("owner=") {
            break;
        }
        ids_text.push_str(token);
        rest = after;
        if !token.ends_with(',') {
            break;
        }
    }
    let mut expires = None;
    let mut owner = None;
    // `expires=` and `owner=`, in either order, before the reason.
    while let Some((token, after)) = next_token(rest) {
        if let Some(date) = token.strip_prefix("expires=") {
            expires = Some(Date::parse(date).map_err(expiry_error)?);
        } else if let Some(name) = token.strip_prefix("owner=") {
            owner = Some(owner_name(name)?);
        } else {
            break;
        }
        rest = after;
    }
    let reason = rest.strip_prefix("--").unwrap_or(rest).trim();
    let ids: Vec<String> = ids_text
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    if ids.is_empty() {
        return Err("the waiver names no policy id".to_string());
    }
    if reason.is_empty() {
        return Err(format!(
            "the waiver of {} in the annotation {IGNORE_ANNOTATION} gives no reason",
            ids.join(", ")
        ));
    }
    Ok(InlineWaiver {
        ids,
        expires,
        owner,
        reason: reason.to_string(),
    })
}

/// The first whitespace-separated token and the text after it.
fn next_token(s: &str) -> Option<(&str, &str)> {
    let s = s.trim_start();
    if s.is_empty() {
        return None;
    }
    let end = s.find(char::is_whitespace).unwrap_or(s.len());
    let (token, rest) = s.split_at(end);
    Some((token, rest.trim_start()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_key_is_not_searched_for() {
        // `rfind("")` matches at the end of any window; searching for it looped forever.
        let text = "spec:\n  \"\": 1\n";
        assert_eq!(key_start(text, 0, text.len() - 2, ""), None);
        assert_eq!(key_start(text, 0, text.len() - 2, "spec"), Some(0));
    }

    fn ok(line: &str) -> (Vec<String>, Option<String>, String) {
        let w = parse_waiver(line).unwrap();
        (w.ids, w.expires.map(|d| d.to_string()), w.reason)
    }

    #[test]
    fn waiver_lines() {
        assert_eq!(
            ok("AIC-K8S-001 benchmarks need fixed replicas"),
            (
                vec!["AIC-K8S-001".into()],
                None,
                "benchmarks need fixed replicas".into()
            )
        );
        assert_eq!(
            ok("AIC-A,AIC-B expires=2027-01-31 -- until the migration"),
            (
                vec!["AIC-A".into(), "AIC-B".into()],
                Some("2027-01-31".into()),
                "until the migration".into()
            )
        );
        assert_eq!(
            ok("AIC-A, AIC-B shared reason"),
            (
                vec!["AIC-A".into(), "AIC-B".into()],
                None,
                "shared reason".into()
            )
        );
        assert_eq!(
            parse_waiver("AIC-A").unwrap_err(),
            "the waiver of AIC-A in the annotation aicost-policy.io/ignore gives no reason"
        );
        assert!(parse_waiver("AIC-A expires=2027-13-45 x").is_err());
    }

    #[test]
    fn an_expiry_that_is_not_a_calendar_day_is_an_error() {
        // Accepted before: the month and day were checked apart (day 01 to 31).
        assert_eq!(
            parse_waiver("AIC-A expires=2026-02-30 -- x").unwrap_err(),
            "invalid waiver expiry date `2026-02-30`: there is no day 30 in February 2026, \
             which has 28 days"
        );
        assert_eq!(
            parse_waiver("AIC-A expires=2026-13-01 -- x").unwrap_err(),
            "invalid waiver expiry date `2026-13-01`: there is no month 13: months are 01 to 12"
        );
    }
}

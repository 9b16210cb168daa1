//! Baselines: the failing and unknown findings a repository has when it adopts the gate,
//! recorded in a file (`baseline create`) so that `check --baseline` reports them as
//! `baselined` instead of failing, until they change.
//!
//! An entry is keyed by policy id, resource address and a fingerprint of what the finding
//! rests on: its status and message, and the resource's type, evaluated arguments, tags,
//! region and environment. Locations are not in it, so moving a block or renaming its file
//! keeps the entry; any change to the resource's values brings the finding back. The file
//! an entry was recorded in only decides between entries that are otherwise equal. The
//! fingerprint is taken from the report after sensitive values are taken out, so the file
//! never holds a hash of a secret.

use std::collections::HashMap;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::model::{format_number, Fact, Finding, Map, Resource, Status, Value};
use crate::report::Report;

/// The version of the baseline file format.
pub const FORMAT_VERSION: u32 = 1;

/// Where `baseline create` writes when no `--output` is given.
pub const DEFAULT_FILE: &str = "aicost-baseline.json";

/// One recorded finding.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub policy_id: String,
    /// The file the finding pointed into when it was recorded (repository-relative).
    pub file: String,
    pub address: String,
    /// `fail` or `unknown`.
    pub status: String,
    /// `sha256:` and the hex digest of what the finding rests on (see the module comment).
    pub fingerprint: String,
    /// The finding's message when it was recorded, for the people who review the file.
    pub message: String,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Document {
    version: u32,
    findings: Vec<Entry>,
}

/// The entries of a baseline file, sorted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Baseline {
    pub entries: Vec<Entry>,
}

/// What [`Baseline::apply`] found: the entries still matched, as the report has them now
/// (a renamed file under its new name), and the entries nothing matched.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Applied {
    pub kept: Baseline,
    pub stale: Vec<Entry>,
}

impl Baseline {
    /// The report's failures (notices aside) and unknowns.
    pub fn record(report: &Report) -> Baseline {
        let resources = by_address(report);
        let mut entries: Vec<Entry> = report
            .findings
            .iter()
            .filter(|f| recordable(f))
            .map(|f| entry(f, resource_of(&resources, f)))
            .collect();
        entries.sort();
        Baseline { entries }
    }

    /// Reads a baseline file's text; the error says where and what is wrong.
    pub fn parse(text: &str) -> Result<Baseline, ParseError> {
        let doc: Document = serde_json::from_str(text).map_err(|e| {
            // The position is given apart: without serde_json's own " at line L column C".
            let message = e.to_string();
            let suffix = format!(" at line {} column {}", e.line(), e.column());
            ParseError {
                line: e.line(),
                column: e.column(),
                message: message
                    .strip_suffix(&suffix)
                    .unwrap_or(&message)
                    .to_string(),
            }
        })?;
        if doc.version != FORMAT_VERSION {
            return Err(ParseError {
                line: 1,
                column: 1,
                message: format!(
                    "version {} is not a baseline format this aicost-policy reads (it reads {FORMAT_VERSION})",
                    doc.version
                ),
            });
        }
        if let Some(bad) = doc
            .findings
            .iter()
            .find(|e| !matches!(e.status.as_str(), "fail" | "unknown"))
        {
            return Err(ParseError {
                line: 1,
                column: 1,
                message: format!(
                    "the entry for {} has status `{}`; a baseline holds `fail` and `unknown` findings only",
                    bad.address, bad.status
                ),
            });
        }
        let mut entries = doc.findings;
        entries.sort();
        Ok(Baseline { entries })
    }

    /// The file's text: pretty JSON, entries sorted, so a re-recorded baseline diffs well.
    pub fn render(&self) -> String {
        let doc = Document {
            version: FORMAT_VERSION,
            findings: self.entries.clone(),
        };
        let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
        text.push('\n');
        text
    }

    /// Marks each failure and unknown of the report that an entry holds as
    /// [`Status::Baselined`]. Each entry covers one finding. Entries are first matched in
    /// the finding's own file, then what is left across files (a moved block, a renamed
    /// file), so an equal resource added in another directory never takes the entry of one
    /// that is still there.
    pub fn apply(&self, report: &mut Report) -> Applied {
        let mut index: HashMap<(&str, &str, &str), Vec<usize>> = HashMap::new();
        for (i, e) in self.entries.iter().enumerate() {
            index
                .entry((&e.policy_id, &e.address, &e.fingerprint))
                .or_default()
                .push(i);
        }
        let resources = by_address(report);
        let now: Vec<(usize, Entry)> = report
            .findings
            .iter()
            .enumerate()
            .filter(|(_, f)| recordable(f))
            .map(|(n, f)| (n, entry(f, resource_of(&resources, f))))
            .collect();
        let mut used = vec![false; self.entries.len()];
        let mut taken = vec![false; now.len()];
        for same_file in [true, false] {
            for ((_, e), taken) in now.iter().zip(taken.iter_mut()) {
                if *taken {
                    continue;
                }
                let candidates = index
                    .get(&(
                        e.policy_id.as_str(),
                        e.address.as_str(),
                        e.fingerprint.as_str(),
                    ))
                    .map_or(&[][..], Vec::as_slice);
                let free = |i: usize| used.get(i) == Some(&false);
                let in_file = |i: usize| self.entries.get(i).is_some_and(|x| x.file == e.file);
                let chosen = candidates
                    .iter()
                    .copied()
                    .find(|i| free(*i) && (!same_file || in_file(*i)));
                if let Some(slot) = chosen.and_then(|i| used.get_mut(i)) {
                    *slot = true;
                    *taken = true;
                }
            }
        }
        let mut matched = Vec::new();
        let mut kept = Vec::new();
        for ((n, e), taken) in now.into_iter().zip(taken) {
            if taken {
                matched.push(n);
                kept.push(e);
            }
        }
        for n in matched {
            if let Some(f) = report.findings.get_mut(n) {
                f.status = Status::Baselined;
            }
        }
        kept.sort();
        let stale = self
            .entries
            .iter()
            .zip(&used)
            .filter(|(_, used)| !**used)
            .map(|(e, _)| e.clone())
            .collect();
        Applied {
            kept: Baseline { entries: kept },
            stale,
        }
    }
}

/// A baseline file that cannot be read as one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// What a baseline holds: failures above `info` and unknowns.
fn recordable(f: &Finding) -> bool {
    matches!(f.status, Status::Fail | Status::Unknown) && !f.is_notice()
}

type ByAddress<'a> = HashMap<(&'a str, &'a str), &'a Resource>;

fn by_address(report: &Report) -> HashMap<(&str, &str), &Resource> {
    report
        .resources
        .iter()
        .map(|r| ((r.root.as_ref(), r.address.as_str()), r))
        .collect()
}

fn resource_of<'a>(resources: &ByAddress<'a>, f: &Finding) -> Option<&'a Resource> {
    resources
        .get(&(f.root.as_ref(), f.address.as_str()))
        .copied()
}

fn entry(f: &Finding, resource: Option<&Resource>) -> Entry {
    Entry {
        policy_id: f.policy_id.clone(),
        file: f.location.file.to_string(),
        address: f.address.clone(),
        status: f.status.as_str().to_string(),
        fingerprint: fingerprint(f, resource),
        message: f.message.clone(),
    }
}

/// `sha256:` and the digest of [`fingerprint_text`].
pub fn fingerprint(f: &Finding, resource: Option<&Resource>) -> String {
    sha256(&fingerprint_text(f, resource))
}

fn sha256(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    let mut out = String::from("sha256:");
    for byte in digest {
        let _ = write!(out, "{byte:02x}");
    }
    out
}

/// The finding's status, message and unknown inputs, and the resource's type, arguments,
/// tags, region and environment, written out canonically (maps in key order, strings
/// quoted as JSON).
fn fingerprint_text(f: &Finding, resource: Option<&Resource>) -> String {
    let mut text = String::new();
    let _ = writeln!(text, "aicost-policy baseline {FORMAT_VERSION}");
    let _ = writeln!(text, "status {}", f.status.as_str());
    let _ = writeln!(text, "message {}", quoted(&f.message));
    for u in &f.unknowns {
        let _ = writeln!(text, "unknown {} {}", quoted(&u.fact), quoted(&u.origin));
    }
    if let Some(r) = resource {
        let _ = writeln!(text, "type {}", quoted(&r.resource_type));
        text.push_str("arguments ");
        canonical_map(&r.attributes, &mut text);
        text.push('\n');
        for (key, value) in &r.tags.entries {
            let _ = writeln!(text, "tag {} {}", quoted(key), fact(value));
        }
        if let Some(more) = &r.tags.more {
            let _ = writeln!(text, "tags more {}", quoted(&more.origin));
        }
        if let Some(region) = &r.region {
            let _ = writeln!(text, "region {}", fact(region));
        }
        if let Some(environment) = &r.environment {
            let _ = writeln!(text, "environment {}", fact(environment));
        }
    }
    text
}

fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

fn fact(f: &Fact<String>) -> String {
    match f {
        Fact::Known(v) => quoted(v),
        Fact::Unknown(u) => format!("unknown({})", quoted(&u.origin)),
    }
}

fn canonical_map(m: &Map, out: &mut String) {
    out.push('{');
    for (i, (key, value)) in m.entries.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&quoted(key));
        out.push(':');
        canonical(value, out);
    }
    if let Some(more) = &m.more {
        let _ = write!(out, ",...unknown({})", quoted(&more.origin));
    }
    out.push('}');
}

fn canonical(v: &Value, out: &mut String) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&format_number(*n)),
        Value::String(s) => out.push_str(&quoted(s)),
        Value::List(items) | Value::Set(items) => {
            out.push(if matches!(v, Value::Set(_)) { '<' } else { '[' });
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canonical(item, out);
            }
            out.push(if matches!(v, Value::Set(_)) { '>' } else { ']' });
        }
        Value::Map(m) => canonical_map(m, out),
        Value::Unknown(u) => {
            let _ = write!(out, "unknown({})", quoted(&u.origin));
        }
        // Never the value itself: the file is committed and a hash of a short secret can
        // be searched for.
        Value::Sensitive(_) => out.push_str("sensitive"),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::sync::Arc;

    use super::*;
    use crate::model::{Location, ProviderRef, Severity, SourceFormat, Tags, Unknown};

    fn finding(address: &str, file: &str, status: Status) -> Finding {
        Finding {
            policy_id: "AIC-TAG-001".into(),
            severity: Severity::High,
            status,
            root: Arc::from("infra"),
            address: address.into(),
            resource_type: "aws_instance".into(),
            location: Location::file_start(Arc::from(file)),
            message: format!("{address} is missing required tags: cost-center"),
            help: None,
            unknowns: Vec::new(),
            suppression: None,
            approval: None,
        }
    }

    fn resource(address: &str, user_data: Value) -> Resource {
        let mut attributes = Map::new();
        attributes.insert("instance_type", Value::string("g5.xlarge"));
        attributes.insert("user_data", user_data);
        Resource {
            root: Arc::from("infra"),
            address: address.into(),
            resource_type: "aws_instance".into(),
            source: SourceFormat::Terraform,
            location: Location::file_start(Arc::from("infra/main.tf")),
            argument_locations: BTreeMap::new(),
            provider: ProviderRef {
                name: "aws".into(),
                alias: None,
            },
            region: Some(Fact::Known("us-east-1".into())),
            environment: None,
            taggable: true,
            tags: Tags {
                entries: [("team".to_string(), Fact::Known("ml".to_string()))].into(),
                more: Some(Unknown::new("var.extra has no default")),
            },
            compute: None,
            fact_locations: BTreeMap::new(),
            waivers: Vec::new(),
            attributes,
            cost: None,
            workload: None,
            sensitive: Default::default(),
        }
    }

    #[test]
    fn the_digest_is_sha_256_in_hex() {
        // FIPS 180-2, appendix B.1: SHA-256("abc").
        assert_eq!(
            sha256("abc"),
            "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn the_fingerprint_holds_the_values_and_no_location_or_secret() {
        let f = finding("aws_instance.gpu", "infra/main.tf", Status::Fail);
        let secret = Value::Sensitive(Box::new(Value::string("hunter2")));
        let r = resource("aws_instance.gpu", secret);
        assert_eq!(
            fingerprint_text(&f, Some(&r)),
            "aicost-policy baseline 1\n\
             status fail\n\
             message \"aws_instance.gpu is missing required tags: cost-center\"\n\
             type \"aws_instance\"\n\
             arguments {\"instance_type\":\"g5.xlarge\",\"user_data\":sensitive}\n\
             tag \"team\" \"ml\"\n\
             tags more \"var.extra has no default\"\n\
             region \"us-east-1\"\n"
        );
        // Another secret, another line and file: the same fingerprint.
        let mut moved = finding("aws_instance.gpu", "infra/compute.tf", Status::Fail);
        moved.location.line = 40;
        let other = resource(
            "aws_instance.gpu",
            Value::Sensitive(Box::new(Value::string("swordfish"))),
        );
        assert_eq!(fingerprint(&moved, Some(&other)), fingerprint(&f, Some(&r)));
        // Another value: another fingerprint.
        let changed = resource("aws_instance.gpu", Value::string("#!/bin/sh"));
        assert_ne!(fingerprint(&f, Some(&changed)), fingerprint(&f, Some(&r)));
    }

    fn report(findings: Vec<Finding>) -> Report {
        Report {
            resources: vec![
                resource("aws_instance.a", Value::Null),
                resource("aws_instance.b", Value::Null),
            ],
            findings,
            ..Default::default()
        }
    }

    #[test]
    fn each_entry_covers_one_finding_its_own_file_first() {
        // Two roots' equal resources, recorded in a.tf and b.tf; now only b.tf's fails,
        // and a third one appears in c.tf.
        let recorded = Baseline::record(&report(vec![
            finding("aws_instance.a", "infra/a.tf", Status::Fail),
            finding("aws_instance.a", "infra/b.tf", Status::Fail),
        ]));
        let mut now = report(vec![
            finding("aws_instance.a", "infra/b.tf", Status::Fail),
            finding("aws_instance.b", "infra/c.tf", Status::Fail),
        ]);
        let applied = recorded.apply(&mut now);
        let statuses: Vec<Status> = now.findings.iter().map(|f| f.status).collect();
        assert_eq!(statuses, [Status::Baselined, Status::Fail]);
        let files =
            |entries: &[Entry]| -> Vec<String> { entries.iter().map(|e| e.file.clone()).collect() };
        assert_eq!(files(&applied.kept.entries), ["infra/b.tf"]);
        assert_eq!(files(&applied.stale), ["infra/a.tf"]);
    }

    #[test]
    fn an_equal_resource_added_elsewhere_does_not_take_the_entry_of_one_still_there() {
        // Recorded in b.tf; now a.tf (first in the report) has an equal resource too.
        let recorded = Baseline::record(&report(vec![finding(
            "aws_instance.a",
            "infra/b.tf",
            Status::Fail,
        )]));
        let mut now = report(vec![
            finding("aws_instance.a", "infra/a.tf", Status::Fail),
            finding("aws_instance.a", "infra/b.tf", Status::Fail),
        ]);
        let applied = recorded.apply(&mut now);
        let statuses: Vec<Status> = now.findings.iter().map(|f| f.status).collect();
        assert_eq!(statuses, [Status::Fail, Status::Baselined]);
        assert_eq!(applied.stale, []);
    }

    #[test]
    fn a_renamed_file_keeps_its_entries_and_an_unknown_that_fails_now_does_not() {
        let recorded = Baseline::record(&report(vec![
            finding("aws_instance.a", "infra/main.tf", Status::Fail),
            finding("aws_instance.b", "infra/main.tf", Status::Unknown),
        ]));
        let mut now = report(vec![
            finding("aws_instance.a", "infra/compute.tf", Status::Fail),
            finding("aws_instance.b", "infra/main.tf", Status::Fail),
        ]);
        let applied = recorded.apply(&mut now);
        let statuses: Vec<Status> = now.findings.iter().map(|f| f.status).collect();
        assert_eq!(statuses, [Status::Baselined, Status::Fail]);
        assert_eq!(applied.kept.entries[0].file, "infra/compute.tf");
        assert_eq!(applied.stale[0].address, "aws_instance.b");
        assert_eq!(applied.stale[0].status, "unknown");
    }

    #[test]
    fn notices_and_suppressed_findings_are_not_recorded() {
        let mut notice = finding("aws_instance.a", "infra/main.tf", Status::Fail);
        notice.severity = Severity::Info;
        let suppressed = finding("aws_instance.b", "infra/main.tf", Status::Suppressed);
        assert_eq!(
            Baseline::record(&report(vec![notice, suppressed])).entries,
            []
        );
    }

    #[test]
    fn a_file_written_is_read_back_the_same() {
        let recorded = Baseline::record(&report(vec![
            finding("aws_instance.b", "infra/main.tf", Status::Unknown),
            finding("aws_instance.a", "infra/main.tf", Status::Fail),
        ]));
        assert_eq!(Baseline::parse(&recorded.render()), Ok(recorded));
    }

    #[test]
    fn a_bad_file_says_where_and_what() {
        let error = |text: &str| Baseline::parse(text).unwrap_err();
        let e = error("{\n  \"version\": 1,\n  \"findings\": [\n    {\"policy\": \"x\"}\n  ]\n}\n");
        // serde_json points at the end of the key.
        assert_eq!((e.line, e.column), (4, 13));
        assert_eq!(
            e.message,
            "unknown field `policy`, expected one of `policy_id`, `file`, `address`, `status`, `fingerprint`, `message`"
        );
        assert_eq!(
            error("{\"version\": 2, \"findings\": []}").message,
            "version 2 is not a baseline format this aicost-policy reads (it reads 1)"
        );
        let suppressed = r#"{"version": 1, "findings": [{"policy_id": "P", "file": "f", "address": "a", "status": "suppressed", "fingerprint": "sha256:00", "message": "m"}]}"#;
        assert_eq!(
            error(suppressed).message,
            "the entry for a has status `suppressed`; a baseline holds `fail` and `unknown` findings only"
        );
    }
}

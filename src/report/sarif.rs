//! SARIF 2.1.0 (`--format sarif`), for GitHub code scanning and other SARIF viewers.
//!
//! One run holds every evaluated policy as a rule and every finding as a result (suppressed
//! ones included, marked with their waiver). Each result carries a fingerprint computed from
//! the policy, root and resource address only, so an alert keeps its identity when lines
//! move. `docs/output-formats.md` describes the mapping.

use serde_json::{json, Map as JsonMap, Value as Json};

use super::{encode_path, Report};
use crate::model::{Finding, InputError, Location, Rule, Severity, Status};

const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The `partialFingerprints` key; the version changes if the hashed fields ever change.
pub const FINGERPRINT_KEY: &str = "aicostPolicyFinding/v1";

/// The base every relative artifact URI is resolved against.
const SRCROOT: &str = "%SRCROOT%";

/// Renders the report as one SARIF log, pretty-printed, with a trailing newline.
pub fn render(report: &Report) -> String {
    let policy_errors = report.findings.iter().any(|f| f.status == Status::Error);
    let doc = json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "aicost-policy",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": env!("CARGO_PKG_REPOSITORY"),
                    "rules": report.rules.iter().map(rule).collect::<Vec<_>>(),
                },
            },
            "automationDetails": {"id": "aicost-policy/"},
            "originalUriBaseIds": {
                SRCROOT: {"description": {"text": "The repository root: result paths are relative to it."}},
            },
            "columnKind": "unicodeCodePoints",
            "invocations": [{
                "executionSuccessful": report.errors.is_empty() && !policy_errors,
                "toolExecutionNotifications": report
                    .errors
                    .iter()
                    .map(|e| notification(e, "error"))
                    .chain(report.warnings.iter().map(|w| notification(w, "warning")))
                    .collect::<Vec<_>>(),
            }],
            "results": report.findings.iter().map(|f| result(report, f)).collect::<Vec<_>>(),
        }],
    });
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_else(|_| "{}".to_string());
    out.push('\n');
    out
}

/// `error`, `warning` or `note` for a policy's severity.
fn severity_level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

fn rule(r: &Rule) -> Json {
    let mut out = JsonMap::new();
    out.insert("id".into(), json!(r.id));
    out.insert("name".into(), json!(r.id));
    out.insert("shortDescription".into(), json!({"text": r.title}));
    out.insert("fullDescription".into(), json!({"text": r.message}));
    if let Some(help) = &r.help {
        out.insert("help".into(), json!({"text": help, "markdown": help}));
    }
    out.insert(
        "defaultConfiguration".into(),
        json!({"level": severity_level(r.severity)}),
    );
    out.insert(
        "properties".into(),
        json!({
            "severity": r.severity.as_str(),
            "tags": ["cost"],
            "builtin": r.builtin,
            "source": format!("{}:{}", r.file, r.line),
        }),
    );
    Json::Object(out)
}

fn result(report: &Report, f: &Finding) -> Json {
    // SARIF: a result whose kind is not `fail` has level `none`.
    let (kind, level) = match f.status {
        Status::Fail
        | Status::Suppressed
        | Status::PendingApproval
        | Status::Approved
        | Status::Baselined => ("fail", severity_level(f.severity)),
        Status::Unknown => ("review", "none"),
        Status::Error => ("fail", "error"),
    };
    let mut text = if f.message.contains(&f.address) {
        f.message.clone()
    } else {
        format!("{}: {}", f.address, f.message)
    };
    if f.status == Status::Unknown && !f.unknowns.is_empty() {
        text.push_str(&format!(
            " (depends on {})",
            super::github::unknown_reasons(f)
        ));
    }
    let mut out = JsonMap::new();
    out.insert("ruleId".into(), json!(f.policy_id));
    if let Some(index) = report.rules.iter().position(|r| r.id == f.policy_id) {
        out.insert("ruleIndex".into(), json!(index));
    }
    out.insert("kind".into(), json!(kind));
    out.insert("level".into(), json!(level));
    out.insert("message".into(), json!({"text": text}));
    let mut place = location(&f.location);
    if let Some(o) = place.as_object_mut() {
        o.insert(
            "logicalLocations".into(),
            json!([{"fullyQualifiedName": f.address, "kind": "resource"}]),
        );
    }
    out.insert("locations".into(), json!([place]));
    out.insert(
        "partialFingerprints".into(),
        json!({FINGERPRINT_KEY: fingerprint(&f.policy_id, &f.root, &f.address)}),
    );
    if let Some(s) = f
        .suppression
        .as_ref()
        .filter(|_| f.status == Status::Suppressed)
    {
        let mut suppression = JsonMap::new();
        let external = s
            .location
            .as_ref()
            .is_none_or(|l| l.file.ends_with(".toml"));
        suppression.insert(
            "kind".into(),
            json!(if external { "external" } else { "inSource" }),
        );
        suppression.insert("status".into(), json!("accepted"));
        suppression.insert("justification".into(), json!(s.reason));
        if let Some(l) = &s.location {
            suppression.insert("location".into(), location(l));
        }
        let mut properties = JsonMap::new();
        if let Some(expires) = &s.expires {
            properties.insert("expires".into(), json!(expires));
        }
        if let Some(owner) = &s.owner {
            properties.insert("owner".into(), json!(owner));
        }
        if !properties.is_empty() {
            suppression.insert("properties".into(), Json::Object(properties));
        }
        out.insert("suppressions".into(), json!([Json::Object(suppression)]));
    }
    if f.status == Status::Baselined {
        // The baseline accepts the finding from outside the source, as long as it is
        // unchanged; SARIF's own word for that is `unchanged`.
        out.insert("baselineState".into(), json!("unchanged"));
        out.insert(
            "suppressions".into(),
            json!([{
                "kind": "external",
                "status": "accepted",
                "justification": "recorded in the baseline, unchanged since",
            }]),
        );
    }
    if f.status == Status::Approved {
        // An approval accepts the finding the way a waiver does, from outside the source.
        out.insert(
            "suppressions".into(),
            json!([{
                "kind": "external",
                "status": "accepted",
                "justification": super::approval_text(f).unwrap_or_default(),
            }]),
        );
    }
    let mut properties = JsonMap::new();
    properties.insert("severity".into(), json!(f.severity.as_str()));
    if let Some(a) = &f.approval {
        properties.insert("approvers".into(), json!(a.group));
        properties.insert(
            "approvals".into(),
            json!(a
                .approvals
                .iter()
                .map(
                    |x| json!({"user": x.user, "commit": x.commit, "submitted_at": x.submitted_at})
                )
                .collect::<Vec<_>>()),
        );
    }
    properties.insert("status".into(), json!(f.status.as_str()));
    properties.insert("root".into(), json!(f.root.as_ref()));
    properties.insert("resourceType".into(), json!(f.resource_type));
    if let Some(help) = &f.help {
        properties.insert("help".into(), json!(help));
    }
    if !f.unknowns.is_empty() {
        properties.insert(
            "unknowns".into(),
            json!(f
                .unknowns
                .iter()
                .map(|u| json!({"fact": u.fact, "origin": u.origin}))
                .collect::<Vec<_>>()),
        );
    }
    out.insert("properties".into(), Json::Object(properties));
    Json::Object(out)
}

/// An input error (`level` "error") or input warning ("warning") as a tool execution
/// notification: not a finding of any policy, so not a result.
fn notification(e: &InputError, level: &str) -> Json {
    let text = match &e.help {
        Some(help) => format!("{}\n{help}", e.message),
        None => e.message.clone(),
    };
    let mut out = JsonMap::new();
    out.insert("level".into(), json!(level));
    out.insert("message".into(), json!({"text": text}));
    if !e.location.file.is_empty() {
        out.insert("locations".into(), json!([location(&e.location)]));
    }
    Json::Object(out)
}

/// A SARIF `location`: the file and region. Lines start at 1 even when a location has none.
fn location(l: &Location) -> Json {
    let start = l.line.max(1);
    let mut region = JsonMap::new();
    region.insert("startLine".into(), json!(start));
    if l.column > 0 {
        region.insert("startColumn".into(), json!(l.column));
    }
    if l.end_line >= start {
        region.insert("endLine".into(), json!(l.end_line));
    }
    json!({
        "physicalLocation": {
            "artifactLocation": artifact(&l.file),
            "region": Json::Object(region),
        }
    })
}

/// A repository-relative path as a URI relative to `%SRCROOT%`; an absolute path (a file
/// outside the repository) as a `file:` URI.
fn artifact(path: &str) -> Json {
    match path.strip_prefix('/') {
        Some(absolute) => json!({"uri": format!("file:///{}", encode_path(absolute))}),
        None => json!({"uri": encode_path(path), "uriBaseId": SRCROOT}),
    }
}

/// 32 hex digits identifying a finding across runs: FNV-1a 64 over (policy, root,
/// address), twice with different offset bases. Written out here because std's hasher is
/// not guaranteed to be stable across Rust versions.
pub fn fingerprint(policy_id: &str, root: &str, address: &str) -> String {
    // A separator byte that UTF-8 text never contains keeps ("ab", "c") and ("a", "bc")
    // apart.
    let bytes = || {
        [policy_id, root, address]
            .into_iter()
            .flat_map(|field| field.bytes().chain(std::iter::once(0xff)))
    };
    let first = fnv1a(0xcbf2_9ce4_8422_2325, bytes());
    let second = fnv1a(0x6c62_272e_07bb_0142, bytes());
    format!("{first:016x}{second:016x}")
}

/// FNV-1a, 64 bits, from the given offset basis.
fn fnv1a(offset: u64, bytes: impl Iterator<Item = u8>) -> u64 {
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    bytes.fold(offset, |hash, b| (hash ^ u64::from(b)).wrapping_mul(PRIME))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_matches_the_published_test_vectors() {
        let standard = |s: &str| fnv1a(0xcbf2_9ce4_8422_2325, s.bytes());
        assert_eq!(standard(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(standard("a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(standard("foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn fingerprints_are_fixed_and_keep_fields_apart() {
        assert_eq!(
            fingerprint("AIC-GPU-001", "infra", "aws_instance.gpu"),
            fingerprint("AIC-GPU-001", "infra", "aws_instance.gpu")
        );
        assert_ne!(
            fingerprint("AIC-GPU-001", "ab", "c"),
            fingerprint("AIC-GPU-001", "a", "bc")
        );
        // Computed independently (FNV-1a 64 over the fields, each followed by 0xff).
        assert_eq!(
            fingerprint("AIC-GPU-001", "infra", "aws_instance.gpu"),
            "9ab66216cab3e245b79eb27dab5b50dc"
        );
    }

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(
            encode_path("infra/my dir/a#b%c?.tf"),
            "infra/my%20dir/a%23b%25c%3F.tf"
        );
        assert_eq!(encode_path("dé.yaml"), "d%C3%A9.yaml");
        assert_eq!(
            artifact("/tmp/x y.tf"),
            json!({"uri": "file:///tmp/x%20y.tf"})
        );
    }

    #[test]
    fn a_location_without_a_line_starts_at_line_one() {
        let l = Location {
            file: "a.tf".into(),
            line: 0,
            column: 0,
            end_line: 0,
            span: (0, 0),
        };
        assert_eq!(
            location(&l),
            json!({"physicalLocation": {
                "artifactLocation": {"uri": "a.tf", "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": 1},
            }})
        );
    }
}

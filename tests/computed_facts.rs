//! Computed facts for common policy needs (issue 16, point 2): `tag_values`,
//! `tag_value_matches` against `[tags.patterns]`, whole-number arguments in `numbers`, and
//! `@applies_to` limiting a policy to resource types. Unit-level through
//! `Policies::from_sources` (user policies only), then the binary on
//! `testdata/computed_facts`. Findings are compared exactly.
#![allow(clippy::panic, clippy::unwrap_used, clippy::indexing_slicing)]

use crate::common;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use aicost_policy::model::{
    Fact, Finding, Location, Map, ProviderRef, Resource, Severity, SourceFormat, Status, Tags,
    Unknown, UnknownInput, Value,
};
use aicost_policy::policy::{Policies, Settings, TagPattern};

const CRATE_DIR: &str = env!("CARGO_MANIFEST_DIR");

const UNKNOWN_HELP: &str = "resolve the value (give the variable a default, or pass it with --var or --var-file) to get a definite answer; --unknown fail counts this as a failure";

fn loc(line: u32) -> Location {
    Location {
        file: Arc::from("infra/main.tf"),
        line,
        column: 1,
        end_line: line,
        span: (0, 0),
    }
}

fn tags(pairs: &[(&str, Fact<String>)]) -> Tags {
    Tags {
        entries: pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
        more: None,
    }
}

fn known(v: &str) -> Fact<String> {
    Fact::Known(v.to_string())
}

/// A tagged resource of `resource_type` in `dev`.
fn resource(address: &str, resource_type: &str, tags: Tags) -> Resource {
    Resource {
        root: Arc::from("infra"),
        address: address.to_string(),
        resource_type: resource_type.to_string(),
        source: SourceFormat::Terraform,
        location: loc(10),
        argument_locations: BTreeMap::new(),
        provider: ProviderRef {
            name: "aws".to_string(),
            alias: None,
        },
        region: Some(known("us-east-1")),
        environment: Some(known("dev")),
        taggable: true,
        tags,
        compute: None,
        fact_locations: BTreeMap::new(),
        waivers: Vec::new(),
        attributes: Map::new(),
        cost: None,
        workload: None,
        sensitive: Default::default(),
    }
}

fn user(policy: &str) -> Policies {
    Policies::from_sources(false, &[("user/p.cedar".to_string(), policy.to_string())])
        .unwrap_or_else(|e| panic!("{:?}", miette::Report::new(e)))
}

fn fail(id: &str, r: &Resource, location: Location, message: &str) -> Finding {
    Finding {
        policy_id: id.to_string(),
        severity: Severity::Medium,
        status: Status::Fail,
        root: r.root.clone(),
        address: r.address.clone(),
        resource_type: r.resource_type.clone(),
        location,
        message: message.to_string(),
        help: None,
        unknowns: Vec::new(),
        suppression: None,
        approval: None,
    }
}

fn unknown(id: &str, r: &Resource, location: Location, fact: &str, origin: &str) -> Finding {
    Finding {
        status: Status::Unknown,
        message: format!("cannot decide {id} for {}: {fact} is unknown", r.address),
        help: Some(UNKNOWN_HELP.to_string()),
        unknowns: vec![UnknownInput {
            fact: fact.to_string(),
            origin: origin.to_string(),
        }],
        ..fail(id, r, location, "")
    }
}

// ------------------------------------------------------------------------ tag_values

const TEMP_POLICY: &str = "@id(\"USR-TEMP\") @severity(\"medium\") @message(\"{address} is temporary\")\nforbid (principal, action == Action::\"check\", resource)\nwhen { resource.tag_values.contains(\"temp\") };\n";

#[test]
fn tag_values_hold_the_known_values_and_are_unknown_when_a_value_or_a_key_may_be_missing() {
    let p = user(TEMP_POLICY);
    let temp = resource(
        "aws_s3_bucket.temp",
        "aws_s3_bucket",
        tags(&[("team", known("temp"))]),
    );
    let kept = resource(
        "aws_s3_bucket.kept",
        "aws_s3_bucket",
        tags(&[("team", known("ml"))]),
    );
    let unresolved = resource(
        "aws_s3_bucket.unresolved",
        "aws_s3_bucket",
        tags(&[
            (
                "owner",
                Fact::Unknown(Unknown::new("var.owner has no default")),
            ),
            ("team", known("ml")),
        ]),
    );
    let mut open = resource(
        "aws_s3_bucket.open",
        "aws_s3_bucket",
        tags(&[("team", known("ml"))]),
    );
    open.tags.more = Some(Unknown::new("var.extra_tags has no default"));
    let e = p.evaluate(
        &[temp.clone(), kept, unresolved.clone(), open.clone()],
        &Settings::default(),
    );
    assert_eq!(
        e.findings,
        vec![
            fail(
                "USR-TEMP",
                &temp,
                loc(10),
                "aws_s3_bucket.temp is temporary"
            ),
            unknown(
                "USR-TEMP",
                &open,
                loc(10),
                "tags",
                "var.extra_tags has no default"
            ),
            unknown(
                "USR-TEMP",
                &unresolved,
                loc(10),
                "tag:owner",
                "var.owner has no default"
            ),
        ]
    );
    assert_eq!(e.passes, 1);
}

// ----------------------------------------------------------------- tag_value_matches

const COST_CENTER_POLICY: &str = "@id(\"USR-CC\") @severity(\"medium\") @message(\"{address}: cost-center is not CC-nnnn\")\nforbid (principal, action == Action::\"check\", resource)\nwhen { resource.hasTag(\"cost-center\") && !resource.tag_value_matches.contains(\"cost_center\") };\n";

fn with_patterns() -> Settings {
    Settings {
        tag_patterns: vec![
            TagPattern::new("cost_center", "cost-center", "^CC-[0-9]{4}$").unwrap(),
            TagPattern::new("team_lower", "team", "^[a-z]+$").unwrap(),
        ],
        ..Settings::default()
    }
}

#[test]
fn tag_value_matches_names_the_configured_patterns_the_values_match() {
    let p = user(COST_CENTER_POLICY);
    let good = resource(
        "aws_s3_bucket.good",
        "aws_s3_bucket",
        tags(&[("cost-center", known("CC-1234"))]),
    );
    let bad = resource(
        "aws_s3_bucket.bad",
        "aws_s3_bucket",
        tags(&[("cost-center", known("cc-1234"))]),
    );
    let absent = resource(
        "aws_s3_bucket.absent",
        "aws_s3_bucket",
        tags(&[("team", known("ml"))]),
    );
    let unresolved = resource(
        "aws_s3_bucket.unresolved",
        "aws_s3_bucket",
        tags(&[(
            "cost-center",
            Fact::Unknown(Unknown::new("var.cost_center has no default")),
        )]),
    );
    let e = p.evaluate(
        &[good, bad.clone(), absent, unresolved.clone()],
        &with_patterns(),
    );
    assert_eq!(
        e.findings,
        vec![
            fail(
                "USR-CC",
                &bad,
                loc(10),
                "aws_s3_bucket.bad: cost-center is not CC-nnnn"
            ),
            unknown(
                "USR-CC",
                &unresolved,
                loc(10),
                "tag:cost-center",
                "var.cost_center has no default"
            ),
        ]
    );
    assert_eq!(e.passes, 2);
    // Without the pattern configured nothing matches it: the good value fails too.
    let e = p.evaluate(
        &[resource(
            "aws_s3_bucket.good",
            "aws_s3_bucket",
            tags(&[("cost-center", known("CC-1234"))]),
        )],
        &Settings::default(),
    );
    assert_eq!(e.findings.len(), 1);
}

#[test]
fn a_pattern_key_that_may_be_among_unseen_tags_is_unknown() {
    let p = user(
        "@id(\"USR-TEAM\") @severity(\"medium\") @message(\"{address}: team is not lower case\")\nforbid (principal, action == Action::\"check\", resource)\nwhen { !resource.tag_value_matches.contains(\"team_lower\") };\n",
    );
    let mut open = resource(
        "aws_s3_bucket.open",
        "aws_s3_bucket",
        tags(&[("env", known("dev"))]),
    );
    open.tags.more = Some(Unknown::new("var.extra_tags has no default"));
    // Every pattern's key is known: unseen tags cannot change what matches.
    let mut open_good = resource(
        "aws_s3_bucket.open_good",
        "aws_s3_bucket",
        tags(&[("cost-center", known("CC-0001")), ("team", known("ml"))]),
    );
    open_good.tags.more = open.tags.more.clone();
    let e = p.evaluate(&[open.clone(), open_good], &with_patterns());
    assert_eq!(
        e.findings,
        vec![unknown(
            "USR-TEAM",
            &open,
            loc(10),
            "tags",
            "var.extra_tags has no default"
        )]
    );
    assert_eq!(e.passes, 1);
}

// -------------------------------------------------------------------------- numbers

const DISK_POLICY: &str = "@id(\"USR-DISK\") @severity(\"medium\") @message(\"{address} has a disk over 500 GiB\")\nforbid (principal, action == Action::\"check\", resource)\nwhen { resource.numbers.hasTag(\"root_block_device.0.volume_size\") &&\n       resource.numbers.getTag(\"root_block_device.0.volume_size\") > 500 };\n";

fn instance(address: &str, size: Value) -> Resource {
    let mut disk = Map::new();
    disk.insert("volume_size", size);
    let mut r = resource(address, "aws_instance", Tags::default());
    r.attributes
        .insert("root_block_device", Value::List(vec![Value::Map(disk)]));
    r.argument_locations
        .insert("root_block_device.0.volume_size".to_string(), loc(40));
    r
}

#[test]
fn whole_number_arguments_compare_as_numbers_and_unknown_ones_are_unknown() {
    let p = user(DISK_POLICY);
    let big = instance("aws_instance.big", Value::Number(1000.0));
    let small = instance("aws_instance.small", Value::Number(100.0));
    let fraction = instance("aws_instance.fraction", Value::Number(600.5));
    let quoted = instance("aws_instance.quoted", Value::String("1000".to_string()));
    let sensitive = instance(
        "aws_instance.sensitive",
        Value::Sensitive(Box::new(Value::Number(2000.0))),
    );
    let unresolved = instance(
        "aws_instance.unresolved",
        Value::unknown("var.disk_size has no default"),
    );
    let e = p.evaluate(
        &[
            big.clone(),
            small,
            fraction,
            quoted,
            sensitive.clone(),
            unresolved.clone(),
        ],
        &Settings::default(),
    );
    assert_eq!(
        e.findings,
        vec![
            fail(
                "USR-DISK",
                &big,
                loc(40),
                "aws_instance.big has a disk over 500 GiB"
            ),
            fail(
                "USR-DISK",
                &sensitive,
                loc(40),
                "aws_instance.sensitive has a disk over 500 GiB"
            ),
            unknown(
                "USR-DISK",
                &unresolved,
                loc(40),
                "argument:root_block_device.0.volume_size",
                "var.disk_size has no default"
            ),
        ]
    );
    assert_eq!(e.passes, 3);
}

// ----------------------------------------------------------------------- applies_to

#[test]
fn applies_to_limits_findings_and_passes_to_the_listed_types() {
    let p = user(&format!(
        "@applies_to(\"aws_eks_*, Deployment\")\n{TEMP_POLICY}"
    ));
    let temp = || tags(&[("team", known("temp"))]);
    let bucket = resource("aws_s3_bucket.temp", "aws_s3_bucket", temp());
    let pool = resource("aws_eks_node_group.temp", "aws_eks_node_group", temp());
    let kept = resource(
        "aws_eks_node_group.kept",
        "aws_eks_node_group",
        tags(&[("team", known("ml"))]),
    );
    let deployment = resource("Deployment/ml/kept", "Deployment", Tags::default());
    let e = p.evaluate(
        &[bucket, pool.clone(), kept, deployment],
        &Settings::default(),
    );
    assert_eq!(
        e.findings,
        vec![fail(
            "USR-TEMP",
            &pool,
            loc(10),
            "aws_eks_node_group.temp is temporary"
        )]
    );
    assert_eq!(e.passes, 2);
}

#[test]
fn an_empty_applies_to_is_a_load_error_at_the_policy() {
    let text = format!("// a comment\n@applies_to(\"aws_instance, \")\n{TEMP_POLICY}");
    let errors = Policies::from_sources(false, &[("user/p.cedar".to_string(), text)]).unwrap_err();
    let shown: Vec<String> = errors
        .errors
        .iter()
        .map(|e| {
            format!(
                "{}:{}: {}",
                e.file().unwrap_or("?"),
                e.line().unwrap_or(0),
                e.message()
            )
        })
        .collect();
    assert_eq!(
        shown,
        vec!["user/p.cedar:2: `@applies_to` has an empty resource type"]
    );
}

// ---------------------------------------------------------------------- the binary

/// (policy, status, file:line, message) of every finding, and the passes.
fn check(dir: &Path) -> (i32, Vec<String>, u64) {
    let run = common::run::aicost(dir, &["check", ".", "--format", "json"], &[]);
    let report: serde_json::Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}{}", run.stdout, run.stderr));
    let findings = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {} {}:{} {}",
                f["policy_id"].as_str().unwrap(),
                f["status"].as_str().unwrap(),
                f["file"].as_str().unwrap(),
                f["line"],
                f["message"].as_str().unwrap()
            )
        })
        .collect();
    (
        run.code,
        findings,
        report["summary"]["passed"].as_u64().unwrap(),
    )
}

#[test]
fn the_binary_reads_tag_patterns_from_the_configuration() {
    let dir = Path::new(CRATE_DIR).join("testdata/computed_facts");
    let (code, findings, passed) = check(&dir);
    assert_eq!(code, 1);
    assert_eq!(
        findings,
        vec![
            "ACME-DISK-001 fail testdata/computed_facts/main.tf:8 aws_instance.etl has a root disk over 500 GiB",
            "ACME-TAG-010 fail testdata/computed_facts/main.tf:16 aws_instance.etl: the cost-center tag is not CC- and four digits",
            "ACME-TAG-011 fail testdata/computed_facts/main.tf:43 aws_s3_bucket.scratch is tagged as temporary",
        ]
    );
    // 3 resources × 3 policies, less 3 failures, less the bucket the disk policy does
    // not cover.
    assert_eq!(passed, 5);
}

#[test]
fn a_bad_or_oversized_tag_pattern_is_a_configuration_error_at_its_line() {
    const HELP: &str = "write a Rust regex (https://docs.rs/regex/#syntax), e.g. `^CC-[0-9]{4}$`; a pattern may compile to at most 64 KiB";
    let config = |pattern: &str| {
        format!(
            "builtin_policies = false\n\n[tags.patterns]\ncost_center = {{ key = \"cost-center\", pattern = '{pattern}' }}\n"
        )
    };
    for (pattern, message) in [
        (
            "^CC-[0-9{4}$",
            "invalid tag pattern `cost_center`: regex parse error: ^CC-[0-9{4}$ error: unclosed character class",
        ),
        (
            "(?:[a-z]{1000}){1000}",
            "invalid tag pattern `cost_center`: Compiled regex exceeds size limit of 65536 bytes.",
        ),
    ] {
        let err = aicost_policy::config::parse(&config(pattern), Path::new("aicost-policy.toml"))
            .unwrap_err();
        assert_eq!(err.message(), message);
        assert_eq!(err.help(), Some(HELP));
        assert_eq!(err.line(), 4);
    }
    let err = aicost_policy::config::parse(
        "[tags.patterns]\ncost_center = { key = \"\", pattern = \"x\" }\n",
        Path::new("aicost-policy.toml"),
    )
    .unwrap_err();
    assert_eq!(
        err.message(),
        "a tag pattern needs a name and a non-empty `key`"
    );
    assert_eq!(err.line(), 2);

    // The binary stops before scanning and points at the pattern.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("aicost-policy.toml"),
        config("^CC-[0-9{4}$"),
    )
    .unwrap();
    let run = common::run::aicost(dir.path(), &["check", "."], &[("NO_COLOR", "1")]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("aicost-policy.toml:4:48]"),
        "{}",
        run.stderr
    );
}

//! Integration tests of the policy engine's public API: loading (built-in pack, user
//! directories, load errors) and evaluation of the default pack and user policies over
//! hand-built resources, including unknown values, open tag maps, waivers and runtime
//! errors. Findings are compared exactly.

// Test code: helpers outside `#[test]` functions should stop the test loudly too.
#![allow(clippy::panic, clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::sync::Arc;

use aicost_policy::model::{
    Accelerator, Capacity, Compute, CostEstimate, Date, Fact, Finding, Location, Map, ProviderRef,
    Resource, Severity, SourceFormat, Status, Suppression, Tags, UnitCounts, Unknown, UnknownInput,
    Usd, Value,
};
use aicost_policy::policy::{
    EnvironmentSettings, LoadOptions, Policies, PolicyLoadErrors, Settings, Waiver,
};

const TODAY: &str = "2026-03-10";

fn loc(line: u32) -> Location {
    Location {
        file: Arc::from("infra/main.tf"),
        line,
        column: 1,
        end_line: line,
        span: (0, 0),
    }
}

fn settings() -> Settings {
    Settings {
        today: Date::parse(TODAY).ok(),
        ..Settings::default()
    }
}

fn builtin() -> Policies {
    Policies::load(&LoadOptions {
        builtin: true,
        dirs: Vec::new(),
    })
    .unwrap()
}

fn with_user(policy: &str) -> Policies {
    Policies::from_sources(
        true,
        &[("user/extra.cedar".to_string(), policy.to_string())],
    )
    .unwrap_or_else(|e| panic!("{:?}", miette::Report::new(e)))
}

fn load_err(sources: &[(&str, &str)]) -> PolicyLoadErrors {
    let sources: Vec<(String, String)> = sources
        .iter()
        .map(|(n, t)| (n.to_string(), t.to_string()))
        .collect();
    Policies::from_sources(false, &sources).unwrap_err()
}

fn full_tags() -> Tags {
    let mut entries = BTreeMap::new();
    for (k, v) in [("team", "ml"), ("cost-center", "cc-1"), ("env", "prod")] {
        entries.insert(k.to_string(), Fact::Known(v.to_string()));
    }
    Tags {
        entries,
        more: None,
    }
}

/// A taggable, fully tagged, non-compute AWS resource in `prod`.
fn bucket(address: &str) -> Resource {
    Resource {
        root: Arc::from("infra"),
        address: address.to_string(),
        resource_type: "aws_s3_bucket".to_string(),
        source: SourceFormat::Terraform,
        location: loc(10),
        argument_locations: BTreeMap::new(),
        provider: ProviderRef {
            name: "aws".to_string(),
            alias: None,
        },
        region: Some(Fact::Known("us-east-1".to_string())),
        environment: Some(Fact::Known("prod".to_string())),
        taggable: true,
        tags: full_tags(),
        compute: None,
        fact_locations: BTreeMap::new(),
        waivers: Vec::new(),
        attributes: Map::new(),
        cost: None,
        workload: None,
        sensitive: Default::default(),
    }
}

/// A fully tagged EKS node group of `max` nodes of `instance_type` with `per_node`
/// accelerators of `model`.
fn pool(
    address: &str,
    env: &str,
    instance_type: &str,
    model: &str,
    per_node: i64,
    max: i64,
    capacity: Capacity,
) -> Resource {
    Resource {
        resource_type: "aws_eks_node_group".to_string(),
        environment: Some(Fact::Known(env.to_string())),
        compute: Some(Compute {
            instance_type: Fact::Known(instance_type.to_string()),
            instance_types: Fact::Known(vec![instance_type.to_string()]),
            accelerator: Fact::Known(Some(Accelerator {
                model: Fact::Known(model.to_string()),
                count: Fact::Known(per_node),
                memory_gib: None,
            })),
            count: UnitCounts {
                min: Fact::Known(0),
                desired: Fact::Known(1),
                max: Fact::Known(max),
            },
            capacity: Fact::Known(capacity),
            pool: true,
            notes: Vec::new(),
        }),
        ..bucket(address)
    }
}

fn unknown(origin: &str) -> Unknown {
    Unknown::new(origin)
}

fn input(fact: &str, origin: &str) -> UnknownInput {
    UnknownInput {
        fact: fact.to_string(),
        origin: origin.to_string(),
    }
}

/// The findings of `policies` on `resources` with policy id `id`.
fn findings_of(policies: &Policies, resources: &[Resource], id: &str) -> Vec<Finding> {
    policies
        .evaluate(resources, &settings())
        .findings
        .into_iter()
        .filter(|f| f.policy_id == id)
        .collect()
}

/// An unknown finding: the message names the facts, the help says how to resolve them.
fn unknown_finding(
    id: &str,
    severity: Severity,
    r: &Resource,
    location: Location,
    unknowns: &[(&str, &str)],
) -> Finding {
    let facts: Vec<&str> = unknowns.iter().map(|(f, _)| *f).collect();
    let listed = match facts.as_slice() {
        [one] => format!("{one} is"),
        [init @ .., last] => format!("{} and {last} are", init.join(", ")),
        [] => String::new(),
    };
    let mut f = finding(
        id,
        severity,
        Status::Unknown,
        r,
        location,
        &format!("cannot decide {id} for {}: {listed} unknown", r.address),
        Some(UNKNOWN_HELP),
    );
    f.unknowns = unknowns
        .iter()
        .map(|(fact, origin)| input(fact, origin))
        .collect();
    f
}

const UNKNOWN_HELP: &str = "resolve the value (give the variable a default, or pass it with --var or --var-file) to get a definite answer; --unknown fail counts this as a failure";

fn finding(
    id: &str,
    severity: Severity,
    status: Status,
    r: &Resource,
    location: Location,
    message: &str,
    help: Option<&str>,
) -> Finding {
    Finding {
        policy_id: id.to_string(),
        severity,
        status,
        root: r.root.clone(),
        address: r.address.clone(),
        resource_type: r.resource_type.clone(),
        location,
        message: message.to_string(),
        help: help.map(str::to_string),
        unknowns: Vec::new(),
        suppression: None,
        approval: None,
    }
}

const TAG_HELP: &str = "add the tags to the resource, or set them once for every resource of a provider with provider \"aws\" { default_tags { tags = { ... } } } (AWS) or provider \"google\" { default_labels = { ... } } (Google); to accept the gap, waive AIC-TAG-001 for this resource";

// ---------------------------------------------------------------------------- loading

#[test]
fn the_builtin_pack_loads_with_metadata() {
    let p = builtin();
    assert_eq!(
        p.ids().collect::<Vec<_>>(),
        vec![
            "AIC-BUDGET-001",
            "AIC-BUDGET-002",
            "AIC-CHANGE-001",
            "AIC-CHANGE-002",
            "AIC-CHANGE-003",
            "AIC-COST-001",
            "AIC-COST-002",
            "AIC-GOV-001",
            "AIC-GPU-001",
            "AIC-GPU-002",
            "AIC-GPU-003",
            "AIC-K8S-001",
            "AIC-K8S-002",
            "AIC-K8S-003",
            "AIC-K8S-004",
            "AIC-K8S-005",
            "AIC-K8S-006",
            "AIC-TAG-001"
        ]
    );
    assert_eq!(p.len(), 18);
    assert!(p.warnings().is_empty());
    let tag = p.rule("AIC-TAG-001").unwrap();
    assert_eq!(tag.severity, Severity::High);
    assert_eq!(
        tag.message,
        "{address} is missing required tags: {missing_tags}"
    );
    assert_eq!(tag.help.as_deref(), Some(TAG_HELP));
    assert_eq!(tag.file, "builtin/required_tags_missing.cedar");
    assert_eq!(tag.line, 4);
    assert!(tag.builtin);
    let severities: Vec<Severity> = p.rules().iter().map(|r| r.severity).collect();
    assert_eq!(
        severities,
        vec![
            // Over a budget's limit is high; past its warning share only informs.
            Severity::High,
            Severity::Info,
            // Guardrails on a change: the monthly increase and the accelerators added are
            // high, a new endpoint medium.
            Severity::High,
            Severity::High,
            Severity::Medium,
            // A missing estimate is medium; a ceiling over the limit is high.
            Severity::Medium,
            Severity::High,
            // An edit to the gate is high.
            Severity::High,
            Severity::High,
            Severity::Medium,
            Severity::Medium,
            // Kubernetes: labels, GPU limits, scale to zero, replicas, node pool limits,
            // LLM routes.
            Severity::High,
            Severity::High,
            Severity::Medium,
            Severity::Medium,
            Severity::High,
            Severity::Medium,
            Severity::High
        ]
    );
    assert!(p.rules().iter().all(|r| r.help.is_some()));
}

#[test]
fn user_directories_are_loaded_in_name_order_next_to_the_pack() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("b.cedar"),
        // A policy that reads resource attributes names the action (docs/policies.md): an
        // unconstrained one is validated against budgets too, which have no `type`.
        "@id(\"USR-2\") @severity(\"info\") @message(\"{address}\")\nforbid (principal, action == Action::\"check\", resource) when { resource.type == \"aws_instance\" };\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("a.cedar"),
        "@id(\"USR-1\") @severity(\"low\") @message(\"{address}\")\nforbid (principal, action, resource) when { false };\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("notes.txt"), "not a policy").unwrap();
    let p = Policies::load(&LoadOptions {
        builtin: false,
        dirs: vec![dir.path().to_path_buf()],
    })
    .unwrap();
    assert_eq!(p.ids().collect::<Vec<_>>(), vec!["USR-1", "USR-2"]);
    // `when { false }` can never apply: Cedar warns, loading goes on.
    let warnings: Vec<(&str, bool, Option<u32>)> = p
        .warnings()
        .iter()
        .map(|w| (w.message(), w.is_warning(), w.line()))
        .collect();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].0.contains("USR-1"), "{warnings:?}");
    assert_eq!((warnings[0].1, warnings[0].2), (true, Some(1)));
    let usr2 = p.rule("USR-2").unwrap();
    assert!(usr2.file.ends_with("/b.cedar"), "{}", usr2.file);
    assert!(!usr2.builtin);

    let both = Policies::load(&LoadOptions {
        builtin: true,
        dirs: vec![dir.path().to_path_buf()],
    })
    .unwrap();
    assert_eq!(both.len(), 20);
}

#[test]
fn a_missing_directory_is_an_error() {
    let e = Policies::load(&LoadOptions {
        builtin: true,
        dirs: vec!["/nonexistent/policies".into()],
    })
    .unwrap_err();
    assert_eq!(e.errors.len(), 1);
    assert!(e.errors[0]
        .message()
        .starts_with("cannot read policy directory `/nonexistent/policies`: "));
}

#[test]
fn annotation_problems_point_at_the_policy_line() {
    let text = "// header\n\n@id(\"A-1\")\n@severity(\"urgent\")\n@message(\"{adress} is bad\")\nforbid (principal, action, resource);\n\nforbid (principal, action, resource);\n";
    let e = load_err(&[("p/a.cedar", text)]);
    let got: Vec<(String, Option<&str>, Option<u32>)> = e
        .errors
        .iter()
        .map(|e| (e.message().to_string(), e.file(), e.line()))
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "unknown severity `urgent`".to_string(),
                Some("p/a.cedar"),
                Some(4)
            ),
            (
                "in `@message`: unknown placeholder `{adress}`".to_string(),
                Some("p/a.cedar"),
                Some(5)
            ),
            (
                "policy has no `@id` annotation".to_string(),
                Some("p/a.cedar"),
                Some(8)
            ),
            (
                "policy has no `@severity` annotation".to_string(),
                Some("p/a.cedar"),
                Some(8)
            ),
            (
                "policy has no `@message` annotation".to_string(),
                Some("p/a.cedar"),
                Some(8)
            ),
        ]
    );
    assert_eq!(
        e.errors[0].help(),
        Some("the severity is one of critical, high, medium, low or info")
    );
}

#[test]
fn permit_policies_and_templates_are_rejected() {
    let text = "@id(\"P-1\") @severity(\"low\") @message(\"m\")\npermit (principal, action, resource);\n@id(\"T-1\") @severity(\"low\") @message(\"m\")\nforbid (principal, action, resource in ?resource);\n";
    let e = load_err(&[("p.cedar", text)]);
    let got: Vec<(&str, Option<u32>)> = e.errors.iter().map(|e| (e.message(), e.line())).collect();
    assert_eq!(
        got,
        vec![
            ("policy templates are not supported", Some(4)),
            ("`permit` policies have no effect", Some(2)),
        ]
    );
}

#[test]
fn duplicate_ids_name_both_files_and_lines() {
    let a =
        "@id(\"X-1\") @severity(\"low\") @message(\"m\")\nforbid (principal, action, resource);\n";
    let b = "\n\n@id(\"X-1\") @severity(\"low\") @message(\"m\")\nforbid (principal, action, resource);\n";
    let e = load_err(&[("one.cedar", a), ("two.cedar", b)]);
    assert_eq!(e.errors.len(), 1);
    assert_eq!(
        e.errors[0].message(),
        "duplicate policy id `X-1`: defined at one.cedar:1 and two.cedar:3"
    );
    assert_eq!(
        (e.errors[0].file(), e.errors[0].line()),
        (Some("two.cedar"), Some(3))
    );
}

#[test]
fn parse_and_validation_errors_are_all_reported_with_file_and_line() {
    let bad_parse = "@id(\"A\") @severity(\"low\") @message(\"m\")\nforbid (principal, action, resource) when { resource.type == };\n";
    let bad_types = "@id(\"B\") @severity(\"low\") @message(\"m\")\nforbid (principal, action == Action::\"check\", resource)\nwhen { resource.instance_typo == \"x\" };\n\n@id(\"C\") @severity(\"low\") @message(\"m\")\nforbid (principal, action == Action::\"check\", resource)\nwhen { resource.getTag(\"team\") == \"x\" };\n";
    let e = load_err(&[("parse.cedar", bad_parse), ("types.cedar", bad_types)]);
    let places: Vec<(Option<&str>, Option<u32>)> =
        e.errors.iter().map(|e| (e.file(), e.line())).collect();
    assert_eq!(
        places,
        vec![
            (Some("parse.cedar"), Some(2)),
            (Some("types.cedar"), Some(3)),
            (Some("types.cedar"), Some(7)),
        ]
    );
    assert!(
        e.errors[0].message().contains("unexpected token"),
        "{}",
        e.errors[0].message()
    );
    assert!(
        e.errors[1].message().contains("instance_typo"),
        "{}",
        e.errors[1].message()
    );
    assert!(
        e.errors[2].message().contains("`\"team\"`"),
        "{}",
        e.errors[2].message()
    );
    let rendered = format!("{:?}", miette::Report::new(e));
    assert!(
        rendered.contains("could not load policies: 3 errors"),
        "{rendered}"
    );
    assert!(rendered.contains("parse.cedar:2:"), "{rendered}");
    assert!(rendered.contains("types.cedar:3:"), "{rendered}");
    assert!(rendered.contains("types.cedar:7:"), "{rendered}");
}

// ------------------------------------------------------------------------ AIC-TAG-001

#[test]
fn missing_tags_fail_with_the_missing_keys_in_required_order() {
    let p = builtin();
    let mut r = bucket("aws_s3_bucket.data");
    r.tags.entries.remove("team");
    r.tags.entries.remove("env");
    r.fact_locations.insert("tags".to_string(), loc(14));
    let e = p.evaluate(std::slice::from_ref(&r), &settings());
    assert_eq!(
        e.findings,
        vec![finding(
            "AIC-TAG-001",
            Severity::High,
            Status::Fail,
            &r,
            loc(14),
            "aws_s3_bucket.data is missing required tags: team, env",
            Some(TAG_HELP),
        )]
    );
    // The other 11 resource policies pass.
    assert_eq!(e.passes, 11);
}

#[test]
fn complete_tags_and_untaggable_resources_pass() {
    let p = builtin();
    let mut untaggable = bucket("aws_iam_role.x");
    untaggable.taggable = false;
    untaggable.tags = Tags::default();
    let e = p.evaluate(&[bucket("aws_s3_bucket.ok"), untaggable], &settings());
    assert_eq!(e.findings, vec![]);
    // 12 resource policies x 2 resources.
    assert_eq!(e.passes, 24);
}

#[test]
fn fully_unknown_tags_are_unknown_not_fail() {
    let p = builtin();
    let mut r = bucket("aws_s3_bucket.data");
    r.tags = Tags {
        entries: BTreeMap::new(),
        more: Some(unknown("var.tags has no default")),
    };
    let expected = unknown_finding(
        "AIC-TAG-001",
        Severity::High,
        &r,
        loc(10),
        &[("tags", "var.tags has no default")],
    );
    assert_eq!(findings_of(&p, &[r], "AIC-TAG-001"), vec![expected]);
}

#[test]
fn open_tag_maps_pass_when_every_required_key_is_known() {
    let p = builtin();
    let mut r = bucket("aws_s3_bucket.data");
    r.tags.more = Some(unknown(
        "merge(local.tags, var.extra): var.extra has no default",
    ));
    assert_eq!(findings_of(&p, &[r], "AIC-TAG-001"), vec![]);
}

#[test]
fn open_tag_maps_missing_a_key_are_unknown() {
    let p = builtin();
    let mut r = bucket("aws_s3_bucket.data");
    r.tags.entries.remove("cost-center");
    r.tags.more = Some(unknown("var.extra has no default"));
    let expected = unknown_finding(
        "AIC-TAG-001",
        Severity::High,
        &r,
        loc(10),
        &[("tags", "var.extra has no default")],
    );
    assert_eq!(findings_of(&p, &[r], "AIC-TAG-001"), vec![expected]);
}

#[test]
fn unknown_tag_values_are_named_by_key() {
    let p = with_user(
        "@id(\"USR-TEAM\") @severity(\"low\") @message(\"{address} belongs to nobody\")\nforbid (principal, action, resource)\nwhen { resource.hasTag(\"team\") && resource.getTag(\"team\") == \"nobody\" };\n",
    );
    let mut r = bucket("aws_s3_bucket.data");
    r.tags.entries.insert(
        "team".to_string(),
        Fact::Unknown(unknown("var.team has no default")),
    );
    let expected = unknown_finding(
        "USR-TEAM",
        Severity::Low,
        &r,
        loc(10),
        &[("tag:team", "var.team has no default")],
    );
    assert_eq!(findings_of(&p, &[r], "USR-TEAM"), vec![expected]);
}

// ------------------------------------------------------------------------ AIC-GPU-001

#[test]
fn training_accelerators_in_dev_fail_and_inference_ones_pass() {
    let p = builtin();
    let mut bad = pool(
        "aws_eks_node_group.train",
        "dev",
        "p5.48xlarge",
        "H100",
        8,
        2,
        Capacity::Spot,
    );
    bad.fact_locations
        .insert("instance_type".to_string(), loc(22));
    let good = pool(
        "aws_eks_node_group.serve",
        "dev",
        "g5.2xlarge",
        "A10G",
        1,
        4,
        Capacity::Spot,
    );
    let prod = pool(
        "aws_eks_node_group.prod",
        "prod",
        "p5.48xlarge",
        "H100",
        8,
        2,
        Capacity::OnDemand,
    );
    assert_eq!(
        findings_of(&p, &[bad.clone(), good, prod], "AIC-GPU-001"),
        vec![finding(
            "AIC-GPU-001",
            Severity::High,
            Status::Fail,
            &bad,
            loc(22),
            "aws_eks_node_group.train uses p5.48xlarge (family p5), which is not allowed in environment dev; allowed families: g4dn, g5, g6, g6e, inf2, g2, NCas_T4_v3, NVads_A10_v5",
            Some("use an instance type from an allowed family (g4dn, g5, g6, g6e, inf2, g2, NCas_T4_v3, NVads_A10_v5), change allowed_accelerator_families for environment dev in the configuration, or waive AIC-GPU-001 for this resource"),
        )]
    );
}

fn unknown_type_pool(env: &str) -> Resource {
    let why = unknown("var.instance_type has no default");
    let mut r = pool(
        "aws_eks_node_group.x",
        env,
        "unused",
        "unused",
        0,
        2,
        Capacity::Spot,
    );
    if let Some(c) = r.compute.as_mut() {
        c.instance_type = Fact::Unknown(why.clone());
        c.instance_types = Fact::Unknown(why.clone());
        c.accelerator = Fact::Unknown(why);
    }
    r
}

#[test]
fn an_unknown_instance_type_passes_in_prod_and_is_unknown_in_dev() {
    let p = builtin();
    assert_eq!(
        findings_of(&p, &[unknown_type_pool("prod")], "AIC-GPU-001"),
        vec![]
    );
    let r = unknown_type_pool("dev");
    let got = findings_of(&p, std::slice::from_ref(&r), "AIC-GPU-001");
    let expected = unknown_finding(
        "AIC-GPU-001",
        Severity::High,
        &r,
        loc(10),
        &[
            ("accelerator_count", "var.instance_type has no default"),
            ("instance_families", "var.instance_type has no default"),
        ],
    );
    assert_eq!(got, vec![expected]);
}

#[test]
fn azure_and_google_families_are_matched() {
    let p = builtin();
    let mut azure = pool(
        "azurerm_kubernetes_cluster_node_pool.a",
        "staging",
        "Standard_NC4as_T4_v3",
        "T4",
        1,
        2,
        Capacity::Spot,
    );
    azure.provider.name = "azurerm".to_string();
    let mut azure_bad = pool(
        "azurerm_kubernetes_cluster_node_pool.b",
        "staging",
        "Standard_ND96isr_H100_v5",
        "H100",
        8,
        2,
        Capacity::Spot,
    );
    azure_bad.provider.name = "azurerm".to_string();
    let mut gke = pool(
        "google_container_node_pool.c",
        "dev",
        "g2-standard-8",
        "L4",
        1,
        2,
        Capacity::Spot,
    );
    gke.provider.name = "google".to_string();
    let got: Vec<String> = findings_of(&p, &[azure, azure_bad, gke], "AIC-GPU-001")
        .into_iter()
        .map(|f| f.address)
        .collect();
    assert_eq!(got, vec!["azurerm_kubernetes_cluster_node_pool.b"]);
}

// ------------------------------------------------------------------------ AIC-GPU-002

#[test]
fn accelerators_at_maximum_scale_over_the_limit_fail() {
    let p = builtin();
    let big = pool(
        "aws_eks_node_group.big",
        "prod",
        "p5.48xlarge",
        "H100",
        8,
        16,
        Capacity::OnDemand,
    );
    let small = pool(
        "aws_eks_node_group.small",
        "prod",
        "p5.48xlarge",
        "H100",
        8,
        8,
        Capacity::OnDemand,
    );
    assert_eq!(
        findings_of(&p, &[big.clone(), small], "AIC-GPU-002"),
        vec![finding(
            "AIC-GPU-002",
            Severity::Medium,
            Status::Fail,
            &big,
            loc(10),
            "aws_eks_node_group.big can scale to 128 accelerators (16 x 8 H100), more than the limit of 64",
            Some("lower the maximum size or the accelerators per node, raise the limit in the configuration (max_accelerators under [environments.NAME], or max_per_resource under [accelerators]), or waive AIC-GPU-002 for this resource"),
        )]
    );
}

#[test]
fn an_unknown_maximum_is_unknown_and_points_at_it() {
    let p = builtin();
    let mut r = pool(
        "aws_eks_node_group.x",
        "prod",
        "p5.48xlarge",
        "H100",
        8,
        1,
        Capacity::OnDemand,
    );
    if let Some(c) = r.compute.as_mut() {
        c.count.max = Fact::Unknown(unknown("var.max_size has no default"));
    }
    r.fact_locations.insert("count_max".to_string(), loc(31));
    let expected = unknown_finding(
        "AIC-GPU-002",
        Severity::Medium,
        &r,
        loc(31),
        &[("accelerators_max", "var.max_size has no default")],
    );
    assert_eq!(findings_of(&p, &[r], "AIC-GPU-002"), vec![expected]);
}

#[test]
fn per_environment_limits_override_the_global_one() {
    let p = builtin();
    let mut s = settings();
    s.environments.insert(
        "research".to_string(),
        EnvironmentSettings {
            allowed_accelerator_families: None,
            max_accelerators: Some(256),
        },
    );
    let r = pool(
        "aws_eks_node_group.big",
        "research",
        "p5.48xlarge",
        "H100",
        8,
        16,
        Capacity::Spot,
    );
    let e = p.evaluate(&[r], &s);
    assert_eq!(e.findings, vec![]);
    assert_eq!(e.passes, 12);
}

// ------------------------------------------------------------------------ AIC-GPU-003

#[test]
fn on_demand_accelerator_pools_outside_production_fail() {
    let p = builtin();
    let mut dev = pool(
        "aws_eks_node_group.dev",
        "staging",
        "g5.xlarge",
        "A10G",
        1,
        3,
        Capacity::OnDemand,
    );
    // @location prefers capacity_type over the facts the policy reads first.
    dev.fact_locations.insert("environment".to_string(), loc(3));
    dev.fact_locations
        .insert("capacity_type".to_string(), loc(5));
    let spot = pool(
        "aws_eks_node_group.spot",
        "staging",
        "g5.xlarge",
        "A10G",
        1,
        3,
        Capacity::Spot,
    );
    let prod = pool(
        "aws_eks_node_group.prod",
        "prod",
        "g5.xlarge",
        "A10G",
        1,
        3,
        Capacity::OnDemand,
    );
    assert_eq!(
        findings_of(&p, &[dev.clone(), spot, prod], "AIC-GPU-003"),
        vec![finding(
            "AIC-GPU-003",
            Severity::Medium,
            Status::Fail,
            &dev,
            loc(5),
            "aws_eks_node_group.dev is an accelerator pool in non-production environment staging on on-demand capacity (3 x g5.xlarge)",
            Some("use spot capacity: capacity_type = \"SPOT\" (EKS), spot = true or preemptible = true (GKE), priority = \"Spot\" (AKS); or waive AIC-GPU-003 for this resource"),
        )]
    );
}

#[test]
fn an_unknown_environment_is_unknown_for_environment_dependent_rules() {
    let p = builtin();
    let mut r = pool(
        "aws_eks_node_group.x",
        "unused",
        "p5.48xlarge",
        "H100",
        8,
        2,
        Capacity::OnDemand,
    );
    r.environment = Some(Fact::Unknown(unknown("var.env has no default")));
    let e = p.evaluate(std::slice::from_ref(&r), &settings());
    let got: Vec<(String, Status, Vec<UnknownInput>)> = e
        .findings
        .into_iter()
        .map(|f| (f.policy_id, f.status, f.unknowns))
        .collect();
    let env = vec![input("environment", "var.env has no default")];
    assert_eq!(
        got,
        vec![
            ("AIC-GPU-001".to_string(), Status::Unknown, env.clone()),
            ("AIC-GPU-003".to_string(), Status::Unknown, env),
        ]
    );
    // AIC-GPU-002 (the limit is 64 everywhere), AIC-TAG-001, the cost policies (no
    // estimate) and the six Kubernetes policies pass.
    assert_eq!(e.passes, 10);
}

#[test]
fn environment_membership_is_unknown_when_the_environment_is() {
    let p = with_user(
        "@id(\"USR-DEV\") @severity(\"info\") @message(\"{address} is in dev\")\nforbid (principal, action, resource in Environment::\"dev\");\n",
    );
    let mut known = bucket("aws_s3_bucket.dev");
    known.environment = Some(Fact::Known("dev".to_string()));
    let mut r = bucket("aws_s3_bucket.x");
    r.environment = Some(Fact::Unknown(unknown("var.env has no default")));
    let got: Vec<(String, Status, Vec<UnknownInput>)> = findings_of(&p, &[known, r], "USR-DEV")
        .into_iter()
        .map(|f| (f.address, f.status, f.unknowns))
        .collect();
    assert_eq!(
        got,
        vec![
            ("aws_s3_bucket.dev".to_string(), Status::Fail, vec![]),
            (
                "aws_s3_bucket.x".to_string(),
                Status::Unknown,
                vec![input("environment", "var.env has no default")]
            ),
        ]
    );
}

// --------------------------------------------------------------- AIC-COST-001 / 002

const COST_001_HELP: &str = "give the missing values (variable defaults, --var, --var-file, the usage file), add the price with [[pricing.overrides]] in the configuration, or waive AIC-COST-001 for this resource";
const COST_002_HELP: &str = "lower the maximum size or choose a smaller type, raise max_resource_ceiling under [costs] in the configuration, or waive AIC-COST-002 for this resource";

fn usd(amount: &str) -> Usd {
    Usd(amount.parse().unwrap())
}

/// An estimate with these totals; incomplete when something is `missing`.
fn estimate(baseline: &str, ceiling: &str, missing: &[&str]) -> CostEstimate {
    CostEstimate {
        components: Vec::new(),
        baseline: usd(baseline),
        ceiling: usd(ceiling),
        complete: missing.is_empty(),
        missing: missing.iter().map(|m| m.to_string()).collect(),
        notes: Vec::new(),
        assumptions: Vec::new(),
        counted_in: None,
    }
}

/// A p5 training pool in prod (so only the cost policies can fail) with `cost`; its type is
/// written on line 12 and its maximum size on line 33.
fn priced_pool(address: &str, cost: CostEstimate) -> Resource {
    let mut r = pool(
        address,
        "prod",
        "p5.48xlarge",
        "H100",
        8,
        2,
        Capacity::OnDemand,
    );
    r.fact_locations
        .insert("instance_type".to_string(), loc(12));
    r.fact_locations.insert("count_max".to_string(), loc(33));
    r.cost = Some(cost);
    r
}

#[test]
fn aic_cost_001_fails_on_an_incomplete_estimate_and_names_what_is_missing() {
    let p = builtin();
    let one = priced_pool(
        "aws_eks_node_group.a",
        estimate(
            "0",
            "0",
            &["instance_type is unknown: var.instance_type has no default"],
        ),
    );
    let two = priced_pool(
        "aws_eks_node_group.b",
        estimate(
            "80358.40",
            "160716.80",
            &[
                "price unknown: p9.mega is not in the AWS EC2 price table (as of 2026-07-20)",
                "disk_size is unknown: var.disk has no default",
            ],
        ),
    );
    let failure = |r: &Resource, missing: &str| {
        finding(
            "AIC-COST-001",
            Severity::Medium,
            Status::Fail,
            r,
            // @location("instance_type, count_max"): the type's line.
            loc(12),
            &format!("{} has no complete cost estimate: {missing}", r.address),
            Some(COST_001_HELP),
        )
    };
    assert_eq!(
        findings_of(&p, &[one.clone(), two.clone()], "AIC-COST-001"),
        vec![
            failure(&one, "instance_type is unknown: var.instance_type has no default"),
            // Every missing value, in order.
            failure(
                &two,
                "price unknown: p9.mega is not in the AWS EC2 price table (as of 2026-07-20); disk_size is unknown: var.disk has no default",
            ),
        ]
    );
}

#[test]
fn aic_cost_001_passes_on_a_complete_estimate_and_on_unpriced_resources() {
    let p = builtin();
    let priced = priced_pool(
        "aws_eks_node_group.a",
        estimate("80362.40", "80362.40", &[]),
    );
    // An S3 bucket whose storage depends on usage is complete: nothing fixed is missing.
    let mut usage = bucket("aws_s3_bucket.data");
    usage.cost = Some(estimate("0", "0", &[]));
    // A type the price catalog does not cover has no estimate and no cost attributes.
    let unpriced = bucket("aws_iam_role.x");
    assert_eq!(
        findings_of(&p, &[priced, usage, unpriced], "AIC-COST-001"),
        vec![]
    );
}

#[test]
fn aic_cost_002_fails_when_the_ceiling_is_over_the_limit() {
    let p = builtin();
    // 10 x 730 h x $55.04 + 200 GB x $0.10, against the default limit of $100,000.
    let r = priced_pool(
        "aws_eks_node_group.train",
        estimate("80362.40", "401812.00", &[]),
    );
    assert_eq!(
        findings_of(&p, std::slice::from_ref(&r), "AIC-COST-002"),
        vec![finding(
            "AIC-COST-002",
            Severity::High,
            Status::Fail,
            &r,
            // @location("count_max, instance_type"): the maximum size's line.
            loc(33),
            "aws_eks_node_group.train can cost $401,812.00 a month at maximum scale, more than the limit of $100,000.00",
            Some(COST_002_HELP),
        )]
    );
}

#[test]
fn aic_cost_002_passes_at_or_below_the_limit() {
    let p = builtin();
    let at = priced_pool("aws_eks_node_group.at", estimate("1", "100000.00", &[]));
    let below = priced_pool("aws_eks_node_group.below", estimate("1", "99999.99", &[]));
    let e = p.evaluate(&[at, below], &settings());
    assert_eq!(e.findings, vec![]);
    // 12 resource policies x 2 resources.
    assert_eq!(e.passes, 24);
}

#[test]
fn aic_cost_002_uses_the_configured_limit_and_none_means_no_limit() {
    let p = builtin();
    let r = priced_pool("aws_eks_node_group.dev", estimate("300", "600.00", &[]));
    let mut low = settings();
    low.max_resource_ceiling = Some(usd("500"));
    let got: Vec<String> = p
        .evaluate(std::slice::from_ref(&r), &low)
        .findings
        .into_iter()
        .map(|f| f.message)
        .collect();
    assert_eq!(
        got,
        vec!["aws_eks_node_group.dev can cost $600.00 a month at maximum scale, more than the limit of $500.00"]
    );
    let mut unlimited = settings();
    unlimited.max_resource_ceiling = None;
    let huge = priced_pool(
        "aws_eks_node_group.huge",
        estimate("1", "900000000.00", &[]),
    );
    assert_eq!(
        p.evaluate(&[huge], &unlimited).findings,
        Vec::<Finding>::new()
    );
}

#[test]
fn aic_cost_002_is_unknown_when_the_estimate_is_incomplete() {
    let p = builtin();
    let missing = "instance_type is unknown: var.instance_type has no default";
    let r = priced_pool("aws_eks_node_group.x", estimate("0", "0", &[missing]));
    assert_eq!(
        findings_of(&p, std::slice::from_ref(&r), "AIC-COST-002"),
        vec![unknown_finding(
            "AIC-COST-002",
            Severity::High,
            &r,
            loc(33),
            &[("monthly_cost_ceiling", missing)],
        )]
    );
}

/// docs/policies.md: "a condition that is true or false whatever the unknown turns out to
/// be gives fail or pass". Costs only add up, so a ceiling whose known part is already over
/// the limit is over it whatever the missing part costs (budgets already work this way,
/// `src/policy/budgets.rs`).
#[test]
fn aic_cost_002_fails_when_the_known_part_of_an_incomplete_ceiling_is_over_the_limit() {
    let p = builtin();
    // 100 x 730 h x $55.04 is known; the node disk size is not.
    let r = priced_pool(
        "aws_eks_node_group.huge",
        estimate(
            "40179.20",
            "4017920.00",
            &["disk_size is unknown: var.disk has no default"],
        ),
    );
    assert_eq!(
        findings_of(&p, std::slice::from_ref(&r), "AIC-COST-002"),
        vec![finding(
            "AIC-COST-002",
            Severity::High,
            Status::Fail,
            &r,
            loc(33),
            "aws_eks_node_group.huge can cost at least $4,017,920.00 a month at maximum scale, more than the limit of $100,000.00",
            Some(COST_002_HELP),
        )]
    );
}

#[test]
fn user_policies_can_read_the_cost_attributes() {
    let p = with_user(
        "@id(\"USR-COST\") @severity(\"low\") @message(\"{address} costs {monthly_cost} a month\")\nforbid (principal, action == Action::\"check\", resource)\nwhen { resource has monthly_cost && resource.monthly_cost.greaterThanOrEqual(decimal(\"1000.0\")) };\n",
    );
    let dear = priced_pool("aws_eks_node_group.dear", estimate("1234.5", "1234.5", &[]));
    let cheap = priced_pool(
        "aws_eks_node_group.cheap",
        estimate("999.99", "999.99", &[]),
    );
    let got: Vec<(String, Status, String)> =
        findings_of(&p, &[dear, cheap, bucket("aws_iam_role.x")], "USR-COST")
            .into_iter()
            .map(|f| (f.address, f.status, f.message))
            .collect();
    assert_eq!(
        got,
        vec![(
            "aws_eks_node_group.dear".to_string(),
            Status::Fail,
            "aws_eks_node_group.dear costs $1,234.50 a month".to_string()
        )]
    );
}

#[test]
fn a_policy_without_an_action_constraint_is_validated_against_budgets_too() {
    // docs/policies.md: start resource policies with `action == Action::"check"`.
    let e = load_err(&[(
        "p.cedar",
        "@id(\"U\") @severity(\"low\") @message(\"m\")\nforbid (principal, action, resource)\nwhen { resource.type == \"aws_instance\" };\n",
    )]);
    let got: Vec<(&str, Option<u32>)> = e.errors.iter().map(|e| (e.message(), e.line())).collect();
    assert_eq!(
        got,
        vec![
            (
                "for policy `U`, attribute `type` on entity type `Budget` not found",
                Some(3)
            ),
            (
                "for policy `U`, attribute `type` on entity type `Change` not found",
                Some(3)
            )
        ]
    );
}

// ----------------------------------------------------------------- user policies, errors

#[test]
fn runtime_errors_become_error_findings() {
    let p = with_user(
        "@id(\"USR-OVERFLOW\")\n@severity(\"low\")\n@message(\"{address} overflows\")\nforbid (principal, action == Action::\"check\", resource)\nwhen { resource has count_max && resource.count_max * 9223372036854775807 > 0 };\n",
    );
    let r = pool(
        "aws_eks_node_group.x",
        "prod",
        "g5.xlarge",
        "A10G",
        1,
        2,
        Capacity::Spot,
    );
    assert_eq!(
        findings_of(&p, std::slice::from_ref(&r), "USR-OVERFLOW"),
        vec![finding(
            "USR-OVERFLOW",
            Severity::Low,
            Status::Error,
            &r,
            loc(10),
            "policy `USR-OVERFLOW` could not be evaluated for aws_eks_node_group.x: integer overflow while attempting to multiply the values `2` and `9223372036854775807`",
            Some("fix the policy so it cannot fail at run time (for example, keep arithmetic from overflowing); until then this resource is not checked by it"),
        )]
    );
}

#[test]
fn arguments_are_readable_by_dotted_path() {
    let p = with_user(
        "@id(\"USR-DISK\") @severity(\"low\") @message(\"{address} has a big disk\")\nforbid (principal, action == Action::\"check\", resource)\nwhen { resource.arguments.hasTag(\"root_block_device.0.volume_size\") &&\n       resource.arguments.getTag(\"root_block_device.0.volume_size\") == \"500\" };\n",
    );
    let mut disk = Map::new();
    disk.insert("volume_size", Value::Number(500.0));
    let mut r = bucket("aws_instance.x");
    r.attributes
        .insert("root_block_device", Value::List(vec![Value::Map(disk)]));
    r.argument_locations
        .insert("root_block_device.0.volume_size".to_string(), loc(40));
    let small = bucket("aws_instance.y");
    assert_eq!(
        findings_of(&p, &[r.clone(), small], "USR-DISK"),
        vec![finding(
            "USR-DISK",
            Severity::Low,
            Status::Fail,
            &r,
            loc(40),
            "aws_instance.x has a big disk",
            None,
        )]
    );
}

// -------------------------------------------------------------------------- waivers

#[test]
fn waivers_suppress_until_they_expire() {
    let p = builtin();
    let untagged = |address: &str| {
        let mut r = bucket(address);
        r.tags.entries.clear();
        r
    };
    let inline = Suppression {
        reason: "legacy bucket".to_string(),
        expires: Date::parse("2026-12-31").ok(),
        location: Some(loc(9)),
        owner: None,
    };
    let mut a = untagged("aws_s3_bucket.a");
    a.waivers.push(("AIC-TAG-001".to_string(), inline.clone()));
    let mut expired = untagged("aws_s3_bucket.b");
    expired.waivers.push((
        "AIC-TAG-001".to_string(),
        Suppression {
            expires: Date::parse("2026-03-09").ok(),
            ..inline.clone()
        },
    ));
    let c = untagged("module.legacy.aws_s3_bucket.c");
    let mut s = settings();
    s.waivers.push(Waiver {
        policy_id: "AIC-TAG-*".to_string(),
        address: "module.legacy.*".to_string(),
        root: Some("infra".to_string()),
        reason: "migrating".to_string(),
        expires: None,
        location: None,
        owner: None,
    });
    s.waivers.push(Waiver {
        policy_id: "AIC-TAG-001".to_string(),
        address: "*".to_string(),
        root: Some("other-root".to_string()),
        reason: "wrong root".to_string(),
        expires: None,
        location: None,
        owner: None,
    });
    let got: Vec<(String, Status, Option<Suppression>)> = p
        .evaluate(&[a, expired, c], &s)
        .findings
        .into_iter()
        .map(|f| (f.address, f.status, f.suppression))
        .collect();
    assert_eq!(
        got,
        vec![
            ("aws_s3_bucket.b".to_string(), Status::Fail, None),
            (
                "aws_s3_bucket.a".to_string(),
                Status::Suppressed,
                Some(inline)
            ),
            (
                "module.legacy.aws_s3_bucket.c".to_string(),
                Status::Suppressed,
                Some(Suppression {
                    reason: "migrating".to_string(),
                    expires: None,
                    location: None,
                    owner: None,
                })
            ),
        ]
    );
}

// ---------------------------------------------------------------------- run summary

#[test]
fn findings_are_sorted_and_passes_counted() {
    let p = builtin();
    let mut untagged = bucket("aws_s3_bucket.z");
    untagged.tags.entries.clear();
    let train = pool(
        "aws_eks_node_group.a",
        "dev",
        "p5.48xlarge",
        "H100",
        8,
        16,
        Capacity::OnDemand,
    );
    let e = p.evaluate(&[untagged, train], &settings());
    let got: Vec<(&str, Status, &str)> = e
        .findings
        .iter()
        .map(|f| (f.policy_id.as_str(), f.status, f.address.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("AIC-GPU-001", Status::Fail, "aws_eks_node_group.a"),
            ("AIC-GPU-002", Status::Fail, "aws_eks_node_group.a"),
            ("AIC-GPU-003", Status::Fail, "aws_eks_node_group.a"),
            ("AIC-TAG-001", Status::Fail, "aws_s3_bucket.z"),
        ]
    );
    // 12 resource policies x 2 resources, less the 4 failures.
    assert_eq!(e.passes, 20);
}

#[test]
fn policies_with_annotation_problems_are_still_validated() {
    let text = "@severity(\"low\") @message(\"m\")\nforbid (principal, action == Action::\"check\", resource)\nwhen { resource.instance_typo == \"x\" };\n";
    let e = load_err(&[("p.cedar", text)]);
    let got: Vec<(&str, Option<u32>)> = e.errors.iter().map(|e| (e.message(), e.line())).collect();
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(got[0], ("policy has no `@id` annotation", Some(2)));
    assert!(got[1].0.contains("`instance_typo`"), "{}", got[1].0);
    assert_eq!(got[1].1, Some(3));
    assert_eq!(e.errors[1].help(), Some("did you mean `instance_type`?"));
}

#[test]
fn open_tag_maps_are_never_complete() {
    let p = with_user(
        "@id(\"USR-OPEN\") @severity(\"info\") @message(\"{address} has tags that could not be resolved\")\nforbid (principal, action == Action::\"check\", resource) when { !resource.tags_complete };\n",
    );
    let mut open = bucket("aws_s3_bucket.open");
    open.tags.more = Some(unknown("var.extra has no default"));
    let got: Vec<(String, Status)> =
        findings_of(&p, &[open, bucket("aws_s3_bucket.closed")], "USR-OPEN")
            .into_iter()
            .map(|f| (f.address, f.status))
            .collect();
    assert_eq!(got, vec![("aws_s3_bucket.open".to_string(), Status::Fail)]);
}

#[test]
fn the_documented_example_policies_load() {
    let doc = include_str!("../docs/policies.md");
    let examples: Vec<(String, String)> = doc
        .split("```cedar\n")
        .skip(1)
        .filter_map(|block| block.split("```").next())
        .filter(|block| block.contains("forbid"))
        .enumerate()
        .map(|(i, block)| (format!("docs/example{i}.cedar"), block.to_string()))
        .collect();
    assert_eq!(examples.len(), 9);
    let p = Policies::from_sources(true, &examples)
        .unwrap_or_else(|e| panic!("{:?}", miette::Report::new(e)));
    // The 18 built-in policies and 8 examples; the approval examples decide who may
    // approve, beside the 2 built-in ones, and are not rules.
    assert_eq!(p.len(), 26);
    assert_eq!(
        p.approval_policies(),
        [
            "ACME-APPROVE-CFO",
            "ACME-APPROVE-LEAD",
            "AIC-APPROVE-001",
            "AIC-APPROVE-002"
        ]
    );
}

//! Reader tests on the adapted plan fixtures in testdata/plan/adapted.

use std::path::{Path, PathBuf};

use super::*;
use crate::load::terraform::facts;
use crate::model::{Fact, Resource, Value};

struct NoModules;

impl ModuleSource for NoModules {
    fn module(&self, _: &Path) -> Option<Arc<ModuleConfig>> {
        None
    }
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("testdata/plan/adapted/{name}.json"))
}

fn plan(name: &str) -> Plan {
    let namer = PathNamer::new(PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    read(&fixture(name), &namer, 10 << 20).unwrap()
}

fn side(name: &str, side: PlanSide) -> Vec<EvaluatedResource> {
    plan(name).resources(side, &Arc::from("plan"), None, &NoModules)
}

fn extracted(name: &str, s: PlanSide) -> Vec<Resource> {
    facts::extract_all(side(name, s))
}

fn attr<'a>(r: &'a [EvaluatedResource], address: &str, key: &str) -> &'a Value {
    r.iter()
        .find(|x| x.address == address)
        .and_then(|x| x.attributes.get(key))
        .unwrap_or_else(|| panic!("{address} has no {key}"))
}

#[test]
fn the_sides_hold_the_resources_that_exist_before_and_after() {
    let addresses =
        |name, s| -> Vec<String> { side(name, s).into_iter().map(|r| r.address).collect() };
    assert_eq!(
        addresses("replace_and_delete", PlanSide::Before),
        vec!["aws_instance.inference", "aws_instance.training_a100"]
    );
    assert_eq!(
        addresses("replace_and_delete", PlanSide::After),
        vec!["aws_instance.inference", "aws_instance.training_h100"]
    );
    assert!(addresses("create", PlanSide::Before).is_empty());
    // Data sources are skipped; terraform_data stays (it is a managed resource).
    assert_eq!(
        addresses("unknown", PlanSide::After),
        vec![
            "aws_eks_node_group.gpu",
            "google_container_node_pool.h100_pool",
            "terraform_data.sizing"
        ]
    );
}

#[test]
fn module_resources_keep_plan_addresses_and_base_addresses() {
    let r = side("create", PlanSide::After);
    let batch = r
        .iter()
        .find(|x| x.address == "module.gpu_pool[\"batch\"].aws_eks_node_group.node_group")
        .unwrap();
    assert_eq!(
        batch.base_address,
        "module.gpu_pool[\"batch\"].aws_eks_node_group.node_group"
    );
    let core = r
        .iter()
        .find(|x| x.address == "aws_eks_node_group.system_pool[\"core\"]")
        .unwrap();
    assert_eq!(core.base_address, "aws_eks_node_group.system_pool");
    // Without .tf files the location is the resource's entry in the plan JSON.
    assert_eq!(
        (core.location.file.as_ref(), core.location.line),
        ("testdata/plan/adapted/create.json", 1003)
    );
}

#[test]
fn values_known_only_after_apply_are_unknown_and_name_the_resource_they_come_from() {
    let r = side("create", PlanSide::After);
    let cluster_name = attr(
        &r,
        "aws_eks_node_group.system_pool[\"core\"]",
        "cluster_name",
    );
    assert_eq!(
        cluster_name,
        &Value::Unknown(Unknown::referring_to(
            "aws_eks_node_group.system_pool[\"core\"].cluster_name is known only after apply",
            "aws_eks_cluster.cluster"
        ))
    );
    let u = side("unknown", PlanSide::After);
    assert_eq!(
        attr(&u, "google_container_node_pool.h100_pool", "node_config").display(),
        "[{guest_accelerator = [{count = 8, type = \"nvidia-h100-80gb\"}], labels = {team = \
         \"ml-platform\"}, machine_type = (unknown: google_container_node_pool.h100_pool.\
         node_config[0].machine_type is known only after apply), spot = false, tags = [\"gpu\", \
         (unknown: google_container_node_pool.h100_pool.node_config[0].tags[1] is known only \
         after apply)]}]"
    );
}

#[test]
fn sensitive_values_never_reach_the_record() {
    let r = side("create", PlanSide::After);
    assert_eq!(
        attr(&r, "aws_instance.inference[0]", "user_data"),
        &Value::unknown("aws_instance.inference[0].user_data is sensitive and is not shown")
    );
    let all: String = r.iter().map(|x| format!("{:?}", x.attributes)).collect();
    assert!(!all.contains("not-a-real-token"));
}

#[test]
fn tags_are_tags_all_and_the_region_comes_from_the_root_variable() {
    let resources = extracted("create", PlanSide::After);
    let cluster = resources
        .iter()
        .find(|r| r.address == "aws_eks_cluster.cluster")
        .unwrap();
    let tags: Vec<(String, Fact<String>)> = cluster
        .tags
        .entries
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let known = |s: &str| Fact::Known(s.to_string());
    assert_eq!(
        tags,
        vec![
            ("cluster".into(), known("ml-prod")),
            ("cost-center".into(), known("cc-4471")),
            ("environment".into(), known("prod")),
            ("team".into(), known("ml-platform")),
        ]
    );
    assert!(cluster.tags.is_complete());
    assert_eq!(cluster.region, Some(known("us-east-1")));
}

#[test]
fn the_node_group_counts_follow_the_side() {
    let counts = |s| {
        let r = extracted("resize", s);
        let gpu = r
            .iter()
            .find(|r| r.address == "aws_eks_node_group.gpu")
            .unwrap();
        let c = &gpu.compute.as_ref().unwrap().count;
        (c.min.clone(), c.desired.clone(), c.max.clone())
    };
    assert_eq!(
        counts(PlanSide::Before),
        (Fact::Known(0), Fact::Known(2), Fact::Known(4))
    );
    assert_eq!(
        counts(PlanSide::After),
        (Fact::Known(0), Fact::Known(4), Fact::Known(6))
    );
}

#[test]
fn what_the_plan_does_not_change_comes_from_prior_state_on_both_sides() {
    let desired = |name, s| -> Vec<(String, Fact<i64>)> {
        let mut out: Vec<(String, Fact<i64>)> = extracted(name, s)
            .into_iter()
            .map(|r| {
                let count = r.compute.map_or(Fact::Known(1), |c| c.count.desired);
                (r.address, count)
            })
            .collect();
        // The inventory sorts resources; here they are in plan order.
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    };
    let both = |gpu: i64| {
        vec![
            ("aws_eks_cluster.cluster".to_string(), Fact::Known(1)),
            ("aws_eks_node_group.gpu".to_string(), Fact::Known(gpu)),
        ]
    };
    // A refresh-only plan has no resource_changes and empty planned_values.
    assert_eq!(desired("refresh_only", PlanSide::Before), both(2));
    assert_eq!(desired("refresh_only", PlanSide::After), both(2));
    // -target=aws_eks_node_group.gpu: the cluster is in prior_state only, read once.
    assert_eq!(desired("targeted", PlanSide::Before), both(2));
    assert_eq!(desired("targeted", PlanSide::After), both(4));
}

#[test]
fn root_names_are_managed_resources_and_module_calls() {
    assert_eq!(
        plan("create").root_names().into_iter().collect::<Vec<_>>(),
        vec![
            "aws_eks_cluster.cluster",
            "aws_eks_node_group.system_pool",
            "aws_instance.inference",
            "module.gpu_pool"
        ]
    );
}

#[test]
fn broken_and_foreign_files_are_errors_with_places() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    let namer = PathNamer::new(root.clone());
    std::fs::write(
        root.join("bad.json"),
        "{\n  \"format_version\": \"1.2\",\n  oops\n}\n",
    )
    .unwrap();
    let e = read(&root.join("bad.json"), &namer, 1 << 20).unwrap_err();
    assert_eq!(
        (e.location.file.as_ref(), e.location.line, e.location.column),
        ("bad.json", 3, 3)
    );
    assert_eq!(
        e.message,
        "the plan is not valid JSON: key must be a string at line 3 column 3"
    );
    std::fs::write(
        root.join("v2.json"),
        r#"{"format_version": "2.0", "resource_changes": []}"#,
    )
    .unwrap();
    let e = read(&root.join("v2.json"), &namer, 1 << 20).unwrap_err();
    assert_eq!(
        e.message,
        "the plan has format_version 2.0; this version of aicost-policy reads format 1.x"
    );
    std::fs::write(root.join("plan.out"), b"PK\x03\x04\x14\x00rest").unwrap();
    assert_eq!(sniff(&root.join("plan.out")), Sniffed::Binary);
    assert_eq!(sniff(&fixture("resize")), Sniffed::Plan);
    std::fs::write(root.join("other.json"), r#"{"format_version": "1.0"}"#).unwrap();
    assert_eq!(sniff(&root.join("other.json")), Sniffed::Other);
}

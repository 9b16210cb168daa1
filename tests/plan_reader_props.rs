//! The plan reader on random plans: whatever the addresses, actions, modules and sensitive
//! values, each side holds exactly the managed resources that exist on it, in plan order;
//! each is located at its own `"address"` in the plan text (compact or pretty); and no
//! value the plan marks sensitive reaches the evaluated attributes. `PROPTEST_CASES` raises
//! the number of cases (CI uses more).

// Test code: a failed setup step should stop the test loudly.
#![allow(clippy::expect_used)]

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;

use aicost_policy::load::source::PathNamer;
use aicost_policy::load::terraform::config::ModuleConfig;
use aicost_policy::load::terraform::instance::ModuleSource;
use aicost_policy::load::terraform::plan::{read, PlanSide};
use proptest::prelude::*;
use serde_json::{json, Value as Json};

/// The plan's directory has no `.tf` files, so every location is in the plan itself.
struct NoModules;

impl ModuleSource for NoModules {
    fn module(&self, _: &Path) -> Option<Arc<ModuleConfig>> {
        None
    }
}

/// A marker no generated name or value can contain, so finding it in output means a
/// sensitive value leaked.
const SECRET: &str = "S3CRET-9f27";

#[derive(Clone, Debug)]
struct Change {
    module: Vec<String>,
    managed: bool,
    rtype: &'static str,
    name: String,
    key: Option<Json>,
    actions: &'static [&'static str],
    instance_type: String,
    sensitive_type: bool,
    team: String,
}

impl Change {
    fn module_address(&self) -> String {
        self.module
            .iter()
            .map(|m| format!("module.{m}"))
            .collect::<Vec<_>>()
            .join(".")
    }

    fn address(&self) -> String {
        let mode = if self.managed { "" } else { "data." };
        let key = match &self.key {
            None => String::new(),
            Some(k) => format!("[{k}]"),
        };
        let local = format!("{mode}{}.{}{key}", self.rtype, self.name);
        match self.module_address().as_str() {
            "" => local,
            m => format!("{m}.{local}"),
        }
    }

    fn exists_before(&self) -> bool {
        !matches!(self.actions, ["create"] | ["read"])
    }

    fn exists_after(&self) -> bool {
        !matches!(self.actions, ["delete"])
    }

    fn object(&self) -> Json {
        let instance_type = if self.sensitive_type {
            SECRET.to_string()
        } else {
            self.instance_type.clone()
        };
        json!({ "instance_type": instance_type, "tags": { "team": self.team } })
    }

    fn to_json(&self) -> Json {
        let object = self.object();
        let sensitive = json!({ "instance_type": self.sensitive_type, "tags": {} });
        let mut change = json!({
            "address": self.address(),
            "mode": if self.managed { "managed" } else { "data" },
            "type": self.rtype,
            "name": self.name,
            "provider_name": "registry.terraform.io/hashicorp/aws",
            "change": {
                "actions": self.actions,
                "before": if self.exists_before() { object.clone() } else { Json::Null },
                "after": if self.exists_after() { object } else { Json::Null },
                "after_unknown": {},
                "before_sensitive": if self.exists_before() { sensitive.clone() } else { json!(false) },
                "after_sensitive": if self.exists_after() { sensitive } else { json!(false) },
            },
        });
        if let (Some(map), false) = (change.as_object_mut(), self.module.is_empty()) {
            map.insert("module_address".into(), json!(self.module_address()));
        }
        if let (Some(map), Some(key)) = (change.as_object_mut(), &self.key) {
            map.insert("index".into(), key.clone());
        }
        change
    }
}

/// Names and keys with the characters that make addresses hard to find again: quotes,
/// backslashes, brackets, pipes, `&` (Terraform writes it as `\u0026`), non-ASCII.
fn awkward_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z][a-z0-9_-]{0,6}",
        proptest::collection::vec(
            prop_oneof![
                Just("\"".to_string()),
                Just("\\".to_string()),
                Just("]".to_string()),
                Just("[".to_string()),
                Just("|".to_string()),
                Just("&".to_string()),
                Just("é".to_string()),
                Just("address".to_string()),
                "[a-z ]{1,3}",
            ],
            1..5
        )
        .prop_map(|parts| parts.concat()),
    ]
}

fn change() -> impl Strategy<Value = Change> {
    let actions: &'static [&'static [&'static str]] = &[
        &["create"],
        &["delete"],
        &["update"],
        &["no-op"],
        &["delete", "create"],
        &["create", "delete"],
    ];
    (
        proptest::collection::vec("[a-z]{1,3}", 0..3),
        prop::bool::weighted(0.85),
        prop::sample::select(vec![
            "aws_instance",
            "aws_eks_node_group",
            "google_container_node_pool",
            "terraform_data",
        ]),
        "[a-z][a-z0-9_]{0,5}",
        prop_oneof![
            Just(None),
            (0u32..3).prop_map(|i| Some(json!(i))),
            awkward_text().prop_map(|k| Some(json!(k))),
        ],
        prop::sample::select(actions.to_vec()),
        prop::sample::select(vec!["p4d.24xlarge", "g5.xlarge", "m5.large"]),
        prop::bool::weighted(0.3),
        awkward_text(),
    )
        .prop_map(
            |(module, managed, rtype, name, key, actions, instance_type, sensitive_type, team)| {
                Change {
                    module,
                    managed,
                    rtype,
                    name,
                    key,
                    actions,
                    instance_type: instance_type.to_string(),
                    sensitive_type,
                    team,
                }
            },
        )
}

/// Changes with distinct addresses (a plan never repeats one outside deposed objects).
fn changes() -> impl Strategy<Value = Vec<Change>> {
    proptest::collection::vec(change(), 0..12).prop_map(|all| {
        let mut seen = BTreeSet::new();
        all.into_iter()
            .filter(|c| seen.insert(c.address()))
            .collect()
    })
}

fn plan_text(changes: &[Change], pretty: bool) -> String {
    let plan = json!({
        "format_version": "1.2",
        "terraform_version": "1.9.8",
        "variables": { "bootstrap_token": { "value": SECRET } },
        "resource_changes": changes.iter().map(Change::to_json).collect::<Vec<_>>(),
    });
    let text = if pretty {
        serde_json::to_string_pretty(&plan)
    } else {
        serde_json::to_string(&plan)
    };
    text.expect("a JSON value serialises")
}

proptest! {
    #[test]
    fn each_side_holds_the_resources_on_it_located_at_their_address(
        changes in changes(),
        pretty in any::<bool>(),
    ) {
        let dir = tempfile::tempdir().expect("temp dir");
        let text = plan_text(&changes, pretty);
        let path = dir.path().join("plan.json");
        std::fs::write(&path, &text).expect("write plan");
        let namer = PathNamer::new(dir.path().canonicalize().expect("temp dir exists"));
        let plan = read(&path, &namer, 10 << 20).expect("a well-formed plan is read");

        for side in [PlanSide::Before, PlanSide::After] {
            let expected: Vec<String> = changes
                .iter()
                .filter(|c| c.managed)
                .filter(|c| match side {
                    PlanSide::Before => c.exists_before(),
                    PlanSide::After => c.exists_after(),
                })
                .map(Change::address)
                .collect();
            let resources = plan.resources(side, &Arc::from("plan"), None, &NoModules);
            let got: Vec<String> = resources.iter().map(|r| r.address.clone()).collect();
            prop_assert_eq!(&got, &expected);

            for r in &resources {
                // The location is the entry's own `"address": "…"`, whatever the layout.
                let (start, end) = r.location.span;
                let at = text.get(start..end).unwrap_or("");
                let written = serde_json::to_string(&r.address).expect("a string serialises");
                prop_assert!(at.starts_with("\"address\""), "{} at {:?}", r.address, at);
                prop_assert!(at.ends_with(written.as_str()), "{} at {:?}", r.address, at);
                let line = text.get(..start).unwrap_or("").matches('\n').count() + 1;
                prop_assert_eq!(r.location.line as usize, line);
                // A sensitive instance type is usable as unknown, never shown.
                let shown = format!("{:?}", r.attributes);
                prop_assert!(!shown.contains(SECRET), "{}: {}", r.address, shown);
            }
        }
    }
}

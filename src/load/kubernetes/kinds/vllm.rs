//! vLLM production-stack Helm values (`servingEngineSpec.modelSpec[]`): each model entry
//! becomes a Deployment of `replicaCount` pods (or a KEDA-scaled range), asking for
//! `requestCPU`, `requestMemory` and `requestGPU` GPUs of `requestGPUType` (the chart puts
//! GPUs in both requests and limits); a full `resources` block replaces those fields.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::super::yaml::Node;
use super::convert::{self, join, Style};
use super::podspec::{self, Replicas, Traits};
use super::quantity;
use super::record::{self, Cx};
use super::resources::{self, Container, PodResources};
use super::Extracted;
use crate::model::{
    Fact, Location, Note, SourceFormat, UnitCounts, Unknown, Workload, WorkloadDetail,
};

pub fn extract(cx: &Cx, root: &Node, out: &mut Extracted) {
    let Some(engine) = root.get("servingEngineSpec") else {
        return;
    };
    if convert::flag(engine.get("enableEngine"), "servingEngineSpec.enableEngine")
        == Some(Fact::Known(false))
    {
        out.notes.push(Note {
            location: cx.entry_loc(engine, "enableEngine"),
            message: "servingEngineSpec.enableEngine is false, so no vLLM model is deployed"
                .to_string(),
        });
        return;
    }
    let tags = record::labels(engine.get("labels"), "servingEngineSpec.labels");
    let tags_at = cx.entry_loc(engine, "labels");
    let models = engine.get("modelSpec").map_or(&[][..], Node::items);
    for (i, m) in models.iter().enumerate() {
        let path = format!("servingEngineSpec.modelSpec[{i}]");
        let name = convert::text(m.get("name")).map_or_else(|| format!("model{i}"), str::to_string);
        if convert::flag(m.get("enabled"), &join(&path, "enabled")) == Some(Fact::Known(false)) {
            out.notes.push(Note {
                location: cx.entry_loc(m, "enabled"),
                message: format!("vLLM model {name} is disabled (enabled: false) and not priced"),
            });
            continue;
        }
        if m.get("raySpec").is_some() {
            out.notes.push(Note {
                location: cx.entry_loc(m, "raySpec"),
                message: format!(
                    "vLLM model {name} runs on a RayCluster (raySpec); only its head pods are counted"
                ),
            });
        }
        let (replicas, traits) = scaling(cx, m, &path);
        let res = match m.get("resources") {
            Some(_) => resources::pod_resources(
                cx,
                &[Container {
                    path: path.clone(),
                    node: m,
                    resources_key: "resources",
                    sidecar: false,
                }],
                &[],
                &path,
            ),
            None => simple_resources(cx, m, &path),
        };
        let mut scheduling = podspec::read_scheduling(cx, m, &path);
        if let Some(terms) = m.get("nodeSelectorTerms") {
            for (key, sel) in podspec::read_terms(cx, terms, &join(&path, "nodeSelectorTerms")) {
                scheduling.selected.entry(key).or_insert(sel);
            }
        }
        let part = podspec::assemble(res, &scheduling, replicas, traits);
        let mut r = cx.resource(
            format!("vLLM/{name}"),
            "vLLMModel",
            SourceFormat::HelmValues,
            cx.loc(m),
            "vllm",
        );
        r.argument_locations = convert::argument_locations(m, "", &|k, v| cx.key_loc(k, v));
        r.attributes = convert::to_map(m, "", Style::Kubernetes);
        r.taggable = true;
        r.tags = tags.clone();
        r.fact_locations = part.fact_locations;
        if let Some(at) = &tags_at {
            r.fact_locations.insert("tags".to_string(), at.clone());
            r.fact_locations.insert("labels".to_string(), at.clone());
        }
        r.region = part.region;
        r.workload = Some(Box::new(Workload {
            kind: "vLLMModel".to_string(),
            api_version: String::new(),
            namespace: None,
            component: None,
            annotations: BTreeMap::new(),
            detail: WorkloadDetail::Pods(part.group),
        }));
        out.resources.push(r);
    }
}

/// `replicaCount` (default 1), or KEDA's range when `keda.enabled` (KEDA's defaults:
/// minimum 0, maximum 100; an idle count of 0 scales to zero).
fn scaling(cx: &Cx, m: &Node, path: &str) -> (Replicas, Traits) {
    let keda = m.get("keda");
    let enabled = convert::flag(
        keda.and_then(|k| k.get("enabled")),
        &join(path, "keda.enabled"),
    ) == Some(Fact::Known(true));
    if !enabled {
        let replicas =
            match podspec::read_count(cx, Some(m), "replicaCount", &join(path, "replicaCount")) {
                Some((n, at)) => Replicas::fixed(n, Some(at)),
                None => Replicas::fixed(Fact::Known(1), None),
            };
        let traits = Traits {
            scale_to_zero: Some(false),
            inference: true,
            ..Traits::default()
        };
        return (replicas, traits);
    }
    let read = |key: &str| podspec::read_count(cx, keda, key, &join(path, &format!("keda.{key}")));
    let (min, min_at) = read("idleReplicaCount")
        .or_else(|| read("minReplicaCount"))
        .map_or((Fact::Known(0), None), |(f, at)| (f, Some(at)));
    let (max, max_at) =
        read("maxReplicaCount").map_or((Fact::Known(100), None), |(f, at)| (f, Some(at)));
    let replicas = Replicas {
        counts: UnitCounts {
            min: min.clone(),
            desired: min.clone(),
            max,
        },
        min_at: min_at.clone(),
        desired_at: min_at.clone(),
        max_at,
    };
    let traits = Traits {
        scale_to_zero: Some(min == Fact::Known(0)),
        scale_to_zero_at: min_at,
        inference: true,
        ..Traits::default()
    };
    (replicas, traits)
}

/// The chart's simplified resource fields.
fn simple_resources(cx: &Cx, m: &Node, path: &str) -> PodResources {
    let mut locations = BTreeMap::new();
    let mut read = |keys: &[&str], fact: &str| -> Option<(String, String, Location)> {
        keys.iter().find_map(|k| {
            let node = convert::present(m.get(k))?;
            let at = cx.key_loc(k, node);
            locations.insert(fact.to_string(), at.clone());
            Some((
                join(path, k),
                node.as_str().unwrap_or("").trim().to_string(),
                at,
            ))
        })
    };
    let cpu = read(&["requestCPU", "limitCPU"], "cpu");
    let memory = read(&["requestMemory", "limitMemory"], "memory");
    let gpu = read(&["requestGPU"], "gpu_count");
    let fact = |found: Option<(String, String, Location)>,
                parse: &dyn Fn(&str) -> Result<Decimal, String>,
                what: &str| match found {
        Some((p, text, _)) if convert::is_placeholder(&text) => {
            Fact::Unknown(convert::placeholder(&p, &text))
        }
        Some((p, text, at)) => match parse(&text) {
            Ok(v) => Fact::Known(v),
            Err(why) => {
                cx.bad_quantity(at, format!("{p}: {why}"));
                Fact::Unknown(Unknown::new(format!("{p}: {why}")))
            }
        },
        None => Fact::Unknown(Unknown::new(format!("{} is not set", join(path, what)))),
    };
    let cpu_cores = fact(cpu, &quantity::cores, "requestCPU");
    let memory_gib = fact(memory, &quantity::gib, "requestMemory");
    let (accelerators, accelerator_resource) = match gpu {
        None => (Fact::Known(0), None),
        Some(found) => {
            let count = fact(
                Some(found),
                &|t| quantity::whole(t).map(Decimal::from),
                "requestGPU",
            )
            .map(|d| i64::try_from(d).unwrap_or(i64::MAX));
            let resource = convert::text(m.get("requestGPUType"))
                .unwrap_or("nvidia.com/gpu")
                .to_string();
            match count {
                Fact::Known(0) => (Fact::Known(0), None),
                c => (c, Some(resource)),
            }
        }
    };
    if let Some(at) = locations.get("gpu_count").cloned() {
        locations.insert("accelerator_count".to_string(), at.clone());
        locations.insert("has_gpu_limits".to_string(), at);
    }
    PodResources {
        cpu_cores,
        memory_gib,
        accelerators,
        accelerator_resource,
        accelerators_in_limits: true,
        locations,
    }
}

//! The JSON report (`--format json`), documented in `docs/json-report.md`. Keys appear in
//! a fixed order and arrays are sorted, so the output is byte-identical between runs.

use std::io::Write;

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{json, Map as JsonMap, Value as Json};

use super::{Report, JSON_FORMAT_VERSION};
use rust_decimal::Decimal;

use crate::model::{
    Budget, Compute, CostEstimate, Fact, Finding, InputError, Location, ModuleNotLoaded, Resource,
    UnitCounts, Usd, Workload, WorkloadDetail,
};

/// Renders the report as pretty-printed JSON with a trailing newline.
pub fn render(report: &Report) -> String {
    let mut out = Vec::new();
    // Writing to memory fails only if serialization does, which it does not for this tree.
    if write_to(report, &mut out).is_err() {
        return "{}\n".to_string();
    }
    String::from_utf8(out).unwrap_or_else(|_| "{}\n".to_string())
}

/// Writes the report as pretty-printed JSON with a trailing newline, as it is made: the
/// long arrays one element at a time, and the text straight to `w`, never the whole
/// document in memory (with large values it would be the size of every resource again).
pub fn write_to(report: &Report, w: &mut dyn Write) -> std::io::Result<()> {
    let summary = report.summary();
    let totals = super::cost::Totals::of(report.resources.iter());
    let summary = json!({
        "resources": summary.resources,
        "files": summary.files,
        "policies": summary.policies,
        "failed": summary.failed,
        "notices": summary.notices,
        "unknown": summary.unknown,
        "suppressed": summary.suppressed,
        "baselined": summary.baselined,
        "errors": summary.policy_errors,
        "passed": summary.passed,
        "input_errors": summary.input_errors,
        "warnings": summary.warnings,
        "modules_not_loaded": summary.modules_not_loaded,
        "monthly_cost": super::cost::totals_json(&totals, false),
    });
    let doc = Document {
        report,
        summary: &summary,
    };
    serde_json::to_writer_pretty(&mut *w, &doc).map_err(std::io::Error::from)?;
    w.write_all(b"\n")
}

/// The report document, serialized in the order of docs/json-report.md.
struct Document<'a> {
    report: &'a Report,
    summary: &'a Json,
}

impl Serialize for Document<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let r = self.report;
        let mut map = s.serialize_map(Some(9))?;
        map.serialize_entry("version", &JSON_FORMAT_VERSION)?;
        map.serialize_entry(
            "tool",
            &json!({"name": "aicost-policy", "version": env!("CARGO_PKG_VERSION")}),
        )?;
        map.serialize_entry("resources", &Each(&r.resources, resource_json))?;
        map.serialize_entry("findings", &Each(&r.findings, finding))?;
        map.serialize_entry("errors", &Each(&r.errors, error_json))?;
        map.serialize_entry("warnings", &Each(&r.warnings, error_json))?;
        map.serialize_entry(
            "modules_not_loaded",
            &Each(&r.modules_not_loaded, not_loaded),
        )?;
        map.serialize_entry("budgets", &Each(&r.budgets, budget_json))?;
        map.serialize_entry("summary", self.summary)?;
        map.end()
    }
}

/// A list serialized element by element through `to_json`, each JSON value dropped once
/// written.
struct Each<'a, T>(&'a [T], fn(&T) -> Json);

impl<T> Serialize for Each<'_, T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(self.1))
    }
}

/// A known fact as its value, an unknown one as `{"unknown": "why"}`.
fn fact<T>(f: &Fact<T>, known: impl Fn(&T) -> Json) -> Json {
    match f {
        Fact::Known(v) => known(v),
        Fact::Unknown(u) => json!({"unknown": u.origin.as_ref()}),
    }
}

fn string_fact(f: &Fact<String>) -> Json {
    fact(f, |s| Json::String(s.clone()))
}

pub fn resource_json(r: &Resource) -> Json {
    let mut tags = JsonMap::new();
    for (k, v) in &r.tags.entries {
        tags.insert(k.clone(), string_fact(v));
    }
    json!({
        "address": r.address,
        "root": r.root.as_ref(),
        "type": r.resource_type,
        "source": r.source.as_str(),
        "file": r.location.file.as_ref(),
        "line": r.location.line,
        "end_line": r.location.end_line,
        "provider": r.provider.name,
        "provider_alias": r.provider.alias,
        "region": r.region.as_ref().map_or(Json::Null, string_fact),
        "environment": r.environment.as_ref().map_or(Json::Null, string_fact),
        "taggable": r.taggable,
        "tags": tags,
        "tags_complete": r.tags.is_complete(),
        "tags_unknown": r.tags.more.as_ref().map(|u| u.origin.as_ref()),
        "compute": r.compute.as_ref().map_or(Json::Null, compute),
        "workload": r.workload.as_deref().map_or(Json::Null, workload),
        "monthly_cost": r.cost.as_ref().map_or(Json::Null, cost_json),
    })
}

fn decimal_fact(f: &Fact<Decimal>) -> Json {
    fact(f, |d| json!(d.normalize().to_string()))
}

fn counts(c: &UnitCounts) -> Json {
    json!({
        "min": fact(&c.min, |n| json!(n)),
        "desired": fact(&c.desired, |n| json!(n)),
        "max": fact(&c.max, |n| json!(n)),
    })
}

/// A Kubernetes workload or AI config; quantities are decimal strings (cores, GiB).
fn workload(w: &Workload) -> Json {
    let detail = match &w.detail {
        WorkloadDetail::Pods(p) => {
            let mut pods = json!({
                "cpu_cores": decimal_fact(&p.cpu_cores),
                "memory_gib": decimal_fact(&p.memory_gib),
                "accelerators": fact(&p.accelerators, |n| json!(n)),
                "accelerator_resource": p.accelerator_resource,
                "accelerators_in_limits": p.accelerators_in_limits,
                "accelerator_type": p.accelerator_model.as_ref().map_or(Json::Null, string_fact),
                "node_instance_type": p.node_instance_type.as_ref().map_or(Json::Null, string_fact),
                "replicas": counts(&p.replicas),
                "capacity": fact(&p.capacity, |c| json!(c.as_str())),
                "scale_to_zero": p.scale_to_zero,
                "inference": p.inference,
                "run_hours": p.run_hours.as_ref().map_or(Json::Null, decimal_fact),
            });
            // Only when named, so other reports read as before.
            if let (Some(l), Some(o)) = (&p.node_pool, pods.as_object_mut()) {
                o.insert(
                    "node_pool".to_string(),
                    json!({"label": l.key, "name": l.name}),
                );
            }
            if let (false, Some(o)) = (p.node_labels.is_empty(), pods.as_object_mut()) {
                o.insert("node_labels".to_string(), json!(p.node_labels));
            }
            json!({ "pods": pods })
        }
        WorkloadDetail::NodePool(n) => json!({
            "node_pool": {
                "instance_types": n.instance_types,
                "families": n.families,
                "capacity_types": n.capacity_types,
                "excluded_instance_types": n.excluded_instance_types,
                "excluded_families": n.excluded_families,
                "gpus_per_node_min": n.gpus_per_node_min,
                "gpus_per_node_max": n.gpus_per_node_max,
                "accelerators": n.accelerators,
                "requirements": n
                    .requirements
                    .iter()
                    .map(|r| json!({"key": r.key, "operator": r.operator, "values": r.values}))
                    .collect::<Vec<_>>(),
                "limits": {
                    "cpu": n.cpu.as_ref().map_or(Json::Null, decimal_fact),
                    "memory_gib": n.memory_gib.as_ref().map_or(Json::Null, decimal_fact),
                    "gpus": n.gpus.as_ref().map_or(Json::Null, |g| fact(g, |n| json!(n))),
                },
            }
        }),
        WorkloadDetail::LlmRoute(l) => json!({
            "llm_route": {
                "model_name": l.model_name,
                "model": string_fact(&l.model),
                "base_model": l.base_model,
                "max_budget": l.max_budget.map(|b| b.normalize().to_string()),
                "budget_duration": l.budget_duration,
                "rpm": l.rpm,
                "tpm": l.tpm,
                "max_tokens": l.max_tokens,
                "cache": l.cache,
            }
        }),
    };
    let mut out = json!({
        "kind": w.kind,
        "api_version": w.api_version,
        "namespace": w.namespace,
        "component": w.component,
        "annotations": w.annotations,
    });
    if let (Some(o), Some(d)) = (out.as_object_mut(), detail.as_object()) {
        o.extend(d.clone());
    }
    out
}

/// An estimate: amounts are decimal strings (two decimals; unit prices exact).
pub fn cost_json(c: &CostEstimate) -> Json {
    let money = |u: Option<Usd>| u.map(|u| u.to_json_string());
    let mut out = json!({
        "baseline": c.baseline.to_json_string(),
        "ceiling": c.ceiling.to_json_string(),
        "complete": c.complete,
        "components": c.components.iter().map(|k| json!({
            "name": k.name,
            "unit": k.unit,
            "unit_price": k.unit_price.map(|p| p.exact_string()),
            "quantity": k.quantity.map(|q| q.normalize().to_string()),
            "ceiling_quantity": k.ceiling_quantity.map(|q| q.normalize().to_string()),
            "monthly": money(k.monthly),
            "ceiling_monthly": money(k.ceiling_monthly),
            "usage_based": k.usage_based,
            "missing": k.missing,
        })).collect::<Vec<_>>(),
        "missing": c.missing,
        "notes": c.notes,
        "assumptions": c.assumptions,
    });
    // Only where pods are counted in a pool, so other reports read as before.
    if let (Some(pool), Some(o)) = (&c.counted_in, out.as_object_mut()) {
        o.insert("counted_in".to_string(), json!(pool));
    }
    out
}

fn compute(c: &Compute) -> Json {
    json!({
        "instance_type": string_fact(&c.instance_type),
        "instance_types": fact(&c.instance_types, |v| json!(v)),
        "accelerator": fact(&c.accelerator, |a| match a {
            None => Json::Null,
            Some(a) => json!({
                "type": string_fact(&a.model),
                "count": fact(&a.count, |n| json!(n)),
                "memory_gib": a.memory_gib,
            }),
        }),
        "count": counts(&c.count),
        "capacity": fact(&c.capacity, |cap| json!(cap.as_str())),
        "pool": c.pool,
    })
}

fn location_fields(l: &Location) -> (Json, Json) {
    (json!(l.file.as_ref()), json!(l.line))
}

fn finding(f: &Finding) -> Json {
    let (file, line) = location_fields(&f.location);
    json!({
        "policy_id": f.policy_id,
        "severity": f.severity.as_str(),
        "status": f.status.as_str(),
        "resource": f.address,
        "root": f.root.as_ref(),
        "type": f.resource_type,
        "file": file,
        "line": line,
        "message": f.message,
        "help": f.help,
        "unknowns": f.unknowns.iter().map(|u| json!({"fact": u.fact, "origin": u.origin})).collect::<Vec<_>>(),
        "suppression": f.suppression.as_ref().map(|s| json!({
            "reason": s.reason,
            "expires": s.expires,
            "owner": s.owner,
            "file": s.location.as_ref().map(|l| l.file.as_ref()),
            "line": s.location.as_ref().map(|l| l.line),
        })),
    })
}

fn budget_json(b: &Budget) -> Json {
    json!({
        "name": b.name,
        "monthly_cost": b.monthly_cost.to_json_string(),
        "ceiling": b.ceiling.to_json_string(),
        "limit": b.limit.to_json_string(),
        "warn_at": b.warn_at.to_json_string(),
        "percent_used": b.percent_used().map(|p| p.to_string()),
        "complete": b.complete,
        "resources": b.members,
        "maybe_resources": b.maybe_members.iter().map(|(id, _)| id.clone()).collect::<Vec<_>>(),
        "missing": b.missing,
        "file": b.location.file.as_ref(),
        "line": b.location.line,
    })
}

pub fn error_json(e: &InputError) -> Json {
    json!({
        "file": e.location.file.as_ref(),
        "line": e.location.line,
        "column": e.location.column,
        "message": e.message,
        "help": e.help,
    })
}

fn not_loaded(m: &ModuleNotLoaded) -> Json {
    json!({
        "address": m.address,
        "source": m.source,
        "version": m.version,
        "file": m.location.file.as_ref(),
        "line": m.location.line,
    })
}

//! Spark on Kubernetes (`sparkoperator.k8s.io/v1beta2`): a SparkApplication (and the
//! template of a ScheduledSparkApplication) is a `/driver` pod and `/executor` pods.
//!
//! What a pod requests follows the operator and Spark: `coreRequest` (a Kubernetes
//! quantity), else `cores` (default 1); `memory` (a JVM size, `512m`, `4g`; MiB without a
//! unit; default `1g`) plus the overhead Spark adds, `memoryOverhead`, else
//! `memoryOverheadFactor` (default 0.1) × memory, at least 384 MiB; `gpu.quantity` of
//! `gpu.name`. Executors are `instances` (default 1); with dynamic allocation they range
//! from `minExecutors` to `maxExecutors` (no bound when unset) from `initialExecutors`. An
//! application runs until its job ends, which a manifest does not say, so its hours are
//! left to the usage file.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::super::yaml::Node;
use super::convert::{self, join};
use super::podspec::{self, read_scheduling, Replicas, Scheduling, Traits};
use super::quantity;
use super::record::{Cx, Object};
use super::resources::{is_accelerator, PodResources};
use super::Extracted;
use crate::model::{Fact, Location, UnitCounts, Unknown};

/// Spark's floor on the memory overhead, in MiB.
const MIN_OVERHEAD_MIB: i64 = 384;
/// Spark's default overhead factor.
const OVERHEAD_FACTOR: Decimal = Decimal::from_parts(1, 0, 0, false, 1);

pub fn handles(group: &str, kind: &str) -> bool {
    group == "sparkoperator.k8s.io"
        && matches!(kind, "SparkApplication" | "ScheduledSparkApplication")
}

pub fn extract(cx: &Cx, obj: &Object, out: &mut Extracted) {
    let spec = obj.node.get("spec");
    let (app, path, run_hours, run_hours_at) = if obj.kind == "ScheduledSparkApplication" {
        let (hours, at) = match podspec::suspended(cx, spec, "spec") {
            Some(at) => (Fact::Known(Decimal::ZERO), Some(at)),
            None => (
                Fact::Unknown(Unknown::new(
                    "each scheduled run of a Spark application lasts until its job ends, which the manifest does not say",
                )),
                None,
            ),
        };
        (
            spec.and_then(|s| s.get("template")),
            "spec.template",
            hours,
            at,
        )
    } else {
        (
            spec,
            "spec",
            Fact::Unknown(Unknown::new(
                "a Spark application runs until its job ends, which the manifest does not say",
            )),
            None,
        )
    };
    let overhead_factor = app
        .and_then(|a| convert::text(a.get("memoryOverheadFactor")))
        .and_then(|f| f.trim().parse::<Decimal>().ok())
        .unwrap_or(OVERHEAD_FACTOR);
    let common = app.map(|a| read_scheduling(cx, a, path));
    for role in ["driver", "executor"] {
        let node = app.and_then(|a| a.get(role));
        let role_path = join(path, role);
        let replicas = if role == "driver" {
            Replicas::fixed(Fact::Known(1), None)
        } else {
            executors(cx, app, node, path)
        };
        let res = pod_resources(cx, node, &role_path, overhead_factor);
        let mut scheduling = Scheduling::default();
        if let Some(c) = &common {
            scheduling.selected.clone_from(&c.selected);
            scheduling.spot_toleration.clone_from(&c.spot_toleration);
        }
        if let Some(n) = node {
            let own = read_scheduling(cx, n, &role_path);
            scheduling.selected.extend(own.selected);
            if own.spot_toleration.is_some() {
                scheduling.spot_toleration = own.spot_toleration;
            }
        }
        let traits = Traits {
            run_hours: Some(run_hours.clone()),
            run_hours_at: run_hours_at.clone(),
            ..Traits::default()
        };
        let part = podspec::assemble(res, &scheduling, replicas, traits);
        let location = match (app, node) {
            (Some(a), Some(_)) => cx.entry_loc(a, role),
            _ => None,
        }
        .unwrap_or_else(|| cx.doc_location());
        out.resources
            .push(obj.pods(cx, Some(role.to_string()), location, part));
    }
}

/// Executors: `instances` (default 1), or the dynamic allocation bounds.
fn executors(cx: &Cx, app: Option<&Node>, executor: Option<&Node>, path: &str) -> Replicas {
    let instances =
        podspec::read_count(cx, executor, "instances", &join(path, "executor.instances"));
    let dynamic = app.and_then(|a| a.get("dynamicAllocation"));
    let enabled = convert::flag(
        dynamic.and_then(|d| d.get("enabled")),
        &join(path, "dynamicAllocation.enabled"),
    ) == Some(Fact::Known(true));
    if !enabled {
        return match instances {
            Some((n, at)) => Replicas::fixed(n, Some(at)),
            None => Replicas::fixed(Fact::Known(1), None),
        };
    }
    let dpath = join(path, "dynamicAllocation");
    let read = |key: &str| podspec::read_count(cx, dynamic, key, &join(&dpath, key));
    let (min, min_at) =
        read("minExecutors").map_or((Fact::Known(0), None), |(n, at)| (n, Some(at)));
    let (initial, initial_at) = match read("initialExecutors") {
        Some((n, at)) => (n, Some(at)),
        None => (min.clone(), min_at.clone()),
    };
    // Spark starts with the larger of `instances` and the initial executors.
    let (desired, desired_at) = match (instances, &initial) {
        (Some((Fact::Known(n), at)), Fact::Known(i)) if n > *i => (Fact::Known(n), Some(at)),
        _ => (initial, initial_at),
    };
    let (max, max_at) = match read("maxExecutors") {
        Some((n, at)) => (n, Some(at)),
        None => (
            Fact::Unknown(Unknown::new(format!(
                "{dpath}.maxExecutors is not set, and Spark's default is no bound"
            ))),
            None,
        ),
    };
    Replicas {
        counts: UnitCounts { min, desired, max },
        min_at,
        desired_at,
        max_at,
    }
}

/// What one driver or executor pod requests.
fn pod_resources(cx: &Cx, node: Option<&Node>, path: &str, factor: Decimal) -> PodResources {
    let mut locations = BTreeMap::new();
    let mut at = |fact: &str, key: &str| -> Option<Location> {
        let l = node.and_then(|n| cx.entry_loc(n, key))?;
        locations.insert(fact.to_string(), l.clone());
        Some(l)
    };
    let cpu_cores = match (
        node.and_then(|n| convert::present(n.get("coreRequest"))),
        node.and_then(|n| convert::present(n.get("cores"))),
    ) {
        (Some(q), _) => {
            let l = at("cpu", "coreRequest");
            checked(cx, l, &join(path, "coreRequest"), q, quantity::cores)
        }
        (None, Some(c)) => {
            let l = at("cpu", "cores");
            checked(cx, l, &join(path, "cores"), c, |t| {
                t.trim()
                    .parse::<Decimal>()
                    .ok()
                    .filter(|d| !d.is_sign_negative())
                    .ok_or_else(|| format!("`{t}` is not a number of cores"))
            })
        }
        // Spark's default.
        (None, None) => Fact::Known(Decimal::ONE),
    };
    let memory_gib = memory(cx, node, path, factor, &mut at);
    let gpu = node.and_then(|n| n.get("gpu"));
    let gpu_name = gpu.and_then(|g| convert::text(g.get("name")));
    let (accelerators, accelerator_resource) = match gpu_name {
        Some(name) if is_accelerator(name) => {
            let count = podspec::read_count(cx, gpu, "quantity", &join(path, "gpu.quantity"));
            if let Some((_, l)) = &count {
                for f in ["gpu_count", "accelerator_count", "has_gpu_limits"] {
                    locations.insert(f.to_string(), l.clone());
                }
            }
            (
                count.map_or(Fact::Known(1), |(n, _)| n),
                Some(name.to_string()),
            )
        }
        _ => (Fact::Known(0), None),
    };
    PodResources {
        cpu_cores,
        memory_gib,
        accelerators,
        accelerator_resource,
        // The operator sets GPUs as limits.
        accelerators_in_limits: true,
        locations,
    }
}

/// `memory` plus Spark's overhead, in GiB.
fn memory(
    cx: &Cx,
    node: Option<&Node>,
    path: &str,
    factor: Decimal,
    at: &mut impl FnMut(&str, &str) -> Option<Location>,
) -> Fact<Decimal> {
    let heap = match node.and_then(|n| convert::present(n.get("memory"))) {
        Some(m) => {
            let l = at("memory", "memory");
            checked(cx, l, &join(path, "memory"), m, jvm_mib)
        }
        // Spark's default: 1g.
        None => Fact::Known(Decimal::from(1024)),
    };
    let overhead = match node.and_then(|n| convert::present(n.get("memoryOverhead"))) {
        Some(o) => {
            let l = node.and_then(|n| cx.entry_loc(n, "memoryOverhead"));
            checked(cx, l, &join(path, "memoryOverhead"), o, jvm_mib)
        }
        None => match &heap {
            Fact::Known(h) => Fact::Known(
                h.checked_mul(factor)
                    .unwrap_or(Decimal::MAX)
                    .max(Decimal::from(MIN_OVERHEAD_MIB)),
            ),
            Fact::Unknown(u) => Fact::Unknown(u.clone()),
        },
    };
    match (heap, overhead) {
        (Fact::Known(h), Fact::Known(o)) => h
            .checked_add(o)
            .and_then(|mib| mib.checked_div(Decimal::from(1024)))
            .map_or_else(
                || Fact::Unknown(Unknown::new(format!("the memory of {path} is too large"))),
                |g| Fact::Known(g.normalize()),
            ),
        (Fact::Unknown(u), _) | (_, Fact::Unknown(u)) => Fact::Unknown(u),
    }
}

/// A scalar read with `parse`; a placeholder is unknown, a malformed value an input error
/// at its line (Spark would refuse it).
fn checked(
    cx: &Cx,
    at: Option<Location>,
    path: &str,
    node: &Node,
    parse: impl Fn(&str) -> Result<Decimal, String>,
) -> Fact<Decimal> {
    let Some(text) = node.as_str() else {
        return Fact::Unknown(Unknown::new(format!("{path} is not a value")));
    };
    if convert::is_placeholder(text) {
        return Fact::Unknown(convert::placeholder(path, text));
    }
    match parse(text) {
        Ok(v) => Fact::Known(v),
        Err(why) => {
            let message = format!("{path}: {why}");
            if let Some(at) = at {
                cx.error(
                    crate::model::InputError::new(at, message.clone()).with_help(
                        "write a number of cores, or a size such as `512m` or `4g` for memory",
                    ),
                );
            }
            Fact::Unknown(Unknown::new(message))
        }
    }
}

/// A JVM memory size (`512m`, `4g`, `1024k`, `2t`; a bare number is MiB, as Spark reads
/// `spark.driver.memory`) in MiB.
fn jvm_mib(text: &str) -> Result<Decimal, String> {
    let t = text.trim().to_ascii_lowercase();
    let digits = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (number, unit) = t.split_at(digits);
    let n: Decimal = number
        .parse::<i64>()
        .map(Decimal::from)
        .map_err(|_| format!("`{text}` is not a size such as `512m` or `4g`"))?;
    let per_mib = match unit {
        "" | "m" | "mb" => Decimal::ONE,
        // 1/1024, exactly.
        "k" | "kb" => Decimal::from_parts(9_765_625, 0, 0, false, 10),
        "g" | "gb" => Decimal::from(1024),
        "t" | "tb" => Decimal::from(1024 * 1024),
        _ => return Err(format!("`{text}` is not a size such as `512m` or `4g`")),
    };
    n.checked_mul(per_mib)
        .ok_or_else(|| format!("`{text}` is too large"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jvm_sizes_are_mib() {
        let mib = |t: &str| jvm_mib(t).map(|d| d.normalize().to_string());
        assert_eq!(mib("512m"), Ok("512".into()));
        assert_eq!(mib("4g"), Ok("4096".into()));
        assert_eq!(mib("4G"), Ok("4096".into()));
        assert_eq!(mib("2048"), Ok("2048".into()));
        assert_eq!(mib("1t"), Ok("1048576".into()));
        assert_eq!(mib("512k"), Ok("0.5".into()));
        assert!(mib("1.5g").is_err());
        assert!(mib("4Gi").is_err());
    }
}

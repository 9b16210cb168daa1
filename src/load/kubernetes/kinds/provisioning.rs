//! ProvisioningRequest (`autoscaling.x-k8s.io`, the cluster autoscaler's capacity
//! booking) and the PodTemplates it names. Each of its `podSets` is a record
//! (`/<template name>`) of `count` pods shaped by the PodTemplate `podTemplateRef.name`,
//! which is a separate object: it is paired after every document is read, from the same
//! directory (or standard input) and namespace, as HPAs are. Until then, or when the
//! template is not among the files scanned, what each pod requests is unknown and says
//! so. The capacity is held for `parameters.maxRunDurationSeconds` when given (GKE's
//! queued provisioning), else all month. A `check-capacity` request only asks whether the
//! capacity exists and books nothing.
//! The pods that use the booked capacity are declared elsewhere; when those are scanned
//! too, both are priced (the note says so).

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::super::yaml::Node;
use super::convert::{self, join};
use super::podspec::{self, PodShape, Replicas, Scheduling, Traits};
use super::record::{Cx, Object};
use super::resources::PodResources;
use super::Extracted;
use crate::model::{Fact, Location, Note, PodGroup, Resource, Unknown, WorkloadDetail};

const CHECK_CAPACITY: &str = "check-capacity.autoscaling.x-k8s.io";

/// A PodTemplate's pods, to be paired with the ProvisioningRequests that name it.
#[derive(Clone, Debug, PartialEq)]
pub struct PodTemplate {
    pub namespace: String,
    pub name: String,
    /// What one pod requests and where it may run (its replica counts are not used).
    pub group: PodGroup,
    pub fact_locations: BTreeMap<String, Location>,
    pub region: Option<Fact<String>>,
}

pub fn handles(group: &str, kind: &str) -> bool {
    (group == "autoscaling.x-k8s.io" && kind == "ProvisioningRequest")
        || (group.is_empty() && kind == "PodTemplate")
}

pub fn extract(cx: &Cx, obj: &Object, out: &mut Extracted) {
    let namespace = obj
        .namespace
        .clone()
        .unwrap_or_else(|| "default".to_string());
    if obj.kind == "PodTemplate" {
        let shape = PodShape::of(obj.node.path("template.spec"), "template.spec");
        let part = podspec::pod_part(
            cx,
            &shape,
            Replicas::fixed(Fact::Known(1), None),
            Traits::default(),
        );
        out.pod_templates.push(PodTemplate {
            namespace,
            name: obj.name.clone(),
            group: part.group,
            fact_locations: part.fact_locations,
            region: part.region,
        });
        out.notes.push(Note {
            location: Some(cx.doc_location().first_line()),
            message: format!(
                "kind PodTemplate: {} is priced through the ProvisioningRequests that name it",
                obj.name
            ),
        });
        return;
    }
    let spec = obj.node.get("spec");
    if convert::text(spec.and_then(|s| s.get("provisioningClassName"))) == Some(CHECK_CAPACITY) {
        out.notes.push(Note {
            location: Some(cx.doc_location().first_line()),
            message: format!(
                "ProvisioningRequest {} only checks that capacity exists ({CHECK_CAPACITY}) and books none, so it costs nothing by itself",
                obj.name
            ),
        });
        return;
    }
    out.notes.push(Note {
        location: Some(cx.doc_location().first_line()),
        message: format!(
            "ProvisioningRequest {} books capacity for pods declared elsewhere; if they are among the files scanned, both are priced",
            obj.name
        ),
    });
    let booked = booked_hours(cx, spec);
    let mut used: Vec<String> = Vec::new();
    let sets = spec
        .and_then(|s| s.get("podSets"))
        .map_or(&[][..], Node::items);
    for (i, set) in sets.iter().enumerate() {
        let path = format!("spec.podSets[{i}]");
        let template = convert::text(set.path("podTemplateRef.name")).map(str::to_string);
        let (count, count_at) =
            match podspec::read_count(cx, Some(set), "count", &join(&path, "count")) {
                Some((n, at)) => (n, Some(at)),
                None => (
                    Fact::Unknown(Unknown::new(format!("{path}.count is not set"))),
                    None,
                ),
            };
        let why = Unknown::new(match &template {
            Some(t) => format!(
                "the PodTemplate {t} in namespace {namespace} is not among the files scanned with this ProvisioningRequest"
            ),
            None => format!("{path}.podTemplateRef.name is not set"),
        });
        let res = PodResources {
            cpu_cores: Fact::Unknown(why.clone()),
            memory_gib: Fact::Unknown(why.clone()),
            accelerators: Fact::Unknown(why),
            accelerator_resource: None,
            accelerators_in_limits: true,
            locations: BTreeMap::new(),
        };
        let traits = Traits {
            run_hours: booked.as_ref().map(|(h, _)| h.clone()),
            run_hours_at: booked.as_ref().map(|(_, at)| at.clone()),
            ..Traits::default()
        };
        let part = podspec::assemble(
            res,
            &Scheduling::default(),
            Replicas::fixed(count, count_at),
            traits,
        );
        let base = template.clone().unwrap_or_else(|| format!("podSets[{i}]"));
        // Two sets of one template stay apart; `[` cannot occur in an object name.
        let component = if used.contains(&base) {
            format!("{base}[{i}]")
        } else {
            base.clone()
        };
        used.push(base);
        out.resources
            .push(obj.pods(cx, Some(component), cx.loc(set), part));
    }
}

/// How long the booked capacity is held: `parameters.maxRunDurationSeconds` (GKE's Dynamic
/// Workload Scheduler removes the nodes after it), in hours; `None` when not written.
fn booked_hours(cx: &Cx, spec: Option<&Node>) -> Option<(Fact<Decimal>, Location)> {
    let key = "maxRunDurationSeconds";
    let (seconds, at) = podspec::read_count(
        cx,
        spec.and_then(|s| s.get("parameters")),
        key,
        &format!("spec.parameters.{key}"),
    )?;
    let hours = match seconds {
        Fact::Known(s) => Decimal::from(s)
            .checked_div(Decimal::from(3600))
            .map_or_else(
                || Fact::Unknown(Unknown::new(format!("{key} is too large"))),
                |h| Fact::Known(h.normalize()),
            ),
        Fact::Unknown(u) => Fact::Unknown(u),
    };
    Some((hours, at))
}

/// Gives each ProvisioningRequest pod set the pods of its PodTemplate (same namespace), in
/// place.
pub fn link(resources: &mut [Resource], templates: &[PodTemplate]) {
    for r in resources.iter_mut() {
        let Some(w) = r.workload.as_mut() else {
            continue;
        };
        if w.kind != "ProvisioningRequest" {
            continue;
        }
        let Some(name) = w
            .component
            .as_deref()
            .map(|c| c.split('[').next().unwrap_or(c))
        else {
            continue;
        };
        let namespace = w.namespace.as_deref().unwrap_or("default");
        let Some(t) = templates
            .iter()
            .find(|t| t.name == name && t.namespace == namespace)
        else {
            continue;
        };
        if let WorkloadDetail::Pods(p) = &mut w.detail {
            // The request's own counts and hours; the template's pods.
            *p = PodGroup {
                replicas: p.replicas.clone(),
                run_hours: p.run_hours.clone(),
                ..t.group.clone()
            };
        }
        r.region.clone_from(&t.region);
        for (fact, at) in &t.fact_locations {
            if !fact.starts_with("replicas_") && !fact.starts_with("count_") {
                r.fact_locations.insert(fact.clone(), at.clone());
            }
        }
    }
}

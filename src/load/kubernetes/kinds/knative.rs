//! Knative Service (`serving.knative.dev/v1`): a pod template whose replicas the Knative
//! autoscaler sets between the revision annotations `autoscaling.knative.dev/min-scale`
//! (default 0: scale to zero) and `max-scale` (default 0: no upper bound).

use super::super::yaml::Node;
use super::convert;
use super::podspec::{self, PodShape, Replicas, Traits};
use super::record::{Cx, Object};
use super::Extracted;
use crate::model::{Fact, Location, UnitCounts, Unknown};

pub fn handles(group: &str, kind: &str) -> bool {
    group == "serving.knative.dev" && kind == "Service"
}

pub fn extract(cx: &Cx, obj: &Object, out: &mut Extracted) {
    let template = obj.node.path("spec.template");
    let annotations = template.and_then(|t| t.path("metadata.annotations"));
    let path = "spec.template.metadata.annotations";
    let (min, min_at) =
        scale(cx, annotations, &["min-scale", "minScale"], path).unwrap_or((Fact::Known(0), None));
    let max = match scale(cx, annotations, &["max-scale", "maxScale"], path) {
        Some((Fact::Known(0), _)) | None => (
            Fact::Unknown(Unknown::new(
                "autoscaling.knative.dev/max-scale is not set, so the service has no upper bound",
            )),
            None,
        ),
        Some(found) => found,
    };
    let replicas = Replicas {
        counts: UnitCounts {
            min: min.clone(),
            desired: min.clone(),
            max: max.0,
        },
        min_at: min_at.clone(),
        desired_at: min_at.clone(),
        max_at: max.1,
    };
    let traits = Traits {
        scale_to_zero: Some(min == Fact::Known(0)),
        scale_to_zero_at: min_at,
        ..Traits::default()
    };
    let shape = PodShape::of(template.and_then(|t| t.get("spec")), "spec.template.spec");
    let part = podspec::pod_part(cx, &shape, replicas, traits);
    out.resources
        .push(obj.pods(cx, None, cx.doc_location(), part));
}

/// The first of `names` (under `autoscaling.knative.dev/`) set in `annotations`.
fn scale(
    cx: &Cx,
    annotations: Option<&Node>,
    names: &[&str],
    path: &str,
) -> Option<(Fact<i64>, Option<Location>)> {
    names.iter().find_map(|n| {
        let key = format!("autoscaling.knative.dev/{n}");
        let node = annotations?.get(&key)?;
        let fact = convert::int(Some(node), &format!("{path}.{key}"))?;
        Some((fact, Some(cx.key_loc(&key, node))))
    })
}

//! Which facts of a resource depend on a sensitive value. Facts are read from values
//! without marks; a resource with sensitive values is read a second time from a copy with
//! those values masked (unknown), with every other resource of the root masked the same
//! way, so a fact that comes through a reference (a launch template's instance type) or is
//! derived (the accelerators a type implies, a region from a zone) is found as well: a
//! known fact that differs between the two readings depends on a sensitive value.

use std::collections::BTreeSet;
use std::sync::Arc;

use super::super::instance::EvaluatedResource;
use super::super::providers::ProviderConfig;
use super::{extract, Index};
use crate::model::{Compute, Fact, Resource, Sensitive, Value};

/// Every resource's record, with what comes from sensitive values in `sensitive`. The
/// evaluated resources are consumed: their attributes and argument locations move into the
/// records (unmarked where they held sensitive values).
pub fn extract_all(resources: Vec<EvaluatedResource>) -> Vec<Resource> {
    if !resources.iter().any(has_marks) {
        let mut records: Vec<Resource> = {
            let index = Index::new(&resources);
            resources.iter().map(|r| extract(r, &index)).collect()
        };
        move_values(&mut records, resources);
        return records;
    }
    let real: Vec<EvaluatedResource> = resources
        .iter()
        .map(|r| view(r, &|v| v.clone().unmark_deep().0))
        .collect();
    let mut records: Vec<Resource> = {
        let masked: Vec<EvaluatedResource> =
            resources.iter().map(|r| view(r, &Value::masked)).collect();
        let real_index = Index::new(&real);
        let masked_index = Index::new(&masked);
        resources
            .iter()
            .zip(real.iter().zip(&masked))
            .map(|(marked, (r, m))| {
                let mut record = extract(r, &real_index);
                let shown = extract(m, &masked_index);
                record.sensitive = compare(&record, &shown);
                texts(marked, &mut record.sensitive.texts);
                record
            })
            .collect()
    };
    drop(resources);
    move_values(&mut records, real);
    records
}

/// Moves each evaluated resource's attributes and argument locations into its record.
fn move_values(records: &mut [Resource], resources: Vec<EvaluatedResource>) {
    for (record, r) in records.iter_mut().zip(resources) {
        record.attributes = r.attributes;
        record.argument_locations = r.argument_locations;
    }
}

fn has_marks(r: &EvaluatedResource) -> bool {
    r.attributes.entries.values().any(Value::has_marks)
        || provider_values(&r.provider).any(Value::has_marks)
}

fn provider_values(p: &ProviderConfig) -> impl Iterator<Item = &Value> {
    [&p.region, &p.zone, &p.default_tags, &p.default_labels]
        .into_iter()
        .flatten()
}

/// A copy of `r` with `f` applied to every value it holds.
fn view(r: &EvaluatedResource, f: &dyn Fn(&Value) -> Value) -> EvaluatedResource {
    let p = &r.provider;
    let map = |v: &Option<Value>| v.as_ref().map(f);
    EvaluatedResource {
        root: r.root.clone(),
        address: r.address.clone(),
        base_address: r.base_address.clone(),
        resource_type: r.resource_type.clone(),
        location: r.location.clone(),
        argument_locations: r.argument_locations.clone(),
        attributes: match f(&Value::Map(r.attributes.clone())) {
            Value::Map(m) => m,
            _ => r.attributes.clone(),
        },
        provider: Arc::new(ProviderConfig {
            name: p.name.clone(),
            alias: p.alias.clone(),
            region: map(&p.region),
            zone: map(&p.zone),
            default_tags: map(&p.default_tags),
            default_labels: map(&p.default_labels),
            location: p.location.clone(),
            region_location: p.region_location.clone(),
            zone_location: p.zone_location.clone(),
            skip_region_validation: p.skip_region_validation,
        }),
        instances_unknown: r.instances_unknown.clone(),
        file: r.file.clone(),
        block_span: r.block_span,
    }
}

/// What of `real` is not in `shown`, the same resource read with its sensitive values
/// masked.
fn compare(real: &Resource, shown: &Resource) -> Sensitive {
    let mut s = Sensitive::default();
    for (key, value) in &real.tags.entries {
        let Fact::Known(text) = value else { continue };
        match shown.tags.entries.get(key) {
            None => {
                s.tag_keys.insert(key.clone());
            }
            Some(v) if v != value => {
                s.tag_values.insert(key.clone());
            }
            Some(_) => continue,
        }
        s.texts.insert(text.clone());
    }
    if let (Some(Fact::Known(region)), shown_region) = (&real.region, &shown.region) {
        if shown_region.as_ref().and_then(Fact::known) != Some(region) {
            s.facts.insert(Sensitive::REGION.to_string());
            s.texts.insert(region.clone());
        }
    }
    if let Some(c) = &real.compute {
        compare_compute(c, shown.compute.as_ref(), &mut s);
    }
    s
}

fn compare_compute(real: &Compute, shown: Option<&Compute>, s: &mut Sensitive) {
    let differs = |a: bool, b: bool| a && !b;
    let instance_type = differs(
        real.instance_type.known().is_some() || real.instance_types.known().is_some(),
        shown.is_some_and(|m| {
            m.instance_type == real.instance_type && m.instance_types == real.instance_types
        }),
    );
    if instance_type {
        s.facts.insert(Sensitive::INSTANCE_TYPE.to_string());
        s.texts.extend(real.instance_type.known().cloned());
        s.texts
            .extend(real.instance_types.known().into_iter().flatten().cloned());
    }
    let accelerator = differs(
        real.accelerator.known().is_some(),
        shown.is_some_and(|m| m.accelerator == real.accelerator),
    );
    if accelerator || instance_type {
        s.facts.insert(Sensitive::ACCELERATOR.to_string());
        if let Fact::Known(Some(a)) = &real.accelerator {
            s.texts.extend(a.model.known().cloned());
        }
    }
    let counts = [&real.count.min, &real.count.desired, &real.count.max];
    let count = differs(
        counts.iter().any(|c| c.known().is_some()),
        shown.is_some_and(|m| m.count == real.count),
    );
    if count {
        s.facts.insert(Sensitive::COUNT.to_string());
    }
    let capacity = differs(
        real.capacity.known().is_some(),
        shown.is_some_and(|m| m.capacity == real.capacity),
    );
    if capacity {
        s.facts.insert(Sensitive::CAPACITY.to_string());
    }
}

/// The text of every sensitive value the resource holds, in its arguments and in its
/// provider's configuration.
fn texts(r: &EvaluatedResource, out: &mut BTreeSet<String>) {
    for v in r.attributes.entries.values() {
        v.sensitive_texts(out);
    }
    for v in provider_values(&r.provider) {
        v.sensitive_texts(out);
    }
}

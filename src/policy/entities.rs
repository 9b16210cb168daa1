//! Turns a [`Resource`] into the Cedar entities of one request: the `Resource` entity
//! (attributes and tags), its `Attributes` entity (flattened arguments) and its
//! `Environment` parent. Unknown facts become named Cedar unknowns and their origins are
//! recorded for the finding. Also derives the compute facts (families, accelerators at
//! maximum scale) policies and messages share. Does not evaluate anything.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::str::FromStr;

use cedar_policy::Schema;
use cedar_policy::{Entities, Entity, EntityId, EntityTypeName, EntityUid, RestrictedExpression};

use super::computed::{self, Computed, TagPattern};
use super::workload::WorkloadFacts;
use crate::model::{Fact, Resource, Unknown};

/// The compute facts of a resource as the schema names them; `None` where a fact does
/// not apply (the resource is not a compute resource).
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Facts {
    pub instance_type: Option<Fact<String>>,
    pub instance_types: Option<Fact<Vec<String>>>,
    pub instance_families: Option<Fact<Vec<String>>>,
    pub accelerator_type: Option<Fact<String>>,
    pub accelerator_count: Option<Fact<i64>>,
    pub count_min: Option<Fact<i64>>,
    pub count_desired: Option<Fact<i64>>,
    pub count_max: Option<Fact<i64>>,
    pub accelerators_max: Option<Fact<i64>>,
    pub capacity_type: Option<Fact<String>>,
    pub pool: Option<bool>,
    /// Kubernetes workloads and AI configs only.
    pub workload: Option<WorkloadFacts>,
}

impl Facts {
    pub(crate) fn of(r: &Resource) -> Facts {
        if let Some(w) = &r.workload {
            return super::workload::facts(r, w);
        }
        let Some(c) = &r.compute else {
            return Facts::default();
        };
        let types: Fact<Vec<String>> = match (&c.instance_types, &c.instance_type) {
            (Fact::Known(v), _) if !v.is_empty() => Fact::Known(dedup(v.iter().cloned())),
            (Fact::Known(_), Fact::Known(t)) => Fact::Known(vec![t.clone()]),
            (Fact::Known(_), Fact::Unknown(u)) | (Fact::Unknown(u), _) => Fact::Unknown(u.clone()),
        };
        let families = types.as_ref().map(|v| {
            dedup(
                v.iter()
                    .map(|t| instance_family(&r.provider.name, t).to_string()),
            )
        });
        let (accelerator_type, accelerator_count) = match &c.accelerator {
            Fact::Unknown(u) => (Fact::Unknown(u.clone()), Fact::Unknown(u.clone())),
            Fact::Known(None) => (Fact::Known(String::new()), Fact::Known(0)),
            Fact::Known(Some(a)) => (a.model.clone(), a.count.clone()),
        };
        let accelerators_max = match (&accelerator_count, &c.count.max) {
            (Fact::Known(0), _) => Fact::Known(0),
            (Fact::Known(a), Fact::Known(m)) => Fact::Known(a.saturating_mul(*m)),
            (Fact::Unknown(u), _) | (_, Fact::Unknown(u)) => Fact::Unknown(u.clone()),
        };
        Facts {
            instance_type: Some(c.instance_type.clone()),
            instance_types: Some(types),
            instance_families: Some(families),
            accelerator_type: Some(accelerator_type),
            accelerator_count: Some(accelerator_count),
            count_min: Some(c.count.min.clone()),
            count_desired: Some(c.count.desired.clone()),
            count_max: Some(c.count.max.clone()),
            accelerators_max: Some(accelerators_max),
            capacity_type: Some(c.capacity.as_ref().map(|k| k.as_str().to_string())),
            pool: Some(c.pool),
            workload: None,
        }
    }
}

fn dedup(items: impl Iterator<Item = String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for i in items {
        if !out.contains(&i) {
            out.push(i);
        }
    }
    out
}

/// The family of an instance type, machine type or VM size, as `instance_families`
/// holds it. AWS: the text before the size (`p5.48xlarge` → `p5`, `ml.g5.xlarge` →
/// `g5`). Google: the text before the first `-` (`a3-highgpu-8g` → `a3`). Azure: the size
/// without `Standard_` and without the digits after the series letters
/// (`Standard_NC24ads_A100_v4` → `NCads_A100_v4`). Other providers are recognised by the
/// shape of the name; a name with none of these shapes is its own family.
pub fn instance_family(provider: &str, instance_type: &str) -> String {
    match provider {
        "aws" => aws_family(instance_type),
        "google" | "google-beta" => gcp_family(instance_type),
        "azurerm" | "azapi" => azure_family(instance_type),
        _ if instance_type.starts_with("Standard_") || instance_type.starts_with("Basic_") => {
            azure_family(instance_type)
        }
        _ if instance_type.contains('.') => aws_family(instance_type),
        _ => gcp_family(instance_type),
    }
}

fn aws_family(t: &str) -> String {
    t.rsplit('.').nth(1).unwrap_or(t).to_string()
}

fn gcp_family(t: &str) -> String {
    t.split('-').next().unwrap_or(t).to_string()
}

fn azure_family(t: &str) -> String {
    let size = t
        .strip_prefix("Standard_")
        .or_else(|| t.strip_prefix("Basic_"))
        .unwrap_or(t);
    let letters = size
        .find(|c: char| !c.is_ascii_alphabetic())
        .unwrap_or(size.len());
    let (series, rest) = size.split_at(letters);
    let rest = rest.trim_start_matches(|c: char| c.is_ascii_digit());
    format!("{series}{rest}")
}

/// Cedar decimals stop below a quadrillion: a larger amount has no Cedar value.
pub(crate) const CEDAR_DECIMAL_MAX: i64 = 900_000_000_000_000;

/// Whether `amount` has a Cedar decimal value.
pub(crate) fn fits_cedar(amount: rust_decimal::Decimal) -> bool {
    amount.abs() < rust_decimal::Decimal::from(CEDAR_DECIMAL_MAX)
}

/// A set of strings.
pub(crate) fn string_set<'a>(items: impl IntoIterator<Item = &'a str>) -> RestrictedExpression {
    RestrictedExpression::new_set(
        items
            .into_iter()
            .map(|s| RestrictedExpression::new_string(s.to_string())),
    )
}

/// A Cedar decimal. `RestrictedExpression::new_decimal` parses the extension's name with
/// Cedar's grammar on every call (cedar-policy 4.14), which cost more than the rest of a
/// priced resource's entity; amounts repeat across resources, so each thread keeps the
/// expressions it built (a bounded number).
pub(crate) fn decimal(text: String) -> RestrictedExpression {
    const KEPT: usize = 4096;
    thread_local! {
        static BUILT: std::cell::RefCell<std::collections::HashMap<String, RestrictedExpression>> =
            std::cell::RefCell::new(std::collections::HashMap::new());
    }
    BUILT.with(|built| {
        let mut built = built.borrow_mut();
        if let Some(e) = built.get(&text) {
            return e.clone();
        }
        let e = RestrictedExpression::new_decimal(&text);
        if built.len() < KEPT {
            built.insert(text, e.clone());
        }
        e
    })
}

/// Entity type names and fixed uids, built once per policy set.
#[derive(Clone, Debug)]
pub(crate) struct Uids {
    resource: EntityTypeName,
    attributes: EntityTypeName,
    numbers: EntityTypeName,
    annotations: EntityTypeName,
    environment: EntityTypeName,
    budget: EntityTypeName,
    user: EntityTypeName,
    group: EntityTypeName,
    pub scanner: EntityUid,
    pub action: EntityUid,
    pub budget_action: EntityUid,
    pub change_action: EntityUid,
    pub approve_action: EntityUid,
    /// The one `Change` of a diff.
    pub change: EntityUid,
}

impl Uids {
    pub(crate) fn new() -> Result<Uids, String> {
        let name = |s: &str| {
            EntityTypeName::from_str(s).map_err(|e| format!("invalid entity type `{s}`: {e}"))
        };
        Ok(Uids {
            resource: name("Resource")?,
            attributes: name("Attributes")?,
            numbers: name("Numbers")?,
            annotations: name("Annotations")?,
            environment: name("Environment")?,
            budget: name("Budget")?,
            user: name("User")?,
            group: name("Group")?,
            scanner: EntityUid::from_type_name_and_id(
                name("Scanner")?,
                EntityId::new("aicost-policy"),
            ),
            action: EntityUid::from_type_name_and_id(name("Action")?, EntityId::new("check")),
            budget_action: EntityUid::from_type_name_and_id(
                name("Action")?,
                EntityId::new("budget"),
            ),
            change_action: EntityUid::from_type_name_and_id(
                name("Action")?,
                EntityId::new("change"),
            ),
            approve_action: EntityUid::from_type_name_and_id(
                name("Action")?,
                EntityId::new("approve"),
            ),
            change: EntityUid::from_type_name_and_id(name("Change")?, EntityId::new("change")),
        })
    }

    pub(crate) fn user(&self, login: &str) -> EntityUid {
        EntityUid::from_type_name_and_id(self.user.clone(), EntityId::new(login))
    }

    pub(crate) fn group(&self, name: &str) -> EntityUid {
        EntityUid::from_type_name_and_id(self.group.clone(), EntityId::new(name))
    }

    pub(crate) fn budget(&self, name: &str) -> EntityUid {
        EntityUid::from_type_name_and_id(self.budget.clone(), EntityId::new(name))
    }

    pub(crate) fn resource(&self, address: &str) -> EntityUid {
        EntityUid::from_type_name_and_id(self.resource.clone(), EntityId::new(address))
    }

    fn attributes(&self, address: &str) -> EntityUid {
        EntityUid::from_type_name_and_id(self.attributes.clone(), EntityId::new(address))
    }

    fn numbers(&self, address: &str) -> EntityUid {
        EntityUid::from_type_name_and_id(self.numbers.clone(), EntityId::new(address))
    }

    fn annotations(&self, address: &str) -> EntityUid {
        EntityUid::from_type_name_and_id(self.annotations.clone(), EntityId::new(address))
    }

    fn environment(&self, name: &str) -> EntityUid {
        EntityUid::from_type_name_and_id(self.environment.clone(), EntityId::new(name))
    }
}

/// One combination of the values a resource could have where they are not fully known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct World {
    /// The resource may carry every key of the key universe (open tag maps only).
    pub open_tags: bool,
    /// The environment the resource is `in`, if any.
    pub parent: Option<String>,
    /// Whether `parent` also replaces the resource's unknown `environment` attribute (one
    /// world of an unknown environment).
    pub assume_environment: bool,
}

/// The parts of a resource's entities that do not change between worlds.
pub(crate) struct ResourceEntities {
    uid: EntityUid,
    attrs: Vec<(String, RestrictedExpression)>,
    tags: Vec<(String, RestrictedExpression)>,
    keys: BTreeSet<String>,
    complete: bool,
    tag_values: Computed,
    tag_value_matches: Computed,
    /// Whether `tag_value_matches` is unknown in the open-tags world.
    open_matches_unknown: bool,
    arguments: Entity,
    /// Whole-number arguments as Longs.
    numbers: Entity,
    /// `metadata.annotations` of a Kubernetes object.
    annotations: Option<Entity>,
    /// Why each named unknown is unknown.
    origins: BTreeMap<String, String>,
    /// Origin of unknown tag keys (open tag maps).
    more: Option<String>,
}

impl ResourceEntities {
    pub(crate) fn build(
        r: &Resource,
        facts: &Facts,
        uids: &Uids,
        patterns: &[TagPattern],
    ) -> Result<Self, String> {
        let mut b = Builder::default();
        let s = |v: &String| RestrictedExpression::new_string(v.clone());
        let long = |v: &i64| RestrictedExpression::new_long(*v);
        let set = |v: &Vec<String>| {
            RestrictedExpression::new_set(
                v.iter()
                    .map(|e| RestrictedExpression::new_string(e.clone())),
            )
        };
        b.known(
            "address",
            RestrictedExpression::new_string(r.address.clone()),
        );
        b.known(
            "type",
            RestrictedExpression::new_string(r.resource_type.clone()),
        );
        b.known(
            "source",
            RestrictedExpression::new_string(r.source.as_str().to_string()),
        );
        b.known(
            "file",
            RestrictedExpression::new_string(r.location.file.to_string()),
        );
        b.known("root", RestrictedExpression::new_string(r.root.to_string()));
        b.known(
            "provider",
            RestrictedExpression::new_string(r.provider.name.clone()),
        );
        if let Some(alias) = &r.provider.alias {
            b.known(
                "provider_alias",
                RestrictedExpression::new_string(alias.clone()),
            );
        }
        b.fact("region", r.region.as_ref(), s);
        b.fact("environment", r.environment.as_ref(), s);
        b.known("taggable", RestrictedExpression::new_bool(r.taggable));
        let arguments = uids.attributes(&r.address);
        b.known(
            "arguments",
            RestrictedExpression::new_entity_uid(arguments.clone()),
        );
        let numbers = uids.numbers(&r.address);
        b.known(
            "numbers",
            RestrictedExpression::new_entity_uid(numbers.clone()),
        );
        b.fact("instance_type", facts.instance_type.as_ref(), s);
        b.fact("instance_types", facts.instance_types.as_ref(), set);
        b.fact("instance_families", facts.instance_families.as_ref(), set);
        b.fact("accelerator_type", facts.accelerator_type.as_ref(), s);
        b.fact("accelerator_count", facts.accelerator_count.as_ref(), long);
        b.fact("count_min", facts.count_min.as_ref(), long);
        b.fact("count_desired", facts.count_desired.as_ref(), long);
        b.fact("count_max", facts.count_max.as_ref(), long);
        b.fact("accelerators_max", facts.accelerators_max.as_ref(), long);
        b.fact("capacity_type", facts.capacity_type.as_ref(), s);
        if let Some(pool) = facts.pool {
            b.known("pool", RestrictedExpression::new_bool(pool));
        }
        let annotations = match (&facts.workload, &r.workload) {
            (Some(wf), Some(w)) => {
                let uid = uids.annotations(&r.address);
                b.known(
                    "annotations",
                    RestrictedExpression::new_entity_uid(uid.clone()),
                );
                workload_attributes(&mut b, wf);
                let tags = w
                    .annotations
                    .iter()
                    .map(|(k, v)| (k.clone(), RestrictedExpression::new_string(v.clone())));
                let entity = Entity::new_with_tags(uid, [], [], tags)
                    .map_err(|e| format!("cannot build the annotations of `{}`: {e}", r.address))?;
                Some(entity)
            }
            _ => None,
        };
        if let Some(cost) = &r.cost {
            b.known("cost_known", RestrictedExpression::new_bool(cost.complete));
            // Known floors: costs only add up, so what is priced is a lower bound even when
            // the estimate is incomplete.
            let cedar_max = crate::model::Usd(rust_decimal::Decimal::from(CEDAR_DECIMAL_MAX));
            for (name, amount) in [
                ("monthly_cost_at_least", cost.baseline),
                ("monthly_cost_ceiling_at_least", cost.ceiling),
            ] {
                b.known(name, decimal(amount.min(cedar_max).to_cedar_decimal()));
            }
            for (name, amount) in [
                ("monthly_cost", cost.baseline),
                ("monthly_cost_ceiling", cost.ceiling),
            ] {
                // Cedar decimals stop below a quadrillion; a larger estimate is unknown.
                let fits = fits_cedar(amount.0);
                if cost.complete && fits {
                    b.known(name, decimal(amount.to_cedar_decimal()));
                } else {
                    let why = if fits {
                        cost.missing.join("; ")
                    } else {
                        "the estimate is too large".to_string()
                    };
                    let expr = b.unknown(name.to_string(), &Unknown::new(why));
                    b.attrs.push((name.to_string(), expr));
                }
            }
        }

        let mut tags = Vec::new();
        for (key, value) in &r.tags.entries {
            let expr = match value {
                Fact::Known(v) => RestrictedExpression::new_string(v.clone()),
                Fact::Unknown(u) => b.unknown(format!("tag:{key}"), u),
            };
            tags.push((key.clone(), expr));
        }

        let mut flat = computed::Flattened::default();
        computed::flatten(&r.attributes, "", &mut flat, &mut b);
        let arguments = Entity::new_with_tags(arguments, [], [], flat.arguments)
            .map_err(|e| format!("cannot build the arguments of `{}`: {e}", r.address))?;
        let numbers = Entity::new_with_tags(numbers, [], [], flat.numbers)
            .map_err(|e| format!("cannot build the numbers of `{}`: {e}", r.address))?;

        let more = r.tags.more.as_ref().map(|u| u.origin.to_string());
        if let Some(origin) = &more {
            b.origins.insert("tags".to_string(), origin.clone());
        }
        Ok(ResourceEntities {
            uid: uids.resource(&r.address),
            attrs: b.attrs,
            keys: r.tags.entries.keys().cloned().collect(),
            complete: r.tags.more.is_none(),
            tags,
            tag_values: computed::tag_values(r),
            tag_value_matches: computed::tag_value_matches(r, patterns),
            // In the open world a pattern's key may be present with any value.
            open_matches_unknown: patterns
                .iter()
                .any(|p| !r.tags.entries.contains_key(&p.key)),
            arguments,
            numbers,
            annotations,
            origins: b.origins,
            more,
        })
    }

    /// Why the unknown `name` is unknown. Tag keys that exist only in the open world of
    /// an open tag map take the map's origin.
    pub(crate) fn origin(&self, name: &str) -> Option<&str> {
        match self.origins.get(name) {
            Some(o) => Some(o),
            None if name.starts_with("tag:") => self.more.as_deref(),
            None => None,
        }
    }

    /// The entity store of one world. In the open-tags world every key of `universe` the
    /// resource does not already carry is added with an unknown value named `tag:<key>`.
    pub(crate) fn entities(
        &self,
        world: &World,
        universe: &BTreeSet<String>,
        uids: &Uids,
        schema: &Schema,
    ) -> Result<Entities, String> {
        let mut tags = self.tags.clone();
        let mut keys = self.keys.clone();
        if world.open_tags {
            for key in universe {
                if keys.insert(key.clone()) {
                    tags.push((
                        key.clone(),
                        RestrictedExpression::new_unknown(format!("tag:{key}")),
                    ));
                }
            }
        }
        let mut attrs = self.attrs.clone();
        if let (true, Some(name)) = (world.assume_environment, &world.parent) {
            for (attr, value) in &mut attrs {
                if attr == "environment" {
                    *value = RestrictedExpression::new_string(name.clone());
                }
            }
        }
        attrs.push((
            "tag_keys".to_string(),
            RestrictedExpression::new_set(keys.into_iter().map(RestrictedExpression::new_string)),
        ));
        attrs.push((
            "tags_complete".to_string(),
            RestrictedExpression::new_bool(self.complete),
        ));
        // Tags the resource may carry beyond the known ones have unknown values.
        let open = RestrictedExpression::new_unknown("tags");
        attrs.push((
            "tag_values".to_string(),
            if world.open_tags {
                open.clone()
            } else {
                self.tag_values.expr()
            },
        ));
        attrs.push((
            "tag_value_matches".to_string(),
            if world.open_tags && self.open_matches_unknown {
                open
            } else {
                self.tag_value_matches.expr()
            },
        ));
        let parent = world.parent.as_deref().map(|e| uids.environment(e));
        let resource = Entity::new_with_tags(self.uid.clone(), attrs, parent.clone(), tags)
            .map_err(|e| e.to_string())?;
        let mut all = vec![resource, self.arguments.clone(), self.numbers.clone()];
        all.extend(self.annotations.clone());
        if let Some(p) = parent {
            all.push(Entity::new_no_attrs(p, HashSet::new()));
        }
        Entities::from_entities(all, Some(schema)).map_err(|e| e.to_string())
    }
}

/// The attributes only workloads have (see the schema).
fn workload_attributes(b: &mut Builder, w: &WorkloadFacts) {
    let s = |v: &String| RestrictedExpression::new_string(v.clone());
    let long = |v: &i64| RestrictedExpression::new_long(*v);
    let flag = |b: &mut Builder, name: &str, v: Option<bool>| {
        if let Some(v) = v {
            b.known(name, RestrictedExpression::new_bool(v));
        }
    };
    b.known("kind", s(&w.kind));
    if let Some(ns) = &w.namespace {
        b.known("namespace", s(ns));
    }
    if let Some(c) = &w.component {
        b.known("component", s(c));
    }
    b.fact("gpu_count", w.gpu_count.as_ref(), long);
    b.fact("replicas_min", w.replicas_min.as_ref(), long);
    b.fact("replicas_desired", w.replicas_desired.as_ref(), long);
    b.fact("replicas_max", w.replicas_max.as_ref(), long);
    flag(b, "has_gpu_limits", w.has_gpu_limits);
    flag(b, "scale_to_zero", w.scale_to_zero);
    flag(b, "inference", w.inference);
    flag(b, "nodepool_has_limits", w.nodepool_has_limits);
    flag(b, "nodepool_accelerators", w.nodepool_accelerators);
    b.fact("llm_model", w.llm_model.as_ref(), s);
    flag(b, "llm_has_budget", w.llm_has_budget);
    flag(b, "llm_has_max_tokens", w.llm_has_max_tokens);
}

#[derive(Default)]
pub(super) struct Builder {
    attrs: Vec<(String, RestrictedExpression)>,
    pub(super) origins: BTreeMap<String, String>,
}

impl Builder {
    fn known(&mut self, name: &str, value: RestrictedExpression) {
        self.attrs.push((name.to_string(), value));
    }

    pub(super) fn unknown(&mut self, name: String, u: &Unknown) -> RestrictedExpression {
        let expr = RestrictedExpression::new_unknown(&name);
        self.origins.insert(name, u.origin.to_string());
        expr
    }

    /// An optional attribute: absent for `None`, a value or a named unknown otherwise.
    fn fact<T>(
        &mut self,
        name: &str,
        fact: Option<&Fact<T>>,
        convert: impl Fn(&T) -> RestrictedExpression,
    ) {
        match fact {
            None => {}
            Some(Fact::Known(v)) => self.known(name, convert(v)),
            Some(Fact::Unknown(u)) => {
                let expr = self.unknown(name.to_string(), u);
                self.attrs.push((name.to_string(), expr));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_follow_each_provider_naming() {
        assert_eq!(instance_family("aws", "p5.48xlarge"), "p5");
        assert_eq!(instance_family("aws", "ml.g5.2xlarge"), "g5");
        assert_eq!(instance_family("aws", "weird"), "weird");
        assert_eq!(instance_family("google", "a3-highgpu-8g"), "a3");
        assert_eq!(instance_family("google-beta", "n1-standard-8"), "n1");
        assert_eq!(
            instance_family("azurerm", "Standard_NC24ads_A100_v4"),
            "NCads_A100_v4"
        );
        assert_eq!(
            instance_family("azurerm", "Standard_ND96isr_H100_v5"),
            "NDisr_H100_v5"
        );
        assert_eq!(
            instance_family("azurerm", "Standard_NC4as_T4_v3"),
            "NCas_T4_v3"
        );
        assert_eq!(
            instance_family("azurerm", "Standard_NV36ads_A10_v5"),
            "NVads_A10_v5"
        );
        assert_eq!(instance_family("kubernetes", "Standard_NC6"), "NC");
        assert_eq!(instance_family("kubernetes", "g6.xlarge"), "g6");
        assert_eq!(instance_family("kubernetes", "g2-standard-4"), "g2");
    }
}

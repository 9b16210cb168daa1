//! Turns evaluated Terraform resources into normalized [`Resource`] records: tags merged
//! with provider defaults, region, and the compute facts (machine type, accelerators,
//! counts, capacity) of the resource types that carry AI cost. One file per provider.

mod aws;
mod azure;
mod google;
mod sensitive;
mod taggable;
mod tags;

pub use self::google::{
    contains_string, default_zones_note, is_zone, region_argument as google_region_argument,
    region_of as google_region_of, GKE_DEFAULT_ZONES,
};

use std::collections::{BTreeMap, HashMap};

use super::instance::EvaluatedResource;
use crate::catalog;
use crate::model::{
    Accelerator, Compute, Fact, Location, Map, ProviderRef, Resource, SourceFormat, UnitCounts,
    Unknown, Value,
};

/// Looks up other resources of the same root by address, to follow references such as a
/// node group's launch template.
pub struct Index<'a> {
    by_base: HashMap<(&'a str, &'a str), Vec<&'a EvaluatedResource>>,
}

impl<'a> Index<'a> {
    fn new(resources: &'a [EvaluatedResource]) -> Index<'a> {
        let mut by_base: HashMap<(&str, &str), Vec<&EvaluatedResource>> = HashMap::new();
        for r in resources {
            by_base
                .entry((r.root.as_ref(), r.base_address.as_str()))
                .or_default()
                .push(r);
        }
        Index { by_base }
    }

    /// The resource a value refers to (`aws_launch_template.gpu.id`), when the value is a
    /// reference to exactly one instance.
    pub fn referenced(
        &self,
        from: &EvaluatedResource,
        value: &Value,
    ) -> Option<&'a EvaluatedResource> {
        let reference = value.as_unknown()?.reference.as_deref()?;
        match self
            .by_base
            .get(&(from.root.as_ref(), reference))?
            .as_slice()
        {
            [only] => Some(only),
            _ => None,
        }
    }

    /// The one instance of `from`'s root whose address (without key) is `base`.
    pub fn at(&self, from: &EvaluatedResource, base: &str) -> Option<&'a EvaluatedResource> {
        match self.by_base.get(&(from.root.as_ref(), base))?.as_slice() {
            [only] => Some(only),
            _ => None,
        }
    }

    /// The one resource of a type in `from`'s root that `wanted` accepts.
    pub fn only_of_type(
        &self,
        from: &EvaluatedResource,
        resource_type: &str,
        wanted: impl Fn(&EvaluatedResource) -> bool,
    ) -> Option<&'a EvaluatedResource> {
        let mut found = self
            .by_base
            .iter()
            .filter(|((root, _), _)| *root == from.root.as_ref())
            .flat_map(|(_, rs)| rs.iter().copied())
            .filter(|c| c.resource_type == resource_type && wanted(c));
        let first = found.next()?;
        found.next().is_none().then_some(first)
    }
}

/// Extracts the normalized record of every resource, with what comes from sensitive
/// values (see `sensitive.rs`).
pub fn extract_all(resources: Vec<EvaluatedResource>) -> Vec<Resource> {
    sensitive::extract_all(resources)
}

fn extract(r: &EvaluatedResource, index: &Index<'_>) -> Resource {
    let provider_name = r.provider.name.clone();
    let mut fact_locations = BTreeMap::new();
    let (tags, tags_location) = tags::effective_tags(r, index);
    if let Some(loc) = tags_location {
        fact_locations.insert("tags".to_string(), loc);
    }
    let taggable = taggable::is_taggable(&r.resource_type) || tags_location_known(r);
    let compute = match provider_name.as_str() {
        "aws" => aws::compute(r, index, &mut fact_locations),
        "google" | "google-beta" => google::compute(r, index, &mut fact_locations),
        "azurerm" => azure::compute(r, &mut fact_locations),
        _ => None,
    };
    let region = match provider_name.as_str() {
        "aws" => Some(aws::region(r, &mut fact_locations)),
        "google" | "google-beta" => Some(google::region(r, &mut fact_locations)),
        "azurerm" => azure::region(r, index, &mut fact_locations),
        _ => None,
    };
    let compute = compute.map(|mut c| {
        if let Some(u) = &r.instances_unknown {
            c.count = UnitCounts {
                min: Fact::Unknown(u.clone()),
                desired: Fact::Unknown(u.clone()),
                max: Fact::Unknown(u.clone()),
            };
        }
        c
    });
    Resource {
        root: r.root.clone(),
        address: r.address.clone(),
        resource_type: r.resource_type.clone(),
        source: SourceFormat::Terraform,
        location: r.location.clone(),
        // The two big maps are moved in by `extract_all` once every record is read (the
        // index needs the evaluated resources until then): copying them doubled the peak.
        argument_locations: BTreeMap::new(),
        provider: ProviderRef {
            name: provider_name,
            alias: r.provider.alias.clone(),
        },
        region,
        environment: None,
        taggable,
        tags,
        compute,
        fact_locations,
        waivers: Vec::new(),
        attributes: crate::model::Map::default(),
        cost: None,
        workload: None,
        sensitive: crate::model::Sensitive::default(),
    }
}

/// A resource that sets a tag argument is taggable whatever its type.
fn tags_location_known(r: &EvaluatedResource) -> bool {
    ["tags", "labels"]
        .iter()
        .any(|a| r.attributes.entries.contains_key(*a))
}

/// Reads an argument by dotted path; a nested block (a list of maps) is read through its
/// first element. `None` when absent or null.
pub fn arg<'a>(attrs: &'a Map, path: &str) -> Option<&'a Value> {
    let mut current: &Value = attrs.entries.get(path.split('.').next()?)?;
    for part in path.split('.').skip(1) {
        current = match current {
            Value::Map(m) => m.entries.get(part)?,
            Value::List(items) => match items.first()? {
                Value::Map(m) => m.entries.get(part)?,
                _ => return None,
            },
            Value::Unknown(_) => return Some(current),
            _ => return None,
        };
    }
    match current {
        Value::Null => None,
        // A block written once in JSON is a map, not a list.
        v => Some(v),
    }
}

/// The blocks of a given kind (a list of maps in HCL, a map in JSON).
pub fn blocks<'a>(attrs: &'a Map, name: &str) -> Vec<&'a Value> {
    match attrs.entries.get(name) {
        Some(Value::List(items)) => items.iter().collect(),
        Some(v @ Value::Map(_)) => vec![v],
        Some(v @ Value::Unknown(_)) => vec![v],
        _ => Vec::new(),
    }
}

/// An argument as a string fact; `None` when absent.
pub fn string_arg(r: &EvaluatedResource, path: &str) -> Option<Fact<String>> {
    string_in(&r.attributes, path)
}

/// An argument of `attrs` (by dotted path, as [`arg`] reads it) as a string fact; `None`
/// when absent.
pub fn string_in(attrs: &Map, path: &str) -> Option<Fact<String>> {
    arg(attrs, path).map(|v| match v {
        Value::Unknown(u) => Fact::Unknown(u.clone()),
        other => match super::convert::to_string(other) {
            Ok(Some(s)) => Fact::Known(s),
            _ => Fact::Unknown(Unknown::new(format!("{path} is not a string"))),
        },
    })
}

/// An argument as a whole-number fact; `None` when absent.
pub fn int_arg(r: &EvaluatedResource, path: &str) -> Option<Fact<i64>> {
    arg(&r.attributes, path).map(|v| match v {
        Value::Unknown(u) => Fact::Unknown(u.clone()),
        other => match super::convert::to_integer(other) {
            Ok(Some(n)) => Fact::Known(n),
            _ => Fact::Unknown(Unknown::new(format!("{path} is not a whole number"))),
        },
    })
}

/// An argument as a bool fact; `None` when absent.
pub fn bool_arg(r: &EvaluatedResource, path: &str) -> Option<Fact<bool>> {
    arg(&r.attributes, path).map(|v| match v {
        Value::Unknown(u) => Fact::Unknown(u.clone()),
        other => match super::convert::to_bool(other) {
            Ok(Some(b)) => Fact::Known(b),
            _ => Fact::Unknown(Unknown::new(format!("{path} is not a bool"))),
        },
    })
}

/// Records where a fact came from, when the argument is written in the source.
pub fn note_location(
    r: &EvaluatedResource,
    locations: &mut BTreeMap<String, Location>,
    fact: &str,
    path: &str,
) {
    if let Some(loc) = r.argument_locations.get(path) {
        locations
            .entry(fact.to_string())
            .or_insert_with(|| loc.clone());
    }
}

/// The accelerators of a machine type, from the catalog. Unknown when the type is.
pub fn catalog_accelerator(
    provider: &str,
    machine_type: &Fact<String>,
) -> Fact<Option<Accelerator>> {
    match machine_type {
        Fact::Unknown(u) => Fact::Unknown(u.clone()),
        Fact::Known(t) => {
            Fact::Known(
                catalog::machine_accelerators(provider, t).map(|m| Accelerator {
                    model: Fact::Known(m.model.clone()),
                    count: Fact::Known(m.count),
                    memory_gib: Some(m.memory_gib),
                }),
            )
        }
    }
}

/// Baseline and ceiling counts from min / desired / max arguments: desired, else min,
/// else 1 for the baseline; max (else the baseline) for the ceiling.
pub fn scaled_counts(
    min: Option<Fact<i64>>,
    desired: Option<Fact<i64>>,
    max: Option<Fact<i64>>,
) -> UnitCounts {
    let desired = desired.or_else(|| min.clone()).unwrap_or(Fact::Known(1));
    let min = min.unwrap_or_else(|| desired.clone());
    let max = max.unwrap_or_else(|| desired.clone());
    UnitCounts { min, desired, max }
}

/// Counts read from the arguments at `paths` (min, desired, max; any may be absent), noting
/// where each is written.
pub fn counts_from_arguments(
    r: &EvaluatedResource,
    locations: &mut BTreeMap<String, Location>,
    paths: [Option<&str>; 3],
) -> UnitCounts {
    let mut values: [Option<Fact<i64>>; 3] = [None, None, None];
    for ((fact, path), value) in ["count_min", "count_desired", "count_max"]
        .iter()
        .zip(paths)
        .zip(values.iter_mut())
    {
        if let Some(path) = path {
            note_location(r, locations, fact, path);
            *value = int_arg(r, path);
        }
    }
    let [min, desired, max] = values;
    scaled_counts(min, desired, max)
}

/// A compute record for a single machine type.
pub fn single_type_compute(
    provider: &str,
    instance_type: Fact<String>,
    count: UnitCounts,
    capacity: Fact<crate::model::Capacity>,
    pool: bool,
) -> Compute {
    let accelerator = catalog_accelerator(provider, &instance_type);
    Compute {
        instance_types: instance_type.clone().map(|t| vec![t]),
        instance_type,
        accelerator,
        count,
        capacity,
        pool,
        notes: Vec::new(),
    }
}

/// A reason for a value that is missing and has no default.
pub fn not_set(what: &str) -> Unknown {
    Unknown::new(format!("{what} is not set"))
}

/// Evaluates one in-memory `main.tf` as a root module, for the provider modules' tests.
#[cfg(test)]
pub(crate) fn resources_of(hcl: &str) -> Vec<Resource> {
    use super::config::ModuleConfig;
    use super::instance::{Instance, ModuleSource, RootContext};
    use crate::load::source::SourceFile;
    use std::sync::Arc;

    struct NoModules;
    impl ModuleSource for NoModules {
        fn module(&self, _: &std::path::Path) -> Option<Arc<ModuleConfig>> {
            None
        }
    }
    let file = Arc::new(SourceFile::new(Arc::from("infra/main.tf"), Arc::from(hcl)));
    let config = Arc::new(ModuleConfig::parse(
        std::path::PathBuf::from("infra"),
        Arc::from("infra"),
        vec![file],
    ));
    assert!(config.errors.is_empty(), "{:?}", config.errors);
    let (variables, errors) = super::variables::root_values(
        &config,
        &[],
        &[],
        &[],
        &crate::load::terraform::budget::RootBudget::new(),
    );
    assert!(errors.is_empty(), "{errors:?}");
    let cx = RootContext::new(&NoModules, Arc::from("infra"));
    let root = Instance::root(&cx, config, variables);
    let mut evaluated = Vec::new();
    root.collect(&mut evaluated);
    drop(root);
    assert!(cx.errors.borrow().is_empty(), "{:?}", cx.errors.borrow());
    extract_all(evaluated)
}

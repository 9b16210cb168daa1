//! Compute facts of AWS resources: EC2 instances, launch templates, autoscaling groups
//! (from a launch template or a launch configuration), EKS node groups and SageMaker
//! endpoints and notebooks.

use std::collections::BTreeMap;

use super::super::instance::EvaluatedResource;
use super::{
    arg, blocks, catalog_accelerator, counts_from_arguments, int_arg, not_set, note_location,
    scaled_counts, single_type_compute, string_arg, Index,
};
use crate::model::{Capacity, Compute, Fact, Location, UnitCounts, Unknown, Value};

type Locations = BTreeMap<String, Location>;

/// The region: the resource's own `region` argument (AWS provider 6), else the provider's.
pub fn region(r: &EvaluatedResource, locations: &mut Locations) -> Fact<String> {
    if let Some(f) = string_arg(r, "region") {
        note_location(r, locations, "region", "region");
        return f;
    }
    match &r.provider.region {
        Some(Value::String(s)) => Fact::Known(s.clone()),
        Some(Value::Unknown(u)) => Fact::Unknown(u.clone()),
        _ => Fact::Unknown(Unknown::new(format!(
            "provider \"{}\" sets no region (it comes from AWS_REGION when Terraform runs)",
            r.provider.address()
        ))),
    }
}

pub fn compute(
    r: &EvaluatedResource,
    index: &Index<'_>,
    locations: &mut Locations,
) -> Option<Compute> {
    match r.resource_type.as_str() {
        "aws_instance" => Some(instance(r, index, locations)),
        "aws_launch_template" => Some(launch_template(r, locations)),
        "aws_autoscaling_group" => Some(autoscaling_group(r, index, locations)),
        "aws_eks_node_group" => Some(eks_node_group(r, index, locations)),
        "aws_sagemaker_endpoint_configuration" => sagemaker_endpoint(r, locations),
        "aws_sagemaker_notebook_instance" => Some(sagemaker_notebook(r, locations)),
        _ => None,
    }
}

/// `instance_market_options { market_type = "spot" | "capacity-block" }`.
fn market_capacity(
    r: &EvaluatedResource,
    prefix: &str,
    locations: &mut Locations,
) -> Fact<Capacity> {
    let path = format!("{prefix}instance_market_options.market_type");
    match string_arg(r, &path) {
        None => Fact::Known(Capacity::OnDemand),
        Some(f) => {
            note_location(
                r,
                locations,
                "capacity_type",
                &format!("{prefix}instance_market_options"),
            );
            f.map(|m| match m.as_str() {
                "spot" => Capacity::Spot,
                "capacity-block" => Capacity::CapacityBlock,
                _ => Capacity::OnDemand,
            })
        }
    }
}

/// An instance's capacity: a market option, or a targeted capacity reservation.
fn instance_capacity(r: &EvaluatedResource, locations: &mut Locations) -> Fact<Capacity> {
    let market = market_capacity(r, "", locations);
    if market == Fact::Known(Capacity::OnDemand)
        && arg(
            &r.attributes,
            "capacity_reservation_specification.capacity_reservation_target",
        )
        .is_some()
    {
        note_location(
            r,
            locations,
            "capacity_type",
            "capacity_reservation_specification",
        );
        return Fact::Known(Capacity::Reserved);
    }
    market
}

fn instance(r: &EvaluatedResource, index: &Index<'_>, locations: &mut Locations) -> Compute {
    note_location(r, locations, "instance_type", "instance_type");
    let instance_type = match string_arg(r, "instance_type") {
        Some(t) => t,
        None => match template_of(r, index, "launch_template.id")
            .or_else(|| template_of(r, index, "launch_template.name"))
        {
            Some(lt) => string_arg(lt, "instance_type")
                .unwrap_or_else(|| Fact::Unknown(not_set("instance_type"))),
            None => Fact::Unknown(not_set("instance_type")),
        },
    };
    let capacity = instance_capacity(r, locations);
    single_type_compute("aws", instance_type, UnitCounts::fixed(1), capacity, false)
}

/// A launch template launches nothing by itself: its count is zero; the groups that use it
/// carry the counts.
fn launch_template(r: &EvaluatedResource, locations: &mut Locations) -> Compute {
    note_location(r, locations, "instance_type", "instance_type");
    let instance_type = string_arg(r, "instance_type").unwrap_or_else(|| {
        Fact::Unknown(Unknown::new(
            "instance_type is not set in the launch template",
        ))
    });
    let capacity = market_capacity(r, "", locations);
    single_type_compute("aws", instance_type, UnitCounts::fixed(0), capacity, false)
}

/// The launch template a `launch_template { id = ... }` argument refers to, if it is in
/// the same configuration.
fn template_of<'a>(
    r: &EvaluatedResource,
    index: &Index<'a>,
    path: &str,
) -> Option<&'a EvaluatedResource> {
    let v = arg(&r.attributes, path)?;
    index.referenced(r, v)
}

fn autoscaling_group(
    r: &EvaluatedResource,
    index: &Index<'_>,
    locations: &mut Locations,
) -> Compute {
    let count = counts_from_arguments(
        r,
        locations,
        [Some("min_size"), Some("desired_capacity"), Some("max_size")],
    );
    let mixed = "mixed_instances_policy.launch_template";
    let template = template_of(r, index, "launch_template.id")
        .or_else(|| template_of(r, index, "launch_template.name"))
        .or_else(|| {
            template_of(
                r,
                index,
                &format!("{mixed}.launch_template_specification.launch_template_id"),
            )
        })
        .or_else(|| {
            template_of(
                r,
                index,
                &format!("{mixed}.launch_template_specification.launch_template_name"),
            )
        });

    // Overrides list the types a mixed-instances group may launch.
    let overrides: Vec<Fact<String>> = match arg(&r.attributes, mixed) {
        Some(Value::List(_) | Value::Map(_)) => {
            let lt = arg(&r.attributes, mixed).map(|v| match v {
                Value::List(items) => items.first().cloned().unwrap_or(Value::Null),
                other => other.clone(),
            });
            match lt {
                Some(Value::Map(m)) => blocks(&m, "override")
                    .into_iter()
                    .filter_map(|o| match o {
                        Value::Map(om) => om.entries.get("instance_type").map(|t| match t {
                            Value::String(s) => Fact::Known(s.clone()),
                            Value::Unknown(u) => Fact::Unknown(u.clone()),
                            _ => Fact::Unknown(Unknown::new(
                                "override instance_type is not a string",
                            )),
                        }),
                        Value::Unknown(u) => Some(Fact::Unknown(u.clone())),
                        _ => None,
                    })
                    .collect(),
                _ => Vec::new(),
            }
        }
        _ => Vec::new(),
    };
    if !overrides.is_empty() {
        note_location(r, locations, "instance_type", "mixed_instances_policy");
    } else {
        note_location(r, locations, "instance_type", "launch_template");
    }
    // The older way: `launch_configuration = aws_launch_configuration.x.name`.
    let configuration = arg(&r.attributes, "launch_configuration");
    let launch_configuration = configuration.and_then(|v| index.referenced(r, v));
    if template.is_none() && configuration.is_some() {
        note_location(r, locations, "instance_type", "launch_configuration");
    }
    let template_type = template.map(|lt| {
        string_arg(lt, "instance_type").unwrap_or_else(|| {
            Fact::Unknown(Unknown::new(
                "instance_type is not set in the launch template",
            ))
        })
    });
    let types: Fact<Vec<String>> = if overrides.is_empty() {
        match (template_type, launch_configuration) {
            (Some(t), _) => t.map(|t| vec![t]),
            (None, Some(lc)) => string_arg(lc, "instance_type")
                .unwrap_or_else(|| {
                    Fact::Unknown(Unknown::new(
                        "instance_type is not set in the launch configuration",
                    ))
                })
                .map(|t| vec![t]),
            (None, None) if configuration.is_some() => Fact::Unknown(Unknown::new(
                "the instance type comes from a launch configuration that is not in this configuration",
            )),
            (None, None) => Fact::Unknown(Unknown::new(
                "the instance type comes from a launch template that is not in this configuration",
            )),
        }
    } else {
        collect_facts(overrides)
    };
    let capacity = match arg(
        &r.attributes,
        "mixed_instances_policy.instances_distribution",
    ) {
        Some(_) => {
            note_location(r, locations, "capacity_type", "mixed_instances_policy");
            let base = int_arg(
                r,
                "mixed_instances_policy.instances_distribution.on_demand_base_capacity",
            )
            .unwrap_or(Fact::Known(0));
            let pct = int_arg(r, "mixed_instances_policy.instances_distribution.on_demand_percentage_above_base_capacity")
                .unwrap_or(Fact::Known(100));
            match (base, pct) {
                (Fact::Known(0), Fact::Known(0)) => Fact::Known(Capacity::Spot),
                (Fact::Unknown(u), _) | (_, Fact::Unknown(u)) => Fact::Unknown(u),
                _ => Fact::Known(Capacity::OnDemand),
            }
        }
        None => match (template, launch_configuration) {
            (Some(lt), _) => market_capacity(lt, "", &mut BTreeMap::new()),
            // A launch configuration with a `spot_price` launches spot instances.
            (None, Some(lc)) => match arg(&lc.attributes, "spot_price") {
                None => Fact::Known(Capacity::OnDemand),
                Some(Value::Unknown(u)) => Fact::Unknown(u.clone()),
                Some(_) => Fact::Known(Capacity::Spot),
            },
            (None, None) => Fact::Known(Capacity::OnDemand),
        },
    };
    multi_type_compute(types, count, capacity)
}

fn eks_node_group(r: &EvaluatedResource, index: &Index<'_>, locations: &mut Locations) -> Compute {
    note_location(r, locations, "capacity_type", "capacity_type");
    let count = counts_from_arguments(
        r,
        locations,
        [
            Some("scaling_config.min_size"),
            Some("scaling_config.desired_size"),
            Some("scaling_config.max_size"),
        ],
    );
    let types: Fact<Vec<String>> = match arg(&r.attributes, "instance_types") {
        Some(v) => {
            note_location(r, locations, "instance_type", "instance_types");
            string_list(v)
        }
        None => match template_of(r, index, "launch_template.id")
            .or_else(|| template_of(r, index, "launch_template.name"))
        {
            Some(lt) => {
                note_location(r, locations, "instance_type", "launch_template");
                string_arg(lt, "instance_type")
                    .unwrap_or_else(|| {
                        Fact::Unknown(Unknown::new(
                            "instance_type is not set in the launch template",
                        ))
                    })
                    .map(|t| vec![t])
            }
            None if arg(&r.attributes, "launch_template").is_some() => Fact::Unknown(Unknown::new(
                "the instance type comes from a launch template that is not in this configuration",
            )),
            // EKS launches t3.medium when a node group names no type.
            None => Fact::Known(vec!["t3.medium".to_string()]),
        },
    };
    let capacity = match string_arg(r, "capacity_type") {
        None => Fact::Known(Capacity::OnDemand),
        Some(f) => f.map(|c| match c.as_str() {
            "SPOT" => Capacity::Spot,
            "CAPACITY_BLOCK" => Capacity::CapacityBlock,
            _ => Capacity::OnDemand,
        }),
    };
    multi_type_compute(types, count, capacity)
}

fn sagemaker_endpoint(r: &EvaluatedResource, locations: &mut Locations) -> Option<Compute> {
    let variants = blocks(&r.attributes, "production_variants");
    let first = variants.first()?;
    note_location(
        r,
        locations,
        "instance_type",
        "production_variants.instance_type",
    );
    note_location(
        r,
        locations,
        "count_desired",
        "production_variants.initial_instance_count",
    );
    let Value::Map(v) = first else {
        let u = first
            .as_unknown()
            .cloned()
            .unwrap_or_else(|| Unknown::new("production_variants is not a block"));
        return Some(multi_type_compute(
            Fact::Unknown(u.clone()),
            unknown_counts(&u),
            Fact::Known(Capacity::OnDemand),
        ));
    };
    let field = |name: &str| v.entries.get(name).cloned().unwrap_or(Value::Null);
    // Serverless variants have no instances.
    if !matches!(field("serverless_config"), Value::Null)
        && matches!(field("instance_type"), Value::Null)
    {
        return None;
    }
    let instance_type = match field("instance_type") {
        Value::String(s) => Fact::Known(s),
        Value::Unknown(u) => Fact::Unknown(u),
        _ => Fact::Unknown(not_set("production_variants.instance_type")),
    };
    let int = |name: &str| -> Option<Fact<i64>> {
        match field(name) {
            Value::Null => None,
            Value::Unknown(u) => Some(Fact::Unknown(u)),
            other => Some(match super::super::convert::to_integer(&other) {
                Ok(Some(n)) => Fact::Known(n),
                _ => Fact::Unknown(Unknown::new(format!("{name} is not a whole number"))),
            }),
        }
    };
    let scaling = |name: &str| -> Option<Fact<i64>> {
        match v.entries.get("managed_instance_scaling") {
            Some(Value::List(items)) => match items.first() {
                Some(Value::Map(m)) => m
                    .entries
                    .get(name)
                    .and_then(|x| super::super::convert::to_integer(x).ok().flatten())
                    .map(Fact::Known),
                _ => None,
            },
            _ => None,
        }
    };
    let count = scaled_counts(
        scaling("min_instance_count"),
        int("initial_instance_count"),
        scaling("max_instance_count"),
    );
    Some(single_type_compute(
        "aws",
        instance_type,
        count,
        Fact::Known(Capacity::OnDemand),
        false,
    ))
}

fn sagemaker_notebook(r: &EvaluatedResource, locations: &mut Locations) -> Compute {
    note_location(r, locations, "instance_type", "instance_type");
    let instance_type =
        string_arg(r, "instance_type").unwrap_or_else(|| Fact::Unknown(not_set("instance_type")));
    single_type_compute(
        "aws",
        instance_type,
        UnitCounts::fixed(1),
        Fact::Known(Capacity::OnDemand),
        false,
    )
}

fn unknown_counts(u: &Unknown) -> UnitCounts {
    UnitCounts {
        min: Fact::Unknown(u.clone()),
        desired: Fact::Unknown(u.clone()),
        max: Fact::Unknown(u.clone()),
    }
}

/// A list of strings as a fact: unknown if the list or any element is.
fn string_list(v: &Value) -> Fact<Vec<String>> {
    match v {
        Value::Unknown(u) => Fact::Unknown(u.clone()),
        Value::List(items) | Value::Set(items) => collect_facts(
            items
                .iter()
                .map(|i| match i {
                    Value::String(s) => Fact::Known(s.clone()),
                    Value::Unknown(u) => Fact::Unknown(u.clone()),
                    _ => Fact::Unknown(Unknown::new("an instance type is not a string")),
                })
                .collect(),
        ),
        _ => Fact::Unknown(Unknown::new("instance_types is not a list")),
    }
}

fn collect_facts(items: Vec<Fact<String>>) -> Fact<Vec<String>> {
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        match item {
            Fact::Known(s) => out.push(s),
            Fact::Unknown(u) => return Fact::Unknown(u),
        }
    }
    Fact::Known(out)
}

/// A group that may launch several types: the first is the primary one.
fn multi_type_compute(
    types: Fact<Vec<String>>,
    count: UnitCounts,
    capacity: Fact<Capacity>,
) -> Compute {
    let instance_type = match &types {
        Fact::Known(list) => match list.first() {
            Some(t) => Fact::Known(t.clone()),
            None => Fact::Unknown(Unknown::new("the list of instance types is empty")),
        },
        Fact::Unknown(u) => Fact::Unknown(u.clone()),
    };
    Compute {
        accelerator: catalog_accelerator("aws", &instance_type),
        instance_type,
        instance_types: types,
        count,
        capacity,
        pool: true,
        notes: Vec::new(),
    }
}

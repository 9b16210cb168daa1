//! Unit tests of the GKE module adapter: one in-memory `main.tf` evaluated as a root, then
//! the records the facts stage makes of the cluster and pools.

use crate::load::terraform::facts::{arg, resources_of};
use crate::model::{Capacity, Fact, Resource, Unknown, Value};

const SOURCE: &str = "terraform-google-modules/kubernetes-engine/google";

fn find<'a>(all: &'a [Resource], address: &str) -> &'a Resource {
    all.iter()
        .find(|r| r.address == address)
        .unwrap_or_else(|| {
            let names: Vec<&str> = all.iter().map(|r| r.address.as_str()).collect();
            panic!("no {address} in {names:?}")
        })
}

fn addresses(all: &[Resource]) -> Vec<&str> {
    all.iter().map(|r| r.address.as_str()).collect()
}

/// (min, desired, max) when every count is known.
fn counts(r: &Resource) -> (i64, i64, i64) {
    let c = &r.compute.as_ref().unwrap().count;
    (
        *c.min.known().unwrap(),
        *c.desired.known().unwrap(),
        *c.max.known().unwrap(),
    )
}

fn attr<'a>(r: &'a Resource, path: &str) -> Option<&'a Value> {
    arg(&r.attributes, path)
}

fn line(r: &Resource, path: &str) -> Option<u32> {
    r.argument_locations.get(path).map(|l| l.line)
}

fn strings(items: &[&str]) -> Value {
    Value::List(items.iter().map(|s| Value::string(*s)).collect())
}

#[test]
fn the_module_defaults_make_one_pool_in_three_random_zones_and_keep_the_default_pool() {
    let all = resources_of(&format!(
        r#"module "gke" {{
  source     = "{SOURCE}"
  project_id = "p"
  name       = "ml"
  region     = "us-central1"
}}
"#
    ));
    assert_eq!(
        addresses(&all),
        vec![
            "module.gke.cluster",
            "module.gke.node_pools[\"default-node-pool\"]"
        ]
    );
    let cluster = find(&all, "module.gke.cluster");
    assert_eq!(cluster.resource_type, "google_container_cluster");
    assert_eq!(cluster.provider.name, "google");
    assert_eq!(cluster.location.line, 1);
    assert_eq!(
        attr(cluster, "location"),
        Some(&Value::string("us-central1"))
    );
    assert_eq!(
        attr(cluster, "remove_default_node_pool"),
        Some(&Value::Bool(false))
    );
    assert_eq!(
        attr(cluster, "initial_node_count"),
        Some(&Value::Number(0.0))
    );
    assert_eq!(
        attr(cluster, "node_config.machine_type"),
        Some(&Value::string("e2-medium"))
    );
    let zone = Value::unknown(super::RANDOM_ZONES);
    assert_eq!(
        attr(cluster, "node_locations"),
        Some(&Value::List(vec![zone.clone(), zone.clone(), zone]))
    );

    let pool = find(&all, "module.gke.node_pools[\"default-node-pool\"]");
    assert_eq!(pool.resource_type, "google_container_node_pool");
    let compute = pool.compute.as_ref().unwrap();
    assert_eq!(compute.instance_type, Fact::Known("e2-medium".to_string()));
    assert_eq!(compute.accelerator, Fact::Known(None));
    assert_eq!(compute.capacity, Fact::Known(Capacity::OnDemand));
    // min_count 1 and max_count 100 per zone, three zones.
    assert_eq!(counts(pool), (3, 3, 300));
    assert_eq!(pool.region, Some(Fact::Known("us-central1".to_string())));
    assert_eq!(
        attr(pool, "node_config.disk_size_gb"),
        Some(&Value::Number(100.0))
    );
    assert_eq!(
        attr(pool, "node_config.disk_type"),
        Some(&Value::string("pd-standard"))
    );
    assert_eq!(
        attr(pool, "node_config.guest_accelerator"),
        Some(&Value::List(vec![]))
    );
    assert_eq!(attr(pool, "cluster"), Some(&Value::string("ml")));
    // Nothing was written for the pool: it points at the module block, and only the
    // region is written.
    assert_eq!(pool.location.line, 1);
    let written: Vec<(&str, u32)> = pool
        .argument_locations
        .iter()
        .map(|(k, l)| (k.as_str(), l.line))
        .collect();
    assert_eq!(written, vec![("location", 5)]);
}

#[test]
fn a_zonal_cluster_is_in_its_first_zone_and_its_pools_span_every_zone() {
    let all = resources_of(&format!(
        r#"module "gke" {{
  source     = "{SOURCE}//modules/private-cluster"
  project_id = "p"
  name       = "train"
  regional   = false
  zones      = ["us-central1-a", "us-central1-f"]
  node_pools = [
    {{
      name         = "a100"
      machine_type = "a2-highgpu-8g"
      min_count    = 0
      max_count    = 2
    }},
  ]
}}
"#
    ));
    let cluster = find(&all, "module.gke.cluster");
    assert_eq!(
        attr(cluster, "location"),
        Some(&Value::string("us-central1-a"))
    );
    assert_eq!(
        attr(cluster, "node_locations"),
        Some(&strings(&["us-central1-f"]))
    );
    assert_eq!(line(cluster, "location"), Some(6));
    // The default pool takes the first pool's machine type.
    assert_eq!(
        attr(cluster, "node_config.machine_type"),
        Some(&Value::string("a2-highgpu-8g"))
    );
    assert_eq!(line(cluster, "node_config.machine_type"), Some(10));

    let pool = find(&all, "module.gke.node_pools[\"a100\"]");
    assert_eq!(
        attr(pool, "node_locations"),
        Some(&strings(&["us-central1-a", "us-central1-f"]))
    );
    assert_eq!(pool.region, Some(Fact::Known("us-central1".to_string())));
    // 0 to 2 per zone in two zones; the A100s come with the machine type.
    assert_eq!(counts(pool), (0, 0, 4));
    let gpu = pool.compute.as_ref().unwrap().accelerator.known().unwrap();
    let gpu = gpu.as_ref().unwrap();
    assert_eq!(gpu.count, Fact::Known(8));
}

#[test]
fn pool_counts_follow_the_module_lookups_and_values_convert_like_map_any() {
    let all = resources_of(&format!(
        r#"module "gke" {{
  source     = "{SOURCE}"
  project_id = "p"
  name       = "ml"
  region     = "us-central1"
  zones      = ["us-central1-a", "us-central1-b"]
  node_pools = [
    {{
      name        = "fixed"
      autoscaling = "false"
      node_count  = "3"
    }},
    {{
      name               = "warm"
      min_count          = 1
      max_count          = 5
      initial_node_count = 2
    }},
    {{
      name            = "total"
      min_count       = 4
      total_min_count = 1
      total_max_count = 7
    }},
    {{
      name              = "t4"
      machine_type      = "n1-standard-4"
      accelerator_type  = "nvidia-tesla-t4"
      accelerator_count = "2"
      preemptible       = "true"
    }},
  ]
}}
"#
    ));
    let fixed = find(&all, "module.gke.node_pools[\"fixed\"]");
    assert_eq!(attr(fixed, "node_count"), Some(&Value::Number(3.0)));
    assert_eq!(attr(fixed, "autoscaling"), None);
    assert_eq!(counts(fixed), (6, 6, 6));
    assert_eq!(line(fixed, "node_count"), Some(11));

    let warm = find(&all, "module.gke.node_pools[\"warm\"]");
    assert_eq!(counts(warm), (2, 4, 10));
    assert_eq!(line(warm, "initial_node_count"), Some(17));
    assert_eq!(line(warm, "autoscaling.max_node_count"), Some(16));

    // total_* replace the per-zone limits; initial_node_count still comes from min_count.
    let total = find(&all, "module.gke.node_pools[\"total\"]");
    assert_eq!(attr(total, "autoscaling.min_node_count"), None);
    assert_eq!(attr(total, "autoscaling.max_node_count"), None);
    assert_eq!(attr(total, "initial_node_count"), Some(&Value::Number(4.0)));
    assert_eq!(counts(total), (1, 8, 7));
    assert_eq!(line(total, "initial_node_count"), Some(21));
    assert_eq!(line(total, "autoscaling.total_max_node_count"), Some(23));

    let t4 = find(&all, "module.gke.node_pools[\"t4\"]");
    let compute = t4.compute.as_ref().unwrap();
    assert_eq!(compute.capacity, Fact::Known(Capacity::Spot));
    let gpu = compute.accelerator.known().unwrap().as_ref().unwrap();
    assert_eq!(gpu.model, Fact::Known("T4".to_string()));
    assert_eq!(gpu.count, Fact::Known(2));
    assert_eq!(
        attr(t4, "node_config.guest_accelerator"),
        Some(&Value::List(vec![Value::map(
            [
                ("count".to_string(), Value::Number(2.0)),
                ("type".to_string(), Value::string("nvidia-tesla-t4")),
            ]
            .into_iter()
            .collect()
        )]))
    );
    assert_eq!(line(t4, "node_config.guest_accelerator"), Some(29));
    assert_eq!(line(t4, "node_config.preemptible"), Some(30));
    assert_eq!(
        t4.fact_locations.get("capacity_type").map(|l| l.line),
        Some(30)
    );
    // The pool's entry in the list is where the resource is.
    assert_eq!((t4.location.line, t4.location.end_line), (25, 31));
}

#[test]
fn labels_and_network_tags_merge_the_all_entry_the_pool_entry_and_the_module_defaults() {
    let all = resources_of(&format!(
        r#"module "gke" {{
  source     = "{SOURCE}"
  project_id = "p"
  name       = "ml"
  region     = "us-central1"
  zones      = ["us-central1-a"]
  node_pools = [
    {{ name = "cpu" }},
    {{ name = "gpu" }},
  ]
  node_pools_labels = {{
    all = {{ tier = "shared" }}
    gpu = {{ tier = "gpu" }}
    default_values = {{ cluster_name = false }}
  }}
  node_pools_resource_labels = {{
    all = {{ team = "ml", env = "dev" }}
    gpu = {{ env = "prod" }}
  }}
  node_pools_tags = {{
    all = ["egress"]
    gpu = ["nvidia"]
  }}
}}
"#
    ));
    let cpu = find(&all, "module.gke.node_pools[\"cpu\"]");
    let gpu = find(&all, "module.gke.node_pools[\"gpu\"]");
    let tags = |r: &Resource| -> Vec<(String, String)> {
        r.tags
            .entries
            .iter()
            .map(|(k, v)| (k.clone(), v.known().unwrap().clone()))
            .collect()
    };
    let pairs = |p: &[(&str, &str)]| -> Vec<(String, String)> {
        p.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    assert_eq!(tags(cpu), pairs(&[("env", "dev"), ("team", "ml")]));
    assert_eq!(tags(gpu), pairs(&[("env", "prod"), ("team", "ml")]));
    // The tags fact points at the pool's own entry, else at `all`.
    assert_eq!(line(cpu, "node_config.resource_labels"), Some(17));
    assert_eq!(line(gpu, "node_config.resource_labels"), Some(18));
    assert_eq!(
        attr(gpu, "node_config.labels"),
        Some(&Value::map(
            [
                ("node_pool".to_string(), Value::string("gpu")),
                ("tier".to_string(), Value::string("gpu")),
            ]
            .into_iter()
            .collect()
        ))
    );
    assert_eq!(
        attr(gpu, "node_config.tags"),
        Some(&strings(&["gke-ml", "gke-ml-gpu", "egress", "nvidia"]))
    );
    assert_eq!(
        attr(cpu, "node_config.tags"),
        Some(&strings(&["gke-ml", "gke-ml-cpu", "egress"]))
    );
}

#[test]
fn unknown_pools_are_one_resource_whose_count_is_unknown() {
    let all = resources_of(&format!(
        r#"variable "node_pools" {{
  type = list(map(any))
}}

module "gke" {{
  source     = "{SOURCE}"
  project_id = "p"
  name       = "ml"
  region     = "us-central1"
  node_pools = var.node_pools
  node_pools_resource_labels = {{
    all = {{ team = "ml" }}
  }}
}}
"#
    ));
    let pool = find(&all, "module.gke.node_pools");
    let why = Unknown::new("var.node_pools has no default");
    let compute = pool.compute.as_ref().unwrap();
    assert_eq!(compute.count.desired, Fact::Unknown(why.clone()));
    assert_eq!(compute.count.max, Fact::Unknown(why.clone()));
    assert_eq!(compute.instance_type, Fact::Unknown(why.clone()));
    assert_eq!(pool.location.line, 10);
    // Every pool has the `all` labels, though a pool's own entry may change them.
    assert_eq!(pool.tags.entries.keys().collect::<Vec<_>>(), vec!["team"]);
    assert_eq!(pool.tags.more, Some(why));
    // The default pool would take the first pool's machine type, unknown too; with no
    // nodes (initial_node_count 0) that is left out, so the cluster's estimate is complete.
    let cluster = find(&all, "module.gke.cluster");
    assert_eq!(attr(cluster, "node_config"), None);
    assert_eq!(
        attr(cluster, "initial_node_count"),
        Some(&Value::Number(0.0))
    );
}

#[test]
fn pools_built_by_a_for_expression_point_at_the_input_and_unknown_names_join_the_unknown_set() {
    let all = resources_of(&format!(
        r#"variable "extra" {{
  type = string
}}

locals {{
  pools = {{
    l4 = {{ machine_type = "g2-standard-8", spot = true }}
  }}
}}

module "gke" {{
  source     = "{SOURCE}//modules/beta-private-cluster-update-variant"
  project_id = "p"
  name       = "ml"
  region     = "us-central1"
  zones      = ["us-central1-a", "us-central1-b"]
  node_pools = concat(
    [for name, p in local.pools : merge(p, {{ name = name }})],
    [{{ name = var.extra }}],
  )
}}
"#
    ));
    assert_eq!(
        addresses(&all),
        vec![
            "module.gke.cluster",
            "module.gke.node_pools[\"l4\"]",
            "module.gke.node_pools",
        ]
    );
    let l4 = find(&all, "module.gke.node_pools[\"l4\"]");
    assert_eq!(l4.provider.name, "google-beta");
    assert_eq!(l4.location.line, 17);
    assert_eq!(counts(l4), (2, 2, 200));
    assert_eq!(
        l4.compute.as_ref().unwrap().capacity,
        Fact::Known(Capacity::Spot)
    );
    // The update variant adds a random suffix to the pool's name.
    assert!(matches!(attr(l4, "name"), Some(Value::Unknown(_))));
    let unknown = find(&all, "module.gke.node_pools");
    assert_eq!(
        unknown.compute.as_ref().unwrap().count.desired,
        Fact::Unknown(Unknown::new("var.extra has no default"))
    );
}

#[test]
fn each_instance_of_a_module_call_has_its_own_cluster_and_pools() {
    let all = resources_of(
        r#"module "gke" {
  for_each   = { dev = "n2-standard-4", prod = "n2-standard-8" }
  source     = "git::https://github.com/terraform-google-modules/terraform-google-kubernetes-engine.git?ref=v36.0.0"
  project_id = "p"
  name       = "ml-${each.key}"
  region     = "us-central1"
  zones      = ["us-central1-a"]
  node_pools = [{ name = "cpu", machine_type = each.value }]
}
"#,
    );
    assert_eq!(
        addresses(&all),
        vec![
            "module.gke[\"dev\"].cluster",
            "module.gke[\"dev\"].node_pools[\"cpu\"]",
            "module.gke[\"prod\"].cluster",
            "module.gke[\"prod\"].node_pools[\"cpu\"]",
        ]
    );
    let prod = find(&all, "module.gke[\"prod\"].node_pools[\"cpu\"]");
    assert_eq!(
        prod.compute.as_ref().unwrap().instance_type,
        Fact::Known("n2-standard-8".to_string())
    );
    assert_eq!(attr(prod, "cluster"), Some(&Value::string("ml-prod")));
}

#[test]
fn literal_entries_are_found_in_lists_concat_and_merge_of_literals() {
    use crate::load::terraform::ast::{Expr, ExprKind, ObjectKey};
    let lit = |s: &str, at: usize| Expr::new(ExprKind::String(s.to_string()), (at, at + 1));
    let object = |key: &str, value: Expr, at: usize| {
        Expr::new(
            ExprKind::Object(vec![(ObjectKey::Ident(key.to_string()), value)]),
            (at, at + 1),
        )
    };
    let call = |name: &str, args: Vec<Expr>| {
        Expr::new(
            ExprKind::Call {
                name: name.to_string(),
                args,
                expand_final: false,
            },
            (0, 1),
        )
    };
    let var = Expr::new(ExprKind::Variable("var".to_string()), (9, 10));
    let a = object("machine_type", lit("a", 1), 2);
    let b = object("machine_type", lit("b", 3), 4);
    let list = |items: Vec<Expr>| Expr::new(ExprKind::Array(items), (0, 1));
    let joined = call("concat", vec![list(vec![a.clone()]), list(vec![b.clone()])]);
    let spans: Vec<_> = super::list_elements(&joined)
        .unwrap()
        .iter()
        .map(|e| e.span)
        .collect();
    assert_eq!(spans, vec![(2, 3), (4, 5)]);
    assert!(super::list_elements(&call("concat", vec![var.clone()])).is_none());
    // The later literal wins; a non-literal after it hides the source.
    let merged = call("merge", vec![a.clone(), b.clone()]);
    assert_eq!(
        super::entry(&merged, "machine_type").map(|e| e.span),
        Some((3, 4))
    );
    let hidden = call("merge", vec![a, var]);
    assert_eq!(super::entry(&hidden, "machine_type"), None);
}

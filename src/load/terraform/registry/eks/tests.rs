//! The EKS adapter on small in-memory roots: each resource is summed up in one line
//! (address, type, line, instance type, counts min/desired/max, capacity, tags) and the
//! whole list is compared.

use crate::load::terraform::facts::resources_of;
use crate::model::{Fact, Resource};

fn fact<T: std::fmt::Display>(f: &Fact<T>) -> String {
    match f {
        Fact::Known(v) => v.to_string(),
        Fact::Unknown(u) => format!("?({u})"),
    }
}

fn line(r: &Resource) -> String {
    let compute = match &r.compute {
        Some(c) => format!(
            " {} {}/{}/{} {}",
            fact(&c.instance_type),
            fact(&c.count.min),
            fact(&c.count.desired),
            fact(&c.count.max),
            fact(&c.capacity.as_ref().map(|c| c.as_str()))
        ),
        None => String::new(),
    };
    let mut tags: Vec<String> = r
        .tags
        .entries
        .iter()
        .map(|(k, v)| format!("{k}={}", fact(v)))
        .collect();
    if let Some(u) = &r.tags.more {
        tags.push(format!("...?({u})"));
    }
    format!(
        "{} {} :{}{compute} [{}]",
        r.address,
        r.resource_type,
        r.location.line,
        tags.join(",")
    )
}

fn summary(hcl: &str) -> Vec<String> {
    let mut lines: Vec<String> = resources_of(hcl).iter().map(line).collect();
    lines.sort();
    lines
}

#[test]
fn managed_groups_take_defaults_then_their_own_settings() {
    let hcl = r#"
module "eks" {
  source          = "terraform-aws-modules/eks/aws"
  version         = "~> 20.0"
  cluster_name    = "ml"
  cluster_version = "1.31"
  tags            = { team = "ml" }

  eks_managed_node_group_defaults = {
    instance_types = ["m6i.large"]
    capacity_type  = "SPOT"
    tags           = { tier = "default" }
  }

  eks_managed_node_groups = {
    general = {}
    gpu = {
      instance_types = ["g5.xlarge"]
      capacity_type  = "ON_DEMAND"
      min_size       = 0
      max_size       = 4
      desired_size   = 2
      tags           = { tier = "gpu" }
    }
  }
}
"#;
    assert_eq!(
        summary(hcl),
        vec![
            "module.eks.cluster aws_eks_cluster :5 [team=ml,terraform-aws-modules=eks]",
            "module.eks.eks_managed_node_groups[\"general\"] aws_eks_node_group :16 m6i.large 1/1/3 spot [Name=general,team=ml,tier=default]",
            "module.eks.eks_managed_node_groups[\"gpu\"] aws_eks_node_group :17 g5.xlarge 0/2/4 on-demand [Name=gpu,team=ml,tier=gpu]",
        ]
    );
}

#[test]
fn a_managed_group_with_no_type_runs_t3_medium_and_module_default_sizes() {
    let hcl = r#"
module "eks" {
  source       = "terraform-aws-modules/eks/aws"
  name         = "ml"
  eks_managed_node_groups = {
    system = { name = "sys" }
  }
}
"#;
    assert_eq!(
        summary(hcl),
        vec![
            "module.eks.cluster aws_eks_cluster :4 [terraform-aws-modules=eks]",
            "module.eks.eks_managed_node_groups[\"system\"] aws_eks_node_group :6 t3.medium 1/1/3 on-demand [Name=sys]",
        ]
    );
}

#[test]
fn the_last_duplicate_key_of_a_group_map_wins() {
    let hcl = r#"
module "eks" {
  source       = "terraform-aws-modules/eks/aws"
  cluster_name = "ml"
  eks_managed_node_groups = {
    gpu = { instance_types = ["g5.xlarge"] }
    gpu = { instance_types = ["g5.2xlarge"] }
  }
}
"#;
    assert_eq!(
        summary(hcl),
        vec![
            "module.eks.cluster aws_eks_cluster :4 [terraform-aws-modules=eks]",
            "module.eks.eks_managed_node_groups[\"gpu\"] aws_eks_node_group :7 g5.2xlarge 1/1/3 on-demand [Name=gpu]",
        ]
    );
}

#[test]
fn create_false_creates_nothing_and_a_group_can_opt_out() {
    let off = r#"
module "eks" {
  source       = "terraform-aws-modules/eks/aws"
  create       = false
  cluster_name = "ml"
  eks_managed_node_groups = { gpu = { instance_types = ["g5.xlarge"] } }
}
"#;
    assert_eq!(summary(off), Vec::<String>::new());
    let one_off = r#"
module "eks" {
  source       = "terraform-aws-modules/eks/aws"
  cluster_name = "ml"
  self_managed_node_groups = {
    old = { create = false }
    cpu = {}
  }
}
"#;
    assert_eq!(
        summary(one_off),
        vec![
            "module.eks.cluster aws_eks_cluster :4 [terraform-aws-modules=eks]",
            "module.eks.self_managed_node_groups[\"cpu\"] aws_autoscaling_group :7 m6i.large 0/1/3 on-demand [Name=cpu,k8s.io/cluster/ml=owned,kubernetes.io/cluster/ml=owned]",
            "module.eks.self_managed_node_groups[\"cpu\"].launch_template aws_launch_template :7 m6i.large 0/0/0 on-demand []",
        ]
    );
}

#[test]
fn an_unknown_map_of_groups_is_one_record_of_unknown_size() {
    let hcl = r#"
variable "pools" {
  type = any
}
module "eks" {
  source                  = "terraform-aws-modules/eks/aws"
  cluster_name            = "ml"
  eks_managed_node_groups = var.pools
}
"#;
    let unknown = "?(var.pools has no default)";
    assert_eq!(
        summary(hcl),
        vec![
            "module.eks.cluster aws_eks_cluster :7 [terraform-aws-modules=eks]".to_string(),
            format!(
                "module.eks.eks_managed_node_groups aws_eks_node_group :8 {unknown} {unknown}/{unknown}/{unknown} {unknown} [Name={unknown},...{unknown}]"
            ),
        ]
    );
}

#[test]
fn self_managed_groups_launch_from_the_module_template_or_a_mixed_policy() {
    let hcl = r#"
module "eks" {
  source       = "terraform-aws-modules/eks/aws"
  cluster_name = "ml"
  tags         = { team = "ml" }
  self_managed_node_group_defaults = {
    instance_market_options = { market_type = "spot" }
  }
  self_managed_node_groups = {
    train = {
      instance_type = "p4d.24xlarge"
      min_size      = 1
      max_size      = 2
    }
    mixed = {
      use_mixed_instances_policy = true
      mixed_instances_policy = {
        instances_distribution = {
          on_demand_base_capacity                  = 0
          on_demand_percentage_above_base_capacity = 0
        }
        override = [
          { instance_type = "g5.2xlarge" },
          { instance_type = "g5.4xlarge" },
        ]
      }
    }
  }
}
"#;
    let tags = "Name={},k8s.io/cluster/ml=owned,kubernetes.io/cluster/ml=owned,team=ml";
    assert_eq!(
        summary(hcl),
        vec![
            "module.eks.cluster aws_eks_cluster :4 [team=ml,terraform-aws-modules=eks]".to_string(),
            format!(
                "module.eks.self_managed_node_groups[\"mixed\"] aws_autoscaling_group :15 g5.2xlarge 0/1/3 spot [{}]",
                tags.replace("{}", "mixed")
            ),
            "module.eks.self_managed_node_groups[\"mixed\"].launch_template aws_launch_template :15 m6i.large 0/0/0 spot [team=ml]".to_string(),
            format!(
                "module.eks.self_managed_node_groups[\"train\"] aws_autoscaling_group :10 p4d.24xlarge 1/1/2 spot [{}]",
                tags.replace("{}", "train")
            ),
            "module.eks.self_managed_node_groups[\"train\"].launch_template aws_launch_template :10 p4d.24xlarge 0/0/0 spot [team=ml]".to_string(),
        ]
    );
}

#[test]
fn standalone_submodules_build_one_group_from_their_inputs() {
    let hcl = r#"
module "gpu" {
  source       = "terraform-aws-modules/eks/aws//modules/eks-managed-node-group"
  name         = "gpu"
  cluster_name = "ml"
  instance_types = ["g5.xlarge"]
  max_size     = 6
}
module "batch" {
  source       = "git::https://github.com/terraform-aws-modules/terraform-aws-eks.git//modules/self-managed-node-group?ref=v20.37.2"
  name         = "batch"
  cluster_name = "ml"
}
module "karpenter" {
  source       = "terraform-aws-modules/eks/aws//modules/karpenter"
  cluster_name = "ml"
}
"#;
    let unset = "?(instance_type is not set in the launch template)";
    assert_eq!(
        summary(hcl),
        vec![
            format!("module.batch.autoscaling_group aws_autoscaling_group :9 {unset} 0/1/3 on-demand [Name=batch,k8s.io/cluster/ml=owned,kubernetes.io/cluster/ml=owned]"),
            format!("module.batch.launch_template aws_launch_template :9 {unset} 0/0/0 on-demand []"),
            "module.gpu.node_group aws_eks_node_group :2 g5.xlarge 0/1/6 on-demand [Name=gpu]".to_string(),
        ]
    );
}

#[test]
fn settings_point_at_the_entry_the_caller_wrote() {
    let hcl = r#"
module "eks" {
  source       = "terraform-aws-modules/eks/aws"
  cluster_name = "ml"
  eks_managed_node_group_defaults = {
    capacity_type = "SPOT"
  }
  eks_managed_node_groups = {
    gpu = {
      instance_types = ["g5.xlarge"]
      max_size       = 4
      disk_size      = 200
      use_custom_launch_template = false
    }
  }
}
"#;
    let all = resources_of(hcl);
    let group = all
        .iter()
        .find(|r| r.resource_type == "aws_eks_node_group")
        .unwrap();
    let lines: Vec<(String, u32)> = group
        .argument_locations
        .iter()
        .map(|(k, l)| (k.clone(), l.line))
        .collect();
    let expected: Vec<(String, u32)> = [
        ("capacity_type", 6),
        ("disk_size", 12),
        ("instance_types", 10),
        ("scaling_config", 9),
        ("scaling_config.max_size", 11),
    ]
    .iter()
    .map(|(k, l)| (k.to_string(), *l))
    .collect();
    assert_eq!(lines, expected);
}

#[test]
fn a_self_managed_group_can_launch_from_a_template_of_the_caller() {
    let hcl = r#"
resource "aws_launch_template" "gpu" {
  instance_type = "g5.xlarge"
  tags          = { team = "ml" }
}
module "eks" {
  source       = "terraform-aws-modules/eks/aws"
  cluster_name = "ml"
  self_managed_node_groups = {
    gpu = {
      create_launch_template = false
      launch_template_id     = aws_launch_template.gpu.id
      max_size               = 2
    }
  }
}
"#;
    assert_eq!(
        summary(hcl),
        vec![
            "aws_launch_template.gpu aws_launch_template :2 g5.xlarge 0/0/0 on-demand [team=ml]",
            "module.eks.cluster aws_eks_cluster :8 [terraform-aws-modules=eks]",
            "module.eks.self_managed_node_groups[\"gpu\"] aws_autoscaling_group :10 g5.xlarge 0/1/2 on-demand [Name=gpu,k8s.io/cluster/ml=owned,kubernetes.io/cluster/ml=owned]",
        ]
    );
}

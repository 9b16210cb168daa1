provider "aws" {
  region = "us-east-1"
}

locals {
  tags = {
    team        = "inference"
    env         = "prod"
    cost-center = "cc-42"
  }

  # One managed node group per model server pool.
  pools = {
    llm = {
      instance_type = "g5.12xlarge"
      max_nodes     = 2
    }
    embed = {
      instance_type = "g6e.xlarge"
      max_nodes     = 6
    }
  }
}

module "eks" {
  source = "git::https://github.com/terraform-aws-modules/terraform-aws-eks.git?ref=v21.3.1"

  name               = "inference"
  kubernetes_version = "1.33"

  eks_managed_node_groups = {
    for name, pool in local.pools : name => {
      instance_types = [pool.instance_type]
      min_size       = 1
      max_size       = pool.max_nodes
      desired_size   = 1
    }
  }

  self_managed_node_groups = {
    batch = {
      instance_type = "m6i.xlarge"
      min_size      = 0
      max_size      = 10
      desired_size  = 2

      use_mixed_instances_policy = true
      mixed_instances_policy = {
        instances_distribution = {
          on_demand_base_capacity                  = 0
          on_demand_percentage_above_base_capacity = 0
        }
        override = [
          { instance_type = "m6i.xlarge" },
          { instance_type = "m5.xlarge" },
        ]
      }

      tags = {
        team = "batch"
      }
    }
  }

  tags = local.tags
}

module "karpenter" {
  source  = "terraform-aws-modules/eks/aws//modules/karpenter"
  version = "~> 21.0"

  cluster_name = module.eks.cluster_name
}

# A scratch group someone added by hand, without the team's tags.
module "scratch" {
  source  = "terraform-aws-modules/eks/aws//modules/self-managed-node-group"
  version = "~> 21.0"

  name          = "scratch"
  cluster_name  = "inference"
  instance_type = "t3.medium"
  max_size      = 2
}

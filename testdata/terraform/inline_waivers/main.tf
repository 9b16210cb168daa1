# Inline waiver comments: above a block, inside a block, above an entry of a registry
# module's node group map, expired, and malformed.

provider "aws" {
  region = "us-east-1"
  default_tags {
    tags = {
      team          = "ml-platform"
      "cost-center" = "cc-1234"
      env           = "dev"
    }
  }
}

# aicost-policy:waive AIC-GPU-003 expires=2099-12-31 -- load tests need on-demand capacity
resource "aws_eks_node_group" "bench" {
  cluster_name    = "ml-dev"
  node_group_name = "bench"
  node_role_arn   = "arn:aws:iam::123456789012:role/eks-node"
  subnet_ids      = ["subnet-0a1b"]
  instance_types  = ["g5.xlarge"]

  scaling_config {
    min_size     = 0
    max_size     = 2
    desired_size = 1
  }
}

resource "aws_eks_node_group" "expired" {
  # aicost-policy:waive AIC-GPU-003 expires=2026-01-31 -- until the January capacity review
  cluster_name    = "ml-dev"
  node_group_name = "expired"
  node_role_arn   = "arn:aws:iam::123456789012:role/eks-node"
  subnet_ids      = ["subnet-0a1b"]
  instance_types  = ["g5.xlarge"]

  scaling_config {
    min_size     = 0
    max_size     = 2
    desired_size = 1
  }
}

module "eks" {
  source  = "terraform-aws-modules/eks/aws"
  version = "~> 20.31"

  cluster_name    = "ml-dev"
  cluster_version = "1.31"
  vpc_id          = "vpc-0a1b2c3d"
  subnet_ids      = ["subnet-0a1b", "subnet-0c2d"]

  eks_managed_node_groups = {
    # aicost-policy:waive AIC-GPU-003 -- the inference team's on-demand pool, approved in FINOPS-112
    inference = {
      instance_types = ["g6.xlarge"]
      min_size       = 1
      max_size       = 2
      desired_size   = 1
    }
  }
}

resource "aws_eks_node_group" "system" {
  # aicost-policy:waive AIC-TAG-001
  cluster_name    = "ml-dev"
  node_group_name = "system"
  node_role_arn   = "arn:aws:iam::123456789012:role/eks-node"
  subnet_ids      = ["subnet-0a1b"]
  instance_types  = ["m6i.large"]

  scaling_config {
    min_size     = 2
    max_size     = 3
    desired_size = 2
  }
}

# Expired waivers: each is reported as AIC-WAIVER-001 where it would have applied.

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

# aicost-policy:waive AIC-GPU-003 expires=2026-03-31 owner=alice -- load tests need on-demand capacity
resource "aws_eks_node_group" "inline_expired" {
  cluster_name    = "ml-dev"
  node_group_name = "inline_expired"
  node_role_arn   = "arn:aws:iam::123456789012:role/eks-node"
  subnet_ids      = ["subnet-0a1b"]
  instance_types  = ["g5.xlarge"]

  scaling_config {
    min_size     = 0
    max_size     = 2
    desired_size = 1
  }
}

# Waived in aicost-policy.toml until 2026-06-30.
resource "aws_eks_node_group" "config_expired" {
  cluster_name    = "ml-dev"
  node_group_name = "config_expired"
  node_role_arn   = "arn:aws:iam::123456789012:role/eks-node"
  subnet_ids      = ["subnet-0a1b"]
  instance_types  = ["g5.xlarge"]

  scaling_config {
    min_size     = 0
    max_size     = 2
    desired_size = 1
  }
}

# [waiver_rules] require_expiry, max_days = 90 and require_owner, on inline comments.

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

# aicost-policy:waive AIC-GPU-003 owner=alice -- load tests need on-demand capacity
resource "aws_eks_node_group" "no_expiry" {
  cluster_name    = "ml-dev"
  node_group_name = "no_expiry"
  node_role_arn   = "arn:aws:iam::123456789012:role/eks-node"
  subnet_ids      = ["subnet-0a1b"]
  instance_types  = ["g5.xlarge"]

  scaling_config {
    min_size     = 0
    max_size     = 2
    desired_size = 1
  }
}

# aicost-policy:waive AIC-GPU-003 expires=2027-12-31 owner=alice -- load tests need on-demand capacity
resource "aws_eks_node_group" "far_expiry" {
  cluster_name    = "ml-dev"
  node_group_name = "far_expiry"
  node_role_arn   = "arn:aws:iam::123456789012:role/eks-node"
  subnet_ids      = ["subnet-0a1b"]
  instance_types  = ["g5.xlarge"]

  scaling_config {
    min_size     = 0
    max_size     = 2
    desired_size = 1
  }
}

# aicost-policy:waive AIC-GPU-003 expires=2027-01-31 -- load tests need on-demand capacity
resource "aws_eks_node_group" "no_owner" {
  cluster_name    = "ml-dev"
  node_group_name = "no_owner"
  node_role_arn   = "arn:aws:iam::123456789012:role/eks-node"
  subnet_ids      = ["subnet-0a1b"]
  instance_types  = ["g5.xlarge"]

  scaling_config {
    min_size     = 0
    max_size     = 2
    desired_size = 1
  }
}

# aicost-policy:waive AIC-GPU-003 expires=2027-01-31 owner=alice -- load tests need on-demand capacity
resource "aws_eks_node_group" "complete" {
  cluster_name    = "ml-dev"
  node_group_name = "complete"
  node_role_arn   = "arn:aws:iam::123456789012:role/eks-node"
  subnet_ids      = ["subnet-0a1b"]
  instance_types  = ["g5.xlarge"]

  scaling_config {
    min_size     = 0
    max_size     = 2
    desired_size = 1
  }
}

# Waived in aicost-policy.toml.
resource "aws_eks_node_group" "configured" {
  cluster_name    = "ml-dev"
  node_group_name = "configured"
  node_role_arn   = "arn:aws:iam::123456789012:role/eks-node"
  subnet_ids      = ["subnet-0a1b"]
  instance_types  = ["g5.xlarge"]

  scaling_config {
    min_size     = 0
    max_size     = 2
    desired_size = 1
  }
}

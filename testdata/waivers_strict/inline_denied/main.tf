# [waiver_rules] allow_inline = false: the comment below is an input error, the
# [[waivers]] entry in aicost-policy.toml applies.

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

# aicost-policy:waive AIC-GPU-003 expires=2027-03-31 owner=alice -- load tests need on-demand capacity
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

# Waived in aicost-policy.toml, where the base's configuration is reviewed.
resource "aws_eks_node_group" "reviewed" {
  cluster_name    = "ml-dev"
  node_group_name = "reviewed"
  node_role_arn   = "arn:aws:iam::123456789012:role/eks-node"
  subnet_ids      = ["subnet-0a1b"]
  instance_types  = ["g5.xlarge"]

  scaling_config {
    min_size     = 0
    max_size     = 2
    desired_size = 1
  }
}

# A training pool that scales from zero: only its ceiling costs anything.
provider "aws" {
  region = "us-east-1"

  default_tags {
    tags = {
      team          = "research"
      "cost-center" = "cc-7100"
      env           = "prod"
    }
  }
}

resource "aws_eks_node_group" "train" {
  cluster_name    = "ml"
  node_group_name = "train"
  node_role_arn   = "arn:aws:iam::123456789012:role/nodes"
  subnet_ids      = ["subnet-0a1b2c3d"]
  instance_types  = ["p4d.24xlarge"]
  capacity_type   = "ON_DEMAND"

  scaling_config {
    desired_size = 0
    min_size     = 0
    max_size     = 4
  }
}

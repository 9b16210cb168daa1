# The base of the change: the dev node group and the production one are already here.
provider "aws" {
  region = "us-east-1"
}

# A dev GPU node group on on-demand capacity: spot advice (AIC-SAVE-001).
resource "aws_eks_node_group" "train" {
  cluster_name    = "ml-dev"
  node_group_name = "train"
  node_role_arn   = "arn:aws:iam::123456789012:role/node"
  subnet_ids      = ["subnet-1"]
  instance_types  = ["g5.12xlarge"]
  capacity_type   = "ON_DEMAND"
  scaling_config {
    desired_size = 2
    min_size     = 1
    max_size     = 4
  }
  tags = { env = "dev", team = "ml", "cost-center" = "ai" }
}

# The same in production: no spot advice.
resource "aws_eks_node_group" "serve" {
  cluster_name    = "ml-prod"
  node_group_name = "serve"
  node_role_arn   = "arn:aws:iam::123456789012:role/node"
  subnet_ids      = ["subnet-1"]
  instance_types  = ["g5.12xlarge"]
  scaling_config {
    desired_size = 2
    min_size     = 1
    max_size     = 4
  }
  tags = { env = "prod", team = "ml", "cost-center" = "ai" }
}

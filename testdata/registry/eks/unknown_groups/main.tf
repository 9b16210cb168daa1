provider "aws" {
  region = "us-west-2"
}

# The node groups come from each environment's tfvars; none is given here.
variable "node_groups" {
  description = "EKS managed node groups, keyed by name."
  type        = any
}

module "eks" {
  source  = "terraform-aws-modules/eks/aws"
  version = "20.37.2"

  cluster_name    = "research"
  cluster_version = "1.32"

  eks_managed_node_groups = var.node_groups

  tags = {
    team        = "research"
    env         = "staging"
    cost-center = "cc-7"
  }
}

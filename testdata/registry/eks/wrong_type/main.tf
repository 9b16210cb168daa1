provider "aws" {
  region = "us-east-1"
}

module "eks" {
  source  = "terraform-aws-modules/eks/aws"
  version = "~> 20.0"

  cluster_name = "typo"

  # A list where the module wants a map keyed by group name.
  eks_managed_node_groups = [
    { instance_types = ["g5.xlarge"] },
  ]

  tags = {
    team        = "ml"
    env         = "dev"
    cost-center = "cc-1"
  }
}

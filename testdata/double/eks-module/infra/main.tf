provider "aws" {
  region = "us-east-1"
}

module "eks" {
  source  = "terraform-aws-modules/eks/aws"
  version = "~> 20.31"

  cluster_name    = "inference"
  cluster_version = "1.35"

  vpc_id     = "vpc-0a1b2c3d"
  subnet_ids = ["subnet-0a1b", "subnet-0c2d"]

  eks_managed_node_groups = {
    # Named exactly `gpu` (no random suffix), so pods can select it by
    # eks.amazonaws.com/nodegroup.
    gpu = {
      use_name_prefix = false
      ami_type        = "AL2023_x86_64_NVIDIA"
      instance_types  = ["g6e.12xlarge"]
      min_size        = 1
      max_size        = 4
      desired_size    = 2
    }

    # Named `cpu-<random>`: a pod selecting `cpu` cannot be tied to it.
    cpu = {
      instance_types = ["m6i.xlarge"]
      min_size       = 2
      max_size       = 4
      desired_size   = 2
    }
  }
}

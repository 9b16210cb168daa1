locals {
  tags = {
    team = "ml-platform"
    env  = var.env
  }
}

module "eks" {
  source  = "terraform-aws-modules/eks/aws"
  version = "~> 20.31"

  cluster_name    = "ml-${var.env}"
  cluster_version = "1.31"

  vpc_id     = "vpc-0a1b2c3d"
  subnet_ids = ["subnet-0a1b", "subnet-0c2d"]

  eks_managed_node_group_defaults = {
    ami_type       = "AL2_x86_64"
    instance_types = ["m6i.large"]
  }

  eks_managed_node_groups = {
    system = {
      min_size     = 2
      max_size     = 4
      desired_size = 2
    }

    gpu = {
      ami_type       = "AL2_x86_64_GPU"
      instance_types = ["g5.xlarge"]
      min_size       = 0
      max_size       = 3
      desired_size   = 1
      # Ignored: the module's own launch template decides the disks.
      disk_size = 200

      labels = {
        "nvidia.com/gpu.present" = "true"
      }
      taints = {
        gpu = {
          key    = "nvidia.com/gpu"
          value  = "true"
          effect = "NO_SCHEDULE"
        }
      }
    }
  }

  tags = local.tags
}

# One scale-from-zero group per entry of var.gpu_pools (terraform.tfvars).
module "gpu_pool" {
  source   = "terraform-aws-modules/eks/aws//modules/eks-managed-node-group"
  version  = "~> 20.31"
  for_each = var.gpu_pools

  name         = each.key
  cluster_name = module.eks.cluster_name
  subnet_ids   = ["subnet-0a1b", "subnet-0c2d"]

  instance_types = [each.value.instance_type]
  capacity_type  = each.value.spot ? "SPOT" : "ON_DEMAND"
  min_size       = 0
  max_size       = each.value.max_nodes
  desired_size   = 0

  use_custom_launch_template = false
  disk_size                  = 100

  tags = local.tags
}

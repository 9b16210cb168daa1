provider "terraform" {}

variable "gpu_desired_size" {
  type    = number
  default = 2
}

variable "gpu_max_size" {
  type    = number
  default = 4
}

locals {
  default_tags = { team = "ml-platform" }
  tags         = { environment = "prod" }
}

# Stands for aws_eks_cluster.this.
resource "terraform_data" "cluster" {
  input = {
    name     = "ml-prod"
    version  = "1.31"
    tags     = local.tags
    tags_all = merge(local.default_tags, local.tags)
  }
}

# Stands for aws_eks_node_group.gpu.
resource "terraform_data" "gpu" {
  input = {
    cluster_name    = "ml-prod"
    node_group_name = "ml-prod-gpu"
    instance_types  = ["p5.48xlarge"]
    capacity_type   = "ON_DEMAND"
    scaling_config = [{
      desired_size = var.gpu_desired_size
      min_size     = 0
      max_size     = var.gpu_max_size
    }]
    tags     = local.tags
    tags_all = merge(local.default_tags, local.tags)
  }
}

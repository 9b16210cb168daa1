variable "cluster_name" {
  type = string
}

variable "name" {
  type = string
}

variable "instance_types" {
  type = list(string)
}

variable "capacity_type" {
  type    = string
  default = "ON_DEMAND"
}

variable "desired_size" {
  type = number
}

variable "min_size" {
  type = number
}

variable "max_size" {
  type = number
}

variable "tags" {
  type    = map(string)
  default = {}
}

resource "aws_eks_node_group" "node_group" {
  cluster_name    = var.cluster_name
  node_group_name = var.name
  instance_types  = var.instance_types
  capacity_type   = var.capacity_type
  ami_type        = "AL2_x86_64_GPU"
  disk_size       = 500
  scaling_config {
    desired_size = var.desired_size
    min_size     = var.min_size
    max_size     = var.max_size
  }
  labels = {
    "nvidia.com/gpu.present" = "true"
  }
  taint {
    key    = "nvidia.com/gpu"
    value  = "true"
    effect = "NO_SCHEDULE"
  }
  tags = merge(var.tags, { pool = var.name })
}

locals {
  tags = {
    team    = "ml-platform"
    project = "llm-training"
  }
}

resource "aws_eks_cluster" "main" {
  name     = var.cluster_name
  role_arn = var.cluster_role_arn
  version  = "1.31"

  vpc_config {
    subnet_ids = var.subnet_ids
  }

  tags = local.tags
}

# Pre-training runs: 8 x H100 per node.
resource "aws_eks_node_group" "train" {
  cluster_name    = aws_eks_cluster.main.name
  node_group_name = "train-p5"
  node_role_arn   = var.node_role_arn
  subnet_ids      = var.subnet_ids
  instance_types  = ["p5.48xlarge"]
  capacity_type   = "ON_DEMAND"
  ami_type        = "AL2_x86_64_GPU"

  scaling_config {
    desired_size = 2
    min_size     = 0
    max_size     = var.train_max_nodes
  }

  labels = {
    "nvidia.com/gpu.present" = "true"
  }

  taint {
    key    = "nvidia.com/gpu"
    value  = "true"
    effect = "NO_SCHEDULE"
  }

  tags = merge(local.tags, { workload = "training" })
}

resource "aws_eks_node_group" "inference" {
  cluster_name    = aws_eks_cluster.main.name
  node_group_name = "inference-g5"
  node_role_arn   = var.node_role_arn
  subnet_ids      = var.subnet_ids
  instance_types  = ["g5.2xlarge", "g5.4xlarge"]
  capacity_type   = "SPOT"
  ami_type        = "AL2_x86_64_GPU"

  scaling_config {
    desired_size = 1
    min_size     = 0
    max_size     = 8
  }

  tags = merge(local.tags, { workload = "inference" })
}

provider "aws" {
  region = "us-east-1"
  default_tags {
    tags = {
      team        = "ml-platform"
      cost-center = "cc-4410"
      env         = "prod"
    }
  }
}

resource "aws_eks_cluster" "ml" {
  name     = "ml-prod"
  role_arn = "arn:aws:iam::123456789012:role/ml-prod-cluster"
  version  = "1.35"

  vpc_config {
    subnet_ids = ["subnet-0a1b2c3d", "subnet-4e5f6a7b"]
  }
}

# Inference nodes: 4 x L40S each. Pods land here by the node group label.
resource "aws_eks_node_group" "gpu" {
  cluster_name    = aws_eks_cluster.ml.name
  node_group_name = "gpu"
  node_role_arn   = "arn:aws:iam::123456789012:role/ml-prod-nodes"
  subnet_ids      = ["subnet-0a1b2c3d", "subnet-4e5f6a7b"]
  ami_type        = "AL2023_x86_64_NVIDIA"
  instance_types  = ["g6e.12xlarge"]
  capacity_type   = "ON_DEMAND"

  scaling_config {
    desired_size = 2
    min_size     = 1
    max_size     = 4
  }

  taint {
    key    = "nvidia.com/gpu"
    value  = "true"
    effect = "NO_SCHEDULE"
  }

  labels = {
    workload = "inference"
  }
}

provider "terraform" {}

# Stands for aws_eks_node_group.gpu.
resource "terraform_data" "gpu" {
  input = {
    cluster_name    = "ml-prod"
    node_group_name = "ml-prod-gpu"
    instance_types  = ["p5.48xlarge"]
    capacity_type   = "ON_DEMAND"
    scaling_config = [{
      desired_size = 2
      min_size     = 0
      max_size     = 4
    }]
    tags = { team = "ml-platform" }
  }
}

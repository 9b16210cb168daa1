provider "terraform" {}

# Stands for a capacity planner whose answer is known only after apply
# (aws_ssm_parameter in the adapted copy).
resource "terraform_data" "sizing" {
  input = {
    name  = "/ml-prod/gpu/sizing"
    value = "desired=4;types=a3-highgpu-8g"
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
      desired_size = tonumber(regex("desired=([0-9]+)", terraform_data.sizing.output.value)[0])
      min_size     = 0
      max_size     = 4
    }]
    tags = { team = "ml-platform" }
  }
}

# Stands for google_container_node_pool.h100: created, with its machine type
# unknown until the sizing resource exists.
resource "terraform_data" "h100_pool" {
  input = {
    name       = "h100"
    cluster    = "ml-prod-gke"
    location   = "us-central1"
    node_count = 1
    autoscaling = [{
      min_node_count = 0
      max_node_count = 2
    }]
    node_config = [{
      machine_type = regex("types=([a-z0-9-]+)", terraform_data.sizing.output.value)[0]
      spot         = false
      guest_accelerator = [{
        type  = "nvidia-h100-80gb"
        count = 8
      }]
      labels = { team = "ml-platform" }
      # Network tags: the second is unknown until apply, so the list holds null there.
      tags = ["gpu", terraform_data.sizing.id]
    }]
  }
}

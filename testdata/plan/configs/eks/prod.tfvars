cluster_name    = "ml-prod"
inference_count = 2
bootstrap_token = "not-a-real-token"

gpu_pools = {
  training = {
    instance_types = ["p5.48xlarge"]
    capacity_type  = "ON_DEMAND"
    desired_size   = 2
    min_size       = 0
    max_size       = 4
  }
  batch = {
    instance_types = ["g6e.12xlarge", "g6e.24xlarge"]
    capacity_type  = "SPOT"
    desired_size   = 1
    min_size       = 0
    max_size       = 8
  }
}

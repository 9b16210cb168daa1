project_id  = "acme-ml-prod"
environment = "prod"
zones       = ["us-central1-a", "us-central1-c"]

gpu_pools = {
  v100-train = {
    accelerator_type  = "nvidia-tesla-v100"
    accelerator_count = 4
    max_count         = 10
  }
  t4-eval = {
    accelerator_type  = "nvidia-tesla-t4"
    accelerator_count = 1
    spot              = false
    autoscaling       = false
    node_count        = 1
  }
}

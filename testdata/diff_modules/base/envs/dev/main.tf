module "pool" {
  source = "../../modules/gpu_pool"

  instance_type = "g5.xlarge"
  tags          = { team = "ml-platform", "cost-center" = "cc-4471" }
}

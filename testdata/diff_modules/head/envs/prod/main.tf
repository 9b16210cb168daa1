provider "aws" {
  region = "us-east-1"
}

module "pool" {
  source = "../../modules/gpu_pool"

  instance_type = "g5.xlarge"
  nodes         = 3
  tags          = { team = "ml-platform", "cost-center" = "cc-4471" }
}

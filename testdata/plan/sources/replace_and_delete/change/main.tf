provider "terraform" {}

locals {
  tags = { team = "ml-platform", environment = "prod" }
}

# Stands for aws_instance.inference; a new AMI replaces it.
resource "terraform_data" "inference" {
  triggers_replace = ["ami-0f9de6e2d2f067fca"]

  input = {
    ami           = "ami-0f9de6e2d2f067fca"
    instance_type = "g5.12xlarge"
    tags          = local.tags
    tags_all      = local.tags
  }
}

# Stands for aws_instance.training_h100; replaces the A100 instance.
resource "terraform_data" "training_h100" {
  input = {
    ami           = "ami-0f9de6e2d2f067fca"
    instance_type = "p5.48xlarge"
    tags          = local.tags
    tags_all      = local.tags
  }
}

provider "terraform" {}

locals {
  tags = { team = "ml-platform", environment = "prod" }
}

# Stands for aws_instance.inference; a new AMI replaces it.
resource "terraform_data" "inference" {
  triggers_replace = ["ami-0c7217cdde317cfec"]

  input = {
    ami           = "ami-0c7217cdde317cfec"
    instance_type = "g5.12xlarge"
    tags          = local.tags
    tags_all      = local.tags
  }
}

# Stands for aws_instance.training_a100; removed in the change.
resource "terraform_data" "training_a100" {
  input = {
    ami           = "ami-0c7217cdde317cfec"
    instance_type = "p4d.24xlarge"
    tags          = local.tags
    tags_all      = local.tags
  }
}

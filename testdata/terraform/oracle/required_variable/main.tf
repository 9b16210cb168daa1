# Our side only: Terraform refuses to plan a root whose required variables have no value
# (`terraform plan -input=false` fails), so expected.json is written by hand and
# scripts/golden/terraform_plans.py leaves it alone ("oracle": false in case.json).
# Our loader must not invent a value: the variable is unknown, and so is everything that
# depends on it, while everything else stays known, by the rules the other cases check
# against Terraform.

variable "region" {
  type = string
}

variable "gpu_count" {
  type = number
}

resource "terraform_data" "region" {
  input = var.region
}

resource "terraform_data" "mixed" {
  input = {
    region = var.region
    zone   = "${var.region}a"
    team   = "ml"
    zones  = [var.region, "us-east-1b"]
  }
}

# The number of instances is unknown: one record stands for all of them.
resource "terraform_data" "gpu" {
  count = var.gpu_count
  input = "p4d.24xlarge"
}

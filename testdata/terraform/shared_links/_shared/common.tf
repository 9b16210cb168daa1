# Shared by every environment: each envs/<name>/ links this file in as common.tf (the
# links are made by the test; git keeps no links in testdata).
variable "environment" {
  type = string
}

variable "team" {
  type = string
}

variable "gpu_instance_type" {
  type    = string
  default = "g5.xlarge"
}

provider "aws" {
  region = "us-east-1"
  default_tags {
    tags = {
      team          = var.team
      env           = var.environment
      "cost-center" = "cc-1234"
    }
  }
}

resource "aws_instance" "bastion" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "t3.medium"
}

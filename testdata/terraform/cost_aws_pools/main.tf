# Priced by `aicost-policy cost` in tests/cli_cost.rs: every amount there is worked out from
# the us-east-1 rows of catalog/aws_ec2_ondemand.csv and catalog/storage.csv.
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.70"
    }
  }
}

provider "aws" {
  region = "us-east-1"

  default_tags {
    tags = {
      team          = "platform"
      "cost-center" = "cc-200"
      env           = "prod"
    }
  }
}

variable "subnet_ids" {
  type    = list(string)
  default = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]
}

resource "aws_eks_cluster" "main" {
  name     = "platform"
  role_arn = "arn:aws:iam::123456789012:role/platform-eks-cluster"

  vpc_config {
    subnet_ids = var.subnet_ids
  }
}

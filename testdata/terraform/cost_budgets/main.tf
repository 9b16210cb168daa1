# Three teams' machines and three budgets (aicost-policy.toml): training goes over its
# limit, inference passes its warning share, platform stays well below. Checked in
# tests/cli_cost.rs.
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
      "cost-center" = "cc-700"
      env           = "prod"
    }
  }
}

resource "aws_instance" "trainer" {
  count         = 4
  ami           = "ami-0123456789abcdef0"
  instance_type = "p4d.24xlarge"

  tags = {
    team = "training"
  }
}

resource "aws_instance" "inference" {
  count         = 2
  ami           = "ami-0123456789abcdef0"
  instance_type = "g5.2xlarge"

  tags = {
    team = "inference"
  }
}

resource "aws_eks_cluster" "platform" {
  name     = "platform"
  role_arn = "arn:aws:iam::123456789012:role/platform-eks-cluster"

  vpc_config {
    subnet_ids = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]
  }

  tags = {
    team = "platform"
  }
}

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
      team          = "ml-platform"
      "cost-center" = "cc-100"
      env           = "prod"
    }
  }
}

# Disaster-recovery region. Its default_tags were copied from an old account and lack the
# cost center.
provider "aws" {
  alias  = "west"
  region = "us-west-2"

  default_tags {
    tags = {
      team = "ml-platform"
      env  = "prod"
    }
  }
}

module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "5.16.0"

  name            = "ml"
  cidr            = "10.20.0.0/16"
  azs             = ["us-east-1a", "us-east-1b"]
  private_subnets = ["10.20.1.0/24", "10.20.2.0/24"]
}

# Two training cells of two p4d nodes each.
module "train" {
  source = "./modules/gpu_node"
  count  = 2

  name          = "train-${count.index}"
  instance_type = "p4d.24xlarge"
  node_count    = 2
  subnet_id     = module.vpc.private_subnets[0]
}

module "serve" {
  source   = "./modules/serving"
  for_each = {
    a = "g5.2xlarge"
    b = "g6.2xlarge"
  }

  name          = "serve-${each.key}"
  instance_type = each.value
}

module "dr" {
  source = "./modules/gpu_node"
  providers = {
    aws = aws.west
  }

  name          = "dr"
  instance_type = "p5.48xlarge"
  node_count    = 1
  subnet_id     = "subnet-0fedcba9876543210"
}

resource "aws_s3_bucket" "artifacts" {
  bucket = "acme-ml-artifacts"
}

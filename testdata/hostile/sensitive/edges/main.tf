# How sensitive values behave at the edges, as in Terraform: nonsensitive() shows a value
# again, a sensitive count is allowed, a sensitive for_each is refused (its keys would be
# shown in addresses), a value that does not fit a sensitive variable's type is reported
# without the value, and a registry module reads sensitive inputs without showing them.
provider "aws" {
  region = "us-east-1"
  default_tags {
    tags = {
      team          = "ml-platform"
      "cost-center" = "cc-4471"
      env           = "dev"
    }
  }
}

variable "gpu_type" {
  type      = string
  sensitive = true
}

variable "zones" {
  type      = set(string)
  sensitive = true
}

variable "replicas" {
  type      = number
  sensitive = true
}

variable "batch_size" {
  type      = number
  sensitive = true
}

resource "aws_instance" "shown" {
  instance_type = nonsensitive(var.gpu_type)
}

resource "aws_instance" "per_zone" {
  for_each          = var.zones
  instance_type     = "g6.xlarge"
  availability_zone = each.value
}

resource "aws_instance" "workers" {
  count         = var.replicas
  instance_type = "g6.xlarge"
}

resource "aws_instance" "batch" {
  count         = var.batch_size
  instance_type = "g6.xlarge"
}

module "eks" {
  source  = "terraform-aws-modules/eks/aws"
  version = "~> 21.0"

  name               = "training"
  kubernetes_version = "1.33"

  eks_managed_node_groups = {
    gpu = {
      instance_types = [var.gpu_type]
      min_size       = 1
      max_size       = 4
      desired_size   = 2
    }
  }
}

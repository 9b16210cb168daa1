# Values marked sensitive reach prices and policies but no report: the instance type
# (from terraform.tfvars), the owner (from TF_VAR_owner), the cost center (from --var),
# a project name wrapped in sensitive(), and a name a module derives from the owner.
provider "aws" {
  region = "us-east-1"
}

variable "instance_type" {
  type      = string
  sensitive = true
}

variable "owner" {
  type      = string
  sensitive = true
}

variable "cost_center" {
  type      = string
  sensitive = true
}

module "naming" {
  source = "./modules/naming"
  owner  = var.owner
}

locals {
  tags = {
    team          = "ml-platform"
    env           = "dev"
    owner         = var.owner
    "cost-center" = var.cost_center
    project       = sensitive("falcon-finetune")
    Name          = module.naming.name
  }
}

resource "aws_instance" "trainer" {
  instance_type = var.instance_type
  tags          = local.tags
}

resource "aws_instance" "notebook" {
  instance_type = "g5.xlarge"
  tags          = merge(local.tags, { Name = "notebook" })
}

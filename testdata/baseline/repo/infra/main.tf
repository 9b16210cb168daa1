terraform {
  required_providers {
    aws = {
      source = "hashicorp/aws"
    }
  }
}

provider "aws" {
  region = "us-east-1"
  default_tags {
    tags = {
      team = "ml-platform"
    }
  }
}

variable "batch_tags" {
  type = map(string)
}

variable "registry_password" {
  type      = string
  sensitive = true
  default   = "hunter2-registry"
}

# Recorded in the baseline: no cost-center tag.
resource "aws_instance" "trainer" {
  ami           = "ami-0c55b159cbfe1f0d0"
  instance_type = "p4d.24xlarge"
  user_data     = "registry=${var.registry_password}"
}

# Recorded in the baseline: no cost-center tag.
resource "aws_instance" "notebook" {
  ami           = "ami-0c55b159cbfe1f0d0"
  instance_type = "g5.xlarge"
}

# Unknown: the tags come from a variable with no default.
resource "aws_instance" "batch" {
  ami           = "ami-0c55b159cbfe1f0d0"
  instance_type = "m5.large"
  tags          = var.batch_tags
}

resource "aws_s3_bucket" "datasets" {
  bucket = "acme-ml-datasets"
  tags = {
    cost-center = "cc-1234"
  }
}

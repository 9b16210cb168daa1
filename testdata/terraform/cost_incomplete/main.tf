# Estimates that cannot be complete, and a region the catalog does not list. Checked in
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
      team          = "research"
      "cost-center" = "cc-600"
      env           = "prod"
    }
  }
}

provider "aws" {
  alias  = "ireland"
  region = "eu-west-1"

  default_tags {
    tags = {
      team          = "research"
      "cost-center" = "cc-600"
      env           = "prod"
    }
  }
}

# Chosen per run; there is no sensible default.
variable "x" {
  type = string
}

# An instance type the catalog does not know.
resource "aws_instance" "prototype" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "p9.mega"
}

resource "aws_instance" "from_var" {
  ami           = "ami-0123456789abcdef0"
  instance_type = var.x
}

# The EC2 table lists us-east-1 only: eu-west-1 has no price (the us-east-1 rate is named).
resource "aws_instance" "dublin" {
  provider      = aws.ireland
  ami           = "ami-0123456789abcdef0"
  instance_type = "m5.xlarge"
}

# tflint: no issues. The values are unknown, but the keys are written out, so both
# required keys are present.
variable "owner" {
  type = string
}

variable "project" {
  type = string
}

provider "aws" {
  region = "us-east-1"
}

resource "aws_s3_bucket" "this" {
  bucket = "acme-static-keys"

  tags = {
    Owner   = var.owner
    Project = var.project
  }
}

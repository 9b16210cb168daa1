# tflint skips the resource silently ("can only evaluate provided variables").
# aicost-policy differs on purpose: Foo is known (default_tags), but Bar may or may not be
# in var.tags, so the result is unknown, naming var.tags.
provider "aws" {
  region = "us-east-1"

  default_tags {
    tags = {
      Foo = "Bar"
    }
  }
}

variable "tags" {
  type = map(string)
}

resource "aws_s3_bucket" "this" {
  bucket = "acme-unknown-tags"
  tags   = var.tags
}

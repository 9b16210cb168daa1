# tflint skips the resource silently. aicost-policy differs on purpose: the provider's
# default_tags come from a variable without a default, so whether Foo is set is unknown.
variable "default_tags" {
  type = map(string)
}

provider "aws" {
  region = "us-east-1"

  default_tags {
    tags = var.default_tags
  }
}

resource "aws_s3_bucket" "this" {
  bucket = "acme-unknown-default-tags"

  tags = {
    Bar = "Baz"
  }
}

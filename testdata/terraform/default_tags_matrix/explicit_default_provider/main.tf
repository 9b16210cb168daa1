# tflint-ruleset-aws#1002: `provider = aws` (no alias) names the default configuration;
# its default_tags apply. No issues.
provider "aws" {
  region = "us-east-1"

  default_tags {
    tags = {
      layer = "data"
      type  = "bucket"
    }
  }
}

resource "aws_s3_bucket" "this" {
  provider = aws
  bucket   = "acme-explicit-default"
}

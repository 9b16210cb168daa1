# tflint: one issue, on `a` only (missing "Bazz"), at the resource header because `a` has no
# `tags` argument.
provider "aws" {
  region = "us-east-1"

  default_tags {
    tags = {
      Foo = "Bar"
    }
  }
}

resource "aws_s3_bucket" "a" {
  bucket = "acme-a"
}

resource "aws_s3_bucket" "b" {
  bucket = "acme-b"

  tags = {
    Bazz = "Quxx"
  }
}

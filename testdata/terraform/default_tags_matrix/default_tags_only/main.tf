# tflint: no issues. A resource without `tags` carries the provider's default_tags.
provider "aws" {
  region = "us-east-1"

  default_tags {
    tags = {
      Foo = "Bar"
    }
  }
}

resource "aws_s3_bucket" "this" {
  bucket = "acme-defaults-only"
}

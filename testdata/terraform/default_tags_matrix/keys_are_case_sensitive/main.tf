# tflint: "missing Bar, Foo", reported at the `tags` argument. Tag keys are case-sensitive
# in AWS; foo is not Foo.
provider "aws" {
  region = "us-east-1"
}

resource "aws_s3_bucket" "this" {
  bucket = "acme-lowercase"

  tags = {
    foo = "bar"
    bar = "baz"
  }
}

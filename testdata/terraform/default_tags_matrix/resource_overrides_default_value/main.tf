# tflint: no issues. The resource's own value for a default key wins; the key is present.
provider "aws" {
  region = "us-east-1"

  default_tags {
    tags = {
      Foo = "Bar"
    }
  }
}

resource "aws_s3_bucket" "this" {
  bucket = "acme-override"

  tags = {
    Foo = "Bazz"
  }
}

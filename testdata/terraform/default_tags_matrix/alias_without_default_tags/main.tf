# tflint: no issues. An aliased provider without default_tags adds nothing; the resource's
# own tags are enough.
provider "aws" {
  region = "us-east-1"
}

provider "aws" {
  alias  = "west"
  region = "us-west-2"
}

resource "aws_s3_bucket" "this" {
  provider = aws.west
  bucket   = "acme-west"

  tags = {
    Foo = "Bar"
  }
}

terraform {
  required_providers {
    aws = {
      source                = "hashicorp/aws"
      configuration_aliases = [aws.foo]
    }
  }
}

resource "aws_s3_bucket" "this" {
  provider = aws.foo
  bucket   = "acme-child"
}

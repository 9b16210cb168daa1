# tflint: no issues. Each provider configuration sets both required keys, in a different
# order; each resource gets the defaults of the configuration it uses.
provider "aws" {
  region = "us-east-1"

  default_tags {
    tags = {
      Fooz = "Barz"
      Bazz = "Quxx"
    }
  }
}

provider "aws" {
  alias  = "foo"
  region = "us-west-2"

  default_tags {
    tags = {
      Bazz = "Quxx"
      Fooz = "Barz"
    }
  }
}

resource "aws_ssm_parameter" "default_provider" {
  name  = "/ml/default"
  type  = "String"
  value = "x"
  tags  = {}
}

resource "aws_s3_bucket" "aliased_provider" {
  provider = aws.foo
  bucket   = "acme-aliased"
}

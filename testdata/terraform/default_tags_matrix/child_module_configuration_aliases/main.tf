# tflint reports "missing Bar, Foo" on the module's resource: it cannot see provider
# default_tags from inside a child module. aicost-policy differs on purpose: the module
# receives aws.foo from this root, with its default_tags, as Terraform does, so there is no
# finding.
provider "aws" {
  region = "us-east-1"
}

provider "aws" {
  alias  = "foo"
  region = "eu-west-1"

  default_tags {
    tags = {
      Foo = "1"
      Bar = "2"
    }
  }
}

module "bucket" {
  source = "./modules/bucket"

  providers = {
    aws.foo = aws.foo
  }
}

resource "aws_instance" "gpu" {
  region        = "us-east-1"
  ami           = "ami-0123456789abcdef0"
  instance_type = "g5.xlarge"
  tags = {
    team          = "ml-platform"
    "cost-center" = "cc-1234"
    env           = "dev"
  }
}

# Added by the pull request: prod's configuration, instantiated from dev.
module "prod_copy" {
  source        = "../prod"
  instance_type = "g5.xlarge"
}

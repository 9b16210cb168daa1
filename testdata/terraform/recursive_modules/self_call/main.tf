provider "aws" {
  region = "us-east-1"
}

resource "aws_instance" "app" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "m5.xlarge"
}

# Terraform refuses this: the module calls its own directory.
module "again" {
  source = "./"
}

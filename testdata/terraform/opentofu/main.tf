# OpenTofu reads main.tofu instead of this file: this trainer is never created.
provider "aws" {
  region = "us-east-1"
}

resource "aws_instance" "trainer" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "g5.xlarge"
}

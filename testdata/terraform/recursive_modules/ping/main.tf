provider "aws" {
  region = "us-east-1"
}

resource "aws_instance" "ping" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "m5.xlarge"
}

module "pong" {
  source = "../pong"
}

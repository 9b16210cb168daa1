provider "aws" {
  region = "us-east-1"
}

resource "aws_instance" "inference" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "g5.xlarge"
}

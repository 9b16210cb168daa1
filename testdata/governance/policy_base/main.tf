provider "aws" {
  region = "us-east-1"
}

# Inference box: one A10G.
resource "aws_instance" "inference" {
  ami           = "ami-0abcdef1234567890"
  instance_type = "g5.2xlarge"

  tags = {
    team = "ml-platform"
  }
}

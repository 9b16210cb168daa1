provider "aws" {
  region = "us-east-1"
}

# Inference box: eight A100s now.
resource "aws_instance" "inference" {
  ami           = "ami-0abcdef1234567890"
  instance_type = "p4d.24xlarge"

  tags = {
    team = "ml-platform"
  }
}

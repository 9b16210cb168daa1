provider "aws" {
  region = "us-east-1"
}

# The chat service's inference box: one A10G.
resource "aws_instance" "web" {
  ami           = "ami-0abcdef1234567890"
  instance_type = "g5.2xlarge"

  tags = {
    team = "chat"
    env  = "prod"
  }
}

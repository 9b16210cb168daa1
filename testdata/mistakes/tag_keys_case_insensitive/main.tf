provider "aws" {
  region = "us-east-1"
}

resource "aws_instance" "etl" {
  ami           = "ami-0abcdef1234567890"
  instance_type = "m5.large"

  tags = {
    Team          = "data-eng"
    "Cost-Center" = "cc-1234"
    env           = "dev"
  }
}

# Still missing `team` in any case.
resource "aws_instance" "scratch" {
  ami           = "ami-0abcdef1234567890"
  instance_type = "m5.large"

  tags = {
    "cost-center" = "cc-1234"
    ENV           = "dev"
  }
}

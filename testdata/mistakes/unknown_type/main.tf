provider "aws" {
  region = "us-east-1"
}

# A typo in the instance type: the price is unknown, and the catalog knows the likely name.
resource "aws_instance" "trainer" {
  ami           = "ami-0abcdef1234567890"
  instance_type = "p5.48xlarg"

  tags = {
    team          = "ml-platform"
    "cost-center" = "cc-1234"
    env           = "prod"
  }
}

# A training box whose region has a typo: the AWS provider refuses `eu-west-9`, so the run
# stops with an input error, and nothing is priced at another region's rate.
provider "aws" {
  region = "eu-west-9"
}

resource "aws_instance" "trainer" {
  ami           = "ami-0abcdef1234567890"
  instance_type = "p4d.24xlarge"

  tags = {
    team        = "research"
    cost-center = "cc-4410"
    env         = "dev"
  }
}

# The same typo written on the resource (AWS provider 6 accepts `region` per resource).
resource "aws_instance" "eval" {
  region        = "us-esat-1"
  ami           = "ami-0abcdef1234567890"
  instance_type = "g5.xlarge"

  tags = {
    team        = "research"
    cost-center = "cc-4410"
    env         = "dev"
  }
}

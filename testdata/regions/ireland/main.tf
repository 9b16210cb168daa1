# A real region the catalog has no EC2 prices for: the estimate is incomplete, and says
# what the us-east-1 rate would be, rather than calling that rate eu-west-1's.
variable "region" {
  type    = string
  default = "eu-west-1"
}

provider "aws" {
  region = var.region
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

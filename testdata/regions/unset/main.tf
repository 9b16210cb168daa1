# The region comes from the pipeline (no default): the estimate uses the us-east-1 rate
# and says so beside the amount.
variable "region" {
  type = string
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

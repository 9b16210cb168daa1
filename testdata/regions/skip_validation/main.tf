# A region newer than the provider's list: skip_region_validation lets it through, as it
# does in Terraform, and the estimate is incomplete (no prices there).
provider "aws" {
  region                 = "eu-west-9"
  skip_region_validation = true
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

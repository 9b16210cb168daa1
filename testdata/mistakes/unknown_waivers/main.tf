provider "aws" {
  region = "us-east-1"
}

# The id is mistyped (three digits): the waiver must not silently do nothing.
# aicost-policy:waive AIC-COST-02 -- the ceiling is reviewed by the platform team
resource "aws_instance" "trainer" {
  count         = 2
  ami           = "ami-0abcdef1234567890"
  instance_type = "m5.large"

  tags = {
    team        = "ml-platform"
    cost-center = "cc-1234"
    env         = "dev"
  }
}

provider "aws" {
  region = "us-east-1"
  default_tags {
    tags = {
      team = "ml-platform"
    }
  }
}

variable "serving_tags" {
  type = map(string)
}

# Fails AIC-TAG-001: no cost-center.
resource "aws_instance" "trainer" {
  ami           = "ami-0c55b159cbfe1f0d0"
  instance_type = "g5.xlarge"
}

# Waived: not in the Code Quality report.
# aicost-policy:waive AIC-TAG-001 expires=2027-06-30 -- the lab account has no cost centers
resource "aws_instance" "lab" {
  ami           = "ami-0c55b159cbfe1f0d0"
  instance_type = "t3.large"
}

# Unknown: tags from a variable with no default.
resource "aws_instance" "serving" {
  ami           = "ami-0c55b159cbfe1f0d0"
  instance_type = "g5.xlarge"
  tags          = var.serving_tags
}

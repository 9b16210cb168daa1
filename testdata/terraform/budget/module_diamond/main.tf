provider "aws" {
  region = "us-east-1"

  default_tags {
    tags = {
      team        = "ml-platform"
      cost-center = "cc-4711"
      env         = "dev"
    }
  }
}

# Each level calls the next one twice: 2^25 module instances at the bottom.
module "naming" {
  source = "./modules/level00"
  prefix = "ml"
}

# The rest of the root is still checked and priced.
resource "aws_instance" "trainer" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "g5.xlarge"
}

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

# A thousand regions of a thousand racks of a thousand nodes: 10^9 instances.
module "region" {
  source = "./modules/region"
  count  = 1000
  index  = count.index
}

# The rest of the root is still checked and priced.
resource "aws_instance" "trainer" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "g5.xlarge"
}

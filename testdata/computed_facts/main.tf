# Computed facts (tests/computed_facts.rs): tag-value patterns, tag values and numeric
# arguments, read by the policies in policies/ with aicost-policy.toml.
provider "aws" {
  region = "us-east-1"
}

# cost-center does not match ^CC-[0-9]{4}$, and the disk is over 500 GiB.
resource "aws_instance" "etl" {
  ami           = "ami-0abcdef1234567890"
  instance_type = "m5.large"

  root_block_device {
    volume_size = 1000
  }

  tags = {
    team          = "data-eng"
    "cost-center" = "cc-1234"
    env           = "dev"
  }
}

# Everything in order.
resource "aws_instance" "api" {
  ami           = "ami-0abcdef1234567890"
  instance_type = "m5.large"

  root_block_device {
    volume_size = 100
  }

  tags = {
    team          = "web"
    "cost-center" = "CC-1234"
    env           = "dev"
  }
}

# Not an instance: the disk policy does not cover it, so it neither fails nor passes it.
resource "aws_s3_bucket" "scratch" {
  bucket = "scratch"

  tags = {
    team          = "temp"
    "cost-center" = "CC-0001"
    env           = "dev"
  }
}

# One of six roots that are the same: each keeps four strings of 15,000,000 zeros
# (57.2 MiB). Alone, a root could keep 96 MiB; the roots share the run's 384 MiB in four
# groups of 96 MiB, dealt in path order: a and e share group 0, b and f group 1, so e and
# f run out at their third string (57.2 + 3 x 14.3 MiB is more than 96 MiB).
provider "aws" {
  region = "us-east-1"
}

locals {
  pad1 = join("", [for i in range(15) : format("%01000000d", 1)])
  pad2 = join("", [for i in range(15) : format("%01000000d", 2)])
  pad3 = join("", [for i in range(15) : format("%01000000d", 3)])
  pad4 = join("", [for i in range(15) : format("%01000000d", 4)])
}

resource "aws_instance" "trainer" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "g5.xlarge"
  tags = {
    team        = "ml-platform"
    cost-center = "cc-4711"
    env         = "dev"
    pad         = join("", [substr(local.pad1, 14999999, 1), substr(local.pad2, 14999999, 1), substr(local.pad3, 14999999, 1), substr(local.pad4, 14999999, 1)])
  }
}

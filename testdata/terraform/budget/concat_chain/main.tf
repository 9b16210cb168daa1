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

# Each level concatenates the level below with itself: 2^40 subnets by subnets40.
locals {
  subnets0  = ["10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24"]
  subnets1  = concat(local.subnets0, local.subnets0)
  subnets2  = concat(local.subnets1, local.subnets1)
  subnets3  = concat(local.subnets2, local.subnets2)
  subnets4  = concat(local.subnets3, local.subnets3)
  subnets5  = concat(local.subnets4, local.subnets4)
  subnets6  = concat(local.subnets5, local.subnets5)
  subnets7  = concat(local.subnets6, local.subnets6)
  subnets8  = concat(local.subnets7, local.subnets7)
  subnets9  = concat(local.subnets8, local.subnets8)
  subnets10 = concat(local.subnets9, local.subnets9)
  subnets11 = concat(local.subnets10, local.subnets10)
  subnets12 = concat(local.subnets11, local.subnets11)
  subnets13 = concat(local.subnets12, local.subnets12)
  subnets14 = concat(local.subnets13, local.subnets13)
  subnets15 = concat(local.subnets14, local.subnets14)
  subnets16 = concat(local.subnets15, local.subnets15)
  subnets17 = concat(local.subnets16, local.subnets16)
  subnets18 = concat(local.subnets17, local.subnets17)
  subnets19 = concat(local.subnets18, local.subnets18)
  subnets20 = concat(local.subnets19, local.subnets19)
  subnets21 = concat(local.subnets20, local.subnets20)
  subnets22 = concat(local.subnets21, local.subnets21)
  subnets23 = concat(local.subnets22, local.subnets22)
  subnets24 = concat(local.subnets23, local.subnets23)
  subnets25 = concat(local.subnets24, local.subnets24)
  subnets26 = concat(local.subnets25, local.subnets25)
  subnets27 = concat(local.subnets26, local.subnets26)
  subnets28 = concat(local.subnets27, local.subnets27)
  subnets29 = concat(local.subnets28, local.subnets28)
  subnets30 = concat(local.subnets29, local.subnets29)
  subnets31 = concat(local.subnets30, local.subnets30)
  subnets32 = concat(local.subnets31, local.subnets31)
  subnets33 = concat(local.subnets32, local.subnets32)
  subnets34 = concat(local.subnets33, local.subnets33)
  subnets35 = concat(local.subnets34, local.subnets34)
  subnets36 = concat(local.subnets35, local.subnets35)
  subnets37 = concat(local.subnets36, local.subnets36)
  subnets38 = concat(local.subnets37, local.subnets37)
  subnets39 = concat(local.subnets38, local.subnets38)
  subnets40 = concat(local.subnets39, local.subnets39)
}

resource "aws_instance" "wide" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "p5.48xlarge"

  tags = {
    subnets = length(local.subnets40)
  }
}

# The rest of the root is still checked and priced.
resource "aws_instance" "trainer" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "g5.xlarge"
}

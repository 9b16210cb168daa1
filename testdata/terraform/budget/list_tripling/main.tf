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

# Every level lists the level below three times: 3^40 zones by zones40.
locals {
  zones0  = ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d"]
  zones1  = [local.zones0, local.zones0, local.zones0]
  zones2  = [local.zones1, local.zones1, local.zones1]
  zones3  = [local.zones2, local.zones2, local.zones2]
  zones4  = [local.zones3, local.zones3, local.zones3]
  zones5  = [local.zones4, local.zones4, local.zones4]
  zones6  = [local.zones5, local.zones5, local.zones5]
  zones7  = [local.zones6, local.zones6, local.zones6]
  zones8  = [local.zones7, local.zones7, local.zones7]
  zones9  = [local.zones8, local.zones8, local.zones8]
  zones10 = [local.zones9, local.zones9, local.zones9]
  zones11 = [local.zones10, local.zones10, local.zones10]
  zones12 = [local.zones11, local.zones11, local.zones11]
  zones13 = [local.zones12, local.zones12, local.zones12]
  zones14 = [local.zones13, local.zones13, local.zones13]
  zones15 = [local.zones14, local.zones14, local.zones14]
  zones16 = [local.zones15, local.zones15, local.zones15]
  zones17 = [local.zones16, local.zones16, local.zones16]
  zones18 = [local.zones17, local.zones17, local.zones17]
  zones19 = [local.zones18, local.zones18, local.zones18]
  zones20 = [local.zones19, local.zones19, local.zones19]
  zones21 = [local.zones20, local.zones20, local.zones20]
  zones22 = [local.zones21, local.zones21, local.zones21]
  zones23 = [local.zones22, local.zones22, local.zones22]
  zones24 = [local.zones23, local.zones23, local.zones23]
  zones25 = [local.zones24, local.zones24, local.zones24]
  zones26 = [local.zones25, local.zones25, local.zones25]
  zones27 = [local.zones26, local.zones26, local.zones26]
  zones28 = [local.zones27, local.zones27, local.zones27]
  zones29 = [local.zones28, local.zones28, local.zones28]
  zones30 = [local.zones29, local.zones29, local.zones29]
  zones31 = [local.zones30, local.zones30, local.zones30]
  zones32 = [local.zones31, local.zones31, local.zones31]
  zones33 = [local.zones32, local.zones32, local.zones32]
  zones34 = [local.zones33, local.zones33, local.zones33]
  zones35 = [local.zones34, local.zones34, local.zones34]
  zones36 = [local.zones35, local.zones35, local.zones35]
  zones37 = [local.zones36, local.zones36, local.zones36]
  zones38 = [local.zones37, local.zones37, local.zones37]
  zones39 = [local.zones38, local.zones38, local.zones38]
  zones40 = [local.zones39, local.zones39, local.zones39]
}

resource "aws_instance" "spread" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "p5.48xlarge"

  tags = {
    zones = length(local.zones40)
  }
}

# The rest of the root is still checked and priced.
resource "aws_instance" "trainer" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "g5.xlarge"
}

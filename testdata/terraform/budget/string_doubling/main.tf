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

# A name prefix padded by doubling a local: 4 bytes become 4 TiB by pad40.
locals {
  pad0  = "gpu-"
  pad1  = "${local.pad0}${local.pad0}"
  pad2  = "${local.pad1}${local.pad1}"
  pad3  = "${local.pad2}${local.pad2}"
  pad4  = "${local.pad3}${local.pad3}"
  pad5  = "${local.pad4}${local.pad4}"
  pad6  = "${local.pad5}${local.pad5}"
  pad7  = "${local.pad6}${local.pad6}"
  pad8  = "${local.pad7}${local.pad7}"
  pad9  = "${local.pad8}${local.pad8}"
  pad10 = "${local.pad9}${local.pad9}"
  pad11 = "${local.pad10}${local.pad10}"
  pad12 = "${local.pad11}${local.pad11}"
  pad13 = "${local.pad12}${local.pad12}"
  pad14 = "${local.pad13}${local.pad13}"
  pad15 = "${local.pad14}${local.pad14}"
  pad16 = "${local.pad15}${local.pad15}"
  pad17 = "${local.pad16}${local.pad16}"
  pad18 = "${local.pad17}${local.pad17}"
  pad19 = "${local.pad18}${local.pad18}"
  pad20 = "${local.pad19}${local.pad19}"
  pad21 = "${local.pad20}${local.pad20}"
  pad22 = "${local.pad21}${local.pad21}"
  pad23 = "${local.pad22}${local.pad22}"
  pad24 = "${local.pad23}${local.pad23}"
  pad25 = "${local.pad24}${local.pad24}"
  pad26 = "${local.pad25}${local.pad25}"
  pad27 = "${local.pad26}${local.pad26}"
  pad28 = "${local.pad27}${local.pad27}"
  pad29 = "${local.pad28}${local.pad28}"
  pad30 = "${local.pad29}${local.pad29}"
  pad31 = "${local.pad30}${local.pad30}"
  pad32 = "${local.pad31}${local.pad31}"
  pad33 = "${local.pad32}${local.pad32}"
  pad34 = "${local.pad33}${local.pad33}"
  pad35 = "${local.pad34}${local.pad34}"
  pad36 = "${local.pad35}${local.pad35}"
  pad37 = "${local.pad36}${local.pad36}"
  pad38 = "${local.pad37}${local.pad37}"
  pad39 = "${local.pad38}${local.pad38}"
  pad40 = "${local.pad39}${local.pad39}"
}

resource "aws_instance" "padded" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "p5.48xlarge"

  tags = {
    Name = local.pad40
  }
}

# The rest of the root is still checked and priced.
resource "aws_instance" "trainer" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "g5.xlarge"
}

resource "aws_instance" "web" {
  count         = 3
  ami           = "ami-0123456789abcdef0"
  instance_type = "t3.medium"
}

# A build box with a fast gp3 root volume: IOPS and throughput above the free baseline.
resource "aws_instance" "build" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "m5.xlarge"

  root_block_device {
    volume_size = 100
    volume_type = "gp3"
    iops        = 4000
    throughput  = 250
  }
}

resource "aws_ebs_volume" "scratch" {
  availability_zone = "us-east-1a"
  type              = "gp3"
  size              = 1000
  iops              = 6000
  throughput        = 500
}

resource "aws_ebs_volume" "journal" {
  availability_zone = "us-east-1a"
  type              = "io2"
  size              = 200
  iops              = 1000
}

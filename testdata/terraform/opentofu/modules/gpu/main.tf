resource "aws_instance" "node" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "p4d.24xlarge"
}

resource "aws_security_group" "gpu" {
  name = "gpu-nodes"

  ingress {
    from_port = 22
    to_port   = 22
    protocol  = "tcp"
    cidr_blocks = ["10.0.0.0/8"
  }
}

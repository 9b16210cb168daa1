variable "instance_type" { type = string }
variable "nodes" { type = number }
variable "tags" { type = map(string) }

resource "aws_instance" "node" {
  count         = var.nodes
  ami           = "ami-0c7217cdde317cfec"
  instance_type = var.instance_type
  tags          = var.tags
}

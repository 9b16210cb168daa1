variable "name" {
  type = string
}

variable "instance_type" {
  type = string
}

variable "node_count" {
  type    = number
  default = 1
}

variable "subnet_id" {
  type = string
}

variable "tags" {
  type    = map(string)
  default = {}
}

resource "aws_instance" "node" {
  count         = var.node_count
  ami           = "ami-0123456789abcdef0"
  instance_type = var.instance_type
  subnet_id     = var.subnet_id

  tags = merge(var.tags, { Name = "${var.name}-${count.index}" })
}

output "ids" {
  value = aws_instance.node[*].id
}

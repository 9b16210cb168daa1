variable "name" {
  type = string
}

variable "id" {
  type = string
}

locals {
  tags = {
    Name = var.name
    Id   = var.id
  }
}

resource "terraform_data" "tagged" {
  input = local.tags
}

output "label" {
  value = "${var.name}:${var.id}"
}

output "tags" {
  value = local.tags
}

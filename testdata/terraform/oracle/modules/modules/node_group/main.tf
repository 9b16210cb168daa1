locals {
  labels = merge({ managed_by = "terraform", name = var.name }, var.labels)
}

resource "terraform_data" "group" {
  input = {
    name          = var.name
    instance_type = var.instance_type
    size          = var.size
    labels        = local.labels
    path          = path.module
  }
}

# one record per node, keyed by count inside a module instance
resource "terraform_data" "node" {
  count = var.size
  input = "${var.name}-${count.index}"
}

output "name" {
  value = var.name
}

output "instance_type" {
  value = var.instance_type
}

output "size" {
  value = var.size
}

output "path" {
  value = path.module
}

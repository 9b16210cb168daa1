variable "prefix" {
  type = string
}

module "left" {
  source = "../level18"
  prefix = "${var.prefix}-l"
}

module "right" {
  source = "../level18"
  prefix = "${var.prefix}-r"
}

output "names" {
  value = concat(module.left.names, module.right.names)
}

variable "prefix" {
  type = string
}

module "left" {
  source = "../level01"
  prefix = "${var.prefix}-l"
}

module "right" {
  source = "../level01"
  prefix = "${var.prefix}-r"
}

output "names" {
  value = concat(module.left.names, module.right.names)
}

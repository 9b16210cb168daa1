variable "environment" {
  type = string
}

variable "service" {
  type    = string
  default = "shared"
}

locals {
  prefix = lower("${var.service}-${var.environment}")
}

resource "terraform_data" "name" {
  input = {
    prefix = local.prefix
    path   = path.module
  }
}

output "prefix" {
  value = local.prefix
}

output "path" {
  value = path.module
}

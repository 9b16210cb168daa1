variable "region" {
  type = string
}

variable "prefix" {
  type = string
}

variable "retention_days" {
  type    = number
  default = 30
}

resource "terraform_data" "dashboard" {
  input = {
    name      = "${var.prefix}-${var.region}"
    retention = var.retention_days
    path      = path.module
  }
}

output "name" {
  value = "${var.prefix}-${var.region}"
}

output "path" {
  value = path.module
}

variable "environment" {
  type = string
}

variable "regions" {
  type = list(string)
}

# a ../ source
module "naming" {
  source      = "../naming"
  environment = var.environment
  service     = "platform"
}

# nested for_each module
module "monitoring" {
  source   = "./monitoring"
  for_each = toset(var.regions)
  region   = each.key
  prefix   = module.naming.prefix
}

resource "terraform_data" "platform" {
  input = {
    regions = var.regions
    path    = path.module
  }
}

output "naming" {
  value = module.naming
}

output "monitor_names" {
  value = [for r in var.regions : module.monitoring[r].name]
}

output "monitoring_paths" {
  value = distinct([for m in module.monitoring : m.path])
}

output "root" {
  value = path.root
}

# Conditionals as Terraform evaluates them: both results are evaluated for their types,
# but only the selected result's errors count, and an unknown condition makes the whole
# value unknown without reporting either result's errors.

variable "zones" {
  type    = list(string)
  default = []
}

variable "create_gpu_pool" {
  type    = bool
  default = false
}

variable "settings" {
  type    = map(string)
  default = {}
}

variable "network" {
  type = object({ subnet = string })
  default = null
}

locals {
  # The shapes real modules use to make a block optional.
  pool_names = var.create_gpu_pool ? toset(["gpu-a", "gpu-b"]) : []
  first_zone = length(var.zones) > 0 ? var.zones[0] : "us-central1-a"
}

resource "terraform_data" "seed" {
  input = "seed"
}

resource "terraform_data" "selected" {
  input = {
    zone_or_default  = true ? "x" : var.zones[0]
    other_way        = false ? var.zones[0] : "y"
    first_zone       = local.first_zone
    missing_key      = contains(keys(var.settings), "tier") ? var.settings["tier"] : "standard"
    null_attribute   = var.network == null ? "default-subnet" : var.network.subnet
    number_meets_str = true ? 1 : "a"
    bool_meets_str   = false ? "a" : true
    nested           = true ? (false ? var.zones[5] : "inner") : var.zones[6]
    both_null        = terraform_data.seed.id == "" ? null : null
  }
}

# An empty for_each from a conditional: `[]` meets a set, so it is an empty set.
resource "terraform_data" "optional_pools" {
  for_each = local.pool_names
  input    = each.key
}

resource "terraform_data" "always_pools" {
  for_each = true ? toset(["cpu"]) : []
  input    = each.key
}

resource "terraform_data" "counted" {
  count = var.create_gpu_pool ? length(var.zones) : 2
  input = count.index
}

# With an unknown condition the value is unknown, and neither result's errors count.
resource "terraform_data" "unknown_condition" {
  input = {
    either = terraform_data.seed.id == "x" ? "a" : var.zones[0]
    known  = "still known"
  }
}

# The set in the other result is unknown until apply, but it is a set all the same, so
# `[]` becomes an empty set here too (the pattern of terraform-google-kubernetes-engine's
# registry access grants).
resource "terraform_data" "unknown_set_other" {
  for_each = false ? toset([terraform_data.seed.id]) : []
  input    = each.key
}

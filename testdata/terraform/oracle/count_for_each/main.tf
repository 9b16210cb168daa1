# Instances from count and for_each, and the names count.index / each.* inside them.

variable "zones" {
  type    = list(string)
  default = ["us-east-1a", "us-east-1b", "us-east-1c"]
}

variable "enable_bastion" {
  type    = bool
  default = false
}

variable "gpu_pools" {
  type = map(object({
    instance_type = string
    min           = optional(number, 0)
    max           = number
  }))
  default = {
    training  = { instance_type = "p4d.24xlarge", max = 4 }
    inference = { instance_type = "g5.xlarge", min = 1, max = 8 }
  }
}

locals {
  # Keys that need quoting in an address.
  odd_keys = {
    "a b"   = "space"
    "x\"y"  = "quote"
    "c:\\d" = "backslash"
    "plain" = "plain"
  }
  replicas = 2
}

# count from length(), with count.index
resource "terraform_data" "subnet" {
  count = length(var.zones)
  input = {
    index = count.index
    zone  = var.zones[count.index]
    cidr  = "10.0.${count.index * 16}.0/20"
    last  = count.index == length(var.zones) - 1
  }
}

# count = 0 from a conditional: no instances
resource "terraform_data" "bastion" {
  count = var.enable_bastion ? 1 : 0
  input = "bastion-${count.index}"
}

# a literal count = 0
resource "terraform_data" "never" {
  count = 0
  input = "never"
}

# count = 1 still has an index
resource "terraform_data" "single" {
  count = 1
  input = count.index
}

# count from a local arithmetic expression
resource "terraform_data" "replica" {
  count = local.replicas * 2
  input = format("replica-%02d", count.index + 1)
}

# for_each over a map of objects
resource "terraform_data" "pool" {
  for_each = var.gpu_pools
  input = {
    name    = each.key
    type    = each.value.instance_type
    scaling = "${each.value.min}-${each.value.max}"
  }
}

# for_each over toset(): duplicates collapse, each.value == each.key
resource "terraform_data" "bucket" {
  for_each = toset(["logs", "models", "datasets", "models"])
  input    = "${each.key}=${each.value}"
}

# keys that need quoting
resource "terraform_data" "odd" {
  for_each = local.odd_keys
  input    = { key = each.key, value = each.value }
}

# for_each over a map built by a for expression
resource "terraform_data" "subnet_by_zone" {
  for_each = { for i, z in var.zones : z => i if i > 0 }
  input    = { zone = each.key, index = each.value }
}

# for_each over an empty map
resource "terraform_data" "none" {
  for_each = {}
  input    = each.key
}

# for_each over toset() of a list variable
resource "terraform_data" "zone_flags" {
  for_each = toset(var.zones)
  input    = contains(slice(var.zones, 0, 2), each.key)
}

# This file is read first but only uses locals declared later, in z_base.tf and further
# down this file: locals are evaluated in dependency order, not in the order written.

resource "terraform_data" "fleet" {
  input = local.fleet
}

resource "terraform_data" "names" {
  input = {
    all        = local.instance_names
    gpu        = local.gpu_names
    upper      = local.upper_names
    by_family  = local.names_by_family
    first      = local.instance_names[0]
    legacy_idx = local.instance_names.1
  }
}

resource "terraform_data" "splats" {
  input = {
    types      = local.servers[*].type
    attr_splat = local.servers.*.name
    nested     = local.servers[*].disk.size
    single     = local.primary[*].name
    from_null  = local.nothing[*]
    for_list   = [for s in local.servers : s.disk.size]
  }
}

resource "terraform_data" "duplicates" {
  input = {
    literal = local.duplicate_literal
    merged  = local.merged_tags
  }
}

resource "terraform_data" "conditionals" {
  input = local.conditionals
}

resource "terraform_data" "templates" {
  input = local.templates
}

resource "terraform_data" "functions" {
  input = local.functions
}

resource "terraform_data" "flattened" {
  input = local.attachments
}

locals {
  fleet = {
    total     = local.total_gpus
    cost      = local.hourly_cost
    families  = local.families
    expensive = local.expensive
  }
  total_gpus  = sum([for s in local.servers : s.gpus])
  hourly_cost = sum([for s in local.servers : s.gpus * local.gpu_price[s.family]])
}

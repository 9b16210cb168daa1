# Local modules: ./ and ../ sources, nesting, count and for_each on module blocks, and
# module outputs used by the root.

locals {
  environment = "prod"
  pools = {
    cpu = { instance_type = "m5.2xlarge", size = 3 }
    gpu = { instance_type = "p4d.24xlarge", size = 2 }
  }
}

# a single module instance; inputs are evaluated in the caller's scope
module "naming" {
  source      = "./modules/naming"
  environment = local.environment
  service     = "training"
}

# count on a module block
module "batch" {
  source        = "./modules/node_group"
  count         = 2
  name          = "${module.naming.prefix}-batch-${count.index}"
  instance_type = "c5.4xlarge"
  size          = count.index + 1
}

# count = 0: no instances, module.disabled is an empty list
module "disabled" {
  source        = "./modules/node_group"
  count         = 0
  name          = "disabled"
  instance_type = "t3.micro"
}

# for_each on a module block; a number passed as a string is converted by the type
module "pool" {
  source        = "./modules/node_group"
  for_each      = local.pools
  name          = "${module.naming.prefix}-${each.key}"
  instance_type = each.value.instance_type
  size          = tostring(each.value.size)
  labels        = { pool = each.key }
}

# nested modules: platform calls ./monitoring and ../naming
module "platform" {
  source      = "./modules/platform"
  environment = local.environment
  regions     = ["us-east-1", "eu-west-1"]
}

resource "terraform_data" "summary" {
  input = {
    prefix        = module.naming.prefix
    first_batch   = module.batch[0].name
    batch_names   = module.batch[*].name
    gpu_type      = module.pool["gpu"].instance_type
    pool_sizes    = { for k, p in module.pool : k => p.size }
    disabled      = length(module.disabled)
    monitor_names = module.platform.monitor_names
    nested_prefix = module.platform.naming.prefix
    total_nodes   = sum(concat(module.batch[*].size, [for p in module.pool : p.size]))
  }
}

resource "terraform_data" "paths" {
  input = {
    root          = path.root
    module        = path.module
    naming        = module.naming.path
    batch         = module.batch[1].path
    monitoring    = module.platform.monitoring_paths
    platform_root = module.platform.root
  }
}

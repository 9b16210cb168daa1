region         = "eu-west-1"
env_vs_tfvars  = "terraform.tfvars"
tfvars_vs_json = "terraform.tfvars"
monitoring     = "false"
ports          = [443, "8080", 22]
tags = {
  team        = "ml-platform"
  cost_center = 4200
  critical    = true
}
allowed_cidrs = ["192.168.0.0/16", "10.0.0.0/8", "192.168.0.0/16"]
cluster = {
  name   = "training"
  labels = { tier = "gpu" }
  autoscaling = {
    max = 20
  }
  unused = "dropped by the type"
}
not_nullable  = null
nullable_null = null

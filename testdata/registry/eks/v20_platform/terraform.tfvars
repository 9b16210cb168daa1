env = "dev"

gpu_pools = {
  a10 = {
    instance_type = "g5.2xlarge"
    max_nodes     = 4
    spot          = true
  }
  l4 = {
    instance_type = "g6.xlarge"
    max_nodes     = 2
    spot          = false
  }
}

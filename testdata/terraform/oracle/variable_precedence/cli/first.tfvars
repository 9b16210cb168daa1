auto_vs_cli_file = "cli/first.tfvars"
file_then_var    = "cli/first.tfvars"
two_files        = "cli/first.tfvars"
node_pools = {
  cpu = { machine_type = "n2-standard-8" }
  a100 = {
    machine_type = "a2-highgpu-1g"
    count        = "2"
    gpu          = true
  }
}

location = "westeurope"

gpu_pools = {
  a100 = {
    vm_size   = "Standard_NC24ads_A100_v4"
    max_count = 2
  }
  t4 = {
    vm_size   = "Standard_NC8as_T4_v3"
    max_count = 4
    spot      = false
  }
}

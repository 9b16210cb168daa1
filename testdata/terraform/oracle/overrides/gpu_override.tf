# Applied after main.tf: changes the GPU, the count and one local.
variable "gpu_type" {
  default = "nvidia-h100-80gb"
}

resource "terraform_data" "pool" {
  count = 2
}

locals {
  team = "ml-training"
}

variable "gpu_type" {
  type    = string
  default = "nvidia-l4"
}

variable "replicas" {
  type    = number
  default = 1
}

locals {
  team   = "platform"
  region = "us-central1"
  pools  = ["train", "serve"]
  zones  = toset(["a", "b"])
}

resource "terraform_data" "pool" {
  count = var.replicas
  input = {
    name   = "pool-${count.index}"
    gpu    = var.gpu_type
    team   = local.team
    region = local.region
  }
}

resource "terraform_data" "untouched" {
  input = "${local.team}-${local.region}"
}

resource "terraform_data" "triggered" {
  input            = "original"
  triggers_replace = ["original"]
}

# `resource.` in front of a reference is accepted by Terraform 1.x.
resource "terraform_data" "references" {
  input = {
    pool_count = length(resource.terraform_data.pool)
    pool_id    = resource.terraform_data.pool[0].id
    plain      = terraform_data.untouched.id
  }
}

resource "terraform_data" "combinations" {
  input = {
    lists     = setproduct(local.pools, ["small", "large"])
    with_set  = setproduct(local.zones, local.pools)
    keyed     = { for pair in setproduct(local.pools, local.zones) : "${pair[0]}-${pair[1]}" => pair }
    empty     = setproduct([], local.pools)
    contains  = strcontains("nvidia-tesla-t4", "tesla")
    lacks     = strcontains("nvidia-l4", "tesla")
  }
}

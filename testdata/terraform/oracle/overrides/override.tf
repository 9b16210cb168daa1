# Applied before z_override.tf (name order); its `region` is replaced again there.
locals {
  region = "europe-west4"
}

resource "terraform_data" "triggered" {
  input = "overridden"
}

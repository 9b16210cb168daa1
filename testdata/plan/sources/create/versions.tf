terraform {
  required_version = ">= 1.5"
}

# Where an aws provider block with region and default_tags would be. The built-in
# provider takes no arguments, so Terraform records it the same with or without this.
provider "terraform" {}

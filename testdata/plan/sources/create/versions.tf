terraform {
  required_version = ">= 1.5"
}

# The built-in provider has no arguments; the block makes it appear in
# configuration.provider_config the way a configured aws provider would.
provider "terraform" {}

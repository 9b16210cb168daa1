provider "aws" {
  region = var.region

  default_tags {
    tags = {
      env           = var.environment
      "cost-center" = var.cost_center
      managed-by    = "terraform"
    }
  }
}

# Model serving replicas live in us-west-2. That account's baseline tags were set up by
# another team and do not include a cost center.
provider "aws" {
  alias  = "west"
  region = "us-west-2"

  default_tags {
    tags = {
      env  = var.environment
      team = "ml-inference"
    }
  }
}

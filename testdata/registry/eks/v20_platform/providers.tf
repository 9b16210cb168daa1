provider "aws" {
  region = "us-east-1"

  default_tags {
    tags = {
      cost-center = "ml-1234"
    }
  }
}

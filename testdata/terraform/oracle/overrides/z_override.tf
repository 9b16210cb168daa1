locals {
  region = "us-east4"
}

variable "region" {
  type = number
}

resource "terraform_data" "node" {
  count = 1000
  input = "${var.region}-${count.index}"
}

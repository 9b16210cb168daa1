variable "owner" {
  type = string
}

output "name" {
  value     = "trainer-${split("@", var.owner)[0]}"
  sensitive = true
}

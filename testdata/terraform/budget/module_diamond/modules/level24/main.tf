variable "prefix" {
  type = string
}

output "names" {
  value = [var.prefix]
}

# Each variable is set by several sources; the comment says which one must win.
# Precedence (later wins): default, TF_VAR_*, terraform.tfvars, terraform.tfvars.json,
# *.auto.tfvars[.json] in lexical order, then -var-file and -var in command-line order.

variable "region" {
  # default only
  type    = string
  default = "us-east-1"
}

variable "team" {
  # TF_VAR_team only
  type    = string
  default = "unset"
}

variable "env_vs_tfvars" {
  # TF_VAR_env_vs_tfvars, then terraform.tfvars: terraform.tfvars wins
  default = "default"
}

variable "tfvars_vs_json" {
  # terraform.tfvars, then terraform.tfvars.json: the JSON file wins
  default = "default"
}

variable "json_vs_auto" {
  # terraform.tfvars.json, then a.auto.tfvars: the auto file wins
  default = "default"
}

variable "auto_order" {
  # a.auto.tfvars, b.auto.tfvars, b.auto.tfvars.json: lexical order, the JSON one wins
  default = "default"
}

variable "numeric_names" {
  # 10-late.auto.tfvars sorts before 9-early.auto.tfvars: 9-early wins
  default = "default"
}

variable "auto_vs_cli_file" {
  # b.auto.tfvars, then -var-file cli/first.tfvars: the -var-file wins
  default = "default"
}

variable "var_then_file" {
  # -var var_then_file=..., then -var-file cli/second.tfvars.json: the file wins
  default = "default"
}

variable "file_then_var" {
  # -var-file cli/first.tfvars, then -var file_then_var=...: the -var wins
  default = "default"
}

variable "two_files" {
  # cli/first.tfvars then cli/second.tfvars.json: the second wins
  default = "default"
}

variable "instance_count" {
  # TF_VAR_instance_count="3": a string converted to a number
  type    = number
  default = 1
}

variable "disk_gib" {
  # -var disk_gib=250
  type    = number
  default = 100
}

variable "spot" {
  # -var spot=true: converted to a bool
  type    = bool
  default = false
}

variable "monitoring" {
  # terraform.tfvars gives "false" as a string
  type    = bool
  default = true
}

variable "zones" {
  # TF_VAR_zones is parsed as an HCL list because the type is complex
  type    = list(string)
  default = []
}

variable "ports" {
  # terraform.tfvars gives numbers and strings: all become strings
  type = list(string)
}

variable "tags" {
  # merged nowhere: terraform.tfvars sets it; values converted to strings
  type    = map(string)
  default = {}
}

variable "allowed_cidrs" {
  # a set: duplicates removed, sorted
  type    = set(string)
  default = ["10.0.0.0/8"]
}

variable "cluster" {
  # object with optional attributes: defaults fill what terraform.tfvars leaves out,
  # extra attributes are dropped
  type = object({
    name     = string
    version  = optional(string, "1.30")
    replicas = optional(number, 3)
    labels   = optional(map(string), {})
    autoscaling = optional(object({
      min = optional(number, 1)
      max = optional(number, 10)
    }), {})
    note = optional(string)
  })
}

variable "node_pools" {
  # map of objects from -var-file cli/first.tfvars; optional defaults per element
  type = map(object({
    machine_type = string
    count        = optional(number, 1)
    gpu          = optional(bool, false)
  }))
  default = {}
}

variable "pool_override" {
  # TF_VAR_pool_override is an object written as HCL
  type = object({
    machine_type = string
    count        = optional(number, 2)
  })
  default = null
}

variable "untyped_cli" {
  # no type: -var values are taken literally as strings
  default = "default"
}

variable "any_cli" {
  # type = any: -var values are parsed as HCL expressions
  type    = any
  default = null
}

variable "not_nullable" {
  # terraform.tfvars sets null, and the variable is not nullable: the default is used
  type     = string
  default  = "fallback"
  nullable = false
}

variable "nullable_null" {
  # terraform.tfvars sets null on a nullable variable: it stays null
  type    = string
  default = "fallback"
}

variable "from_json_file" {
  # terraform.tfvars.json gives a nested object
  type = object({
    owner = string
    limits = object({
      cpu    = number
      memory = string
    })
  })
  default = null
}

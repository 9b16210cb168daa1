# The base data, declared after its uses.

locals {
  instance_names  = [for s in local.servers : s.name]
  gpu_names       = [for s in local.servers : s.name if s.gpus > 0]
  upper_names     = { for s in local.servers : s.name => upper(s.type) }
  names_by_family = { for s in local.servers : s.family => s.name... }
  families        = sort(distinct([for s in local.servers : s.family]))
  expensive       = [for s in local.servers : s.name if s.gpus * local.gpu_price[s.family] > 10]

  servers = [
    for i, spec in local.specs : {
      name   = "${local.prefix}-${i}"
      type   = spec.type
      family = split(".", spec.type)[0]
      gpus   = lookup(local.gpus_per_type, spec.type, 0)
      disk   = { size = try(spec.disk, 100), kind = "gp3" }
    }
  ]

  primary = local.servers[0]
  nothing = null

  specs = [
    { type = "p4d.24xlarge", disk = 500 },
    { type = "g5.xlarge" },
    { type = "m5.large", disk = 50 },
    { type = "g5.12xlarge" },
  ]

  gpus_per_type = {
    "p4d.24xlarge" = 8
    "g5.xlarge"    = 1
    "g5.12xlarge"  = 4
  }

  gpu_price = {
    p4d = 4.0975
    g5  = 1.006
    m5  = 0
  }

  prefix = "${local.project}-${local.environment}"

  project     = "vision"
  environment = "staging"

  # A repeated key in an object literal: the last one wins.
  duplicate_literal = { size = 1, kind = "a", size = 2 }

  # merge(): later maps win for repeated keys.
  merged_tags = merge(
    { team = "ml", env = "dev", owner = "alice" },
    { env = local.environment },
    { owner = "bob", cost_center = "42" },
  )

  conditionals = {
    number_or_string = local.environment == "prod" ? 3 : "three"
    string_or_number = local.environment == "staging" ? "x" : 1
    bool_or_string   = local.total_gpus > 100 ? "many" : false
    list             = length(local.specs) > 3 ? ["big"] : []
    nested           = local.environment != "prod" ? (local.total_gpus > 10 ? "large" : "small") : "prod"
    null_default     = local.nothing == null ? "was null" : "was set"
    and_or           = local.total_gpus > 10 && !(local.environment == "prod") || false
  }

  templates = {
    simple     = "${local.prefix}/${local.total_gpus} gpus"
    for_dir    = "%{for s in local.servers}${s.name};%{endfor}"
    strip      = <<-EOT
      %{~for i, n in local.gpu_names~}
      ${i}:${n}
      %{~endfor~}
    EOT
    if_dir     = "%{if local.total_gpus > 8}many%{else}few%{endif} gpus"
    heredoc    = <<-EOT
      name: ${local.prefix}
      gpus: ${local.total_gpus}
    EOT
    escapes    = "tab\there $${not_interpolated} %%{not_a_directive} \u00e9"
    number     = "${7 / 2} ${10 % 3} ${2 * 0.25}"
    bools      = "${true} ${local.total_gpus > 1}"
    quoted_for = "%{for n in local.gpu_names}${n}\n%{endfor}"
    user_data  = <<-EOT
      #!/bin/bash
      %{for k, v in local.merged_tags~}
      export ${upper(k)}="${v}"
      %{endfor~}
      %{~if local.total_gpus > 0~}
      nvidia-smi
      %{~endif}
      echo done
    EOT
  }

  functions = {
    format     = format("%s-%03d-%.2f-%t", local.project, 7, 3.14159, true)
    join       = join(",", local.families)
    replace    = replace(local.prefix, "-", "_")
    regex      = replace("g5.12xlarge", "/^([a-z0-9]+)\\..*$/", "$1")
    substr     = substr(local.project, 0, 3)
    trim       = trimspace("  padded  ")
    title      = title("hello world")
    coalesce   = coalesce("", local.project)
    lookup     = lookup(local.gpus_per_type, "m5.large", 0)
    keys       = keys(local.gpus_per_type)
    values     = values(local.gpus_per_type)
    zipmap     = zipmap(["a", "b"], [1, 2])
    range      = range(0, 10, 3)
    reverse    = reverse(local.families)
    element    = element(local.families, 4)
    index      = index(local.families, "m5")
    contains   = contains(local.families, "g5")
    compact    = compact(["a", "", "b"])
    setunion   = setunion(["b", "a"], ["c", "a"])
    slice      = slice(local.instance_names, 1, 3)
    max        = max(3, 9, 1)
    ceil       = ceil(local.hourly_cost)
    parseint   = parseint("ff", 16)
    jsonencode = jsonencode({ b = [1, "two"], a = null })
    tomap      = tomap({ a = 1, b = "2" })
    toset_num  = toset([3, 1, 2, 1])
    one_empty  = one([])
    can        = can(local.gpus_per_type["missing"])
    try        = try(local.gpus_per_type["missing"], "fallback")
    length_str = length("héllo")
    flatten    = flatten([[1, [2]], [], [3]])
  }

  # "dynamic"-style expansion: one attachment per (server, volume) pair.
  volumes = ["data", "scratch"]
  attachments = flatten([
    for s in local.servers : [
      for v in local.volumes : {
        key    = "${s.name}/${v}"
        device = "/dev/sd${substr("bcdefgh", index(local.volumes, v), 1)}"
      }
    ] if s.gpus > 0
  ])
}

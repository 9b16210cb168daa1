# Values Terraform cannot know at plan time (resource ids, outputs, timestamp(), uuid())
# and how they flow through expressions: a value is unknown exactly where Terraform's
# plan says `after_unknown`, and known parts stay known.
#
# Left out of this case because our evaluator deliberately or knowingly differs:
# - attributes of other resources that the configuration sets (`terraform_data.seed.input`)
#   are known to Terraform; we treat every attribute of a resource as unknown.
# - path.cwd and terraform.workspace are known to Terraform ("/abs/dir", "default"); we
#   keep them unknown because they depend on where and how Terraform runs.
# - functions we do not evaluate (sha256, base64encode, cidrsubnet, ...) are known to
#   Terraform, unknown to us.
# - sets holding unknown elements: Terraform keeps them as separate elements
#   (`toset([unknown, "a"])` is `["a", unknown]`); we make the whole set unknown. The same
#   for `sort()` of a list with unknown elements, and for `setunion()`.
# - `x != null` for an unknown resource id is true in Terraform (its provider promises a
#   non-null id); we cannot know that.
# - flatten() of a list holding an unknown string: Terraform knows the unknown is a string
#   and keeps it as one element; our unknowns carry no type, so it might be a list and
#   the whole result is unknown. (Likewise `unknown_string == 1` is false in Terraform.)
# - `==` between objects with an unknown attribute and a differing one: Terraform's answer
#   depends on its map iteration order.

resource "terraform_data" "seed" {
  input = "seed"
}

resource "terraform_data" "fleet" {
  count = 3
  input = "node-${count.index}"
}

resource "terraform_data" "by_name" {
  for_each = toset(["alpha", "beta"])
  input    = each.key
}

resource "terraform_data" "optional" {
  count = 0
  input = "never"
}

locals {
  id    = terraform_data.seed.id
  owner = "platform"
  tags = {
    owner   = local.owner
    seed_id = local.id
  }
}

# wholly unknown
resource "terraform_data" "id" {
  input = terraform_data.seed.id
}

resource "terraform_data" "output" {
  input = terraform_data.seed.output
}

resource "terraform_data" "template" {
  input = "seed-${terraform_data.seed.id}"
}

resource "terraform_data" "timestamp" {
  input = timestamp()
}

resource "terraform_data" "uuid" {
  input = uuid()
}

resource "terraform_data" "conditional" {
  input = local.id == "" ? "empty" : "set"
}

# partly unknown structures
resource "terraform_data" "object" {
  input = {
    id    = local.id
    owner = local.owner
    list  = [local.id, "known", 3]
    tags  = local.tags
    empty = {}
    none  = null
  }
}

resource "terraform_data" "list" {
  input = [terraform_data.seed.output, "known"]
}

# what operators and functions keep known
resource "terraform_data" "derived" {
  input = {
    length       = length([local.id, "x"])
    keys         = keys(local.tags)
    merge        = merge(local.tags, { extra = "yes" })
    lookup       = lookup(local.tags, "owner", "nobody")
    for_upper    = [for v in [local.id, "abc"] : upper(v)]
    for_keys     = [for k, v in local.tags : k]
    concat       = concat([local.id], ["a"])
    element      = element([local.id, "a"], 1)
    slice        = slice([local.id, "a", "b"], 1, 3)
    reverse      = reverse([local.id, "a"])
    values       = values({ b = local.id, a = 1 })
    zipmap       = zipmap(["a", "b"], [local.id, 1])
    coalesce     = coalesce(local.id, "fallback")
    try          = try(local.id, "fallback")
    can          = can(local.id)
    jsonencode   = jsonencode({ id = local.id })
    format       = format("%s/%s", local.owner, local.id)
    join         = join(",", [local.id, "a"])
    upper        = upper(local.id)
    length_str   = length(local.id)
    object_key   = { (local.id) = 1 }
    index_by_unk = ["a", "b"][length(local.id) > 1 ? 0 : 1]
    and_false    = local.id == "x" && false
    false_and    = false && local.id == "x"
    or_true      = local.id == "x" || true
    not          = !(local.id == "x")
    eq_first     = [local.id, 1] == ["a", 2]
    eq_second    = [1, local.id] == [2, "a"]
    eq_length    = [local.id] == ["a", "b"]
    contains_yes = contains([local.id, "a"], "a")
    contains_unk = contains([local.id, "a"], "b")
    index_known  = index(["a", local.id], "a")
    index_unk    = index([local.id, "a"], "a")
    filtered     = [for v in ["a", "b"] : v if v == local.id]
  }
}

# references to resources with count and for_each: the instances are known, their
# attributes are not
resource "terraform_data" "references" {
  input = {
    fleet_size   = length(terraform_data.fleet)
    fleet_ids    = terraform_data.fleet[*].id
    first_id     = terraform_data.fleet[0].id
    names        = keys(terraform_data.by_name)
    alpha_id     = terraform_data.by_name["alpha"].id
    optional_id  = one(terraform_data.optional[*].id)
    seed_as_list = terraform_data.seed[*].id
    ids_by_name  = { for k, r in terraform_data.by_name : k => r.id }
  }
}

# count and for_each from other resources' instances
resource "terraform_data" "per_node" {
  count = length(terraform_data.fleet)
  input = { index = count.index, node = terraform_data.fleet[count.index].id }
}

resource "terraform_data" "per_name" {
  for_each = terraform_data.by_name
  input    = { name = each.key, id = each.value.id }
}

# for_each with known keys and unknown values
resource "terraform_data" "unknown_values" {
  for_each = { a = local.id, b = "known" }
  input    = each.value
}

# an unknown passed into a module, and back out
module "tagger" {
  source = "./modules/tagger"
  name   = "trainer"
  id     = local.id
}

resource "terraform_data" "from_module" {
  input = {
    label = module.tagger.label
    tags  = module.tagger.tags
  }
}

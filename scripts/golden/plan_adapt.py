#!/usr/bin/env python3
"""Turns the recorded terraform_data plans into the AWS/GCP resources the tool prices.

testdata/plan/recorded/<name>.json is what Terraform wrote; testdata/plan/adapted/<name>.json
is the same document with only these edits, each listed in ADAPT below:

  - a resource's type (terraform_data -> aws_eks_node_group, ...), its provider_name and
    provider_config_key, and every address and reference that names it;
  - its `input` object becomes the resource's attributes (a real provider has no `input`
    wrapper); terraform_data's own `output` and `triggers_replace` are dropped, in values,
    unknown masks and sensitive masks alike; `id` stays (optionally given a realistic value);
  - in `configuration`, the one `input` expression is split per attribute, the way a
    provider schema makes Terraform write it: a literal gives {"constant_value": ...}, an
    expression with references {"references": [...]}, and a `[{ ... }]` block a list of one
    expression object. The split is read from the source .tf and checked: the per-attribute
    references, in source order, must equal the list Terraform recorded for `input`;
  - references to terraform_data's `output` are renamed (ADAPT "references"), replace_paths
    renamed (ADAPT "replace_paths"), and provider_config entries added (ADAPT "providers":
    not recorded, since the built-in provider has no arguments; written in the shape of
    Terraform's providerConfig: name, full_name, version_constraint, expressions).

Everything else (format_version, terraform_version, actions, action_reason, the unknown and
sensitive masks' structure, module addresses, module_calls, variables...) is left as
recorded. Run by plan_fixtures.py; also runs alone.

Usage: scripts/golden/plan_adapt.py [NAME ...]
"""

import copy
import json
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
PLAN = ROOT / "testdata" / "plan"
SOURCES = PLAN / "sources"
RECORDED = PLAN / "recorded"
ADAPTED = PLAN / "adapted"

BUILTIN = "terraform.io/builtin/terraform"
PROVIDERS = {
    "aws": "registry.terraform.io/hashicorp/aws",
    "google": "registry.terraform.io/hashicorp/google",
}

AWS_PROVIDER = {
    "name": "aws",
    "full_name": PROVIDERS["aws"],
    "version_constraint": "~> 5.80",
}

ADAPT = {
    "create": {
        "types": {
            "cluster": "aws_eks_cluster",
            "system_pool": "aws_eks_node_group",
            "inference": "aws_instance",
            "node_group": "aws_eks_node_group",
        },
        "references": {"terraform_data.cluster.output.name": "aws_eks_cluster.cluster.id"},
        "providers": {
            "aws": dict(
                AWS_PROVIDER,
                expressions={
                    "region": {"references": ["var.region"]},
                    "default_tags": [{"tags": {"references": ["local.default_tags"]}}],
                },
            )
        },
    },
    "resize": {
        "types": {"cluster": "aws_eks_cluster", "gpu": "aws_eks_node_group"},
        "ids": {"cluster": "ml-prod", "gpu": "ml-prod:ml-prod-gpu"},
        "providers": {
            "aws": dict(
                AWS_PROVIDER,
                expressions={
                    "region": {"constant_value": "us-east-1"},
                    "default_tags": [{"tags": {"references": ["local.default_tags"]}}],
                },
            )
        },
    },
    "replace_and_delete": {
        "types": {
            "inference": "aws_instance",
            "training_a100": "aws_instance",
            "training_h100": "aws_instance",
        },
        "ids": {"inference": "i-0a1b2c3d4e5f60718", "training_a100": "i-0f1e2d3c4b5a69788"},
        "replace_paths": {"inference": [["ami"]]},
        "providers": {
            "aws": dict(AWS_PROVIDER, expressions={"region": {"constant_value": "us-west-2"}})
        },
    },
    "unknown": {
        # `sizing` stays terraform_data: real plans hold it too, and it is not priced.
        "types": {"gpu": "aws_eks_node_group", "h100_pool": "google_container_node_pool"},
        "ids": {"gpu": "ml-prod:ml-prod-gpu"},
        "providers": {
            "aws": dict(AWS_PROVIDER, expressions={"region": {"constant_value": "us-east-1"}}),
            "google": {
                "name": "google",
                "full_name": PROVIDERS["google"],
                "version_constraint": "~> 6.0",
                "expressions": {
                    "project": {"constant_value": "ml-prod-4471"},
                    "region": {"constant_value": "us-central1"},
                },
            },
        },
    },
}
# A refresh-only plan and a -target plan of the resize: the same resources.
ADAPT["refresh_only"] = ADAPT["targeted"] = ADAPT["resize"]

TERRAFORM_DATA_ONLY = ("input", "output", "triggers_replace")
REFERENCE = re.compile(r"(?<![\w.\-/])(?:var|local|each|count|terraform_data)\.[A-Za-z0-9_.]+")


def provider_of(rtype):
    return rtype.split("_", 1)[0] if rtype != "terraform_data" else "terraform"


class Adapter:
    def __init__(self, name, spec):
        self.name = name
        self.types = spec["types"]
        self.ids = spec.get("ids", {})
        self.ref_renames = spec.get("references", {})
        self.replace_paths = spec.get("replace_paths", {})
        self.providers = spec.get("providers", {})

    def renamed(self, rname):
        return rname in self.types

    def rename_ref(self, ref):
        """A reference string with the resource's new type; None for a dropped one."""
        if ref in self.ref_renames:
            return self.ref_renames[ref]
        for rname, rtype in self.types.items():
            old = f"terraform_data.{rname}"
            if ref == f"{old}.output" or ref.startswith(f"{old}.output."):
                raise ValueError(f"{self.name}: no rename for reference {ref}")
            if ref == old or ref.startswith(old + ".") or ref.startswith(old + "["):
                return rtype + ref[len("terraform_data") :]
        return ref

    def rename_address(self, address):
        return re.sub(
            r"terraform_data\.([A-Za-z0-9_-]+)",
            lambda m: f"{self.types[m.group(1)]}.{m.group(1)}"
            if m.group(1) in self.types
            else m.group(0),
            address,
        )

    def refs(self, refs):
        out = []
        for ref in refs:
            # terraform_data.X.output.name -> aws_x.X.id drops the `.output` step, so its
            # intermediate reference goes too.
            parts = ref.split(".")
            if len(parts) == 3 and parts[0] == "terraform_data" and parts[2] == "output":
                if parts[1] in self.types:
                    continue
            out.append(self.rename_ref(ref))
        return out


def lift(value, rname, adapter, id_key=True):
    """terraform_data values or masks -> the attributes of the adapted resource."""
    if not isinstance(value, dict):
        return value
    inner = value.get("input")
    if inner is True:
        raise ValueError(f"{adapter.name}: {rname}: whole input unknown or sensitive")
    out = {k: v for k, v in value.items() if k not in TERRAFORM_DATA_ONLY}
    if isinstance(inner, dict):
        out.update(inner)
    if id_key and "id" in out and isinstance(out["id"], str) and rname in adapter.ids:
        out["id"] = adapter.ids[rname]
    return out


def adapt_resource_values(res, adapter):
    """A resource in planned_values or prior_state."""
    if res.get("type") != "terraform_data" or not adapter.renamed(res["name"]):
        return
    rname = res["name"]
    res["type"] = adapter.types[rname]
    res["provider_name"] = PROVIDERS[provider_of(res["type"])]
    res["address"] = adapter.rename_address(res["address"])
    res["values"] = lift(res.get("values"), rname, adapter)
    res["sensitive_values"] = lift(res.get("sensitive_values"), rname, adapter, False)


def walk_module_values(module, adapter):
    for res in module.get("resources", []):
        adapt_resource_values(res, adapter)
    for child in module.get("child_modules", []):
        walk_module_values(child, adapter)


def adapt_change(rc, adapter):
    rc["address"] = adapter.rename_address(rc["address"])
    if rc.get("type") != "terraform_data" or not adapter.renamed(rc["name"]):
        return
    rname = rc["name"]
    rc["type"] = adapter.types[rname]
    rc["provider_name"] = PROVIDERS[provider_of(rc["type"])]
    change = rc["change"]
    for key in ("before", "after"):
        change[key] = lift(change.get(key), rname, adapter)
    for key in ("after_unknown", "before_sensitive", "after_sensitive"):
        change[key] = lift(change.get(key), rname, adapter, False)
    if "replace_paths" in change:
        if rname not in adapter.replace_paths:
            raise ValueError(f"{adapter.name}: no replace_paths for {rname}")
        change["replace_paths"] = adapter.replace_paths[rname]


# --- configuration: split the `input` expression per attribute, from the source ---


def source_input(scenario_dir, rname):
    """The lines of `input = { ... }` in resource "terraform_data" "<rname>"."""
    for path in sorted(scenario_dir.rglob("*.tf")):
        lines = path.read_text(encoding="utf-8").splitlines()
        header = f'resource "terraform_data" "{rname}" {{'
        for i, line in enumerate(lines):
            if line.strip() != header:
                continue
            for j in range(i + 1, len(lines)):
                if lines[j].strip() == "input = {":
                    indent = lines[j][: len(lines[j]) - len(lines[j].lstrip())]
                    for k in range(j + 1, len(lines)):
                        if lines[k] == indent + "}":
                            return lines[j + 1 : k]
    raise ValueError(f"no input of terraform_data.{rname} under {scenario_dir}")


def depth(text):
    text = re.sub(r'"(?:[^"\\]|\\.)*"', '""', text)
    return sum(text.count(c) for c in "[{(") - sum(text.count(c) for c in "]})")


def entries(lines):
    """(key, expression text) for each top-level `key = expr` of an object body."""
    out = []
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        i += 1
        if not line or line.startswith("#"):
            continue
        key, expr = (part.strip() for part in line.split("=", 1))
        key = key.strip('"')
        while depth(expr) > 0:
            expr += "\n" + lines[i]
            i += 1
        out.append((key, expr))
    return out


def expand(ref):
    """The references Terraform lists for one traversal (observed in the recordings)."""
    parts = ref.split(".")
    if parts[0] in ("var", "local", "count"):
        return [ref]
    if parts[0] == "each":
        return [".".join(parts[:n]) for n in range(len(parts), 1, -1)]
    return [".".join(parts[:n]) for n in range(len(parts), 1, -1)]


def expression(expr, value, acc):
    if expr.startswith("[{") and expr.endswith("}]"):
        body = expr[2:-2].splitlines()
        item = value[0] if isinstance(value, list) and value else {}
        return [
            {k: expression(e, item.get(k) if isinstance(item, dict) else None, acc)
             for k, e in entries(body)}
        ]
    refs = [r for found in REFERENCE.findall(expr) for r in expand(found)]
    if refs:
        acc.extend(refs)
        return {"references": refs}
    return {"constant_value": value}


def split_input(scenario_dir, rname, recorded_expr, after, adapter):
    acc = []
    exprs = {
        k: expression(e, after.get(k), acc) for k, e in entries(source_input(scenario_dir, rname))
    }
    recorded_input = recorded_expr.get("input", {})
    if "references" in recorded_input:
        if acc != recorded_input["references"]:
            raise ValueError(
                f"{adapter.name}: {rname}: split references {acc} differ from Terraform's "
                f"{recorded_input['references']}"
            )
    elif acc or {k: v for k, v in after.items()} != recorded_input.get("constant_value"):
        raise ValueError(f"{adapter.name}: {rname}: constant input does not match the source")
    return adapt_refs(exprs, adapter)


def adapt_refs(node, adapter):
    if isinstance(node, dict):
        return {
            k: adapter.refs(v) if k == "references" else adapt_refs(v, adapter)
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [adapt_refs(v, adapter) for v in node]
    return node


def first_after(plan, rname):
    for rc in plan.get("resource_changes", []):
        if rc["name"] == rname and rc["type"] == "terraform_data":
            after = rc["change"].get("after") or rc["change"].get("before") or {}
            return after.get("input") or {}
    # Not changed by the plan (refresh-only, -target): its state.
    for r in state_resources(plan):
        if r["name"] == rname and r["type"] == "terraform_data":
            return r["values"].get("input") or {}
    raise ValueError(f"no change or state for {rname}")


def adapt_config_module(module, plan, scenario_dir, adapter):
    for res in module.get("resources", []):
        rname = res["name"]
        if res["type"] == "terraform_data" and adapter.renamed(rname):
            res["expressions"] = split_input(
                scenario_dir, rname, res.get("expressions", {}), first_after(plan, rname), adapter
            )
            res["type"] = adapter.types[rname]
            res["address"] = adapter.rename_address(res["address"])
            res["provider_config_key"] = provider_of(res["type"])
        for key in ("count_expression", "for_each_expression"):
            if key in res:
                res[key] = adapt_refs(res[key], adapter)
    for output in module.get("outputs", {}).values():
        output["expression"] = adapt_refs(output.get("expression", {}), adapter)
    for call in module.get("module_calls", {}).values():
        for key in ("expressions", "count_expression", "for_each_expression"):
            if key in call:
                call[key] = adapt_refs(call[key], adapter)
        adapt_config_module(call.get("module", {}), plan, scenario_dir, adapter)


def state_resources(plan):
    """Every resource of prior_state, child modules included."""
    out = []
    stack = [plan.get("prior_state", {}).get("values", {}).get("root_module", {})]
    while stack:
        module = stack.pop()
        out.extend(module.get("resources", []))
        stack.extend(module.get("child_modules", []))
    return out


def adapt(name):
    adapter = Adapter(name, ADAPT[name])
    recorded = json.loads((RECORDED / f"{name}.json").read_text(encoding="utf-8"))
    plan = copy.deepcopy(recorded)
    scenario = json.loads((SOURCES / name / "scenario.json").read_text(encoding="utf-8"))
    scenario_dir = SOURCES / name / scenario["plan"]["dir"]

    adapt_config_module(plan["configuration"]["root_module"], recorded, scenario_dir, adapter)
    for key in ("planned_values",):
        walk_module_values(plan[key].get("root_module", {}), adapter)
    if "prior_state" in plan:
        walk_module_values(plan["prior_state"]["values"].get("root_module", {}), adapter)
    # A refresh-only plan has no resource_changes.
    for rc in plan.get("resource_changes", []):
        adapt_change(rc, adapter)
    for rel in plan.get("relevant_attributes", []):
        full = ".".join([rel["resource"], *map(str, rel["attribute"])])
        new = adapter.rename_ref(full)
        resource = adapter.rename_address(rel["resource"])
        rel["resource"] = resource
        rel["attribute"] = new[len(resource) + 1 :].split(".")

    configs = plan["configuration"]["provider_config"]
    still_builtin = any(
        rc["provider_name"] == BUILTIN for rc in plan.get("resource_changes", [])
    ) or any(r["provider_name"] == BUILTIN for r in state_resources(plan))
    if not still_builtin:
        del configs["terraform"]
    configs.update(adapter.providers)
    return plan


def main(names=None):
    if names is None:
        names = sys.argv[1:] or sorted(ADAPT)
    ADAPTED.mkdir(parents=True, exist_ok=True)
    for name in names:
        plan = adapt(name)
        text = json.dumps(plan, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        (ADAPTED / f"{name}.json").write_text(text, encoding="utf-8")
        print(f"{name}: adapted", file=sys.stderr)


if __name__ == "__main__":
    main()

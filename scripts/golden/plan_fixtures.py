#!/usr/bin/env python3
"""Records real `terraform show -json` plans as fixtures for the plan JSON reader.

Each directory testdata/plan/sources/<name>/ is a small root configuration built only
from the built-in `terraform_data` resource, so it plans offline. Its scenario.json says
how to plan it:

    {
      "description": "...",
      "base": {"dir": "base", "args": [["-var", "x=1"]]},   (optional: applied first)
      "plan": {"dir": "change", "args": [["-var-file", "prod.tfvars"]],
               "flags": ["-refresh-only"]}                      (optional: or -target=ADDR)
    }

`dir` is relative to the scenario directory ("." for the scenario directory itself).
Without "base" the plan starts from no state. With "base", the base configuration is
applied in a temporary directory, its .tf files are replaced by those of the plan
directory (the state stays), and the plan is made against that state.

The plan is written to testdata/plan/recorded/<name>.json, pretty-printed with sorted
keys, with the machine- and run-specific values replaced (see normalise()):
  - the top-level "timestamp" becomes TIMESTAMP;
  - the random UUIDs `terraform_data` uses as ids become 00000000-0000-4000-8000-00000000000N,
    numbered in order of first appearance in the sorted document;
  - the temporary working directory, if it ever appears in a string, becomes <workdir>.
`terraform_version` is kept: it is what wrote the file.

Then testdata/plan/adapted/ is rewritten from the recorded files by adapt_plan.py.

Needs `terraform` (1.11) on PATH; `cargo test` reads only the recorded files.

Usage: scripts/golden/plan_fixtures.py [--terraform PATH] [NAME ...]
"""

import argparse
import json
import pathlib
import re
import shutil
import sys
import tempfile

import plan_adapt
# The terraform runner and argument handling of the older golden script, shared.
from terraform_plans import cli_args, run, terraform_env

ROOT = pathlib.Path(__file__).resolve().parents[2]
PLAN = ROOT / "testdata" / "plan"
SOURCES = PLAN / "sources"
RECORDED = PLAN / "recorded"

TIMESTAMP = "2000-01-01T00:00:00Z"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# Files in a source directory that are not configuration and are not copied.
NOT_COPIED = ("scenario.json", ".terraform", ".terraform.lock.hcl", "terraform.tfstate*")


def put_config(source, work):
    """Makes `work` hold the configuration of `source`, keeping state and .terraform."""
    for child in work.iterdir():
        if child.name in (".terraform", "terraform.tfstate", "terraform.tfstate.backup"):
            continue
        if child.is_dir():
            shutil.rmtree(child)
        else:
            child.unlink()
    shutil.copytree(
        source, work, dirs_exist_ok=True, ignore=shutil.ignore_patterns(*NOT_COPIED)
    )


def flags(step):
    """Plan options other than variables: `-refresh-only` and `-target=ADDRESS`."""
    out = []
    for flag in step.get("flags", []):
        if flag != "-refresh-only" and not flag.startswith("-target="):
            raise ValueError(f"unexpected plan flag {flag!r}")
        out.append(flag)
    return out


def record(terraform, name):
    scenario_dir = SOURCES / name
    scenario = json.loads((scenario_dir / "scenario.json").read_text(encoding="utf-8"))
    env = terraform_env({})
    with tempfile.TemporaryDirectory() as tmp:
        work = pathlib.Path(tmp) / name
        work.mkdir()
        base = scenario.get("base")
        if base is not None:
            put_config(scenario_dir / base["dir"], work)
            run(terraform, ["init", "-input=false", "-no-color"], work, env)
            run(
                terraform,
                ["apply", "-input=false", "-no-color", "-auto-approve", *cli_args(base)],
                work,
                env,
            )
        step = scenario["plan"]
        put_config(scenario_dir / step["dir"], work)
        run(terraform, ["init", "-input=false", "-no-color"], work, env)
        run(
            terraform,
            ["plan", "-input=false", "-no-color", "-out=plan.out", *cli_args(step), *flags(step)],
            work,
            env,
        )
        text = run(terraform, ["show", "-json", "plan.out"], work, env)
        plan = json.loads(text.replace(str(work), "<workdir>").replace(tmp, "<workdir>"))
    return normalise(plan)


def normalise(plan):
    if "timestamp" in plan:
        plan["timestamp"] = TIMESTAMP
    # Number the UUIDs in the order they appear in the sorted text, so the same plan
    # always gets the same numbers.
    text = json.dumps(plan, sort_keys=True)
    numbers = {}
    for found in UUID.findall(text):
        numbers.setdefault(found, f"00000000-0000-4000-8000-{len(numbers) + 1:012d}")
    text = UUID.sub(lambda m: numbers[m.group(0)], text)
    return json.loads(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--terraform", default="terraform")
    parser.add_argument("names", nargs="*", help="scenario names (default: all)")
    args = parser.parse_args()

    names = args.names or sorted(
        p.name for p in SOURCES.iterdir() if (p / "scenario.json").is_file()
    )
    RECORDED.mkdir(parents=True, exist_ok=True)
    failed = False
    for name in names:
        try:
            plan = record(args.terraform, name)
        except (RuntimeError, ValueError, KeyError) as e:
            print(f"{name}: {e}", file=sys.stderr)
            failed = True
            continue
        text = json.dumps(plan, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        (RECORDED / f"{name}.json").write_text(text, encoding="utf-8")
        print(f"{name}: {len(plan.get('resource_changes', []))} resource changes", file=sys.stderr)
    if failed:
        sys.exit(1)
    plan_adapt.main([n for n in names if n in plan_adapt.ADAPT])


if __name__ == "__main__":
    main()

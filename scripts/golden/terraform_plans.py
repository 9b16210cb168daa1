#!/usr/bin/env python3
"""Records what Terraform plans for the evaluator oracle fixtures.

Each directory testdata/terraform/oracle/<case>/ is a small root configuration whose
resources are only the built-in `terraform_data`, so it plans offline. Its case.json gives
the command line to plan it with:

    {
      "description": "...",
      "args": [["-var-file", "cli/x.tfvars"], ["-var", "name=value"]],   (in order)
      "env": {"TF_VAR_name": "value"},
      "oracle": false          (optional: the case cannot be planned; see its note)
    }

For every case, the fixture is copied to a temporary directory and planned there with
`terraform init`, `terraform plan -out` and `terraform show -json`, and
testdata/terraform/oracle/<case>/expected.json is written: a list sorted by address of

    {"address": ..., "input": <change.after.input>, "unknown": <unknown mask>}

`input` is the planned value as Terraform prints it: unknown parts are left out of
objects and are null in lists (a wholly unknown input is null). `unknown` is
`change.after_unknown.input` normalised: `false` when nothing in the input is unknown,
`true` when all of it is, else the structure with `true` at each unknown part (lists keep
`false` for known elements, objects keep only the keys that hold something unknown).

Cases marked "oracle": false keep their hand-written expected.json. Nothing is left in
the repository but the expected files. Needs `terraform` (1.11) on PATH; `cargo test`
reads only the recorded files.

Usage: scripts/golden/terraform_plans.py [--terraform PATH] [CASE ...]
"""

import argparse
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[2]
CASES = ROOT / "testdata" / "terraform" / "oracle"

# Files in a fixture that are not configuration and are not copied.
NOT_COPIED = ("expected.json", ".terraform", ".terraform.lock.hcl", "terraform.tfstate")


def terraform_env(case_env):
    """The environment for one case: no TF_* settings from the caller, only the case's."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TF_")}
    env["TF_CLI_CONFIG_FILE"] = "/dev/null"
    env["TF_IN_AUTOMATION"] = "1"
    env["CHECKPOINT_DISABLE"] = "1"
    env.update(case_env)
    return env


def cli_args(case):
    out = []
    for kind, value in case.get("args", []):
        if kind not in ("-var", "-var-file"):
            raise ValueError(f"unexpected argument kind {kind!r}")
        out.append(f"{kind}={value}")
    return out


def run(terraform, args, cwd, env):
    proc = subprocess.run(
        [terraform, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(
            f"terraform {' '.join(args)} failed in {cwd}:\n{proc.stdout}\n{proc.stderr}"
        )
    return proc.stdout


def normalise_unknown(mask):
    """`after_unknown` with collections that hold nothing unknown collapsed to false."""
    if mask is True:
        return True
    if isinstance(mask, list):
        items = [normalise_unknown(m) for m in mask]
        return items if any(m is not False for m in items) else False
    if isinstance(mask, dict):
        items = {k: normalise_unknown(m) for k, m in mask.items()}
        items = {k: m for k, m in items.items() if m is not False}
        return items if items else False
    return False


def plan_case(terraform, case_dir):
    case = json.loads((case_dir / "case.json").read_text(encoding="utf-8"))
    if case.get("oracle", True) is False:
        print(f"{case_dir.name}: not planned (oracle: false)", file=sys.stderr)
        return None
    env = terraform_env(case.get("env", {}))
    with tempfile.TemporaryDirectory() as tmp:
        work = pathlib.Path(tmp) / case_dir.name
        shutil.copytree(case_dir, work, ignore=shutil.ignore_patterns(*NOT_COPIED))
        run(terraform, ["init", "-input=false", "-no-color"], work, env)
        run(
            terraform,
            ["plan", "-input=false", "-no-color", "-out=oracle.tfplan", *cli_args(case)],
            work,
            env,
        )
        plan = json.loads(run(terraform, ["show", "-json", "oracle.tfplan"], work, env))
    records = []
    for rc in plan.get("resource_changes", []):
        if rc.get("mode") != "managed" or rc.get("type") != "terraform_data":
            continue
        change = rc["change"]
        if change.get("actions") != ["create"]:
            raise RuntimeError(f"{case_dir.name}: {rc['address']} plans {change.get('actions')}")
        after = change.get("after") or {}
        after_unknown = change.get("after_unknown") or {}
        records.append(
            {
                "address": rc["address"],
                "input": after.get("input"),
                "unknown": normalise_unknown(after_unknown.get("input", False)),
            }
        )
    records.sort(key=lambda r: r["address"])
    return records


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--terraform", default="terraform")
    parser.add_argument("cases", nargs="*", help="case names (default: all)")
    args = parser.parse_args()

    names = args.cases or sorted(
        p.name for p in CASES.iterdir() if (p / "case.json").is_file()
    )
    failed = False
    for name in names:
        case_dir = CASES / name
        try:
            records = plan_case(args.terraform, case_dir)
        except (RuntimeError, ValueError) as e:
            print(f"{name}: {e}", file=sys.stderr)
            failed = True
            continue
        if records is None:
            continue
        text = json.dumps(records, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        (case_dir / "expected.json").write_text(text, encoding="utf-8")
        print(f"{name}: {len(records)} resources", file=sys.stderr)
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Checks that reading one big file takes time linear in its size (issue 12, docs/security.md).

Builds, from the templates in testdata/limits, a YAML stream of N Deployments in one file and
plan JSON with N resource changes (one line, as `terraform show -json` writes it), and a
Terraform root of 99 resource blocks with `count = N / 99` each (N instances, just under the
evaluator's 100,000 instances at the largest size); runs `aicost-policy check --format json`
on each size, and prints the wall time, the time per thousand items and the peak memory.
Linear reading keeps the time per thousand roughly constant as N grows.

    cargo build --release
    scripts/bench/linear.py --bin target/release/aicost-policy

Time is measured here only, never in the test suite.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TEMPLATES = os.path.join(ROOT, "testdata", "limits")


def yaml_stream(count, path):
    with open(os.path.join(TEMPLATES, "inference-deployment.yaml")) as f:
        one = f.read()
    with open(path, "w") as out:
        for i in range(count):
            out.write(one.replace("tgi-tenant", f"tgi-tenant-{i}"))


def plan(count, path):
    with open(os.path.join(TEMPLATES, "plan-change.json")) as f:
        entry = json.load(f)
    with open(path, "w") as out:
        out.write('{"format_version":"1.2","terraform_version":"1.9.8","resource_changes":[')
        for i in range(count):
            entry["address"] = f"aws_instance.worker_{i}"
            entry["name"] = f"worker_{i}"
            if i:
                out.write(",")
            out.write(json.dumps(entry, separators=(",", ":")))
        out.write("]}")


def count_root(count, path):
    """99 tagged instances blocks, each `count = count / 99`: many instances, one small file."""
    per_block = max(count // 99, 1)
    with open(path, "w") as out:
        out.write('provider "aws" {\n  region = "us-east-1"\n}\n')
        for i in range(99):
            out.write(
                f'resource "aws_instance" "r{i}" {{\n  count         = {per_block}\n'
                '  ami           = "ami-0abcdef1234567890"\n  instance_type = "m5.large"\n'
                f'  tags = {{\n    team        = "t{i}"\n    cost-center = "cc-{i}"\n'
                '    env         = "dev"\n  }\n}\n'
            )


def run(binary, args, cwd):
    """Seconds and peak resident memory (MiB) of one run of `binary args`."""
    start = time.monotonic()
    pid = os.fork()
    if pid == 0:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        os.chdir(cwd)
        os.execv(binary, [binary] + args)
    _, status, usage = os.wait4(pid, 0)
    seconds = time.monotonic() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1, 2):
        sys.exit(f"{' '.join(args)} exited with {code}")
    return seconds, usage.ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "aicost-policy"))
    parser.add_argument("--yaml", default="10000,50000,100000", help="documents per stream")
    parser.add_argument("--plan", default="20000,100000,200000", help="resources per plan")
    parser.add_argument("--count", default="9900,49500,99000", help="instances of a count root")
    args = parser.parse_args()
    binary = os.path.abspath(args.bin)
    cases = (
        [("yaml", int(n)) for n in args.yaml.split(",") if n]
        + [("plan", int(n)) for n in args.plan.split(",") if n]
        + [("count", int(n)) for n in args.count.split(",") if n]
    )
    print(f"{'input':<6} {'items':>8} {'MB':>8} {'seconds':>9} {'s/1000':>7} {'peak MiB':>9}")
    for kind, count in cases:
        with tempfile.TemporaryDirectory() as dir:
            name, build = {
                "yaml": ("stream.yaml", yaml_stream),
                "plan": ("plan.json", plan),
                "count": ("main.tf", count_root),
            }[kind]
            path = os.path.join(dir, name)
            build(count, path)
            size = os.path.getsize(path)
            target = ["--plan", name] if kind == "plan" else [name if kind == "yaml" else "."]
            # The inputs are far over the default 10 MiB limit on purpose.
            argv = [
                "check", *target, "--format", "json",
                "--max-file-size", str(size + 1), "--today", "2026-11-28",
            ]
            seconds, peak = run(binary, argv, dir)
            print(
                f"{kind:<6} {count:>8} {size / 1e6:>8.1f} {seconds:>9.1f} "
                f"{seconds * 1000 / count:>7.3f} {peak:>9.0f}",
                flush=True,
            )


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Speed and memory on a synthetic monorepo (issue 14, docs/performance.md).

Writes a tree of Terraform roots (50 resources each: tagged GPU and CPU instances, EKS node
groups, S3 buckets; a third of them missing the `cost-center` tag), runs
`aicost-policy check --format json` on it, and prints the wall time, CPU time and peak
memory of the run. With --checkov, runs Checkov on the same tree with one equivalent
required-tag policy and prints both (Checkov is optional: `pip install checkov`).

    cargo build --release
    scripts/bench/tree.py --bin target/release/aicost-policy --resources 1000 10000
    scripts/bench/tree.py --bin target/release/aicost-policy --small   # one small root

Time is measured here only, never in the test suite.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

PER_ROOT = 50

PROVIDER = """provider "aws" {
  region = "us-east-1"
  default_tags {
    tags = { team = "ml-platform" }
  }
}
"""


def resource(i, root):
    """One resource block; every third lacks cost-center."""
    tags = 'env = "dev"' if i % 3 == 0 else 'env = "dev"\n    cost-center = "cc-%d"' % root
    kind = i % 5
    if kind == 0:
        return f'''resource "aws_instance" "gpu_{i}" {{
  ami           = "ami-0abcdef1234567890"
  instance_type = "g5.xlarge"
  tags = {{
    {tags}
  }}
}}
'''
    if kind == 1:
        return f'''resource "aws_eks_node_group" "pool_{i}" {{
  cluster_name    = "ml"
  node_group_name = "pool-{i}"
  node_role_arn   = "arn:aws:iam::123456789012:role/node"
  subnet_ids      = ["subnet-0123456789abcdef0"]
  instance_types  = ["g5.2xlarge"]
  capacity_type   = "SPOT"
  scaling_config {{
    desired_size = 1
    min_size     = 0
    max_size     = 4
  }}
  tags = {{
    {tags}
  }}
}}
'''
    if kind == 2:
        return f'''resource "aws_s3_bucket" "data_{i}" {{
  bucket = "data-{root}-{i}"
  tags = {{
    {tags}
  }}
}}
'''
    return f'''resource "aws_instance" "cpu_{i}" {{
  ami           = "ami-0abcdef1234567890"
  instance_type = "m6i.large"
  tags = {{
    {tags}
  }}
}}
'''


def write_tree(path, resources):
    roots = max(1, resources // PER_ROOT)
    for r in range(roots):
        d = os.path.join(path, "live", f"svc{r:05d}")
        os.makedirs(d)
        with open(os.path.join(d, "main.tf"), "w") as f:
            f.write(PROVIDER)
            for i in range(min(PER_ROOT, resources)):
                f.write(resource(i, r))
    with open(os.path.join(path, "aicost-policy.toml"), "w") as f:
        f.write('required_tags = ["team", "cost-center"]\n')
    return roots


def measure(cmd, cwd):
    """Wall seconds, CPU seconds and peak RSS (MiB) of one run."""
    start = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - start
    cpu = usage.ru_utime + usage.ru_stime
    return wall, cpu, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def checkov_policy(path):
    d = os.path.join(path, "checkov-policies")
    os.makedirs(d)
    with open(os.path.join(d, "cost_center.yaml"), "w") as f:
        f.write(
            """metadata:
  id: "CKV2_BENCH_1"
  name: "cost-center tag"
  category: "GENERAL_SECURITY"
definition:
  cond_type: "attribute"
  resource_types: ["aws_instance", "aws_eks_node_group", "aws_s3_bucket"]
  attribute: "tags.cost-center"
  operator: "exists"
"""
        )
    return d


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--bin", required=True)
    p.add_argument("--resources", type=int, nargs="*", default=[1000, 10000])
    p.add_argument("--small", action="store_true", help="time one small root, 20 runs")
    p.add_argument("--checkov", action="store_true")
    args = p.parse_args()
    binary = os.path.abspath(args.bin)
    if args.small:
        with tempfile.TemporaryDirectory() as t:
            write_tree(t, 10)
            root = os.path.join(t, "live", "svc00000")
            runs = [measure([binary, "check", root, "--format", "json"], t) for _ in range(20)]
            walls = sorted(r[0] for r in runs)
            print(
                f"one root of 10 resources: median {walls[10] * 1000:.1f} ms, "
                f"min {walls[0] * 1000:.1f} ms, peak {max(r[2] for r in runs):.0f} MiB"
            )
        return
    print("| resources | roots | tool | wall s | CPU s | peak MiB | exit |")
    print("|--:|--:|:--|--:|--:|--:|--:|")
    for n in args.resources:
        with tempfile.TemporaryDirectory() as t:
            roots = write_tree(t, n)
            wall, cpu, rss, code = measure([binary, "check", ".", "--format", "json"], t)
            print(f"| {n:,} | {roots:,} | aicost-policy | {wall:.2f} | {cpu:.2f} | {rss:.0f} | {code} |")
            if args.checkov and shutil.which("checkov"):
                d = checkov_policy(t)
                cmd = ["checkov", "-d", "live", "--external-checks-dir", d, "--check", "CKV2_BENCH_1",
                       "--quiet", "--compact", "-o", "json"]
                wall, cpu, rss, code = measure(cmd, t)
                print(f"| {n:,} | {roots:,} | checkov | {wall:.2f} | {cpu:.2f} | {rss:.0f} | {code} |")
        sys.stdout.flush()


if __name__ == "__main__":
    main()

"""Per-repository summary of `aicost-policy check --format json` (see scripts/corpus.sh)."""

import argparse
import collections
import json
import os
import re
import shlex
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def parse_args():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "aicost-policy"))
    p.add_argument("--markdown", action="store_true")
    p.add_argument("--extra", default="")
    p.add_argument("--errors", type=int, default=15, help="error groups listed per repository")
    p.add_argument("dirs", nargs="+")
    return p.parse_args()


def ensure_binary(path):
    if os.path.exists(path):
        return
    default = os.path.join(ROOT, "target", "release", "aicost-policy")
    if path != default:
        sys.exit(f"{path} does not exist")
    subprocess.run(["cargo", "build", "--release", "--locked"], cwd=ROOT, check=True)


def accelerators(resource):
    """How many accelerators one unit has: a number, 'unknown', or 0."""
    compute = resource.get("compute") or {}
    acc = compute.get("accelerator")
    if isinstance(acc, dict):
        count = acc.get("count")
        return count if isinstance(count, int) else "unknown"
    if isinstance(acc, dict) is False and isinstance(acc, (str,)):
        return "unknown"
    workload = resource.get("workload") or {}
    pods = workload.get("pods")
    if pods:
        count = pods.get("accelerators")
        if isinstance(count, int):
            return count
        if isinstance(count, dict):
            return "unknown"
    pool = workload.get("node_pool")
    if pool and pool.get("accelerators"):
        return "unknown"
    return 0


def is_gpu(resource):
    n = accelerators(resource)
    return n == "unknown" or n > 0


# Numbers, quoted names and paths make the same message look different; group without them.
_VARIABLE = re.compile(r'`[^`]*`|"[^"]*"|\b\d+\b')


def group_key(message):
    return _VARIABLE.sub("…", message)[:140]


def run(binary, directory, extra):
    cmd = [binary, "check", "--format", "json", *shlex.split(extra), directory]
    start = time.monotonic()
    done = subprocess.run(cmd, capture_output=True, text=True)
    elapsed = time.monotonic() - start
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        report = None
    return done.returncode, elapsed, report, done.stderr


def summarise(directory, code, elapsed, report, stderr):
    name = os.path.basename(os.path.normpath(directory))
    if report is None:
        return {"name": name, "exit": code, "seconds": elapsed, "broken": stderr.strip()[:500]}
    statuses = collections.Counter(f["status"] for f in report["findings"])
    gpu = [r for r in report["resources"] if is_gpu(r)]
    priced = [r for r in gpu if (r.get("monthly_cost") or {}).get("complete")]
    errors = collections.Counter(group_key(e["message"]) for e in report["errors"])
    by_kind = collections.Counter(
        "yaml" if e["file"].endswith((".yaml", ".yml")) else "terraform" if ".tf" in e["file"] else "other"
        for e in report["errors"]
    )
    summary = report["summary"]
    return {
        "name": name,
        "exit": code,
        "seconds": elapsed,
        "resources": summary["resources"],
        # Passes are counted in the summary, not listed as findings.
        "passed": summary.get("passed", 0),
        "statuses": dict(sorted(statuses.items())),
        "errors": len(report["errors"]),
        "errors_by_kind": dict(sorted(by_kind.items())),
        "error_groups": errors.most_common(),
        "notes": len(report.get("notes", []) or []),
        "gpu": len(gpu),
        "gpu_priced": len(priced),
        "gpu_unknown": len(gpu) - len(priced),
        "monthly": summary["monthly_cost"]["baseline"],
        "ceiling": summary["monthly_cost"]["ceiling"],
        "not_loaded": summary.get("modules_not_loaded", 0),
    }


def print_text(rows, limit):
    for row in rows:
        print(f"== {row['name']}: exit {row['exit']}, {row['seconds']:.2f} s")
        if "broken" in row:
            print(f"   no JSON report: {row['broken']}")
            continue
        statuses = ", ".join(f"{k} {v}" for k, v in row["statuses"].items()) or "none"
        print(f"   resources {row['resources']}, findings: {statuses}")
        print(f"   GPU workloads {row['gpu']}: priced {row['gpu_priced']}, unknown {row['gpu_unknown']}")
        print(f"   monthly ${row['monthly']} (ceiling ${row['ceiling']}), remote modules not loaded {row['not_loaded']}")
        kinds = ", ".join(f"{k} {v}" for k, v in row["errors_by_kind"].items()) or "none"
        print(f"   input errors {row['errors']} ({kinds})")
        for message, count in row["error_groups"][:limit]:
            print(f"     {count:4} {message}")
        if len(row["error_groups"]) > limit:
            print(f"     … {len(row['error_groups']) - limit} more kinds of error")


def print_markdown(rows, limit):
    print("| repository | exit | resources | fail | unknown | pass | input errors (tf / yaml) | GPU found | priced | unknown | wall |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        if "broken" in row:
            print(f"| {row['name']} | {row['exit']} | no report | | | | | | | | {row['seconds']:.2f} s |")
            continue
        s = row["statuses"]
        k = row["errors_by_kind"]
        print(
            f"| {row['name']} | {row['exit']} | {row['resources']} | {s.get('fail', 0)} | {s.get('unknown', 0)} "
            f"| {row['passed']} | {row['errors']} ({k.get('terraform', 0)} / {k.get('yaml', 0)}) "
            f"| {row['gpu']} | {row['gpu_priced']} | {row['gpu_unknown']} | {row['seconds']:.2f} s |"
        )
    print()
    for row in rows:
        if row.get("error_groups"):
            print(f"**{row['name']}** input errors:\n")
            for message, count in row["error_groups"][:limit]:
                print(f"- {count} × {message}")
            print()


def main():
    args = parse_args()
    ensure_binary(args.bin)
    rows = []
    for directory in args.dirs:
        code, elapsed, report, stderr = run(args.bin, directory, args.extra)
        rows.append(summarise(directory, code, elapsed, report, stderr))
    if args.markdown:
        print_markdown(rows, args.errors)
    else:
        print_text(rows, args.errors)


if __name__ == "__main__":
    main()

"""action.yml, step "run": turns an aicost-policy JSON report into the action's outputs.

Usage: outputs.py REPORT FAIL_ON. Prints `name=value` lines for $GITHUB_OUTPUT. A `diff` or
`comment github` report gives the cost after the change, the change in cost and the failures
that count under FAIL_ON (`new`: new ones; `all`: new and existing); a `check` report (no
base to compare with) gives the total cost, no delta and every failure.
"""

import json
import sys


def outputs(report, fail_on):
    summary = report["summary"]
    if "after" in summary:
        findings = summary["findings"]
        failures = findings["new_failed"]
        if fail_on == "all":
            failures += findings["existing_failed"]
        return {
            "monthly-cost": summary["after"]["baseline"],
            "cost-delta": summary["delta"]["baseline"],
            "failures": failures,
        }
    return {
        "monthly-cost": summary["monthly_cost"]["baseline"],
        "cost-delta": "",
        "failures": summary["failed"],
    }


def main(argv):
    if len(argv) != 3:
        print("usage: outputs.py REPORT FAIL_ON", file=sys.stderr)
        return 2
    try:
        with open(argv[1], encoding="utf-8") as f:
            values = outputs(json.load(f), argv[2])
    except (OSError, ValueError, KeyError, TypeError) as e:
        print(f"cannot read the outputs from {argv[1]}: {e!r}", file=sys.stderr)
        return 1
    for name, value in values.items():
        text = "" if value is None else str(value)
        if "\n" in text or "\r" in text:
            print(f"output {name} has a line break: {text!r}", file=sys.stderr)
            return 1
        print(f"{name}={text}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

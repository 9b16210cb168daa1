#!/usr/bin/env python3
"""Records Terraform's answers for the function golden tests.

Reads testdata/terraform/functions/expressions.txt (one HCL expression per line, `#`
comment lines and blank lines skipped), asks `terraform console` for `jsonencode(EXPR)`
once per expression (console prints only the last result, so one process each), and
writes testdata/terraform/functions/golden.jsonl in the same order:

    {"expr": "...", "json": <value>}    on success
    {"expr": "...", "error": true}      when Terraform reports an error
    {"expr": "...", "unknown": true}    when Terraform answers "(known after apply)"

The JSON value is written exactly as Terraform printed it, so numbers keep Terraform's
digits. Needs `terraform` on PATH; `cargo test` reads only the recorded file.

Usage: scripts/golden/functions.py [--jobs N] [--terraform PATH]
"""

import argparse
import concurrent.futures
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import threading

ROOT = pathlib.Path(__file__).resolve().parents[2]
CASES = ROOT / "testdata" / "terraform" / "functions"


# Terraform answers "(known after apply)" when a value's type is unknown, e.g. for an
# untyped `null` passed where a typed argument is expected.
UNKNOWN = object()


def read_expressions(path):
    exprs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        exprs.append(text)
    return exprs


def decode_console_string(expr, out):
    """Decodes the quoted HCL string `terraform console` prints for a string result."""
    if len(out) < 2 or not (out.startswith('"') and out.endswith('"')):
        raise ValueError(f"{expr}: unexpected console output {out!r}")
    body = out[1:-1]
    simple = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}
    chars = []
    i = 0
    while i < len(body):
        c = body[i]
        if c == "\\" and i + 1 < len(body):
            e = body[i + 1]
            if e in simple:
                chars.append(simple[e])
                i += 2
                continue
            if e == "u":
                chars.append(chr(int(body[i + 2 : i + 6], 16)))
                i += 6
                continue
            if e == "U":
                chars.append(chr(int(body[i + 2 : i + 10], 16)))
                i += 10
                continue
            raise ValueError(f"unknown escape \\{e} in {out!r}")
        # Older consoles print `${` and `%{` doubled; 1.11 prints them as they are.
        if body.startswith("$${", i) or body.startswith("%%{", i):
            chars.append(c)
            i += 2
            continue
        chars.append(c)
        i += 1
    return "".join(chars)


def run_one(terraform, workdir, expr):
    env = dict(os.environ)
    env["TF_CLI_CONFIG_FILE"] = "/dev/null"
    env["TF_IN_AUTOMATION"] = "1"
    env["CHECKPOINT_DISABLE"] = "1"
    proc = subprocess.run(
        [terraform, "console"],
        input=f"jsonencode({expr})\n",
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=workdir,
        env=env,
        timeout=60,
        check=False,
    )
    if proc.returncode != 0:
        return None
    lines = [l for l in proc.stdout.splitlines() if l.strip()]
    if len(lines) != 1:
        raise ValueError(f"{expr}: expected one line of output, got {proc.stdout!r}")
    if lines[0].strip() == "(known after apply)":
        return UNKNOWN
    text = decode_console_string(expr, lines[0].strip())
    json.loads(text)  # must be valid JSON
    return text


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--terraform", default="terraform")
    args = parser.parse_args()

    exprs = read_expressions(CASES / "expressions.txt")
    with tempfile.TemporaryDirectory() as tmp:
        # A console that cannot answer `1` would turn every case into an error.
        if run_one(args.terraform, tmp, "1") != "1":
            sys.exit("terraform console does not work here; nothing recorded")
    with tempfile.TemporaryDirectory() as tmp:
        local = threading.local()

        def job(expr):
            # One empty working directory per thread, so consoles never share one.
            if not hasattr(local, "dir"):
                local.dir = tempfile.mkdtemp(dir=tmp)
            return run_one(args.terraform, local.dir, expr)

        jobs = max(args.jobs, 1)
        with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
            results = list(pool.map(job, exprs))

    lines = []
    for expr, text in zip(exprs, results):
        quoted = json.dumps(expr, ensure_ascii=False)
        if text is None:
            lines.append(f'{{"expr": {quoted}, "error": true}}')
        elif text is UNKNOWN:
            lines.append(f'{{"expr": {quoted}, "unknown": true}}')
        else:
            lines.append(f'{{"expr": {quoted}, "json": {text}}}')
    (CASES / "golden.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    errors = sum(1 for r in results if r is None)
    unknown = sum(1 for r in results if r is UNKNOWN)
    print(f"{len(exprs)} cases, {errors} errors, {unknown} unknown", file=sys.stderr)


if __name__ == "__main__":
    main()

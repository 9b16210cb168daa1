#!/usr/bin/env python3
"""Rebuilds one catalog table from an official price file, through `aicost-policy pricing import`.

The selection (which rows of the AWS Price List or the Azure Retail Prices pages are
prices, and which are skipped) is the binary's own: this script runs `pricing import`, which
writes a price overlay, and turns the overlay's rows into the table's format, so the
compiled-in catalog and a team's imported overlay come from the same code path.

Usage:
  scripts/catalog/import.py TABLE --license SPDX [--bin PATH] [--out DIR] -- IMPORT-ARGS...

  TABLE        aws_ec2_ondemand (AWS rows that are not ml.*), aws_sagemaker_hosting (AWS ml.*
               rows) or azure_vms (Azure rows); the other tables have columns an overlay
               does not hold (spot prices, GPU billing, notes) and stay with build.py
  --license    the licence of the data, as the catalog records it; the price lists are
               published under their providers' terms, so decide whether the data may be
               compiled into the binary and record the attribution in NOTICE
  --bin        the aicost-policy binary [default: `cargo run --release` of this checkout]
  --out        the catalog directory [default: catalog/]
  IMPORT-ARGS  what `pricing import` reads: --aws-price-list FILE..., --azure-retail-prices
               FILE..., --as-of YYYY-MM-DD (not --output or --install)

Example:
  curl -fsSLO https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonEC2/current/us-east-1/index.csv
  scripts/catalog/import.py aws_ec2_ondemand --license "..." -- --aws-price-list index.csv

Python 3 standard library only; the table is written with build.py's writer (metadata lines,
header, rows sorted), so the output is byte-identical for the same input. Then run
`cargo test catalog` and update the pins in tests/catalog_prices.rs where a price changed.
"""

import argparse
import csv
import io
import pathlib
import subprocess
import sys
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
sys.dont_write_bytecode = True  # no __pycache__ in the checkout
from build import write_table  # noqa: E402  (the catalog's one table writer)

# table -> (header, which overlay rows, what the rows are)
TABLES = {
    "aws_ec2_ondemand": (
        ["region", "instance_type", "usd_per_hour"],
        lambda provider, item: provider == "aws" and not item.startswith("ml."),
        "EC2 on-demand Linux, shared tenancy, USD per instance-hour",
    ),
    "aws_sagemaker_hosting": (
        ["region", "instance_type", "usd_per_hour"],
        lambda provider, item: provider == "aws" and item.startswith("ml."),
        "SageMaker real-time hosting ml.* instances, USD per instance-hour",
    ),
    "azure_vms": (
        ["region", "vm_size", "usd_per_hour"],
        lambda provider, item: provider == "azurerm",
        "Azure VM sizes, Linux pay-as-you-go, USD per VM-hour",
    ),
}


def fail(message):
    sys.exit(f"import.py: {message}")


def read_overlay(text):
    """The overlay's metadata and rows, as `pricing import` wrote and checked them."""
    meta = {}
    lines = text.splitlines()
    body = []
    for i, line in enumerate(lines):
        if line.startswith("#"):
            key, _, value = line[1:].partition(":")
            meta[key.strip()] = value.strip()
        else:
            body = lines[i:]
            break
    rows = list(csv.reader(io.StringIO("\n".join(body))))
    if not rows or rows[0] != ["provider", "region", "item", "usd_per_hour"]:
        fail("the overlay has an unexpected header")
    return meta, rows[1:]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("table", choices=sorted(TABLES))
    parser.add_argument("--license", required=True)
    parser.add_argument("--bin")
    parser.add_argument("--out", default=str(ROOT / "catalog"))
    argv = sys.argv[1:]
    if "--" not in argv:
        fail("pass the pricing import arguments after --")
    split = argv.index("--")
    args = parser.parse_args(argv[:split])
    import_args = argv[split + 1:]
    if not import_args:
        fail("pass the pricing import arguments after --")
    if any(a in ("--output", "--install") for a in import_args):
        fail("--output and --install are chosen by this script")
    header, wanted, what = TABLES[args.table]
    command = [args.bin] if args.bin else [
        "cargo", "run", "--quiet", "--release", "--manifest-path", str(ROOT / "Cargo.toml"), "--"]
    with tempfile.TemporaryDirectory() as tmp:
        overlay_path = pathlib.Path(tmp) / "overlay.csv"
        command += ["pricing", "import", *import_args, "--output", str(overlay_path)]
        # The binary's summary of what was taken and skipped goes to our standard error.
        result = subprocess.run(command)
        if result.returncode != 0:
            fail(f"pricing import failed (exit {result.returncode}); nothing was written")
        meta, rows = read_overlay(overlay_path.read_text(encoding="utf-8"))
    table_rows = [[region, item, usd] for provider, region, item, usd in rows
                  if wanted(provider, item)]
    if not table_rows:
        fail(f"the import has no rows for {args.table} ({what}); nothing was written")
    table_meta = {
        "source": meta["source"],
        "as_of": meta["as_of"],
        "license": args.license,
        "derivation": f"{what}: the rows of `aicost-policy pricing import` for this table "
        f"(scripts/catalog/import.py), prices as the overlay writes them (no trailing zeros); "
        f"{meta.get('derivation', '')}",
    }
    name = f"{args.table}.csv"
    count = write_table(pathlib.Path(args.out), name, table_meta, header, table_rows)
    print(f"{name}: {count} rows")
    print("check the licence and add the attribution to NOTICE before committing the table",
          file=sys.stderr)


if __name__ == "__main__":
    main()

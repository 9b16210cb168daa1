#!/usr/bin/env bash
# Runs `aicost-policy check --format json` on each repository directory given and prints, per
# repository: resources, findings by status, input errors grouped by message, GPU workloads found /
# priced / unknown, and wall time. Used to measure the tool on public repositories
# (docs/real-world.md); nothing from those repositories is committed.
#
#   scripts/corpus.sh [--bin PATH] [--markdown] [--extra 'ARGS'] DIR...
#
# --bin      the binary to run (default: target/release/aicost-policy, built if missing)
# --markdown print the tables as Markdown (what docs/real-world.md holds)
# --extra    more arguments for every `check` run, e.g. --extra '--unrendered-templates note'
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
exec python3 "$here/corpus/report.py" "$@"

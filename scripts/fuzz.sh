#!/usr/bin/env bash
# Runs each cargo-fuzz target (fuzz/fuzz_targets/) for SECONDS seconds, seeded with the
# project's own testdata. Works on stable Rust (`--sanitizer none`: panics, aborts, timeouts
# and memory blow-ups are found; memory-safety sanitizers need nightly, see docs/security.md).
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]     (default: 15 seconds, every target)
#
# Needs cargo-fuzz (`cargo install cargo-fuzz --locked`). Exits non-zero when a target finds a
# crash, a timeout (10 s for one input) or an input using more than 2 GiB; the input is kept
# under fuzz/artifacts/TARGET/ — reproduce it with
# `cargo fuzz run --sanitizer none --release TARGET FILE`.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-15}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(terraform yaml plan cedar)
fi

# Seeds: the fixtures, copied into the (ignored) corpus directories the fuzzer grows.
seed() {
  local target="$1" pattern="$2"
  shift 2
  mkdir -p "fuzz/corpus/$target"
  # Named by content, as libFuzzer names what it adds (fixtures share names like main.tf).
  find "$@" -type f -size -256k -regex "$pattern" -print0 |
    while IFS= read -r -d '' file; do
      cp "$file" "fuzz/corpus/$target/$(sha1sum <"$file" | cut -c1-40)"
    done
}
seed terraform '.*\.tf\(\.json\)?' testdata
seed yaml '.*\.ya?ml' testdata
seed plan '.*\.json' testdata/plan
seed cedar '.*\.cedar' policies testdata

cargo fuzz build --sanitizer none --release
# cargo-fuzz has no --locked: the lock file must not have moved.
git diff --exit-code -- fuzz/Cargo.lock

for target in "${targets[@]}"; do
  echo "fuzz: $target for ${seconds}s"
  cargo fuzz run --sanitizer none --release "$target" "fuzz/corpus/$target" -- \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
done

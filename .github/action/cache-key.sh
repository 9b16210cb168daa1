#!/usr/bin/env bash
# action.yml, step "key": where the action keeps its build of aicost-policy, what the cache
# holds, and the cache key. The key hashes the compiler version and every file the build
# reads (the `include` list of Cargo.toml), so a moving reference such as @v0 or @main never
# reuses a binary built from other sources. It is computed here because hashFiles() only
# sees the workspace, not the action's own directory.
set -euo pipefail

src="${GITHUB_ACTION_PATH:?run this script as a step of action.yml}"
out="${GITHUB_OUTPUT:?run this script as a step of action.yml}"

if ! command -v cargo >/dev/null 2>&1; then
    echo "::error title=aicost-policy::cargo was not found: this action builds aicost-policy from source and needs a Rust toolchain. GitHub-hosted runners have one; on other runners add a step that installs Rust (for example dtolnay/rust-toolchain) before this action."
    exit 2
fi

if command -v sha256sum >/dev/null 2>&1; then
    hasher=(sha256sum)
else
    hasher=(shasum -a 256) # macOS
fi

cd "$src"
hash="$(
    {
        rustc --version --verbose
        find Cargo.toml Cargo.lock src policies catalog -type f -print0 |
            LC_ALL=C sort -z | xargs -0 "${hasher[@]}"
    } | "${hasher[@]}" | cut -c1-32
)"

prefix="aicost-policy-v1-${RUNNER_OS:-unknown}-${RUNNER_ARCH:-unknown}-"
root="${RUNNER_TEMP:?run this script as a step of action.yml}/aicost-policy"
cargo_home="${CARGO_HOME:-$HOME/.cargo}"
delimiter="AICOST_POLICY_PATHS_${hash}"
{
    echo "key=${prefix}${hash}"
    echo "restore-prefix=${prefix}"
    echo "root=${root}"
    echo "paths<<${delimiter}"
    echo "${root}"
    echo "${cargo_home}/registry/index"
    echo "${cargo_home}/registry/cache"
    echo "${cargo_home}/git/db"
    echo "${delimiter}"
} >>"$out"

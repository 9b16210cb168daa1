#!/usr/bin/env bash
# action.yml, step "install": builds aicost-policy from the action's own sources into the
# cache directory, unless the cache restored a build made with the same key (a restore by
# prefix brings back an older binary, which is rebuilt). The binary's directory goes on PATH
# for later steps of the job.
set -euo pipefail

src="${GITHUB_ACTION_PATH:?run this script as a step of action.yml}"
root="${AICOST_ROOT:?run this script as a step of action.yml}"
key="${AICOST_CACHE_KEY:?run this script as a step of action.yml}"
bin="$root/bin/aicost-policy"
stamp="$root/cache-key"

if [ -x "$bin" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$key" ]; then
    echo "aicost-policy: using the cached build ($key)"
    built=false
else
    echo "::group::Building aicost-policy from $src"
    # From the action's directory, so that a rust-toolchain file of the workspace does not
    # choose the compiler. --locked: the versions in Cargo.lock, which the tests ran with.
    (cd "$src" && cargo install --locked --force --path "$src" --root "$root")
    printf '%s\n' "$key" >"$stamp"
    echo "::endgroup::"
    built=true
fi

"$bin" --version
echo "$root/bin" >>"${GITHUB_PATH:?run this script as a step of action.yml}"
{
    echo "built=$built"
    echo "bin=$bin"
} >>"${GITHUB_OUTPUT:?run this script as a step of action.yml}"

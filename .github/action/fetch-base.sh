#!/usr/bin/env bash
# action.yml, step "base": makes the base of the comparison available and prints the
# revision to compare with as `rev=...` to $GITHUB_OUTPUT. The diff reads the base commit's
# tree only, not its history, so one commit is enough: with actions/checkout's default
# shallow clone this fetches the tip of the base branch at depth 1.
#
# INPUT_BASE_REF is a branch name (`main`, as github.base_ref gives it, or
# `refs/heads/main`), another ref (`refs/tags/v1`, `origin/main`) or a commit SHA.
set -euo pipefail

out="${GITHUB_OUTPUT:?run this script as a step of action.yml}"
base="${INPUT_BASE_REF:-}"

if [ -z "$base" ]; then
    echo "rev=" >>"$out"
    exit 0
fi

if ! git rev-parse --git-dir >/dev/null 2>&1; then
    echo "::error title=aicost-policy::$(pwd) is not a git repository, so the base \`$base\` cannot be read: check out the repository with actions/checkout before this action"
    exit 2
fi

exists() { git rev-parse --verify --quiet "$1^{commit}" >/dev/null; }

# Fetch one commit deep into a shallow clone; a full clone stays full.
depth=()
if [ "$(git rev-parse --is-shallow-repository)" = "true" ]; then
    depth=(--depth=1)
fi
# A failed fetch is reported below, after git's own message.
fetch() { git fetch --no-tags ${depth[@]+"${depth[@]}"} origin "$1" || true; }

branch="${base#refs/heads/}"
if [[ "$base" =~ ^[0-9a-fA-F]{40}$|^[0-9a-fA-F]{64}$ ]]; then
    exists "$base" || fetch "$base"
    rev="$base"
elif [[ "$base" != refs/* || "$base" == refs/heads/* ]] && exists "refs/remotes/origin/$branch"; then
    rev="origin/$branch"
elif exists "$base"; then
    rev="$base"
elif [[ "$base" == refs/* && "$base" != refs/heads/* ]]; then
    fetch "+$base:$base"
    rev="$base"
else
    fetch "+refs/heads/$branch:refs/remotes/origin/$branch"
    rev="origin/$branch"
fi

if ! exists "$rev"; then
    echo "::error title=aicost-policy::the base \`$base\` could not be fetched from origin: set the base-ref input to a branch, tag or commit of this repository"
    exit 2
fi
echo "aicost-policy: comparing with $rev ($(git rev-parse --short "$rev^{commit}"))"
echo "rev=$rev" >>"$out"

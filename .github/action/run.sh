#!/usr/bin/env bash
# action.yml, step "run": runs aicost-policy on the workspace, sets the action's outputs
# from the JSON report, and exits with the tool's exit code, except that 3 (the pull
# request comment could not be posted: a read-only token, as pull requests from forks get)
# becomes a warning.
#
# What runs: `comment github` on pull_request, pull_request_target and pull_request_review
# (an approval re-runs the check) events with a base,
# `diff` on other events with a base, `check` when there is no base to compare with.
# Every input arrives in an environment variable, never spliced into this script.
set -uo pipefail

bin="${AICOST_BIN:?run this script as a step of action.yml}"
out="${GITHUB_OUTPUT:?run this script as a step of action.yml}"
base="${AICOST_BASE:-}"
report="${RUNNER_TEMP:?run this script as a step of action.yml}/aicost-policy.json"

fail() {
    echo "::error title=aicost-policy::$1"
    exit 2
}

# Splits a multi-line input into one value per non-empty line, without surrounding blanks.
lines() {
    local line
    while IFS= read -r line || [ -n "$line" ]; do
        line="${line#"${line%%[![:space:]]*}"}"
        line="${line%"${line##*[![:space:]]}"}"
        [ -n "$line" ] && printf '%s\n' "$line"
    done <<<"$1"
}

fail_on="${INPUT_FAIL_ON:-new}"
case "$fail_on" in
    new | all) ;;
    *) fail "fail-on must be \`new\` or \`all\`, not \`$fail_on\`" ;;
esac
case "$(printf '%s' "${INPUT_SOFT_FAIL:-false}" | tr '[:upper:]' '[:lower:]')" in
    true) soft_fail=true ;;
    false | "") soft_fail=false ;;
    *) fail "soft-fail must be \`true\` or \`false\`, not \`$INPUT_SOFT_FAIL\`" ;;
esac

pull_request=false
case "${GITHUB_EVENT_NAME:-}" in
    pull_request | pull_request_target | pull_request_review) pull_request=true ;;
esac
if [ -z "$base" ]; then
    args=(check)
elif [ "$pull_request" = true ]; then
    args=(comment github --base "$base" --fail-on "$fail_on")
    args+=(--behavior "${INPUT_COMMENT_BEHAVIOR:-update}" --tag "${INPUT_COMMENT_TAG:-default}")
else
    args=(diff --base "$base" --fail-on "$fail_on")
fi

while IFS= read -r path; do
    args+=("$path")
done < <(lines "${INPUT_PATH:-}")
if [ -n "${INPUT_CONFIG:-}" ]; then
    args+=(--config "$INPUT_CONFIG")
fi
while IFS= read -r dir; do
    args+=(--policy-dir "$dir")
done < <(lines "${INPUT_POLICY_DIR:-}")
if [ "$soft_fail" = true ]; then
    args+=(--soft-fail)
fi
if [ -n "${INPUT_APPROVALS:-}" ] && [ -n "$base" ]; then
    args+=(--approvals "$INPUT_APPROVALS")
fi

# Annotations on standard output; the JSON report for the outputs; SARIF for code scanning.
args+=(--format github --format json --output "$report")
sarif="${INPUT_SARIF_FILE:-}"
if [ -n "$sarif" ]; then
    mkdir -p "$(dirname "$sarif")" || fail "cannot create the directory of sarif-file \`$sarif\`"
    args+=(--format sarif --output "$sarif")
fi

rm -f "$report"
printf 'aicost-policy'
printf ' %q' "${args[@]}"
printf '\n'
"$bin" "${args[@]}"
code=$?

if [ -s "$report" ]; then
    if values="$(python3 "$(dirname "$0")/outputs.py" "$report" "$fail_on")"; then
        {
            printf '%s\n' "$values"
            echo "report-file=$report"
        } >>"$out"
    else
        echo "::warning title=aicost-policy::the outputs could not be read from the report $report"
    fi
elif [ "$code" -eq 0 ] || [ "$code" -eq 1 ] || [ "$code" -eq 3 ]; then
    echo "::warning title=aicost-policy::aicost-policy exited with $code without writing the report $report, so the outputs are empty"
fi

case "$code" in
    3)
        echo "::warning title=aicost-policy::the pull request comment was not posted: the token cannot write to this repository, as for a pull request from a fork. The findings are in the annotations and the SARIF report."
        exit 0
        ;;
    *) exit "$code" ;;
esac

#!/usr/bin/env bash
# The GitHub Action's lint step: runs privacylint once for annotations (stdout), SARIF (a file)
# and the job summary, then records its exit code and whether to upload the SARIF. It always
# exits 0 so the upload can run; the action's last step exits with privacylint's code.
# Inputs arrive as environment variables (never interpolated into this script).
set -uo pipefail

temp="${RUNNER_TEMP:-${TMPDIR:-/tmp}}"
sarif="$temp/privacylint.sarif"
json="$temp/privacylint.json"
output="${GITHUB_OUTPUT:-/dev/null}"

fail() {
  echo "::error title=privacylint action::$1"
  { echo "exit-code=2"; echo "sarif-file=$sarif"; echo "json-file=$json"; echo "upload=false"; } >> "$output"
  exit 0
}

case "${PL_FAIL_ON:-error}" in error|warning|note) ;; *) fail "fail-on must be error, warning or note" ;; esac
case "${PL_UPLOAD_SARIF:-true}" in true|false) ;; *) fail "upload-sarif must be true or false" ;; esac
case "${PL_BROWSER:-false}" in true|false) ;; *) fail "browser must be true or false" ;; esac
for value in "${PL_PATH:-}" "${PL_RULES:-}" "${PL_SOURCE:-}" "${PL_BASELINE:-}" "${PL_COMPARE:-}"; do
  case "$value" in -*) fail "inputs must not start with '-': $value" ;; esac
done
[ -n "${PL_PATH:-}" ] || fail "the path input is empty"

common=()
[ -n "${PL_RULES:-}" ] && common+=(--rules "$PL_RULES")
[ -n "${PL_CACHE_DIR:-}" ] && common+=(--cache-dir "$PL_CACHE_DIR")
args=(--format github --format "sarif=$sarif" --format "json=$json" --fail-on "${PL_FAIL_ON:-error}" "${common[@]}")
[ -n "${PL_SOURCE:-}" ] && args+=(--source "$PL_SOURCE")
[ -n "${PL_BASELINE:-}" ] && args+=(--baseline "$PL_BASELINE")
[ "${PL_BROWSER:-false}" = true ] && args+=(--browser)
[ -n "${GITHUB_STEP_SUMMARY:-}" ] && args+=(--format "markdown=$GITHUB_STEP_SUMMARY")

# What the change does: against the base branch's report or baseline, or its build, linted first.
if [ -n "${PL_COMPARE:-}" ]; then
  base="$PL_COMPARE"
  if [ -d "$PL_COMPARE" ]; then
    base="$temp/privacylint-base.json"
    privacylint --quiet --exit-zero "${common[@]}" --format "json=$base" -- "$PL_COMPARE" \
      || { echo "::warning title=privacylint action::the base build $PL_COMPARE could not be linted; no comparison"; base=""; }
  elif [ ! -f "$PL_COMPARE" ]; then
    echo "::warning title=privacylint action::compare: $PL_COMPARE does not exist (no base report yet?); no comparison"
    base=""
  fi
  [ -n "$base" ] && args+=(--compare "$base")
fi

privacylint "${args[@]}" -- "$PL_PATH"
code=$?

# Pull requests from forks get a read-only token: the upload would fail, annotations still work.
from_fork=$(python -c '
import json, os, sys
path, repo = os.environ.get("GITHUB_EVENT_PATH", ""), os.environ.get("GITHUB_REPOSITORY", "")
try:
    head = json.load(open(path)).get("pull_request", {}).get("head", {}).get("repo") or {}
except (OSError, ValueError):
    head = {}
print("true" if head.get("full_name") not in (None, repo) else "false")
')
upload=false
if [ "$code" != 2 ] && [ "${PL_UPLOAD_SARIF:-true}" = true ] && [ "$from_fork" = false ] && [ -s "$sarif" ]; then
  upload=true
fi
{ echo "exit-code=$code"; echo "sarif-file=$sarif"; echo "json-file=$json"; echo "upload=$upload"; } >> "$output"
exit 0

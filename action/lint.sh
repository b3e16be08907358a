#!/usr/bin/env bash
# The GitHub Action's lint step: runs privacylint once for annotations (stdout), SARIF (a file)
# and the job summary, then records its exit code and whether to upload the SARIF. It always
# exits 0 so the upload can run; the action's last step exits with privacylint's code.
# Inputs arrive as environment variables (never interpolated into this script).
set -uo pipefail

sarif="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/privacylint.sarif"
output="${GITHUB_OUTPUT:-/dev/null}"

fail() {
  echo "::error title=privacylint action::$1"
  { echo "exit-code=2"; echo "sarif-file=$sarif"; echo "upload=false"; } >> "$output"
  exit 0
}

case "${PL_FAIL_ON:-error}" in error|warning|note) ;; *) fail "fail-on must be error, warning or note" ;; esac
case "${PL_UPLOAD_SARIF:-true}" in true|false) ;; *) fail "upload-sarif must be true or false" ;; esac
case "${PL_BROWSER:-false}" in true|false) ;; *) fail "browser must be true or false" ;; esac
for value in "${PL_PATH:-}" "${PL_RULES:-}" "${PL_SOURCE:-}" "${PL_BASELINE:-}"; do
  case "$value" in -*) fail "inputs must not start with '-': $value" ;; esac
done
[ -n "${PL_PATH:-}" ] || fail "the path input is empty"

args=(--format github --format "sarif=$sarif" --fail-on "${PL_FAIL_ON:-error}")
[ -n "${PL_RULES:-}" ] && args+=(--rules "$PL_RULES")
[ -n "${PL_SOURCE:-}" ] && args+=(--source "$PL_SOURCE")
[ -n "${PL_BASELINE:-}" ] && args+=(--baseline "$PL_BASELINE")
[ "${PL_BROWSER:-false}" = true ] && args+=(--browser)
[ -n "${GITHUB_STEP_SUMMARY:-}" ] && args+=(--format "markdown=$GITHUB_STEP_SUMMARY")

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
{ echo "exit-code=$code"; echo "sarif-file=$sarif"; echo "upload=$upload"; } >> "$output"
exit 0

#!/usr/bin/env bash
# The GitHub Action's fact-cache key: privacylint's code version (its version, its extraction
# code, its vendor catalogue and the JavaScript parser: cache.code_version), so a new release or
# catalogue starts a new cache; then the run, so each run saves what it added (actions/cache
# never overwrites a key) and the next one restores the newest by the prefix.
# The cache folder holds its secret (cache.py); actions/cache restores it with its mode (0600)
# for the runner's user, so the rows it sealed verify in the next run.
set -euo pipefail
version=$(python -c 'from privacylint.cache import code_version; print(code_version())')
prefix="privacylint-facts-${RUNNER_OS:-unknown}-${version}-"
{
  echo "dir=${HOME}/.cache/privacylint-action"
  echo "key=${prefix}${GITHUB_RUN_ID:-0}-${GITHUB_RUN_ATTEMPT:-1}"
  echo "restore-keys=${prefix}"
} >> "${GITHUB_OUTPUT:-/dev/null}"

#!/usr/bin/env bash
# Every test of the project, in order: kernels, formatting and lint, the TypeScript tests, then
# every notebook executed headless on ../shared/data/ml-latest-small (notebook 07 on synthetic
# ML-100K-format data, see below). Runs every step even after a
# failure and ends with one summary line "N passed, M failed" (test cases plus steps).
set -uo pipefail
cd "$(dirname "$0")/.."
export RECSYS_DATASET="${RECSYS_DATASET:-$(cd .. && pwd)/shared/data/ml-latest-small}"
# Notebook 07 needs demographics (ML-100K/ML-1M only): the synthetic ML-100K-format set with
# planted effects, generated offline under data/raw/ on first use, so its claims are asserted.
export RECSYS_DEMOGRAPHICS_DATASET="${RECSYS_DEMOGRAPHICS_DATASET:-synthetic-ml-100k}"

passed=0
failed=0
failed_steps=()
log="$(mktemp)"
trap 'rm -f "$log"' EXIT

step() {
  local name="$1"
  shift
  printf '\n\033[1m== %s\033[0m\n' "$name"
  if "$@" 2>&1 | tee "$log"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    failed_steps+=("$name")
  fi
}

count_deno_tests() {
  # deno test ends with "ok | 12 passed | 0 failed (3s)" or "FAILED | 11 passed | 1 failed".
  local line
  line="$(sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -E '^(ok|FAILED) \| [0-9]+ passed' | tail -1)"
  if [[ -n "$line" ]]; then
    passed=$((passed + $(sed -E 's/.*\| ([0-9]+) passed.*/\1/' <<<"$line")))
    failed=$((failed + $(sed -E 's/.*\| ([0-9]+) failed.*/\1/' <<<"$line")))
  fi
}

step "zig build test" zig build test --summary all
step "zig fmt --check" zig fmt --check kernels build.zig
step "deno fmt --check" deno fmt --check
step "deno lint" deno lint
step "zig build (library for deno test)" zig build
step "deno check" deno check lib/mod.ts lib/cli/main.ts lib/cli/bench.ts
step "deno test (unit + JSDoc examples)" deno test -A --doc --parallel
count_deno_tests
step "notebooks (headless, $(basename "$RECSYS_DATASET"))" \
  python tests/run_notebooks.py --check --timeout 1200

printf '\n'
if ((failed > 0)); then
  printf 'failed steps: %s\n' "${failed_steps[*]}"
fi
printf 'tests: %d passed, %d failed\n' "$passed" "$failed"
((failed == 0))

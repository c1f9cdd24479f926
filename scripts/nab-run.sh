#!/usr/bin/env bash
# NAB standard-profile score of the anomaly engine on the public NAB files: runs
# `odin-agent detect` over ../shared/peer/nab/data (one configuration, no labels read) and
# scores the output with ../shared/bench/nab_score.py.
#   scripts/nab-run.sh [extra nab_score.py flags, e.g. --json]
# ODIN_AGENT=/path/to/odin-agent uses a compiled binary instead of `bun src/main.ts`;
# OUT=DIR keeps the scored CSVs there (default: a temporary directory, removed afterwards).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
shared=${SHARED:-$root/../shared}
nab=$shared/peer/nab
if [ ! -d "$nab/data" ] || [ ! -f "$shared/bench/nab_score.py" ]; then
  echo "nab-run: skipped, no NAB data at $nab" >&2
  exit 0
fi
if [ -n "${OUT:-}" ]; then
  out=$OUT
  mkdir -p "$out"
else
  out=$(mktemp -d)
  trap 'rm -rf "$out"' EXIT
fi
cd "$root"
if [ -n "${ODIN_AGENT:-}" ]; then
  cmd=("$ODIN_AGENT")
else
  cmd=(npx --no-install bun src/main.ts)
fi
start=$(date +%s.%N)
"${cmd[@]}" detect --input-dir "$nab/data" --output-dir "$out" --prefix odin_
end=$(date +%s.%N)
mapfile -t files < <(cd "$nab/data" && find . -name '*.csv' | sed 's|^\./||' | LC_ALL=C sort)
# Data rows: lines with a comma, less one header per file.
points=$(( $(cd "$nab/data" && cat "${files[@]}" | grep -c ',' || true) - ${#files[@]} ))
awk -v n="$points" -v a="$start" -v b="$end" -v f="${#files[@]}" \
  'BEGIN { printf "nab-run: detect scored %d files, %d rows in %.1f s\n", f, n, b - a }' >&2
python3 "$shared/bench/nab_score.py" --windows "$nab/labels/combined_windows.json" \
  --results "$out" --prefix odin_ --files "${files[@]}" "$@"

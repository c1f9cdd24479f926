#!/usr/bin/env bash
# Runs ../shared/bench/node_compat.py against odin-agent on node_exporter's fixture host.
# The agent is started with the same relative roots node_exporter's own e2e test used
# (collector/fixtures/...), because some labels (node_rapl_*{path}) carry the sysfs path.
# Usage: scripts/node-compat.sh [node_compat.py args, e.g. --collectors cpu,stat --verbose]
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
shared="${SHARED:-$repo/../shared}"
[ -d "$shared/peer/node_exporter" ] || { echo "no $shared/peer/node_exporter: nothing to compare against" >&2; exit 2; }
work="$(mktemp -d)"
trap 'kill "$agent" 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir -p "$work/collector"
ln -s "$(cd "$shared/peer/node_exporter" && pwd)" "$work/collector/fixtures"
port="${PORT:-19499}"
if [ -x "$repo/dist/odin-agent" ] && [ -z "${FROM_SOURCE:-}" ]; then
  cmd=("$repo/dist/odin-agent")
else
  cmd=("$repo/node_modules/.bin/bun" "$repo/src/main.ts")
fi
(cd "$work" && exec "${cmd[@]}" --web.listen-address=127.0.0.1:$port \
  --path.procfs=collector/fixtures/proc --path.sysfs=collector/fixtures/sys \
  --path.rootfs=collector/fixtures --data-dir="$work/data" --log.level=error) &
agent=$!
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$port/ready" >/dev/null 2>&1 && break
  sleep 0.1
done
python3 "$shared/bench/node_compat.py" --url "http://127.0.0.1:$port/metrics" "$@"

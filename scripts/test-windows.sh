#!/usr/bin/env bash
# The Windows build, proven on Linux: `npm run build:windows` (amr.exe, amr.msi, setup),
# then test/windows/smoke.mjs under Debian's Wine with a fresh WINEPREFIX, everything
# on loopback. Needs wine, wine64, wixl (msitools), nsis, osslsigncode, snmpsim, snmp (.ci/run installs
# them) and the collector built (npm test does it). AMR_SKIP_WINDOWS_BUILD=1 reuses dist/windows.
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in wine wineboot wixl makensis osslsigncode msiinfo snmpsimd snmpget; do
  command -v "$tool" >/dev/null || { echo "test-windows: $tool is missing; as root: apt-get install -y wine wine64 wixl msitools nsis osslsigncode snmpsim snmp" >&2; exit 2; }
done
node scripts/ensure-collector.mjs
[ -f collector/dist/index.js ] || npm --prefix collector run build --silent
if [ -z "${AMR_SKIP_WINDOWS_BUILD:-}" ]; then
  start=$(date +%s)
  npm run build:windows --silent
  echo "test-windows: built in $(( $(date +%s) - start )) s"
fi
start=$(date +%s)
node test/windows/smoke.mjs
echo "test-windows: smoke tests in $(( $(date +%s) - start )) s"

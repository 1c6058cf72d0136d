#!/usr/bin/env bash
# Install the Debian packages boardpaper needs, only those missing.
# fonts-liberation2: Liberation Sans, metric-compatible with Arial (the council font).
# libharfbuzz-subset0: fast, reproducible font subsetting in WeasyPrint.
# poppler-utils, libreoffice-writer-nogui: real clients used by the tests.
# chromium: the browser the web-page tests drive (Playwright with executable_path;
#   `playwright install` cannot download its own browser here).
set -euo pipefail
needed=(fonts-liberation2 libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core)
if [ "${1:-}" = "--test" ]; then
  needed+=(poppler-utils libreoffice-writer-nogui faketime chromium)
fi
missing=()
for pkg in "${needed[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null; then
  echo "boardpaper setup: please install: ${missing[*]}" >&2
  exit 1
fi
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
echo "boardpaper setup: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

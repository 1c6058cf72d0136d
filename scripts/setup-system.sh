#!/usr/bin/env bash
# Install the Debian packages boardpaper needs, only those missing.
# fonts-liberation2: Liberation Sans, metric-compatible with Arial (the council font).
# libharfbuzz-subset0: fast, reproducible font subsetting in WeasyPrint.
# fonts-dejavu-core, fonts-noto-core: fallback fonts for what Liberation Sans lacks
#   (Hebrew, Arabic, emoji, mathematical symbols); see docs/security.md.
# fontconfig: fc-list, which names the font files a build used in its manifest, and the
#   characters no installed font has (boardpaper warns about those).
# poppler-utils, libreoffice-writer-nogui: real clients used by the tests.
# chromium: the browser the web-page tests drive (Playwright with executable_path;
#   `playwright install` cannot download its own browser here).
# faketime, locales (+ de_DE.UTF-8): the reproducibility tests build under another clock and locale.
# haproxy (--bench): the load balancer benchmarks/replicas.py puts in front of two services.
# time: /usr/bin/time -v, which benchmarks/indicators.py reads peak memory from.
# nodejs (+ npm, from Debian only when no npm came with it): runs the YAML language server
#   (VS Code's YAML extension's engine, tests/editor, pinned) that the schema tests drive.
set -euo pipefail
needed=(fonts-liberation2 libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core
  fonts-noto-core fontconfig)
if [ "${1:-}" = "--test" ]; then
  needed+=(poppler-utils libreoffice-writer-nogui faketime locales chromium time nodejs)
  # A nodejs build that brings its own npm conflicts with Debian's npm package.
  command -v npm >/dev/null || needed+=(npm)
fi
if [ "${1:-}" = "--bench" ]; then
  needed+=(haproxy libreoffice-writer-nogui)
fi
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
test_locale() {
  [ "${1:-}" = "--test" ] || return 0
  locale -a 2>/dev/null | grep -qi '^de_DE\.utf-\?8$' && return 0
  echo "boardpaper setup: generating the de_DE.UTF-8 locale (for the reproducibility tests)"
  $sudo localedef -i de_DE -f UTF-8 de_DE.UTF-8
}
editor_tests() {
  [ "${1:-}" = "--test" ] || return 0
  local folder
  folder="$(dirname "$0")/../tests/editor"
  [ "$folder/node_modules/.package-lock.json" -nt "$folder/package-lock.json" ] && return 0
  echo "boardpaper setup: installing the YAML language server for the editor tests (npm ci)"
  npm ci --prefix "$folder" --no-audit --no-fund --silent
}
missing=()
for pkg in "${needed[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -eq 0 ]; then
  test_locale "${1:-}"
  editor_tests "${1:-}"
  exit 0
fi
if ! command -v apt-get >/dev/null; then
  echo "boardpaper setup: please install: ${missing[*]}" >&2
  exit 1
fi
echo "boardpaper setup: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
test_locale "${1:-}"
editor_tests "${1:-}"

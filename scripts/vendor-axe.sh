#!/bin/sh
# Refresh tests/vendor/axe-core/ (the accessibility engine the site tests run in Chromium)
# from the npm registry at a pinned version, and check it against the recorded sha256.
# Usage: scripts/vendor-axe.sh [VERSION]   (then update README.md there with the new sums)
set -eu
version="${1:-4.14.1}"
here="$(cd "$(dirname "$0")/.." && pwd)"
target="$here/tests/vendor/axe-core"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "axe-core@$version" >/dev/null && tar xzf "axe-core-$version.tgz")
cp "$work/package/axe.min.js" "$work/package/LICENSE" "$work/package/LICENSE-3RD-PARTY.txt" "$target/"
sha256sum "$target/axe.min.js"
grep -q "$(sha256sum "$target/axe.min.js" | cut -d' ' -f1)" "$target/README.md" \
  || echo "axe.min.js differs from the recorded sha256: update tests/vendor/axe-core/README.md"

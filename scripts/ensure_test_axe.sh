#!/usr/bin/env bash
# Installs axe-core for the browser tests (tests/axe/package-lock.json) with `npm ci` when it is missing or the lock
# file changed. Without node and npm it says plainly which tests will be skipped.
set -u
dir="$(cd "$(dirname "$0")/../tests/axe" && pwd)"
stamp="$dir/node_modules/.installed-lock"
if [ -f "$dir/node_modules/axe-core/axe.min.js" ] && [ -f "$stamp" ] && cmp -s "$dir/package-lock.json" "$stamp"; then
    exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
    echo "NOTE: npm is missing; the axe-core checks in the browser tests will be skipped (in CI they fail)." >&2
    exit 0
fi
echo "Installing axe-core for the browser tests (npm ci in tests/axe)"
if npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error >/dev/null; then
    cp "$dir/package-lock.json" "$stamp"
else
    echo "NOTE: npm ci in tests/axe failed; the axe-core checks in the browser tests will be skipped (in CI they fail)." >&2
fi
exit 0

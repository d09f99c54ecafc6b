#!/usr/bin/env bash
# Installs the test OpenID Connect provider (node's oidc-provider, tests/oidc/package-lock.json) with `npm ci` when
# it is missing or the lock file changed. Without node and npm it says plainly which tests will be skipped.
set -u
dir="$(cd "$(dirname "$0")/../tests/oidc" && pwd)"
stamp="$dir/node_modules/.installed-lock"
if [ -d "$dir/node_modules/oidc-provider" ] && [ -f "$stamp" ] && cmp -s "$dir/package-lock.json" "$stamp"; then
    exit 0
fi
if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
    echo "NOTE: node and npm are missing; the OpenID Connect log-in tests will be skipped (in CI they fail)." >&2
    exit 0
fi
echo "Installing the test OpenID Connect provider (npm ci in tests/oidc)"
if npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error >/dev/null; then
    cp "$dir/package-lock.json" "$stamp"
else
    echo "NOTE: npm ci in tests/oidc failed; the OpenID Connect log-in tests will be skipped (in CI they fail)." >&2
fi
exit 0

#!/usr/bin/env bash
# Installs the npm packages the tests use, each folder from its own package-lock.json with `npm ci`, when it is
# missing or its lock file changed: tests/oidc (node's oidc-provider, the test OpenID Connect server) and tests/axe
# (axe-core, the accessibility checks of the browser tests). Without node and npm it says plainly which tests will
# be skipped (in CI they fail).
set -u
root="$(cd "$(dirname "$0")/.." && pwd)"

# ensure FOLDER INSTALLED-PATH WHAT: WHAT names the tests that need it
ensure() {
    local dir="$root/$1" installed="$root/$1/node_modules/$2" what="$3"
    local stamp="$dir/node_modules/.installed-lock"
    if [ -e "$installed" ] && [ -f "$stamp" ] && cmp -s "$dir/package-lock.json" "$stamp"; then
        return 0
    fi
    if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
        echo "NOTE: node and npm are missing; $what will be skipped (in CI they fail)." >&2
        return 0
    fi
    echo "Installing the npm packages of $1 (npm ci)"
    if npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error >/dev/null; then
        cp "$dir/package-lock.json" "$stamp"
    else
        echo "NOTE: npm ci in $1 failed; $what will be skipped (in CI they fail)." >&2
    fi
}

ensure tests/oidc oidc-provider "the OpenID Connect log-in tests"
ensure tests/axe axe-core/axe.min.js "the axe-core checks in the browser tests"
exit 0

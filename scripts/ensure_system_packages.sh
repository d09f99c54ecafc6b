#!/usr/bin/env bash
# Installs the Debian packages the tests need when they are missing: chromium (browser tests), hledger and ledger
# (the plain-text books round trip), poppler-utils (pdftoppm renders the letters in a test) and fonts-dejavu-core
# (the letters' embedded font, with the Arabic glyphs; the service needs it too). Without the right to install, it says plainly which tests will be skipped.
set -u
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v hledger >/dev/null 2>&1 || missing+=(hledger)
command -v ledger >/dev/null 2>&1 || missing+=(ledger)
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
    apt_get=(apt-get)
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    apt_get=(sudo apt-get)
else
    echo "NOTE: cannot install ${missing[*]} (no root or sudo); the tests that need them will be skipped." >&2
    exit 0
fi
echo "Installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${apt_get[@]}" update -qq >/dev/null || true
if ! "${apt_get[@]}" install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
    echo "NOTE: installing ${missing[*]} failed; the tests that need them will be skipped (in CI they fail)." >&2
fi
exit 0

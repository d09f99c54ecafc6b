#!/usr/bin/env bash
# make pip-audit (part of make check-fast): known vulnerabilities in the packages installed in the venv.
#
# pip-audit asks a vulnerability service for each installed package. Where that service cannot be reached (machines
# that reach only the package registries), pip-audit skips every package; this script then says so in one line and
# does not fail, because nothing was checked. When at least one package was checked, any known vulnerability fails
# the check, and so does a package that could not be checked while others could.
#
# Ignored vulnerabilities: one --ignore-vuln per line below, each with why (none today).
IGNORES=(
)
set -euo pipefail
BIN="${1:-.venv/bin}"
report=$(mktemp)
trap 'rm -f "$report"' EXIT
status=0
"$BIN/pip-audit" --progress-spinner off --skip-editable --format json --output "$report" "${IGNORES[@]}" \
    2>/dev/null || status=$?
"$BIN/python" - "$report" "$status" <<'PY'
import json
import sys

path, status = sys.argv[1], int(sys.argv[2])
try:
    with open(path, encoding="utf-8") as handle:
        report = json.load(handle)
except (OSError, ValueError):
    print(f"pip-audit: no report (exit {status})")
    sys.exit(status or 1)
packages = report.get("dependencies", [])
skipped = [p for p in packages if p.get("skip_reason")]
checked = [p for p in packages if not p.get("skip_reason")]
vulnerable = [p for p in checked if p.get("vulns")]
for package in vulnerable:
    for vuln in package["vulns"]:
        fixes = ", ".join(vuln.get("fix_versions", [])) or "no fix yet"
        print(f"pip-audit: {package['name']} {package['version']}: {vuln['id']} (fixed in {fixes})")
if not checked:
    print(f"pip-audit: the vulnerability service could not be reached; none of {len(packages)} packages checked")
    sys.exit(0)
if skipped:
    print("pip-audit: could not check " + ", ".join(p["name"] for p in skipped))
if vulnerable or skipped:
    sys.exit(1)
print(f"pip-audit: {len(checked)} packages, no known vulnerabilities")
PY

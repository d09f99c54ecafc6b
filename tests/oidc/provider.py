"""The test OpenID Connect provider (node's oidc-provider, tests/oidc/server.js) as a session fixture.

Installed by ``make test`` (``scripts/ensure_npm_test_packages.sh``: ``npm ci`` in tests/oidc). Without node or the
installed package the tests that need it are skipped with a plain reason, except in CI (``CI=true``) where they fail.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

HERE = Path(__file__).resolve().parent
CLIENT_ID = "budgetbeheer-test"
CLIENT_SECRET = "test-secret"
GROUP_ROLES = (
    ("bb-klantmanagers", "caseworker"),
    ("bb-financien", "finance"),
    ("bb-teamleiders", "supervisor"),
    ("bb-beheer", "admin"),
)


@dataclass(frozen=True)
class OidcProvider:
    issuer: str

    def set_groups(self, account: str, groups: list[str]) -> None:
        """Change a test account's groups at the provider (for the next log-in)."""
        response = requests.post(f"{self.issuer}/test/groups/{account}", data=json.dumps({"groups": groups}),
                                 timeout=5)
        assert response.status_code == 204


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason} in CI: `make test` should have installed it (scripts/ensure_npm_test_packages.sh)")
    pytest.skip(f"OIDC tests skipped: {reason} (make test installs it: npm ci in tests/oidc)")


@pytest.fixture(scope="session")
def oidc_provider() -> Iterator[OidcProvider]:
    node = shutil.which("node")
    if node is None:
        _unavailable("node is not installed")
    if not (HERE / "node_modules" / "oidc-provider").is_dir():
        _unavailable("the npm package oidc-provider is not installed")
    process = subprocess.Popen([str(node), str(HERE / "server.js")], cwd=HERE, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()  # the server prints its issuer once it listens
        if not line:
            pytest.fail(f"the test OIDC provider did not start (exit code {process.wait(timeout=5)})")
        issuer = json.loads(line)["issuer"]
        for _ in range(100):  # wait until its discovery document answers
            try:
                if requests.get(f"{issuer}/.well-known/openid-configuration", timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            time.sleep(0.05)
        else:
            pytest.fail("the test OIDC provider's discovery document did not answer")
        yield OidcProvider(issuer)
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()

"""Issue 14, finding 7: ``next`` follows same-origin paths only (budgetbeheer/http/redirects.py)."""

from __future__ import annotations

import pytest

from budgetbeheer.http.redirects import safe_next

FALLBACK = "/"


@pytest.mark.parametrize("target", [
    "/\t/evil.example/phish",  # next=/%09/evil.example/phish: the query string's %09 arrives decoded
    "/%09/evil.example/phish".replace("%09", "\t"),
    "//evil.example/phish",
    "/\\evil.example/phish",
    "/\\/evil.example",
    "/ok\\..\\evil",
    "https://evil.example/",
    "javascript:alert(1)",
    "evil.example/phish",
    "/households/1\r\nSet-Cookie: x=1",
    "/households/1\nx",
    "/households/ 1",
    "/households/\x00",
    "/households/\x7f",
    "/\u2028evil",
    "",
    None,
    42,
    "/" + "a" * 3000,
])
def test_finding7_unsafe_targets_fall_back_to_the_start_page(target: object) -> None:
    assert safe_next(target, FALLBACK) == FALLBACK


@pytest.mark.parametrize("target", ["/", "/households/12", "/households/12?tab=statement#saldo", "/batches/?page=2",
                                    "/households/%2F12"])
def test_finding7_a_path_of_this_site_is_followed(target: str) -> None:
    assert safe_next(target, FALLBACK) == target

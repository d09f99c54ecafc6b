"""Where a ``next`` parameter may send the browser: a path on this site, nothing else.

Browsers forgive a lot on the way to a ``Location``: they drop tabs and line breaks (``/\\t/evil.example`` becomes
``//evil.example``, another site), read a backslash as a slash, and a line break in a header is an error of its own.
So a target is followed only when it is plainly a path of this site; anything else goes to the fallback.
"""

from __future__ import annotations

from urllib.parse import urlsplit

MAX_LENGTH = 2000


def is_safe_path(target: object) -> bool:
    """A same-origin path: starts with one ``/`` (not ``//`` or ``/\\``), no scheme or host, no backslash, no
    whitespace or control character anywhere (the ``%09`` of a query string arrives here as a tab)."""
    if not isinstance(target, str) or not target.startswith("/") or len(target) > MAX_LENGTH:
        return False
    if target[1:2] in {"/", "\\"} or "\\" in target:
        return False
    if any(ch.isspace() or ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0 for ch in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def safe_next(target: object, fallback: str) -> str:
    """``target`` when it is a safe path of this site (:func:`is_safe_path`), else ``fallback``."""
    return target if is_safe_path(target) and isinstance(target, str) else fallback

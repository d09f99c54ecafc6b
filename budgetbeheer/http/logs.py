"""No BSN in an access log: the request lines that the development server (``werkzeug``) and gunicorn
(``gunicorn.access``, when ``--access-logfile`` is given) write have every run of 8 or 9 digits in their query string
masked.

Our own URLs never carry a BSN (the search POSTs it, see :mod:`budgetbeheer.households.read`); this catches a client
that puts one in a query string anyway (``GET /api/v1/households?query=111222333`` is refused, but it was sent).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping

ACCESS_LOGGERS = ("werkzeug", "gunicorn.access")
_QUERY = re.compile(r"\?[^\s\"]*")
_BSN_LIKE = re.compile(r"(?<![0-9])[0-9]{8,9}(?![0-9])")


def mask_query_digits(text: str) -> str:
    """``text`` with every run of 8 or 9 digits in a query string (after ``?``) replaced by ``*********``."""
    return _QUERY.sub(lambda query: _BSN_LIKE.sub("*********", query.group(0)), text)


class NoBsnInRequestLines(logging.Filter):
    """Masks BSN-like digits in the query strings of a log record's message and arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = mask_query_digits(record.msg)
        if isinstance(record.args, Mapping):
            record.args = {key: mask_query_digits(value) if isinstance(value, str) else value
                           for key, value in record.args.items()}
        elif isinstance(record.args, tuple):
            record.args = tuple(mask_query_digits(value) if isinstance(value, str) else value
                                for value in record.args)
        return True


def install() -> None:
    """Put the filter on the access loggers (once)."""
    for name in ACCESS_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(existing, NoBsnInRequestLines) for existing in logger.filters):
            logger.addFilter(NoBsnInRequestLines())

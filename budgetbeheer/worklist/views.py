"""The worklist on the start page (a template global, ``worklist()``) and as ``GET /api/v1/worklist``."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, g, url_for

from budgetbeheer import clock
from budgetbeheer.http.access import scope
from budgetbeheer.http.api import ApiRoutes, ok
from budgetbeheer.http.context import current, db, language, settings
from budgetbeheer.i18n import translate
from budgetbeheer.worklist.service import Link, Section, worklist

routes = ApiRoutes()


def _url(link: Link | None) -> str | None:
    if link is None or link.endpoint not in current_app.view_functions:
        return None
    return url_for(link.endpoint, **link.args)


def sections_json(sections: list[Section]) -> dict[str, Any]:
    lang = language()
    return {
        section.role: {
            "total": section.total,
            "items": [{"key": item.key, "label": translate(item.label, lang), "count": item.count,
                       "link": _url(item.link),
                       "rows": [{"text": translate(row.text, lang), "link": _url(row.link), **row.detail} for row in item.rows]}
                      for item in section.items],
        }
        for section in sections
    }


def worklist_panel() -> list[Section]:
    """The signed-in user's sections (the start page)."""
    user = current()
    if user is None:
        return []
    return worklist(db(), user.id, frozenset(user.roles), clock.today(), settings().lead_business_days,
                    scope())


def link_url(link: Link | None) -> str | None:
    return _url(link)


@routes.route("/worklist", ["GET"], summary="What needs the token user today, per role, with counts and links",
              permission="worklist.read")
def worklist_json() -> tuple[Response, int]:
    user = g.api_user
    sections = worklist(db(), user.id, frozenset(user.roles), clock.today(), settings().lead_business_days,
                    scope())
    return ok(sections_json(sections))

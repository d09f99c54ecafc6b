"""How the worklist plugs in (see :mod:`budgetbeheer.features`): the start page's panel and the API route."""

from __future__ import annotations

from budgetbeheer.features import Registry
from budgetbeheer.worklist import views


def register(registry: Registry) -> None:
    registry.add_api_routes(views.routes)
    registry.add_panel("worklist", views.worklist_panel)  # on the start page (home.html)
    registry.add_panel("worklist_url", views.link_url)

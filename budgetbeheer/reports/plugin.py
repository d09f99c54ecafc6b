"""How the reports feature plugs in (see :mod:`budgetbeheer.features`)."""

from __future__ import annotations

from budgetbeheer.features import Registry
from budgetbeheer.reports import api, cli, web


def register(registry: Registry) -> None:
    registry.add_blueprint(web.bp)
    for label, endpoint, permission in web.NAV:
        registry.add_nav(label, endpoint, permission)
    registry.add_api_routes(api.routes)
    registry.add_command(cli.reports)
    registry.add_command(cli.ledger_group)
    registry.add_task("accountant", "Rapportages", "reports.index")

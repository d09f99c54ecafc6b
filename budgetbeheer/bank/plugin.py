"""How the bank feature plugs in (see :mod:`budgetbeheer.features`)."""

from __future__ import annotations

from budgetbeheer.bank import api, cli, jobs, web
from budgetbeheer.features import Registry


def register(registry: Registry) -> None:
    registry.add_blueprint(web.bp)
    registry.add_nav("Bank", "bank.statements", "bank.read")
    registry.add_panel("match_rules_link", web.match_rules_link)  # on the household page, under its incomes
    registry.add_task("finance", "Bankafschriften", "bank.statements")
    registry.add_api_routes(api.routes)
    registry.add_command(cli.statements)
    registry.add_command(cli.status_reports)
    jobs.register(registry.jobs)

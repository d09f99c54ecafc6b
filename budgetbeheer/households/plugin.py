"""How the households feature plugs in (see :mod:`budgetbeheer.features`)."""

from __future__ import annotations

from budgetbeheer.features import Registry
from budgetbeheer.households import api, cli, corrections_api, corrections_web, demo, jobs, web


def register(registry: Registry) -> None:
    registry.add_blueprint(web.bp)
    for label, endpoint, permission in web.NAV:
        registry.add_nav(label, endpoint, permission)
    registry.add_api_routes(api.routes)
    registry.add_api_routes(corrections_api.routes)
    registry.add_blueprint(corrections_web.bp)
    jobs.register(registry.jobs)
    registry.add_command(cli.receipts)
    registry.add_command(cli.creditors)
    registry.add_demo(demo.load)
    registry.add_link("household", "households.show")
    registry.add_task("caseworker", "Huishoudens", "households.index")

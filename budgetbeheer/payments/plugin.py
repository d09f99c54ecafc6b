"""How the payments feature plugs in (see :mod:`budgetbeheer.features`)."""

from __future__ import annotations

from budgetbeheer.features import Registry
from budgetbeheer.payments import api, cli, iban_web, jobs, web


def register(registry: Registry) -> None:
    registry.add_blueprint(web.bp)
    registry.add_blueprint(iban_web.bp)
    for label, endpoint, permission in web.NAV:
        registry.add_nav(label, endpoint, permission)
    registry.add_api_routes(api.routes)
    registry.add_command(cli.runs)
    registry.add_command(cli.batches)
    jobs.register(registry.jobs)
    registry.add_template_context(web.payment_labels)
    registry.add_template_context(iban_web.iban_helpers)
    registry.add_panel("iban_panel", iban_web.panel)  # on the household page and the creditors register
    registry.add_task("finance", "Betaalruns", "payments.batches")

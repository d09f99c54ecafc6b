"""The plug-in contract: each feature's ``register(registry)`` adds its routes, commands, jobs, panels and links."""

from __future__ import annotations

from budgetbeheer.composition import PLUGINS, registry
from budgetbeheer.features import Registry
from budgetbeheer.lifecycle import plugin as lifecycle_plugin
from budgetbeheer.payments import plugin as payments_plugin


def test_payments_registers_its_routes_commands_job_and_panel() -> None:
    built = Registry()
    payments_plugin.register(built)
    assert [bp.name for bp in built.blueprints] == ["payments", "iban_changes"]
    paths = {(e.path, e.method) for routes in built.api_routes for e in routes.endpoints}
    assert ("/batches/<int:batch_id>/approve", "post") in paths
    assert {c.name for c in built.commands} == {"runs", "batches"}
    assert [job.name for job in built.jobs.all()] == ["payments.prepare_runs"]
    assert "iban_panel" in built.panels
    assert ("Betaalruns", "payments.batches") in built.tasks["finance"]


def test_lifecycle_registers_its_jobs_in_order_and_no_commands() -> None:
    built = Registry()
    lifecycle_plugin.register(built)
    assert [job.name for job in built.jobs.all()] == ["lifecycle.end_periods", "lifecycle.raise_signals"]
    assert built.commands == []  # the scheduler commands are core (budgetbeheer.cli)
    assert "lifecycle_period" in built.panels


def test_the_whole_registry() -> None:
    built = registry()
    assert len(PLUGINS) == 7
    assert [job.name for job in built.jobs.all()] == [
        "households.leefgeld_changes", "lifecycle.end_periods", "payments.prepare_runs", "lifecycle.raise_signals", "bank.receipts_not_on_bank",
        "http.forget_idempotent_requests"]
    assert {c.name for c in built.commands} == {"receipts", "creditors", "runs", "batches", "reports", "ledger",
                                                 "statements", "status-reports"}
    assert built.links["household"] == "households.show"
    assert len(built.demo_loaders) == 2
    assert {"special_panel", "worklist", "worklist_url"} <= set(built.panels)
    paths = {(e.path, e.method) for routes in built.api_routes for e in routes.endpoints}
    assert {("/households/<int:household_id>/one-off-payments", "post"), ("/advances/<int:advance_id>/write-off",
            "post"), ("/worklist", "get"), ("/signals/done", "post")} <= paths


def test_subscribe_stores_the_pairs() -> None:
    class Happened:
        pass

    def handler(event: Happened) -> None:
        pass

    built = Registry()
    built.subscribe(Happened, handler)
    assert built.handlers() == [(Happened, handler)]

"""Nothing a payment run or a bank-file export remembers outlives it (issue 11): no process-wide cache in
``payments.runs`` or ``payments.sepa``; each run has its own RunContext, each export its own ExportChecks."""

from __future__ import annotations

import functools
import importlib
import pkgutil
from collections.abc import Iterator
from datetime import date
from types import ModuleType
from typing import Any

import pytest

import budgetbeheer.payments.runs
import budgetbeheer.payments.sepa
from budgetbeheer.payments.runs.context import RunContext
from budgetbeheer.payments.sepa.checks import ExportChecks


def modules(package: ModuleType) -> Iterator[ModuleType]:
    yield package
    for info in pkgutil.iter_modules(package.__path__):
        yield importlib.import_module(f"{package.__name__}.{info.name}")


def caches_in(module: ModuleType, value: Any) -> bool:
    """A cache made in ``module`` (one imported from elsewhere, such as the planning rules' own, is not its own)."""
    if isinstance(value, functools._lru_cache_wrapper):
        return bool(value.__module__ == module.__name__)
    return isinstance(value, dict) and any(isinstance(v, functools._lru_cache_wrapper) for v in value.values())


@pytest.mark.parametrize("package", [budgetbeheer.payments.runs, budgetbeheer.payments.sepa])
def test_no_module_level_cache(package: ModuleType) -> None:
    found = [f"{module.__name__}.{name}" for module in modules(package) for name, value in vars(module).items()
             if caches_in(module, value)]
    assert found == []


def test_each_run_remembers_on_its_own() -> None:
    first, second = RunContext(), RunContext()
    assert first.iban_problem("NL91ABNA0417164300") is None
    assert first.parse_date("2026-12-01") == date(2026, 12, 1)
    assert first.iban_problem.cache_info().currsize == 1  # type: ignore[attr-defined]
    assert second.iban_problem.cache_info().currsize == 0  # type: ignore[attr-defined]
    assert second.parse_date.cache_info().currsize == 0  # type: ignore[attr-defined]


def test_each_export_remembers_on_its_own() -> None:
    first, second = ExportChecks(), ExportChecks()
    assert first.iban("NL91ABNA0417164300") == ("NL91ABNA0417164300", "")
    assert first.iban.cache_info().currsize == 1  # type: ignore[attr-defined]
    assert second.iban.cache_info().currsize == 0  # type: ignore[attr-defined]

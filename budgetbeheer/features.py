"""The feature packages and how their plug-in modules are found.

Each feature may have ``web.py`` (``register(app)`` and ``NAV``), ``api.py`` (routes via
``budgetbeheer.web.api.route``), ``cli.py`` (``register(main)``), ``demo.py`` (``load(session, actor)``) and
``jobs.py`` (scheduled jobs); the web app, the command line, the demo loader and the scheduler find them here.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable, Iterator
from types import ModuleType

FEATURES = ("households", "payments", "lifecycle", "reports")


def feature_module(feature: str, name: str) -> ModuleType | None:
    """``budgetbeheer.<feature>.<name>``, imported, or None when the feature has no such module."""
    module_name = f"budgetbeheer.{feature}.{name}"
    if importlib.util.find_spec(module_name) is None:
        return None
    return importlib.import_module(module_name)


def feature_modules(name: str) -> Iterator[tuple[str, ModuleType]]:
    """``(feature, module)`` for every feature that has a module ``name``, in the order of :data:`FEATURES`."""
    for feature in FEATURES:
        module = feature_module(feature, name)
        if module is not None:
            yield feature, module


def event_subscriptions() -> list[tuple[type, Callable[..., None]]]:
    """Every feature's event handlers: the ``SUBSCRIPTIONS`` of its ``handlers`` module, as ``(event type,
    handler)`` pairs (see :mod:`budgetbeheer.events`)."""
    return [pair for _, module in feature_modules("handlers") for pair in module.SUBSCRIPTIONS]

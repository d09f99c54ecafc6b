"""The plug-in contract: what a feature adds to the application, and the :class:`Registry` that collects it.

Each feature package (``households``, ``payments``, ``lifecycle``, ``reports``, and the features to come) has one
module ``budgetbeheer/<feature>/plugin.py`` with one function ``register(registry: Registry)``. It adds, explicitly:

- ``registry.add_blueprint(bp)`` and ``registry.add_nav(label, endpoint, permission)``: its pages and menu items;
- ``registry.add_api_routes(routes)``: its :class:`~budgetbeheer.http.api.ApiRoutes` (the app adds them to ``/api/v1``
  and to the OpenAPI description);
- ``registry.add_command(command)``: its click commands and groups (added to ``budgetbeheer``);
- ``registry.jobs.add(name, func, ...)``: its daily jobs (:mod:`budgetbeheer.jobs`);
- ``registry.add_template_filter(name, func)``, ``registry.add_template_context(func)``: its template helpers;
- ``registry.add_panel(name, func)``: a panel one feature shows on another feature's page (a template global);
- ``registry.add_task(role, label, endpoint)`` and ``registry.add_link(name, endpoint)``: named endpoints that other
  parts (the start page, another feature's templates) use, instead of guessing endpoint names;
- ``registry.add_demo(load)``: its demo data loader, ``load(session, actor) -> Iterator[str]``;
- ``registry.subscribe(event_type, handler)``: its event handlers (the event bus reads ``registry.handlers()``).

The composition root (:mod:`budgetbeheer.composition`) calls each feature's ``register`` once and hands the registry
to the web app, the command line and the scheduler. This module is core: it knows no feature and no web framework
(blueprints, routes and commands are opaque objects here).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from budgetbeheer.audit.service import Actor
from budgetbeheer.jobs import JobRegistry

FEATURES = ("households", "payments", "bank", "special", "lifecycle", "reports", "worklist")

DemoLoader = Callable[[Session, Actor], Iterator[str]]


@dataclass(frozen=True)
class NavItem:
    label: str
    endpoint: str
    permission: str

    def __iter__(self) -> Iterator[str]:  # templates unpack (label, endpoint, permission)
        return iter((self.label, self.endpoint, self.permission))


@dataclass
class Registry:
    """Everything the features plugged in, in the order they registered it."""

    blueprints: list[Any] = field(default_factory=list)
    nav: list[NavItem] = field(default_factory=list)
    api_routes: list[Any] = field(default_factory=list)
    commands: list[Any] = field(default_factory=list)
    jobs: JobRegistry = field(default_factory=JobRegistry)
    template_filters: dict[str, Callable[..., Any]] = field(default_factory=dict)
    template_context: list[Callable[[], dict[str, Any]]] = field(default_factory=list)
    panels: dict[str, Callable[..., Any]] = field(default_factory=dict)
    tasks: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    links: dict[str, str] = field(default_factory=dict)
    demo_loaders: list[DemoLoader] = field(default_factory=list)
    _handlers: list[tuple[type, Callable[..., Any]]] = field(default_factory=list)

    def add_blueprint(self, blueprint: Any) -> None:
        self.blueprints.append(blueprint)

    def add_nav(self, label: str, endpoint: str, permission: str) -> None:
        self.nav.append(NavItem(label, endpoint, permission))

    def add_api_routes(self, routes: Any) -> None:
        self.api_routes.append(routes)

    def add_command(self, command: Any) -> None:
        self.commands.append(command)

    def add_template_filter(self, name: str, func: Callable[..., Any]) -> None:
        if name in self.template_filters:
            raise ValueError(f"template filter {name!r} is added twice")
        self.template_filters[name] = func

    def add_template_context(self, func: Callable[[], dict[str, Any]]) -> None:
        self.template_context.append(func)

    def add_panel(self, name: str, func: Callable[..., Any]) -> None:
        if name in self.panels:
            raise ValueError(f"panel {name!r} is added twice")
        self.panels[name] = func

    def add_task(self, role: str, label: str, endpoint: str) -> None:
        """A first task on the start page for users with ``role``."""
        self.tasks.setdefault(role, []).append((label, endpoint))

    def add_link(self, name: str, endpoint: str) -> None:
        """A named endpoint other features link to (``registry.links[name]``)."""
        self.links[name] = endpoint

    def add_demo(self, load: DemoLoader) -> None:
        self.demo_loaders.append(load)

    def subscribe(self, event_type: type, handler: Callable[..., Any]) -> None:
        """Handle ``event_type`` with ``handler`` (the event bus runs it in the publisher's transaction)."""
        self._handlers.append((event_type, handler))

    def handlers(self) -> list[tuple[type, Callable[..., Any]]]:
        """Every ``(event_type, handler)`` pair, in the order they were subscribed."""
        return list(self._handlers)

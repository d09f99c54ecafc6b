"""What a report is made of: tables of typed columns for a date range, and the range as the user gives it.

A :class:`Report` knows nothing of file formats; :mod:`budgetbeheer.reports.export` writes it as JSON, CSV or XLSX.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from budgetbeheer.db.base import utcnow
from budgetbeheer.domain.categories import Category
from budgetbeheer.errors import Message, NotFound, ValidationError
from budgetbeheer.fields import parse_iso_date
from budgetbeheer.reports.queries import DateRange

MAX_MONTHS = 60
LEEFGELD = "leefgeld"
ONE_OFF = "one_off"
"""A one-off payment (incidentele betaling): paid, but neither a fixed cost nor leefgeld."""
PAID_KINDS: tuple[str, ...] = (*(str(c) for c in Category), LEEFGELD, ONE_OFF)


class ColumnType(StrEnum):
    TEXT = "text"
    INT = "int"
    AMOUNT = "amount"
    """Integer cents; written as "650.00" (JSON, CSV), "650,00" (Dutch CSV) or a number (XLSX)."""
    DATE = "date"
    DATETIME = "datetime"
    DECIMAL = "decimal"
    BOOL = "bool"


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    """Dutch label (a message id), shown on screen and in XLSX; CSV and JSON use ``key``."""
    type: ColumnType = ColumnType.TEXT


@dataclass
class Table:
    key: str
    title: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[Any]]
    """Read once. Each row has one value per column; amounts in cents."""


@dataclass
class Report:
    name: str
    title: str
    period: DateRange
    municipality: str
    exported_by: str
    tables: list[Table]
    exported_at: datetime = field(default_factory=utcnow)

    def table(self, key: str) -> Table:
        for table in self.tables:
            if table.key == key:
                return table
        raise NotFound(Message("Rapport %(name)s heeft geen tabel %(table)s.", name=self.name, table=key))


def parse_period(raw_start: object, raw_end: object) -> DateRange:
    """Both dates ISO (YYYY-MM-DD), ``from`` not after ``to``, at most :data:`MAX_MONTHS` months."""
    errors: dict[str, Message] = {}
    parsed: dict[str, date] = {}
    for name, raw in (("from", raw_start), ("to", raw_end)):
        if raw is None or raw == "":
            errors[name] = Message("Vul een datum in (JJJJ-MM-DD).")
            continue
        day = parse_iso_date(str(raw))
        if day is None:
            errors[name] = Message("\"%(value)s\" is geen datum (JJJJ-MM-DD).", value=str(raw))
        else:
            parsed[name] = day
    if not errors and parsed["from"] > parsed["to"]:
        errors["to"] = Message("De einddatum ligt vóór de begindatum.")
    if not errors and len(DateRange(parsed["from"], parsed["to"]).months()) > MAX_MONTHS:
        errors["to"] = Message("Kies een periode van hoogstens %(n)s maanden.", n=MAX_MONTHS)
    if errors:
        raise ValidationError(errors)
    return DateRange(parsed["from"], parsed["to"])

"""Writing a :class:`~budgetbeheer.reports.model.Report` as JSON, CSV (plain or Dutch Excel) or XLSX, in one pass.

Formula neutralisation: a text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a
single quote in front, in CSV and XLSX, so a spreadsheet never runs it as a formula. Amounts and counts are written by
this module from integers (``-650.00``): they are numbers, not text, and stay numbers (in XLSX as numeric cells).
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import tempfile
from collections.abc import Callable, Collection, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import partial
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from budgetbeheer.audit.service import record
from budgetbeheer.errors import Message, ValidationError
from budgetbeheer.fields import FORMULA_STARTS, neutralise_formula
from budgetbeheer.i18n import translate
from budgetbeheer.money import cents_to_str
from budgetbeheer.reports.model import Column, ColumnType, Report, Table
from budgetbeheer.reports.reports import build_report, report_kind

FORMATS = ("json", "csv", "csv-nl", "xlsx")
MEDIA_TYPES = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "csv-nl": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
EXTENSIONS = {"json": "json", "csv": "csv", "csv-nl": "csv", "xlsx": "xlsx"}
XLSX_MAX_ROWS = 1_048_575
"""Data rows per sheet (Excel's limit minus the header row); longer tables continue on a next sheet."""


def check_format(raw: str | None) -> str:
    chosen = (raw or "json").strip().lower()
    if chosen not in FORMATS:
        raise ValidationError(
            {"format": Message("Kies een formaat: %(formats)s.", formats=", ".join(FORMATS))}
        )
    return chosen




def filename(report: Report, fmt: str, table: str | None = None) -> str:
    suffix = f"-{table}" if table else ""
    return f"{report.name}{suffix}-{report.period.start.isoformat()}-{report.period.end.isoformat()}.{EXTENSIONS[fmt]}"


def _utc_text(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _decimal_comma(text: str) -> str:
    return text.replace(".", ",")


# --- JSON ----------------------------------------------------------------------------------------------------------


def json_value(column: Column, value: Any) -> Any:
    if value is None:
        return None
    if column.type is ColumnType.AMOUNT:
        return cents_to_str(int(value))
    if column.type is ColumnType.DATE:
        return value.isoformat() if isinstance(value, date) else str(value)
    if column.type is ColumnType.DATETIME:
        return _utc_text(value) if isinstance(value, datetime) else str(value)
    if column.type is ColumnType.DECIMAL:
        return str(value)
    if column.type is ColumnType.BOOL:
        return bool(value)
    if column.type is ColumnType.INT:
        return int(value)
    return str(value)


def header(report: Report) -> dict[str, Any]:
    return {
        "report": report.name,
        "title": report.title,
        "municipality": report.municipality,
        "from": report.period.start.isoformat(),
        "to": report.period.end.isoformat(),
        "range": "inclusive",
        "exported_at": _utc_text(report.exported_at),
        "exported_by": report.exported_by,
    }


def write_json(report: Report, out: IO[bytes]) -> None:
    """``{"data": {header..., "tables": {key: [row objects]}}}``, written row by row."""
    writer = codecs.getwriter("utf-8")(out)
    head = json.dumps(header(report), ensure_ascii=False)
    writer.write('{"data": ' + head[:-1] + ', "tables": {')
    for table_index, table in enumerate(report.tables):
        writer.write(("," if table_index else "") + json.dumps(table.key) + ": [")
        for row_index, row in enumerate(table.rows):
            record = {column.key: json_value(column, value) for column, value in zip(table.columns, row, strict=True)}
            writer.write(("," if row_index else "") + "\n" + json.dumps(record, ensure_ascii=False))
        writer.write("]")
    writer.write("}}}\n")


def report_as_data(report: Report) -> dict[str, Any]:
    """The JSON answer as a Python object (small reports only)."""
    buffer = io.BytesIO()
    write_json(report, buffer)
    return dict(json.loads(buffer.getvalue())["data"])


# --- CSV -----------------------------------------------------------------------------------------------------------


def csv_value(column: Column, value: Any, dutch: bool) -> str:
    if value is None:
        return ""
    if column.type is ColumnType.AMOUNT:
        text = cents_to_str(int(value))
        return _decimal_comma(text) if dutch else text
    if column.type is ColumnType.DECIMAL:
        return _decimal_comma(str(value)) if dutch else str(value)
    if column.type is ColumnType.INT:
        return str(int(value))
    if column.type is ColumnType.BOOL:
        return ("ja" if value else "nee") if dutch else ("true" if value else "false")
    if column.type is ColumnType.DATE:
        return value.isoformat() if isinstance(value, date) else neutralise_formula(str(value))
    if column.type is ColumnType.DATETIME:
        return _utc_text(value) if isinstance(value, datetime) else neutralise_formula(str(value))
    return neutralise_formula(str(value))


def _int_text(value: Any) -> str:
    return str(int(value))


def _amount_text(value: Any) -> str:
    return cents_to_str(int(value))


def _amount_text_nl(value: Any) -> str:
    return cents_to_str(int(value)).replace(".", ",")


def _date_text(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else neutralise_formula(str(value))


def _datetime_text(value: Any) -> str:
    return _utc_text(value) if isinstance(value, datetime) else neutralise_formula(str(value))


def _plain_text(value: Any) -> str:
    text = value if type(value) is str else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


_CSV_TEXT = {ColumnType.INT: _int_text, ColumnType.DATE: _date_text, ColumnType.DATETIME: _datetime_text}


def csv_converter(column: Column, dutch: bool) -> Callable[[Any], str]:
    """:func:`csv_value` for one column, chosen once per table: the function that writes a (non-null) cell."""
    if column.type is ColumnType.AMOUNT:
        return _amount_text_nl if dutch else _amount_text
    if column.type in _CSV_TEXT:
        return _CSV_TEXT[column.type]
    if column.type is ColumnType.TEXT:
        return _plain_text
    return partial(csv_value, column, dutch=dutch)


def write_csv(table: Table, out: IO[bytes], *, dutch: bool = False) -> None:
    """UTF-8 with a header row of column keys; ``dutch``: semicolons, decimal comma, a byte-order mark for Excel and a
    header row of the columns' Dutch labels (a person opens it; a script reads ``csv`` with its English keys).
    Each cell as :func:`csv_value` writes it, by a converter chosen once per column (:func:`csv_converter`)."""
    text = io.TextIOWrapper(out, encoding="utf-8-sig" if dutch else "utf-8", newline="", write_through=False)
    try:
        writer = csv.writer(text, delimiter=";" if dutch else ",", lineterminator="\r\n")
        writer.writerow([neutralise_formula(column.label if dutch else column.key) for column in table.columns])
        converters = [csv_converter(column, dutch) for column in table.columns]
        write_row = writer.writerow
        for row in table.rows:
            write_row(["" if value is None else convert(value) for convert, value in zip(converters, row, strict=True)])
        text.flush()
    finally:
        text.detach()


# --- XLSX ----------------------------------------------------------------------------------------------------------


def _xlsx_text(value: str) -> str:
    return neutralise_formula(ILLEGAL_CHARACTERS_RE.sub("", value))


def _xlsx_cell(sheet: Any, column: Column, value: Any) -> Any:
    if value is None:
        return None
    if column.type is ColumnType.AMOUNT:
        cell = WriteOnlyCell(sheet, value=Decimal(int(value)) / 100)
        cell.number_format = "#,##0.00"
        return cell
    if column.type is ColumnType.DECIMAL:
        cell = WriteOnlyCell(sheet, value=Decimal(value))
        cell.number_format = "0.00"
        return cell
    if column.type is ColumnType.DATE and isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    if column.type is ColumnType.DATETIME and isinstance(value, datetime):
        cell = WriteOnlyCell(sheet, value=value.astimezone(UTC).replace(tzinfo=None))
        cell.number_format = "yyyy-mm-dd hh:mm:ss"
        return cell
    if column.type is ColumnType.INT:
        return int(value)
    if column.type is ColumnType.BOOL:
        return bool(value)
    return _xlsx_text(str(value))


_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\']")


def sheet_title(title: str, part: int = 1, taken: Collection[str] = ()) -> str:
    """A sheet's name from its table's title in the reader's language: at most 31 characters (Excel's limit), without
    the characters Excel refuses, ``title 2`` for a table's second sheet, and never the name of an earlier sheet."""
    def cut(text: str, room: int) -> str:
        if len(text) <= room:
            return text
        short = text[:room + 1].rsplit(" ", 1)[0] if " " in text[:room + 1] else text[:room]
        if short.count("(") > short.count(")"):  # no bracket left open
            short = short[:short.rfind("(")]
        return short.rstrip(" (-,:;")

    base = _SHEET_FORBIDDEN.sub("", title).strip() or "tabel"
    suffix = "" if part == 1 else f" {part}"
    name = cut(base, 31 - len(suffix)) + suffix
    number = 2
    while name.casefold() in {t.casefold() for t in taken}:
        extra = f"{suffix} ({number})"
        name = cut(base, 31 - len(extra)) + extra
        number += 1
    return name


def write_xlsx(report: Report, out: IO[bytes], language: str = "nl") -> None:
    """A header sheet (municipality, range, moment and author of the export), then one sheet per table."""
    workbook = Workbook(write_only=True)
    head = workbook.create_sheet(translate("Rapport", language))
    names = [head.title]
    titles: list[str] = []
    for table in report.tables:
        titles.append(sheet_title(translate(table.title, language), 1, names))
        names.append(titles[-1])
    period = report.period
    for label, value in (
        ("Gemeente", report.municipality),
        ("Rapport", translate(report.title, language)),
        ("Periode (beide data inbegrepen)", f"{period.start.isoformat()} t/m {period.end.isoformat()}"),
        ("Van", period.start),
        ("Tot en met", period.end),
        ("Geëxporteerd op (UTC)", report.exported_at.astimezone(UTC).replace(tzinfo=None)),
        ("Geëxporteerd door", report.exported_by),
        ("Tabellen", ", ".join(titles)),
    ):
        head.append([translate(label, language), _xlsx_text(value) if isinstance(value, str) else value])
    for table, title in zip(report.tables, titles, strict=True):
        _write_sheets(workbook, table, language, title, names)
    workbook.save(out)


def _write_sheets(workbook: Any, table: Table, language: str, title: str, names: list[str]) -> None:
    part = 1
    sheet = workbook.create_sheet(title)
    labels = [_xlsx_text(translate(column.label, language)) for column in table.columns]
    sheet.append(labels)
    written = 0
    for row in table.rows:
        if written == XLSX_MAX_ROWS:
            part += 1
            names.append(sheet_title(translate(table.title, language), part, names))
            sheet = workbook.create_sheet(names[-1])
            sheet.append(labels)
            written = 0
        sheet.append([_xlsx_cell(sheet, column, value) for column, value in zip(table.columns, row, strict=True)])
        written += 1


def write(report: Report, fmt: str, out: IO[bytes], *, table: str | None = None, language: str = "nl") -> None:
    """Write the report; CSV holds one table (``table``, else the report's first)."""
    if fmt == "json":
        write_json(report, out)
    elif fmt in ("csv", "csv-nl"):
        chosen = report.table(table) if table else report.tables[0]
        write_csv(chosen, out, dutch=fmt == "csv-nl")
    elif fmt == "xlsx":
        write_xlsx(report, out, language)
    else:
        raise ValidationError({"format": Message("Kies een formaat: %(formats)s.", formats=", ".join(FORMATS))})


def table_keys(report: Report) -> Sequence[str]:
    return [table.key for table in report.tables]


def to_spooled_file(report: Report, fmt: str, *, table: str | None = None, language: str = "nl") -> IO[bytes]:
    """The report written to a temporary file (in memory up to 16 MB, on disk beyond), rewound for reading."""
    spool: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115 (caller closes)
    write(report, fmt, spool, table=table, language=language)
    spool.seek(0)
    return spool


def export_report(
    session: Any,
    actor: Any,
    *,
    name: str,
    period: Any,
    fmt: str,
    municipality: str,
    exported_by: str,
    table: str | None = None,
    household_id: int | None = None,
    language: str = "nl",
    note: bool = True,
) -> tuple[IO[bytes], str, str]:
    """Build and write a report, noting the export in the audit trail (who took which figures out, and when) unless
    ``note`` is false (the caller then calls :func:`note_export` itself). Returns the rewound file, its file name and
    its media type. The caller commits.
    """
    fmt = check_format(fmt)
    report_kind(name)
    report = build_report(session, name, period, municipality=municipality, exported_by=exported_by,
                          household_id=household_id)
    if table is not None and fmt in ("csv", "csv-nl"):
        report.table(table)
    spool = to_spooled_file(report, fmt, table=table if fmt in ("csv", "csv-nl") else None, language=language)
    if note:  # after the build: the audit entry takes the chain's lock, which others wait for until we commit
        note_export(session, actor, name=name, period=period, fmt=fmt, table=table, household_id=household_id)
    return spool, filename(report, fmt, table if fmt in ("csv", "csv-nl") else None), MEDIA_TYPES[fmt]


def note_export(session: Any, actor: Any, *, name: str, period: Any, fmt: str, table: str | None = None,
                household_id: int | None = None) -> None:
    record(session, actor, "report.exported", "report", name,
           after={"from": period.start, "to": period.end, "format": fmt, "table": table, "household_id": household_id})

"""Reading an uploaded CSV file safely: UTF-8, comma-separated (or, chosen, semicolon-separated as Dutch Excel saves
it), a header with the required columns, no formulas.

Every problem is reported with its line number (the header is line 1) in one :class:`ValidationError`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from budgetbeheer.errors import Message, ValidationError
from budgetbeheer.fields import forbidden_character

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""A cell starting with one of these is run as a formula by spreadsheet programs (CSV injection)."""
MAX_ERRORS = 200


def _looks_like_utf16(content: bytes) -> bool:
    """UTF-16 with a byte-order mark, or without one: text where every other byte of the first line is zero."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    head = content[:200]
    return len(head) >= 4 and (head[1::2].count(0) > len(head) // 4 or head[0::2].count(0) > len(head) // 4)


FORMATS = ("csv", "csv-nl")
"""``csv``: comma-separated, amounts with a point or a comma (``45.50``, ``45,50``); ``csv-nl``: what Dutch Excel saves
as "CSV (gescheiden door lijstscheidingsteken)", semicolon-separated with a decimal comma. Both are read by this same
strict reader; amounts by :func:`budgetbeheer.money.parse_amount` alike."""

USE_COMMAS_OR_DUTCH = Message(
    "Dit bestand gebruikt puntkomma's als scheidingsteken (zo slaat Nederlandse Excel een CSV op). Gebruik komma's, "
    "of kies het formaat 'Nederlandse Excel (puntkomma)'.")
USE_CSV_FORMAT = Message(
    "Dit bestand gebruikt komma's als scheidingsteken. Kies het formaat 'CSV (komma)', of sla het op met puntkomma's.")


def read_csv(
    content: bytes, required: Sequence[str], optional: Sequence[str] = (), *, file_format: str = "csv",
    offers_dutch: bool = False,
) -> list[tuple[int, dict[str, str]]]:
    """The rows of ``content`` as ``(line number, {column: value})``; raises ``ValidationError`` naming every problem.

    ``file_format``: one of :data:`FORMATS`. ``offers_dutch``: the caller lets the person choose ``csv-nl``, so a
    semicolon file is told to choose it (otherwise: to use commas)."""
    delimiter = ";" if file_format == "csv-nl" else ","
    if _looks_like_utf16(content):
        raise ValidationError({"file": Message(
            "Het bestand is opgeslagen als UTF-16 (Unicode-tekst), niet als UTF-8. Sla het op als \"CSV UTF-8\" en "
            "probeer het opnieuw.")})
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        raise ValidationError(
            {"file": Message("Het bestand is geen UTF-8 (regel %(line)s). Sla het op als CSV UTF-8.", line=line)}
        ) from None
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise ValidationError({"file": Message("Het bestand is leeg; de eerste regel moet de kolomnamen bevatten.")})
    header_line = lines[0]
    if delimiter == "," and "," not in header_line and ";" in header_line and offers_dutch:
        raise ValidationError({"file": USE_COMMAS_OR_DUTCH})
    if delimiter == "," and "," not in header_line and any(sep in header_line for sep in (";", "\t", "|")):
        raise ValidationError(
            {"file": Message("Het scheidingsteken moet een komma zijn (regel 1 gebruikt een ander teken).")}
        )
    if delimiter == ";" and ";" not in header_line and "," in header_line:
        raise ValidationError({"file": USE_CSV_FORMAT})
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = [name.strip().lower() for name in next(reader)]
    except csv.Error:
        raise ValidationError({"file": Message("Regel 1 is geen geldige CSV.")}) from None
    repeated = sorted({name for name in header if name and header.count(name) > 1})
    if repeated:
        raise ValidationError({"file": Message(
            "Kolom(men) staan meer dan eens in de kolomnamen: %(columns)s. Elke kolom mag maar één keer voorkomen.",
            columns=", ".join(repeated))})
    missing = [name for name in required if name not in header]
    if missing:
        raise ValidationError(
            {"file": Message("Kolom(men) ontbreken: %(columns)s. Verwacht: %(expected)s.",
                             columns=", ".join(missing), expected=", ".join([*required, *optional]))}
        )
    unknown = [name for name in header if name not in (*required, *optional)]
    if unknown:
        raise ValidationError({"file": Message("Onbekende kolom(men): %(columns)s.", columns=", ".join(unknown))})
    errors: dict[str, Message] = {}
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        end = reader.line_num
        for cells in reader:
            # A record may span several lines (a quoted line break); it is named by its first line.
            line, end = end + 1, reader.line_num
            if not cells or all(not cell.strip() for cell in cells):
                continue
            if len(cells) < len(header) and delimiter == "," and ";" in cells[0] and offers_dutch:
                errors[f"regel {line}"] = Message(
                    "Regel %(line)s is met puntkomma's gescheiden, de kolomnamen met komma's. Gebruik overal komma's, "
                    "of kies het formaat 'Nederlandse Excel (puntkomma)' en gebruik overal puntkomma's.", line=line)
            elif len(cells) != len(header):
                errors[f"regel {line}"] = Message(
                    "Regel %(line)s heeft %(found)s kolommen in plaats van %(expected)s.",
                    line=line, found=len(cells), expected=len(header),
                )
            elif any(cell.startswith(FORMULA_STARTS) for cell in cells):
                column = header[next(i for i, cell in enumerate(cells) if cell.startswith(FORMULA_STARTS))]
                errors[f"regel {line}: {column}"] = Message(
                    "Regel %(line)s: de cel in kolom %(column)s begint met = + - of @ en wordt als formule geweigerd.",
                    line=line, column=column,
                )
            elif bad := next(((i, code) for i, cell in enumerate(cells)
                               if (code := forbidden_character(cell, multiline=True)) is not None), None):
                errors[f"regel {line}: {header[bad[0]]}"] = Message(
                    "Regel %(line)s: de cel in kolom %(column)s bevat een teken dat niet is toegestaan (%(code)s: een "
                    "stuurteken, een teken dat de leesrichting omdraait of een "
                    "onzichtbaar teken).", line=line, column=header[bad[0]], code=bad[1])
            else:
                rows.append((line, {name: cell.strip() for name, cell in zip(header, cells, strict=True)}))
            if len(errors) >= MAX_ERRORS:
                break
    except csv.Error as error:
        errors[f"regel {end + 1}"] = Message("Regel %(line)s is geen geldige CSV (%(why)s).",
                                             line=end + 1, why=str(error))
    if errors:
        raise ValidationError(errors, Message("Het bestand is niet ingelezen: %(count)s fout(en).", count=len(errors)))
    if not rows:
        raise ValidationError({"file": Message("Het bestand bevat geen regels na de kolomnamen.")})
    return rows

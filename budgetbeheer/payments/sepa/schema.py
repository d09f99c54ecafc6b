"""The XSDs of the bank files we write and read, and validation against them (lxml, never sepaxml's xmlschema).

Entities are not resolved and nothing is fetched from the network. A file we produce is validated before any bytes
are returned (:func:`_validated_content`).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Final, cast

from lxml import etree

from budgetbeheer.errors import Message
from budgetbeheer.payments.sepa.model import _XML_DECLARATION, BankFileInvalid, SchemaVersion

XSD_DIR: Final = Path(__file__).with_name("xsd")
"""Our copies of the XSDs, package data (``**/*.xsd`` in ``pyproject.toml``)."""


def load_schema(schema_name: str) -> etree.XMLSchema:
    """``xsd/<schema_name>.xsd`` compiled (some 15 ms): once per export (:func:`~.bundle.build_bank_files`), not
    kept for the process."""
    path = XSD_DIR / f"{schema_name}.xsd"
    if not path.is_file() or path.parent != XSD_DIR:
        raise ValueError(f"unknown schema {schema_name!r}")
    return etree.XMLSchema(etree.parse(str(path)))


def validate_xml(content: bytes, schema_name: str) -> list[str]:
    """Parse ``content`` and validate it against ``xsd/<schema_name>.xsd``; the errors (empty list when valid).

    ``schema_name`` is e.g. ``"pain.001.001.03"``, ``"pain.001.001.09"``, ``"pain.002.001.03"`` or
    ``"camt.053.001.02"``. Entities are not resolved and nothing is fetched from the network.
    """
    schema = load_schema(schema_name)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    try:
        document = etree.fromstring(content, parser)
    except etree.XMLSyntaxError as exc:
        return [f"line {exc.lineno}: not well-formed XML: {exc.msg}"]
    if schema.validate(document):
        return []
    entries = cast("Iterable[etree._LogEntry]", schema.error_log)
    return [f"line {entry.line}: {entry.message}" for entry in entries]


def _validated_content(
    root: etree._Element, content: bytes | None, schema: etree.XMLSchema, version: SchemaVersion, msg_id: str
) -> bytes:
    """Validate the repaired tree against the XSD and return its bytes: ``content`` when the tree was parsed from
    it and left unchanged (see :func:`~.repair._fix_xml`), else the tree serialised, once, after validation.

    The tree is validated rather than parsed again from the bytes: lxml writes a tree out without loss (element
    names, namespaces, text), so the bytes hold exactly what was validated; the tests parse the bytes again and
    validate them with :func:`validate_xml`. When the tree is invalid the bytes are validated as well, so that the
    message names the line of the file that would have been sent."""
    valid = schema.validate(root)
    entries = cast("Iterable[etree._LogEntry]", schema.error_log)
    problems = [] if valid else [f"line {entry.line}: {entry.message}" for entry in entries]
    if content is None:
        content = _XML_DECLARATION + bytes(etree.tostring(root, encoding="UTF-8", xml_declaration=False))
    if problems:
        problems = validate_xml(content, version) or problems
        raise BankFileInvalid(
            Message(
                "Het bankbestand %(msg_id)s voldoet niet aan het schema: %(problem)s",
                msg_id=msg_id,
                problem=problems[0],
            )
        )
    return content


"""Opening untrusted XML (and zips of XML) from a bank safely, and reading it as a stream.

A bank file comes from outside: it is refused *before* it is parsed when its prolog holds a ``<!DOCTYPE`` or
``<!ENTITY`` (XXE, billion laughs), when it is larger than the limit, or, for a zip, when it has too many members,
unpacks to too much, or names a path outside itself. The parser itself resolves no entities, loads no DTD and never
touches the network, as a second line of defence. Every refusal is a :class:`~budgetbeheer.errors.ValidationError`
on the field ``file`` with a Dutch message.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import IO, Any, cast

from lxml import etree

from budgetbeheer.errors import Message, ValidationError

MiB = 1024 * 1024
DEFAULT_MAX_BYTES = 200 * MiB
"""Per XML file: a month's statement for 50,000 households is about 150 MB."""
DEFAULT_MAX_MEMBERS = 500
DEFAULT_MAX_TOTAL_BYTES = 1024 * MiB
MAX_PROLOG_BYTES = 64 * 1024
"""The XML declaration, comments and processing instructions before the root element may not take more."""
HUGE_TREE_FROM = 10 * MiB
"""libxml2's own limits (10 MB text nodes, depth 256) stay on for smaller files; only larger ones get huge_tree."""

Source = str | os.PathLike[str] | bytes | IO[bytes]
"""A path (``str`` is always a path, never XML text), the bytes of a file, or a binary file object."""

ZIP_MAGIC = b"PK\x03\x04"
ISO_NAMESPACE = re.compile(r"urn:iso:std:iso:20022:tech:xsd:([a-z]{4}\.\d{3}\.\d{3}\.\d{2})")


@dataclass(frozen=True, slots=True)
class Limits:
    """The limits for one upload. ``max_bytes`` holds per XML file (also per zip member)."""

    max_bytes: int = DEFAULT_MAX_BYTES
    max_members: int = DEFAULT_MAX_MEMBERS
    max_total_bytes: int = DEFAULT_MAX_TOTAL_BYTES


DEFAULT_LIMITS = Limits()


def refuse(msgid: str, **params: Any) -> ValidationError:
    """The error every reader raises: a Dutch message on the field ``file``."""
    return ValidationError({"file": Message(msgid, **params)})


def _mib(size: int) -> str:
    return f"{size / MiB:.0f} MiB" if size >= MiB else f"{size} bytes"


class LimitedReader(io.RawIOBase):
    """A binary stream that replays ``prefix`` and then reads ``raw``, refusing once more than ``limit`` bytes came."""

    def __init__(self, raw: IO[bytes], limit: int, *, name: str = "", prefix: bytes = b"", count: int = 0) -> None:
        super().__init__()
        self._raw = raw
        self._prefix = prefix
        self._limit = limit
        self._count = count
        self.display_name = name

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        if self._prefix:
            if size is None or size < 0 or size >= len(self._prefix):
                chunk, self._prefix = self._prefix, b""
            else:
                chunk, self._prefix = self._prefix[:size], self._prefix[size:]
            return chunk
        chunk = self._raw.read(-1 if size is None else size)
        self._count += len(chunk)
        if self._count > self._limit:
            raise refuse(
                "Het bestand %(name)s is groter dan de grens van %(limit)s.",
                name=self.display_name or "(upload)", limit=_mib(self._limit),
            )
        return chunk

    def readinto(self, buffer: Any) -> int:
        chunk = self.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)

    def close(self) -> None:
        self._raw.close()
        super().close()


@dataclass(frozen=True, slots=True)
class Root:
    """The root element as the prolog scan found it: its local name and its namespace (``''`` when none)."""

    local_name: str
    namespace: str

    @property
    def message_type(self) -> str | None:
        """``camt.053.001.02``, ``pain.002.001.03``, ... from an ISO 20022 namespace; None for anything else."""
        found = ISO_NAMESPACE.fullmatch(self.namespace)
        return found.group(1) if found else None


_NAME = re.compile(rb"([A-Za-z_][\w.\-]*)(?::([A-Za-z_][\w.\-]*))?")
_XMLNS = re.compile(rb"""xmlns(?::([A-Za-z_][\w.\-]*))?\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def _not_xml(name: str) -> ValidationError:
    return refuse("Het bestand %(name)s is geen XML.", name=name)


def scan_prolog(head: bytes, name: str) -> Root | None:
    """Read the bytes before the root element: refuse a DOCTYPE or ENTITY (or anything but a declaration, comments,
    processing instructions and white space), return the root element's name and namespace, or None when ``head``
    ends before the root element's start tag does."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise refuse("Het bestand %(name)s is in UTF-16; lever het aan in UTF-8.", name=name)
    pos = 3 if head.startswith(b"\xef\xbb\xbf") else 0
    while True:
        while pos < len(head) and head[pos : pos + 1] in b" \t\r\n":
            pos += 1
        if pos >= len(head):
            return None
        if head[pos : pos + 1] != b"<":
            raise _not_xml(name)
        if head.startswith(b"<?", pos):
            end = head.find(b"?>", pos)
            if end < 0:
                return None
            pos = end + 2
        elif head.startswith(b"<!--", pos):
            end = head.find(b"-->", pos)
            if end < 0:
                return None
            pos = end + 3
        elif head.startswith(b"<!", pos):
            if len(head) - pos < 9:
                return None
            raise refuse(
                "Het bestand %(name)s bevat een DOCTYPE- of ENTITY-declaratie; zo'n bestand wordt niet gelezen "
                "(bankbestanden hebben er geen, en ze kunnen de server aanvallen).",
                name=name,
            )
        else:
            end = head.find(b">", pos)
            if end < 0:
                return None
            tag = head[pos + 1 : end]
            found = _NAME.match(tag)
            if not found:
                raise _not_xml(name)
            prefix, local = (found.group(1), found.group(2)) if found.group(2) else (b"", found.group(1))
            namespaces = {(m.group(1) or b""): (m.group(2) or m.group(3) or b"") for m in _XMLNS.finditer(tag)}
            return Root(local.decode("ascii", "replace"), namespaces.get(prefix, b"").decode("utf-8", "replace"))


@dataclass(slots=True)
class Document:
    """One XML file ready to be parsed: its display name, its root (from the prolog) and its stream."""

    name: str
    root: Root
    stream: LimitedReader
    size_hint: int | None = None


def _open(source: Source, limit: int) -> tuple[IO[bytes], str, int | None]:
    if isinstance(source, bytes):
        return io.BytesIO(source), "(upload)", len(source)
    if isinstance(source, (str, os.PathLike)):
        path = os.fspath(source)
        try:
            size = os.path.getsize(path)
            stream: IO[bytes] = open(path, "rb")  # noqa: SIM115 - closed by the caller (Document.stream)
        except OSError as error:
            raise refuse("Het bestand %(name)s kan niet worden geopend.", name=os.path.basename(path)) from error
        return stream, os.path.basename(path), size
    return source, str(getattr(source, "name", "") or "(upload)"), None


def open_xml(source: Source, limits: Limits = DEFAULT_LIMITS, *, name: str | None = None) -> Document:
    """Open one XML file: size limit, prolog scan (DOCTYPE refused before parsing), a stream that stops at the limit."""
    raw, shown, size = _open(source, limits.max_bytes)
    shown = name or shown
    return _document(raw, shown, size, limits.max_bytes)


def _document(raw: IO[bytes], shown: str, size: int | None, limit: int) -> Document:
    if size is not None and size > limit:
        raw.close()
        raise refuse("Het bestand %(name)s is groter dan de grens van %(limit)s.", name=shown, limit=_mib(limit))
    head = b""
    try:
        while True:
            chunk = raw.read(4096)
            head += chunk
            if len(head) > limit:
                raise refuse("Het bestand %(name)s is groter dan de grens van %(limit)s.", name=shown,
                             limit=_mib(limit))
            root = scan_prolog(head, shown)
            if root is not None:
                break
            if not chunk:
                raise refuse("Het bestand %(name)s is leeg of geen XML.", name=shown)
            if len(head) > MAX_PROLOG_BYTES:
                raise refuse("Het bestand %(name)s begint niet met een XML-element.", name=shown)
    except BaseException:
        raw.close()
        raise
    return Document(shown, root, LimitedReader(raw, limit, name=shown, prefix=head, count=len(head)), size)


def is_zip(source: Source) -> bool:
    """Whether ``source`` starts like a zip file (a file object is rewound)."""
    if isinstance(source, bytes):
        return source.startswith(ZIP_MAGIC)
    if isinstance(source, (str, os.PathLike)):
        try:
            with open(os.fspath(source), "rb") as stream:
                return stream.read(4) == ZIP_MAGIC
        except OSError:
            return False
    if not source.seekable():
        return False
    start = source.tell()
    magic = source.read(4)
    source.seek(start)
    return magic == ZIP_MAGIC


def _safe_member_name(name: str) -> bool:
    if "\\" in name or "\x00" in name or name.startswith("/") or re.match(r"[A-Za-z]:", name):
        return False
    return ".." not in PurePosixPath(name).parts


def read_zip(source: Source, limits: Limits = DEFAULT_LIMITS) -> Iterator[Document]:
    """Yield each XML member of a zip as a :class:`Document`, in the zip's order.

    Refused: more than ``max_members`` members, more than ``max_total_bytes`` unpacked (declared *and* counted while
    reading, so a zip that lies about its sizes is stopped too), a member larger than ``max_bytes``, a member name
    that climbs out of the zip (``..``, absolute, a drive letter), an encrypted member, a nested zip, no XML at all.
    Directories and ``__MACOSX/`` entries are skipped; other non-XML members are refused."""
    raw, shown, _size = _open(source, limits.max_total_bytes)
    opened = [raw]
    try:
        if not raw.seekable():
            spooled = tempfile.SpooledTemporaryFile(max_size=16 * MiB)  # noqa: SIM115 - closed below
            opened.append(spooled)
            copied = 0
            while chunk := raw.read(MiB):
                copied += len(chunk)
                if copied > limits.max_total_bytes:
                    raise refuse("Het bestand %(name)s is groter dan de grens van %(limit)s.", name=shown,
                                 limit=_mib(limits.max_total_bytes))
                spooled.write(chunk)
            spooled.seek(0)
            raw = spooled
        try:
            archive = zipfile.ZipFile(raw)
        except (zipfile.BadZipFile, OSError) as error:
            raise refuse("Het bestand %(name)s is geen geldig zip-bestand.", name=shown) from error
        with archive:
            members = [info for info in archive.infolist() if not _skipped(info)]
            _check_members(members, shown, limits)
            counted = 0
            for info in members:
                with archive.open(info) as member:
                    document = _document(
                        cast(IO[bytes], _Counting(member, limits.max_total_bytes - counted, shown)),
                        f"{shown}/{info.filename}", info.file_size, limits.max_bytes,
                    )
                    try:
                        yield document
                    finally:
                        counted += document.stream._count
                        document.stream.close()
    finally:
        for stream in opened:  # the given stream is consumed, as open_xml's is
            stream.close()


def _skipped(info: zipfile.ZipInfo) -> bool:
    return info.is_dir() or info.filename.startswith("__MACOSX/") or PurePosixPath(info.filename).name.startswith(".")


def _check_members(members: list[zipfile.ZipInfo], shown: str, limits: Limits) -> None:
    if len(members) > limits.max_members:
        raise refuse("Het zip-bestand %(name)s bevat %(count)s bestanden; de grens is %(limit)s.",
                     name=shown, count=len(members), limit=limits.max_members)
    if not members:
        raise refuse("Het zip-bestand %(name)s bevat geen XML-bestanden.", name=shown)
    total = 0
    for info in members:
        if not _safe_member_name(info.filename):
            raise refuse("Het zip-bestand %(name)s bevat een ongeldige bestandsnaam: %(member)s.",
                         name=shown, member=info.filename)
        if info.flag_bits & 0x1:
            raise refuse("Het zip-bestand %(name)s is versleuteld (%(member)s).", name=shown, member=info.filename)
        if not info.filename.lower().endswith(".xml"):
            raise refuse("Het zip-bestand %(name)s bevat %(member)s; alleen XML-bestanden worden gelezen.",
                         name=shown, member=info.filename)
        total += info.file_size
    if total > limits.max_total_bytes:
        raise refuse("Het zip-bestand %(name)s pakt uit tot meer dan de grens van %(limit)s.",
                     name=shown, limit=_mib(limits.max_total_bytes))


class _Counting(io.RawIOBase):
    """Counts what a zip member really unpacks to, whatever its header says."""

    def __init__(self, raw: IO[bytes], budget: int, name: str) -> None:
        super().__init__()
        self._raw, self._budget, self._name = raw, budget, name

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        try:
            chunk = self._raw.read(-1 if size is None else size)
        except (zipfile.BadZipFile, zlib.error, EOFError) as error:
            raise refuse("Het bestand %(name)s is geen geldig zip-bestand.", name=self._name) from error
        self._budget -= len(chunk)
        if self._budget < 0:
            raise refuse("Het zip-bestand %(name)s pakt uit tot meer dan toegestaan.", name=self._name)
        return chunk


def open_documents(source: Source, limits: Limits = DEFAULT_LIMITS) -> Iterator[Document]:
    """One XML file, or each XML member of a zip of several: "one file or a zip"."""
    if not isinstance(source, (bytes, str, os.PathLike)) and not source.seekable():
        magic = source.read(4)  # a stream that cannot be rewound (an upload): peek, then replay what was read
        shown = str(getattr(source, "name", "") or "(upload)")
        source = cast(IO[bytes], LimitedReader(source, limits.max_total_bytes, name=shown, prefix=magic))
        if magic == ZIP_MAGIC:
            yield from read_zip(source, limits)
            return
    if is_zip(source):
        yield from read_zip(source, limits)
        return
    document = open_xml(source, limits)
    try:
        yield document
    finally:
        document.stream.close()


def iterparse(document: Document, tags: Iterable[str]) -> Iterator[etree._Element]:
    """Stream the ``end`` of every element whose local name is in ``tags`` (any namespace), with the safe parser
    settings. The caller clears what it has read (:func:`release`). A syntax error is refused with its line."""
    huge = document.size_hint is None or document.size_hint > HUGE_TREE_FROM
    events = etree.iterparse(
        document.stream,
        events=("end",),
        tag=[f"{{*}}{tag}" for tag in tags],
        resolve_entities=False,
        load_dtd=False,
        no_network=True,
        dtd_validation=False,
        remove_comments=True,
        remove_pis=True,
        huge_tree=huge,
    )
    try:
        for _event, element in events:
            yield element
    except etree.XMLSyntaxError as error:
        raise refuse("Het bestand %(name)s is geen geldige XML (regel %(line)s): %(error)s",
                     name=document.name, line=error.lineno, error=error.msg) from error


def release(element: etree._Element) -> None:
    """Free an element that has been read and every earlier sibling: memory stays bounded however long the file."""
    element.clear(keep_tail=False)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


def local(element: etree._Element) -> str:
    """The element's name without its namespace."""
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""

"""Letters for households as tagged PDF, in Dutch, English and Arabic.

A letter is written with :class:`TaggedLetter`: every heading, paragraph and table cell is marked content with its
structure element (``H1``, ``H2``, ``P``, ``Table``/``TR``/``TH``/``TD``) in the document's structure tree, in
reading order, so a screen reader reads it as a document; the PDF says its language (``/Lang``) and shows its title.
The font is embedded (DejaVu Sans, which has the Latin, the euro sign and the Arabic glyphs); Arabic is shaped and
set right to left (fpdf2's text shaping with HarfBuzz).

The texts are :class:`~budgetbeheer.errors.Message` ids in plain Dutch (B1). English comes from the ``texts_en``
catalogues as everywhere; Arabic from ``letter_texts_ar.csv`` beside this module (columns ``nl``, ``ar``), a file the
municipality can check and change; the setting ``letter_texts`` (``BUDGETBEHEER_LETTER_TEXTS``) names a file of the
same shape whose rows replace those (its ``en`` column, when present, replaces the English too). A text that has no translation in the letter's
language is an error (:class:`MissingTranslation`), never a Dutch sentence in an Arabic letter.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

from fpdf import FPDF
from fpdf.enums import Align, MethodReturnValue, XPos, YPos
from fpdf.fonts import TTFFont
from fpdf.prefs import ViewerPreferences
from fpdf.structure_tree import StructElem, StructureTreeBuilder
from text_unidecode import unidecode  # type: ignore[import-untyped]

from budgetbeheer.errors import Message
from budgetbeheer.fields import FORBIDDEN_CHARACTERS
from budgetbeheer.i18n import english_catalogue

LETTER_LANGUAGES = ("nl", "en", "ar")
_VISIBLE_ONLY = str.maketrans(dict.fromkeys(FORBIDDEN_CHARACTERS, "?"))
"""Never a control, bidi or zero-width character in a letter: refused on entry, so only a text stored before that
check can hold one; it shows as ``?`` rather than reorder or hide the text around it."""
TEXTS_AR = Path(__file__).with_name("letter_texts_ar.csv")
FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))


class MissingTranslation(LookupError):
    """A letter's text has no translation in the letter's language."""


class MissingGlyph(ValueError):
    """A letter's text has a character the embedded font cannot show (it would print as an empty box)."""


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [row for row in csv.DictReader(handle) if (row.get("nl") or "").strip()]


def catalogue(language: str, override: str | None = None) -> dict[str, str]:
    """The letters' texts in ``language`` by their Dutch id (Dutch itself: empty, the id is the text). Read again
    when the municipality's file changes (its modification time is part of the cache key)."""
    changed = Path(override).stat().st_mtime_ns if override and Path(override).is_file() else None
    return _catalogue(language, override, changed)


@lru_cache(maxsize=8)
def _catalogue(language: str, override: str | None, _changed: int | None) -> dict[str, str]:
    if language == "nl":
        return {}
    texts: dict[str, str] = dict(english_catalogue()) if language == "en" else {}
    if language == "ar":
        texts.update({row["nl"]: row["ar"] for row in _rows(TEXTS_AR) if (row.get("ar") or "").strip()})
    if override:
        for row in _rows(Path(override)):
            if (row.get(language) or "").strip():
                texts[row["nl"]] = row[language]
    return texts


def letter_text(message: Message | str, language: str, override: str | None = None) -> str:
    """``message`` in ``language``, its parameters filled (a parameter that is itself a text is translated too);
    ``override``: the municipality's own texts (setting ``letter_texts``)."""
    msgid, params = (message.msgid, message.params) if isinstance(message, Message) else (message, {})
    if language == "nl":
        text = msgid
    else:
        found = catalogue(language, override).get(msgid)
        if found is None:
            raise MissingTranslation(f"no {language} text for {msgid!r}")
        text = found
    filled = {name: letter_text(value, language, override) if isinstance(value, Message) else value
              for name, value in params.items()}
    return text % filled if filled else text


def letter_font() -> tuple[Path, Path] | None:
    for folder in FONT_DIRS:
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.is_file() and bold.is_file():
            return regular, bold
    return None


class _NestedTree(StructureTreeBuilder):
    """fpdf2's structure tree, with elements inside elements (a table's rows and cells): every element is written,
    not only the document's children."""

    def __iter__(self) -> Iterator[Any]:
        yield self.struct_tree_root
        yield self.doc_struct_elem
        yield self.struct_tree_root.parent_tree

        def descend(element: StructElem) -> Iterator[Any]:
            for kid in element.k:
                if isinstance(kid, StructElem):
                    yield kid
                    yield from descend(kid)

        yield from descend(self.doc_struct_elem)


class TaggedLetter:
    """A tagged A4 letter. Each block is kept on one page (a block that does not fit starts the next page), so each
    structure element's content lies on the page the element names."""

    def __init__(self, *, title: str, language: str, font: tuple[Path, Path] | None = None,
                 texts: str | None = None) -> None:
        if language not in LETTER_LANGUAGES:
            raise ValueError(f"no letters in {language!r}")
        chosen = font or letter_font()
        if chosen is None:
            raise RuntimeError("the letter font (DejaVu Sans, Debian's fonts-dejavu-core) is not installed")
        self.language = language
        self.texts = texts
        self.rtl = language == "ar"
        pdf = FPDF(format="A4")
        pdf.struct_builder = _NestedTree()
        pdf.set_margins(18, 18, 18)
        pdf.set_auto_page_break(True, margin=18)
        pdf.set_title(title)
        pdf.set_lang(language)
        pdf.set_creator("budgetbeheer")
        pdf.set_display_mode("fullwidth")
        pdf.viewer_preferences = ViewerPreferences(display_doc_title=True)
        pdf.add_font("DejaVu", "", str(chosen[0]))
        pdf.add_font("DejaVu", "B", str(chosen[1]))
        if self.rtl:
            pdf.set_text_shaping(use_shaping_engine=True, direction="rtl", script="arab", language="ar")
        pdf.add_page()
        self.pdf = pdf
        self._mcids: dict[int, int] = {}

    def text(self, message: Message | str) -> str:
        """A :class:`Message` in the letter's language; a plain ``str`` is data (a name, an IBAN), shown as it is.
        Every character of our own texts must be one the font can show (:class:`MissingGlyph` otherwise); a name in
        a script the font lacks is shown in Latin letters."""
        value = letter_text(message, self.language, self.texts) if isinstance(message, Message) else message
        value = value.translate(_VISIBLE_ONLY)
        missing = self._missing(value)
        if missing and not isinstance(message, Message):  # a name in a script the font lacks: in Latin letters
            value = "".join(unidecode(char) if char in missing else char for char in value)
            missing = self._missing(value)
        if missing:
            raise MissingGlyph(f"the letter's font cannot show {''.join(sorted(missing))!r} in {value!r}")
        return value

    def _missing(self, value: str) -> set[str]:
        cmap = cast(TTFFont, self.pdf.fonts["dejavu"]).cmap
        return {char for char in value if not char.isspace() and ord(char) not in cmap}

    # ------------------------------------------------------------------------------------------------ tagging

    def _element(self, struct_type: str, parent: StructElem | None = None) -> StructElem:
        builder = self.pdf.struct_builder
        owner = parent or builder.doc_struct_elem
        element = StructElem(struct_type=f"/{struct_type}", parent=owner, kids=[], page_number=self.pdf.page)
        owner.k.append(element)
        return element

    @contextmanager
    def _marked(self, struct_type: str, parent: StructElem | None = None) -> Iterator[None]:
        pdf = self.pdf
        page = pdf.page
        mcid = self._mcids.get(page, 0)
        self._mcids[page] = mcid + 1
        builder = pdf.struct_builder
        owner = parent or builder.doc_struct_elem
        element = StructElem(struct_type=f"/{struct_type}", parent=owner, kids=[mcid], page_number=page)
        owner.k.append(element)
        spid = builder.spid_per_page_number.setdefault(page, len(builder.spid_per_page_number))
        builder.struct_tree_root.parent_tree.nums[spid].append(element)
        pdf.pages[page].struct_parents = spid
        pdf._out(f"/{struct_type} <</MCID {mcid}>> BDC")  # fpdf2 has no public call for marked content
        yield
        if pdf.page != page:
            raise RuntimeError("a tagged block crossed a page")
        pdf._out("EMC")

    def _fits(self, height: float) -> None:
        pdf = self.pdf
        if pdf.get_y() + height > pdf.page_break_trigger:
            pdf.add_page()

    def _height(self, value: str, size: float, style: str, line_height: float, width: float) -> float:
        self.pdf.set_font("DejaVu", style, size)
        height = self.pdf.multi_cell(width, line_height, value, dry_run=True, output=MethodReturnValue.HEIGHT)
        return float(cast(float, height))

    def _write(self, value: str, size: float, style: str, line_height: float, width: float | None = None) -> None:
        pdf = self.pdf
        pdf.set_font("DejaVu", style, size)
        pdf.multi_cell(width or pdf.epw, line_height, value, align=Align.R if self.rtl else Align.L,
                       new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    # ------------------------------------------------------------------------------------------------ blocks

    def block(self, struct_type: str, message: Message | str, *, size: float = 11, style: str = "",
              line_height: float = 6, space_before: float = 0) -> None:
        value = self.text(message)
        self._fits(space_before + self._height(value, size, style, line_height, self.pdf.epw))
        if space_before:
            self.pdf.ln(space_before)
        with self._marked(struct_type):
            self._write(value, size, style, line_height)

    def title(self, message: Message | str) -> None:
        self.block("H1", message, size=16, style="B", line_height=9)

    def heading(self, message: Message | str) -> None:
        self.block("H2", message, size=13, style="B", line_height=8, space_before=3)

    def subheading(self, message: Message | str) -> None:
        self.block("H3", message, size=11, style="B", space_before=2)

    def paragraph(self, message: Message | str, size: float = 11) -> None:
        self.block("P", message, size=size)

    def table(self, caption: Message | str | None, header: Sequence[Message | str] | None,
              rows: Sequence[Sequence[Message | str]], *, row_headers: bool = False,
              widths: Sequence[float] | None = None) -> None:
        """A table with header cells (``TH``): a header row, or the first cell of each row (``row_headers``). In a
        right-to-left letter the first column is on the right."""
        pdf = self.pdf
        lines = ([list(header)] if header else []) + [list(row) for row in rows]
        columns = len(lines[0]) if lines else 1
        share = list(widths) if widths else [1 / columns] * columns
        cell_widths = [pdf.epw * part for part in share]
        texts = [[self.text(cell) for cell in line] for line in lines]
        heights = [max(self._height(value, 10, "B", 5.5, width - 2) for value, width in
                       zip(line, cell_widths, strict=True)) + 1 for line in texts]
        caption_text = self.text(caption) if caption is not None else None
        caption_height = self._height(caption_text, 11, "B", 6, pdf.epw) if caption_text else 0
        self._fits(sum(heights) + caption_height)
        table = self._element("Table")
        if caption_text:
            with self._marked("Caption", table):
                self._write(caption_text, 11, "B", 6)
        for number, (line, height) in enumerate(zip(texts, heights, strict=True)):
            row = self._element("TR", table)
            top = pdf.get_y()
            start = pdf.l_margin
            for column, (value, width) in enumerate(zip(line, cell_widths, strict=True)):
                heading = (header is not None and number == 0) or (row_headers and column == 0)
                left = pdf.l_margin + pdf.epw - (start - pdf.l_margin) - width if self.rtl else start
                with self._marked("TH" if heading else "TD", row):
                    pdf.set_xy(left + 1, top + 0.5)
                    pdf.set_font("DejaVu", "B" if heading else "", 10)
                    pdf.multi_cell(width - 2, 5.5, value, align=Align.R if self.rtl else Align.L)
                start += width
            pdf.set_draw_color(200, 200, 200)
            with self._artifact():
                pdf.line(pdf.l_margin, top + height, pdf.l_margin + pdf.epw, top + height)
            pdf.set_xy(pdf.l_margin, top + height)
        pdf.ln(2)

    @contextmanager
    def _artifact(self) -> Iterator[None]:
        """Drawing that is no content (a table's rule): marked as an artifact, outside the structure."""
        self.pdf._out("/Artifact BMC")
        yield
        self.pdf._out("EMC")

    def space(self, height: float = 3) -> None:
        self.pdf.ln(height)

    def output(self) -> bytes:
        return bytes(self.pdf.output())

    def close(self) -> None:
        """Let go of the font files (fpdf2 reads them lazily and closes them when it writes the PDF)."""
        for font in self.pdf.fonts.values():
            closing = getattr(font, "close", None)
            if closing is not None:
                closing()

    def __enter__(self) -> TaggedLetter:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

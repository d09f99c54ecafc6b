"""Issue 15: the letters for households: tagged PDF in Dutch, English and Arabic (pypdf reads the structure, the
language and the text back; pdftoppm renders the pages, so a broken glyph or a blank page fails)."""

from __future__ import annotations

import csv
import dataclasses
import io
import os
import shutil
import subprocess
import unicodedata
from datetime import date
from pathlib import Path
from typing import Any

import pypdf
import pytest
from PIL import Image

from budgetbeheer.errors import Message
from budgetbeheer.lifecycle import handover, letters
from tests.unit.test_lifecycle_handover import sample

EXPECTED = {
    "nl": ("Overzicht: uw vaste lasten betaalt u voortaan zelf", "Wat moet u nu doen?", "Nog niet betaald"),
    "en": ("Overview: from now on you pay your fixed costs yourself", "What must you do now?", "Not paid yet"),
    "ar": ("ملخص: من الآن تدفعون مصاريفكم الثابتة بأنفسكم", "ماذا يجب أن تفعلوا الآن؟", "لم يُدفع بعد"),
}


def _structure(reader: pypdf.PdfReader) -> list[str]:
    """Every structure element's type, depth first (the reading order)."""
    kinds: list[str] = []

    def walk(element: Any) -> None:
        element = element.get_object()
        if isinstance(element, dict) and "/S" in element:
            kinds.append(str(element["/S"]))
        kids = element.get("/K") if isinstance(element, dict) else None
        if kids is None:
            return
        for kid in kids if isinstance(kids, list) else [kids]:
            if not isinstance(kid, int):
                walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return kinds


def _text(reader: pypdf.PdfReader) -> str:
    """The text as a reader gets it: Arabic presentation forms folded to their letters, lines joined."""
    return " ".join(unicodedata.normalize("NFKC", "\n".join(page.extract_text() for page in reader.pages)).split())


@pytest.mark.parametrize("language", letters.LETTER_LANGUAGES)
def test_the_handover_letter_is_tagged_with_its_language_title_and_tables(language: str) -> None:
    reader = pypdf.PdfReader(io.BytesIO(handover.handover_pdf(sample(), language=language)))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == language and bool(root["/MarkInfo"]["/Marked"])
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    title, *sentences = EXPECTED[language]
    assert reader.metadata is not None and reader.metadata.title == title
    kinds = _structure(reader)
    assert kinds[0] == "/Document" and kinds.count("/H1") == 1 and "/H2" in kinds and "/P" in kinds
    assert {"/Table", "/TR", "/TH", "/TD"} <= set(kinds)
    assert kinds.index("/H1") < kinds.index("/H2") < kinds.index("/Table")  # reading order: title, sections, tables
    text = _text(reader)
    assert title in text and all(sentence in text for sentence in sentences)
    assert "Woonstad Zuidoever" in text and "NL20INGB0001234567" in text and "Karin de Vries" in text
    fonts = {str(font) for page in reader.pages for font in page["/Resources"]["/Font"].values()
             for font in [font.get_object()["/BaseFont"]]}
    assert all("DejaVuSans" in font for font in fonts)  # embedded, no core font without Arabic or euro


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (Debian's poppler-utils) is not installed")
@pytest.mark.parametrize("language", letters.LETTER_LANGUAGES)
def test_the_letter_renders_and_arabic_runs_right_to_left(language: str, tmp_path: Path) -> None:
    path = tmp_path / "letter.pdf"
    path.write_bytes(handover.handover_pdf(sample(), language=language))
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", str(path), str(tmp_path / "page")],
                   check=True, capture_output=True)
    [png] = sorted(tmp_path.glob("page*.png"))
    image = Image.open(png).convert("L")
    width, height = image.size
    band = image.crop((0, int(height * 0.2), width, int(height * 0.5)))  # the opening sentences
    left = sum(1 for x in range(width // 8, width // 4) for y in range(band.height) if band.getpixel((x, y)) < 128)
    right = sum(1 for x in range(width * 3 // 4, width * 7 // 8) for y in range(band.height)
                if band.getpixel((x, y)) < 128)
    assert left + right > 0  # ink: the text is there
    if language == "ar":
        assert right > 2 * left  # lines start at the right margin
    else:
        assert left > 2 * right


def test_a_text_without_an_arabic_translation_fails_rather_than_show_dutch() -> None:
    with letters.TaggedLetter(title="t", language="ar") as letter, pytest.raises(letters.MissingTranslation):
        letter.paragraph(Message("Een zin die niemand vertaalde."))


def test_a_character_the_font_lacks_fails_in_our_texts_and_is_transliterated_in_names() -> None:
    with letters.TaggedLetter(title="t", language="nl") as letter:
        with pytest.raises(letters.MissingGlyph):
            letter.paragraph(Message("漢字"))
        assert letter.text("ሰላም Amal") == "salaame Amal"  # a name in Ge'ez script, in Latin letters


def test_every_arabic_text_keeps_the_placeholders_of_its_dutch() -> None:
    with letters.TEXTS_AR.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert rows
    for row in rows:
        assert row["nl"].count("%(") == row["ar"].count("%("), row["nl"]
        names = {part.split(")")[0] for part in row["nl"].split("%(")[1:]}
        assert names == {part.split(")")[0] for part in row["ar"].split("%(")[1:]}, row["nl"]


def test_the_municipality_changes_a_text_with_a_file_of_its_own(tmp_path: Path) -> None:
    own = tmp_path / "teksten.csv"
    own.write_text("nl,en,ar\nVragen?,Any questions?,هل عندكم سؤال؟\n", encoding="utf-8")
    assert letters.letter_text(Message("Vragen?"), "ar", str(own)) == "هل عندكم سؤال؟"
    assert letters.letter_text(Message("Vragen?"), "en", str(own)) == "Any questions?"
    assert letters.letter_text(Message("Uw geld"), "ar", str(own)) == "أموالكم"  # the others stay
    text = _text(pypdf.PdfReader(io.BytesIO(handover.handover_pdf(sample(), language="ar", texts=str(own)))))
    assert "هل عندكم سؤال؟" in text


def test_the_letter_is_addressed_to_the_adults() -> None:
    assert handover.adult_on(date(2008, 9, 2), date(2026, 9, 2))
    assert not handover.adult_on(date(2008, 9, 3), date(2026, 9, 2))
    data = dataclasses.replace(sample(), names=["Amal Haddad", "Sami Haddad"], adults=("Amal Haddad",))
    text = _text(pypdf.PdfReader(io.BytesIO(handover.handover_pdf(data))))
    assert "Voor: Amal Haddad" in text and "Sami" not in text


def test_day_31_is_the_last_day_of_the_month() -> None:
    rent = dataclasses.replace(sample().costs[0], due_day=31)
    assert rent.when == "elke maand, uiterlijk op de laatste dag van de maand"
    assert "dag 31" not in rent.when


def test_a_changed_texts_file_is_read_again(tmp_path: Path) -> None:
    own = tmp_path / "teksten.csv"
    own.write_text("nl,ar\nVragen?,سؤال؟\n", encoding="utf-8")
    assert letters.letter_text(Message("Vragen?"), "ar", str(own)) == "سؤال؟"
    own.write_text("nl,ar\nVragen?,أسئلة؟\n", encoding="utf-8")
    stat = own.stat()
    os.utime(own, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert letters.letter_text(Message("Vragen?"), "ar", str(own)) == "أسئلة؟"

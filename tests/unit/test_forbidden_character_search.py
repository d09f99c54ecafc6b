"""``forbidden_character`` finds the first character a text field may not hold with one compiled character class;
the same answer as looking at each character in turn."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from budgetbeheer.fields import FORBIDDEN_CHARACTERS, forbidden_character

SOME = st.text(alphabet=st.sampled_from(sorted(FORBIDDEN_CHARACTERS | set("\t\n\r") | set("aé€ 1\u05d0"))))


def _each_in_turn(text: str, multiline: bool) -> str | None:
    for character in text:
        if character in FORBIDDEN_CHARACTERS or (not multiline and character in "\t\n\r"):
            return f"U+{ord(character):04X}"
    return None


@given(st.one_of(SOME, st.text()), st.booleans())
def test_the_first_forbidden_character_as_before(text: str, multiline: bool) -> None:
    assert forbidden_character(text, multiline=multiline) == _each_in_turn(text, multiline)


def test_examples() -> None:
    assert forbidden_character("huur\x00") == "U+0000"
    assert forbidden_character("a\u202eb") == "U+202E"
    assert forbidden_character("twee\nregels") == "U+000A"
    assert forbidden_character("twee\nregels", multiline=True) is None
    assert forbidden_character("gewoon") is None

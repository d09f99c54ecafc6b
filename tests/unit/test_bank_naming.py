"""A refusal names the file the user gave, or is worded without a name; never the readers' "(upload)"."""

from __future__ import annotations

from budgetbeheer.bank import naming
from budgetbeheer.bank.texts_en import EN
from budgetbeheer.errors import Message, ValidationError
from budgetbeheer.i18n import translate


def _refusal(msgid: str, **params: object) -> ValidationError:
    return ValidationError({"file": Message(msgid, **params)})


def test_the_placeholder_becomes_the_filename_or_the_message_is_worded_without_one() -> None:
    named = naming.for_file(_refusal("Het bestand %(name)s is geen XML.", name=naming.UPLOAD), "mei.xml")
    assert translate(named.fields["file"]) == "Het bestand mei.xml is geen XML."
    nameless = naming.for_file(_refusal("In %(name)s heeft %(where)s geen bedrag.", name=naming.UPLOAD,
                                        where="post 3"), None)
    assert translate(nameless.fields["file"]) == "In het bestand heeft post 3 geen bedrag."
    assert translate(nameless.fields["file"], "en") == "In the file, post 3 has no amount."
    member = naming.for_file(_refusal("Het bestand %(name)s is geen XML.", name="(upload)/juni.xml"), "h1.zip")
    assert translate(member.fields["file"]) == "Het bestand h1.zip/juni.xml is geen XML."
    real = naming.for_file(_refusal("Het bestand %(name)s is geen XML.", name="echt.xml"), "ander.xml")
    assert translate(real.fields["file"]) == "Het bestand echt.xml is geen XML."


def test_every_refusal_naming_a_file_has_english_without_the_name() -> None:
    for msgid in [k for k in EN if "%(name)s" in k]:
        assert naming.nameless(msgid) in EN
        assert "%(name)s" not in naming.nameless(msgid) and "%(name)s" not in EN[naming.nameless(msgid)]

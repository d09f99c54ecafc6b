"""Payment references: the Dutch *betalingskenmerk*, the ISO 11649 ``RF`` creditor reference, and free text.

Creditors such as the tax office, water boards and insurers match incoming payments on a structured reference and
reject or return payments that lack it. A structured reference goes into the bank file as ``RmtInf/Strd/CdtrRefInf``
(see :mod:`budgetbeheer.payments.sepa`); free text goes into ``RmtInf/Ustrd``.

The betalingskenmerk rules are those the Betaalvereniging Nederland publishes as "Specificaties betalingskenmerk"
(formerly Currence's acceptgiro rules):

* 7 digits: no check digit and no other check information.
* 16 digits: ``C`` + 15 digits, where ``C`` is the check digit.
* 9 to 14 digits: ``C`` + ``L`` + 7 to 12 digits, where ``L`` is the length code: the number of digits that follow it,
  modulo 10 (9 digits -> ``L = 7``, 10 -> 8, 11 -> 9, 12 -> 0, 13 -> 1, 14 -> 2). The length code is part of the
  digits the check digit is computed over.
* 8 and 15 digits, and more than 16, do not exist.

The check digit is a weighted modulus 11: the digits after ``C`` are multiplied, from the rightmost digit leftwards,
by the weights 2, 4, 8, 5, 10, 9, 7, 3, 6, 1 (repeating); ``C = 11 - (sum mod 11)``, where 10 becomes 1 and 11 becomes
0. Worked example: ``5000 0567 8901 2345`` (sum 215, 215 mod 11 = 6, C = 5).
"""

from __future__ import annotations

import itertools
import operator
import re
from enum import StrEnum

from stdnum import iso11649
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength
from stdnum.exceptions import ValidationError as StdnumValidationError

from budgetbeheer.errors import Message, ValidationError

FIELD = "reference"
MAX_FREE_TEXT = 140
"""EPC limit for unstructured remittance information (``Ustrd``)."""

_WEIGHTS = (2, 4, 8, 5, 10, 9, 7, 3, 6, 1)
_MODULUS = 11
_SHORT_LENGTH = 7
"""A betalingskenmerk of 7 digits has no check digit."""
_LONG_LENGTH = 16
"""A betalingskenmerk of 16 digits: check digit plus 15 digits, no length code."""
_LENGTHS_WITH_LENGTH_CODE = range(9, 15)
_SEPARATORS = re.compile(r"[\s.\-]+")
_WHITESPACE = re.compile(r"\s+")


class ReferenceKind(StrEnum):
    """What kind of payment reference a payment carries."""

    BETALINGSKENMERK = "betalingskenmerk"
    """Dutch structured reference (``Issr = CUR`` in the bank file)."""
    ISO11649 = "iso11649"
    """International structured creditor reference ``RF..`` (``Issr = ISO``)."""
    FREE_TEXT = "free_text"
    """Unstructured text for the creditor (``Ustrd``), at most 140 characters."""
    NONE = "none"
    """No reference at all."""

    @property
    def is_structured(self) -> bool:
        return self in (ReferenceKind.BETALINGSKENMERK, ReferenceKind.ISO11649)


def betalingskenmerk_check_digit(digits_after_check: str) -> int:
    """The check digit ``C`` for the digits that follow it (for 9-14 digits: the length code plus the rest)."""
    if not digits_after_check.isascii() or not digits_after_check.isdigit():
        raise ValueError("only digits")
    total: int = sum(map(operator.mul, map(int, reversed(digits_after_check)), itertools.cycle(_WEIGHTS)))
    check = _MODULUS - total % _MODULUS
    return {10: 1, 11: 0}.get(check, check)


def make_betalingskenmerk(number: str, length: int = 16) -> str:
    """Build a betalingskenmerk of ``length`` digits (9-14 or 16) around ``number``, zero-padded on the left.

    Useful for tests and for issuing our own references; raises ``ValueError`` if ``number`` does not fit.
    """
    if not number.isascii() or not number.isdigit():
        raise ValueError("only digits")
    if length == _LONG_LENGTH:
        body = number.rjust(_LONG_LENGTH - 1, "0")
    elif length in _LENGTHS_WITH_LENGTH_CODE:
        body = str((length - 2) % 10) + number.rjust(length - 2, "0")
    else:
        raise ValueError("a betalingskenmerk with a check digit has 9-14 or 16 digits")
    if len(body) != length - 1:
        raise ValueError(f"{number!r} does not fit in {length} digits")
    return str(betalingskenmerk_check_digit(body)) + body


def _betalingskenmerk_problem(digits: str) -> Message | None:
    """Why ``digits`` (already stripped of separators) is not a valid betalingskenmerk, or None if it is."""
    if not digits:
        return Message("Vul het betalingskenmerk in.")
    if not digits.isascii() or not digits.isdigit():
        return Message("Een betalingskenmerk bestaat alleen uit cijfers (spaties mogen).")
    length = len(digits)
    if length == _SHORT_LENGTH:
        return None
    if length != _LONG_LENGTH and length not in _LENGTHS_WITH_LENGTH_CODE:
        return Message(
            "Een betalingskenmerk heeft 7, 9 tot en met 14, of 16 cijfers; dit kenmerk heeft er %(length)s. "
            "Controleer of u het hele kenmerk hebt overgenomen.",
            length=length,
        )
    if length in _LENGTHS_WITH_LENGTH_CODE:
        expected_code = str((length - 2) % 10)
        if digits[1] != expected_code:
            return Message(
                "Dit betalingskenmerk klopt niet: bij %(length)s cijfers hoort het tweede cijfer (de lengtecode) "
                "een %(expected)s te zijn. Controleer het kenmerk op de acceptgiro of factuur.",
                length=length,
                expected=expected_code,
            )
    if int(digits[0]) != betalingskenmerk_check_digit(digits[1:]):
        return Message(
            "Het controlecijfer van dit betalingskenmerk klopt niet. Waarschijnlijk is er een cijfer verkeerd "
            "overgenomen; controleer het kenmerk op de acceptgiro of factuur."
        )
    return None


def _compact_digits(text: str) -> str:
    return _SEPARATORS.sub("", text)


def is_valid_betalingskenmerk(text: str) -> bool:
    return _betalingskenmerk_problem(_compact_digits(text)) is None


def _iso11649_problem(compact: str) -> Message | None:
    try:
        iso11649.validate(compact)
    except InvalidChecksum:
        return Message(
            "Het controlegetal van dit RF-kenmerk klopt niet. Waarschijnlijk is er een teken verkeerd overgenomen; "
            "controleer het kenmerk op de factuur."
        )
    except InvalidLength:
        return Message("Een RF-kenmerk heeft 5 tot en met 25 tekens, beginnend met RF en twee cijfers.")
    except InvalidFormat:
        return Message(
            "Een RF-kenmerk begint met RF, dan twee cijfers, dan alleen letters en cijfers "
            "(bijvoorbeeld RF18 5390 0754 7034)."
        )
    except StdnumValidationError:
        return Message("Dit is geen geldig RF-kenmerk.")
    return None


def is_valid_iso11649(text: str) -> bool:
    return _iso11649_problem(iso11649.compact(text)) is None


def _free_text(text: str) -> str:
    return _WHITESPACE.sub(" ", text).strip()


def detect_kind(text: str | None) -> ReferenceKind:
    """The kind of a reference as a caseworker typed it.

    Returns a structured kind only when ``text`` is a *valid* reference of that kind, so that a customer number that
    merely consists of digits is not sent as a betalingskenmerk. Empty or blank text is ``NONE``; everything else is
    ``FREE_TEXT``. Use :func:`suspicious_reference` to warn about text that nearly is a structured reference.
    """
    if text is None or not text.strip():
        return ReferenceKind.NONE
    if is_valid_betalingskenmerk(text):
        return ReferenceKind.BETALINGSKENMERK
    if text.strip()[:2].upper() == "RF" and is_valid_iso11649(text):
        return ReferenceKind.ISO11649
    return ReferenceKind.FREE_TEXT


def suspicious_reference(text: str | None) -> Message | None:
    """A warning when ``text`` looks like a structured reference but fails its check, else None.

    A 16-digit number or an ``RF`` followed by two digits is almost always a structured reference copied from an
    acceptgiro or invoice; if its check fails, a digit was most likely mistyped, and the creditor will not be able to
    match the payment.
    """
    if text is None:
        return None
    compact = _compact_digits(text)
    if compact.isascii() and compact.isdigit() and len(compact) == _LONG_LENGTH:
        return _betalingskenmerk_problem(compact)
    upper = iso11649.compact(text)
    if re.fullmatch(r"RF[0-9]{2}[0-9A-Z]{1,21}", upper):
        return _iso11649_problem(upper)
    return None


def validate_reference(kind: ReferenceKind | str, text: str | None) -> str:
    """Check ``text`` as a reference of ``kind`` and return its normalised form.

    * betalingskenmerk: digits only (spaces, dots and hyphens removed), e.g. ``"5000056789012345"``;
    * ISO 11649: upper case without spaces, e.g. ``"RF18539007547034"``;
    * free text: whitespace collapsed and trimmed, at most 140 characters (EPC character cleaning happens when the
      bank file is built);
    * none: ``""``; any text given is refused, so that nothing the caseworker typed is silently dropped.

    Raises :class:`~budgetbeheer.errors.ValidationError` with a Dutch message under the field ``reference``.
    """
    try:
        kind = ReferenceKind(kind)
    except ValueError:
        raise ValidationError({FIELD: Message("Onbekend soort betalingskenmerk: %(kind)s.", kind=str(kind))}) from None
    raw = text or ""
    problem: Message | None
    if kind is ReferenceKind.NONE:
        if raw.strip():
            raise ValidationError(
                {FIELD: Message("U koos 'geen kenmerk', maar vulde wel een kenmerk in. Kies het soort kenmerk.")}
            )
        return ""
    if kind is ReferenceKind.BETALINGSKENMERK:
        normalised = _compact_digits(raw)
        problem = _betalingskenmerk_problem(normalised)
    elif kind is ReferenceKind.ISO11649:
        normalised = iso11649.compact(raw)
        problem = Message("Vul het RF-kenmerk in.") if not normalised else _iso11649_problem(normalised)
    else:
        normalised = _free_text(raw)
        if not normalised:
            problem = Message("Vul een omschrijving in, of kies 'geen kenmerk'.")
        elif len(normalised) > MAX_FREE_TEXT:
            problem = Message(
                "De omschrijving is te lang: hoogstens %(maximum)s tekens, nu %(length)s.",
                maximum=MAX_FREE_TEXT,
                length=len(normalised),
            )
        else:
            problem = None
    if problem is not None:
        raise ValidationError({FIELD: problem})
    return normalised


def format_reference(kind: ReferenceKind | str, normalised: str) -> str:
    """Readable form for screens and letters.

    A betalingskenmerk in groups of four counted from the right, as printed on an acceptgiro
    (``5000 0567 8901 2345``, ``12 2345 3462 2567``); an RF reference in groups of four from the left.
    """
    kind = ReferenceKind(kind)
    if kind is ReferenceKind.ISO11649:
        return str(iso11649.format(normalised))
    if kind is ReferenceKind.BETALINGSKENMERK:
        head = len(normalised) % 4
        groups = [normalised[:head]] if head else []
        groups += [normalised[i : i + 4] for i in range(head, len(normalised), 4)]
        return " ".join(groups)
    return normalised

"""Money: integer euro-cents inside, ``Decimal`` at the edges, never ``float``.

The one module that converts between cents, ``Decimal`` and text, and that splits amounts.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from budgetbeheer.errors import Message

CENT = Decimal("0.01")
MAX_INPUT_CENTS = 100_000_00
"""The largest single amount a person may enter (EUR 100,000.00)."""


class AmountError(ValueError):
    """Raised by :func:`parse_amount`; carries a translatable message."""

    def __init__(self, message: Message) -> None:
        self.message = message
        super().__init__(str(message))


def to_cents(amount: Decimal) -> int:
    """Exact conversion of a Decimal with at most two decimals to cents."""
    quantized = amount.quantize(CENT)
    if quantized != amount:
        raise ValueError(f"{amount} has more than two decimals")
    return int(quantized * 100)


def to_decimal(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(CENT)


def cents_to_str(cents: int) -> str:
    """The API's form: a string with two decimals, e.g. ``"650.00"``."""
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}{cents // 100}.{cents % 100:02d}"


MAX_ANY_CENTS = 10**15
"""The largest amount read at all (EUR 10,000,000,000,000.00), also where no maximum is asked: far inside the
database's 64-bit integer, so no amount can overflow a column."""
MAX_AMOUNT_TEXT = 40
"""Longer text is not read as an amount (it cannot be one below :data:`MAX_ANY_CENTS`)."""

_POINT = re.compile(r"(?P<whole>[0-9]+)(?:\.(?P<fraction>[0-9]{1,2}))?")
"""``1234``, ``1234.5``, ``1234.56``: the API's form (and a whole number)."""
_COMMA = re.compile(r"(?P<whole>[0-9]+|[0-9]{1,3}(?:\.[0-9]{3})+),(?P<fraction>[0-9]{1,2})")
"""``1234,56``, ``1.234,56``, ``1.234.567,5``: the Dutch form, with a decimal comma and optional thousands dots."""
_DUTCH_GROUPS = re.compile(r"[0-9]{1,3}(?:\.[0-9]{3})+")
"""``1.000``, ``12.345.678``: a Dutch thousands form without decimals, or an English 1.000 (one). Refused."""
_ENGLISH_GROUPS = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]*)?")
"""``1,000.00``, ``1,000``: English thousands commas. Refused (in Dutch a comma separates decimals)."""


def _grouped(whole: str) -> str:
    return f"{int(whole):,}".replace(",", ".")


def _amount_hint(text: str) -> Message:
    return Message(
        "\"%(value)s\" is geen bedrag. Schrijf een bedrag als 1234.56 of 1234,56 (met duizendtallen: 1.234,56), "
        "zonder andere tekens.", value=text[:MAX_AMOUNT_TEXT])


def _read_amount_text(raw: str) -> Decimal:
    """The value of an amount typed as text, only in the documented forms; :class:`AmountError` otherwise.

    Accepted: ``1234.56`` (the API's form), ``1234,56`` and ``1.234,56`` (Dutch), a leading ``-``, a leading ``€``
    and surrounding spaces. Refused with a message that shows how to write it: ``1,000.00`` and ``1.000`` (which
    could mean one or a thousand), exponents (``1e5``), underscores, digits other than ASCII 0-9, NaN and Infinity.
    """
    text = raw.strip()
    if text.startswith("€"):
        text = text[1:].lstrip(" \u00a0")
    if not text:
        raise AmountError(Message("Vul een bedrag in."))
    if len(text) > MAX_AMOUNT_TEXT:
        raise AmountError(Message("Dit is te lang voor een bedrag (hoogstens %(maximum)s tekens).",
                                  maximum=MAX_AMOUNT_TEXT))
    sign = ""
    if text.startswith("-"):
        sign, text = "-", text[1:]
    if match := _POINT.fullmatch(text):
        whole, fraction = match["whole"], match["fraction"] or ""
    elif match := _COMMA.fullmatch(text):
        whole, fraction = match["whole"].replace(".", ""), match["fraction"]
    elif _DUTCH_GROUPS.fullmatch(text):
        whole = text.replace(".", "")
        raise AmountError(Message(
            "\"%(value)s\" is niet eenduidig: een punt kan hier duizendtallen of decimalen scheiden. Bedoelt u "
            "%(whole)s euro, schrijf dan %(api)s of %(dutch)s.", value=raw.strip()[:MAX_AMOUNT_TEXT], whole=whole,
            api=f"{whole}.00", dutch=f"{_grouped(whole)},00"))
    elif _ENGLISH_GROUPS.fullmatch(text):
        whole, _, fraction = text.replace(",", "").partition(".")
        fraction = (fraction + "00")[:2] if len(fraction) <= 2 else fraction
        raise AmountError(Message(
            "\"%(value)s\" gebruikt een komma voor duizendtallen; een komma is hier het decimaalteken. Schrijf "
            "%(api)s of %(dutch)s.", value=raw.strip()[:MAX_AMOUNT_TEXT], api=f"{whole}.{fraction}",
            dutch=f"{_grouped(whole)},{fraction}"))
    else:
        if re.fullmatch(r"[0-9]+[.,][0-9]{3,}", text):
            raise AmountError(Message("Een bedrag heeft hoogstens twee decimalen."))
        raise AmountError(_amount_hint(raw.strip()))
    return Decimal(f"{sign}{whole}.{fraction or '0'}")


def parse_amount(
    raw: object,
    *,
    allow_zero: bool = False,
    allow_negative: bool = False,
    maximum_cents: int | None = MAX_INPUT_CENTS,
) -> int:
    """Parse a person's or system's amount into cents: the one strict reader of amounts (API, forms, CSV, CLI).

    Accepts ``Decimal``, ``int`` and text in the documented forms (see :func:`_read_amount_text`). Refuses floats
    (their binary value is not the amount the person meant), more than two decimals, zero and negative amounts
    unless allowed, and anything above ``maximum_cents`` (never above :data:`MAX_ANY_CENTS`). Only
    :class:`AmountError` is raised.
    """
    if isinstance(raw, (bool, float)):
        raise AmountError(Message("Geef het bedrag als tekst, bijvoorbeeld \"650.00\"."))
    limit = MAX_ANY_CENTS if maximum_cents is None else min(maximum_cents, MAX_ANY_CENTS)
    too_high = AmountError(Message("Het bedrag mag niet hoger zijn dan %(maximum)s.", maximum=format_eur(limit, "nl")))
    if isinstance(raw, int):
        if abs(raw) > limit // 100:
            raise too_high
        value = Decimal(raw)
    elif isinstance(raw, Decimal):
        if not raw.is_finite():
            raise AmountError(Message("\"%(value)s\" is geen bedrag.", value=str(raw)))
        value = raw
    elif isinstance(raw, str):
        value = _read_amount_text(raw)
    else:
        raise AmountError(Message("Geef het bedrag als tekst, bijvoorbeeld \"650.00\"."))
    if value.adjusted() > 15:  # beyond MAX_ANY_CENTS, and before quantize() could overflow the context's precision
        raise too_high
    if value != value.quantize(CENT, rounding=ROUND_HALF_UP):
        raise AmountError(Message("Een bedrag heeft hoogstens twee decimalen."))
    cents = int(value.quantize(CENT) * 100)
    if cents == 0 and not allow_zero:
        raise AmountError(Message("Het bedrag moet groter zijn dan nul."))
    if cents < 0 and not allow_negative:
        raise AmountError(Message("Het bedrag mag niet negatief zijn."))
    if abs(cents) > limit:
        raise too_high
    return cents


def format_eur(cents: int, language: str = "nl") -> str:
    """``€ 1.234,56`` in Dutch, ``€1,234.56`` in English."""
    sign = "-" if cents < 0 else ""
    whole, fraction = divmod(abs(cents), 100)
    grouped = f"{whole:,}"
    if language == "nl":
        return f"{sign}€ {grouped.replace(',', '.')},{fraction:02d}"
    return f"{sign}€{grouped}.{fraction:02d}"


def split_cents(total: int, weights: list[int]) -> list[int]:
    """Split ``total`` over ``weights`` by largest remainder, so the parts always add up to ``total``."""
    if not weights:
        raise ValueError("nothing to split over")
    weight_sum = sum(weights)
    if weight_sum <= 0 or any(w < 0 for w in weights):
        raise ValueError("weights must be non-negative with a positive sum")
    sign = -1 if total < 0 else 1
    magnitude = abs(total)
    shares = [magnitude * w // weight_sum for w in weights]
    remainders = [(magnitude * w % weight_sum, -index) for index, w in enumerate(weights)]
    missing = magnitude - sum(shares)
    for _, negative_index in sorted(remainders, reverse=True)[:missing]:
        shares[-negative_index] += 1
    return [sign * share for share in shares]


def split_evenly(total: int, parts: int) -> list[int]:
    """Split ``total`` into ``parts`` near-equal amounts that add up exactly (earlier parts get the extra cents)."""
    return split_cents(total, [1] * parts)

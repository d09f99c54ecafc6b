"""Money: integer euro-cents inside, ``Decimal`` at the edges, never ``float``.

The one module that converts between cents, ``Decimal`` and text, and that splits amounts.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

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


def parse_amount(
    raw: object,
    *,
    allow_zero: bool = False,
    allow_negative: bool = False,
    maximum_cents: int | None = MAX_INPUT_CENTS,
) -> int:
    """Parse a person's or system's amount into cents.

    Accepts ``Decimal``, ``int`` and strings with a decimal point or a Dutch decimal comma ("650,00", "1.234,56").
    Refuses floats (their binary value is not the amount the person meant), more than two decimals, zero and negative
    amounts unless allowed, and anything above ``maximum_cents``.
    """
    if isinstance(raw, (bool, float)):
        raise AmountError(Message("Geef het bedrag als tekst, bijvoorbeeld \"650.00\"."))
    if isinstance(raw, int):
        value = Decimal(raw)
    elif isinstance(raw, Decimal):
        value = raw
    elif isinstance(raw, str):
        text = raw.strip().replace("€", "").replace(" ", "").replace("\u00a0", "")
        if not text:
            raise AmountError(Message("Vul een bedrag in."))
        if "," in text:
            # Dutch notation: "." groups thousands, "," separates the decimals.
            text = text.replace(".", "").replace(",", ".")
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise AmountError(Message("\"%(value)s\" is geen bedrag.", value=raw)) from None
    else:
        raise AmountError(Message("Geef het bedrag als tekst, bijvoorbeeld \"650.00\"."))
    if not value.is_finite():
        raise AmountError(Message("\"%(value)s\" is geen bedrag.", value=str(raw)))
    if value != value.quantize(CENT, rounding=ROUND_HALF_UP):
        raise AmountError(Message("Een bedrag heeft hoogstens twee decimalen."))
    cents = int(value.quantize(CENT) * 100)
    if cents == 0 and not allow_zero:
        raise AmountError(Message("Het bedrag moet groter zijn dan nul."))
    if cents < 0 and not allow_negative:
        raise AmountError(Message("Het bedrag mag niet negatief zijn."))
    if maximum_cents is not None and abs(cents) > maximum_cents:
        raise AmountError(
            Message("Het bedrag mag niet hoger zijn dan %(maximum)s.", maximum=format_eur(maximum_cents, "nl"))
        )
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

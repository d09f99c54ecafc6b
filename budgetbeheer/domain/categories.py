"""Categories of fixed costs and the order in which they are paid when money is short.

The order prevents the worst harm first: eviction (rent), loss of health cover, cut-off of energy and water. Those four
are the costs a municipality must pay when it ontzorgt (art. 56a Participatiewet).
"""

from __future__ import annotations

from enum import StrEnum
from types import MappingProxyType


class Category(StrEnum):
    """A fixed cost's category; the API's ``category`` values."""

    RENT = "rent"
    HEALTH_INSURANCE = "health_insurance"
    ENERGY = "energy"
    WATER = "water"
    MUNICIPAL_TAXES = "municipal_taxes"
    CONTENTS_INSURANCE = "contents_insurance"
    LIABILITY_INSURANCE = "liability_insurance"
    LOAN_REPAYMENT = "loan_repayment"
    OTHER = "other"


PRIORITY = MappingProxyType({category: rank for rank, category in enumerate(Category, start=1)})
"""Lower is paid first: rent 1, health_insurance 2, energy 3, water 4, … other 9 (the declaration order above)."""

REQUIRED_CATEGORIES: frozenset[Category] = frozenset(
    {Category.RENT, Category.HEALTH_INSURANCE, Category.ENERGY, Category.WATER}
)
"""The fixed costs the law requires the municipality to pay while it ontzorgt."""

LABELS_NL = MappingProxyType(
    {
        Category.RENT: "huur",
        Category.HEALTH_INSURANCE: "zorgverzekering",
        Category.ENERGY: "energie",
        Category.WATER: "water",
        Category.MUNICIPAL_TAXES: "gemeentelijke belastingen",
        Category.CONTENTS_INSURANCE: "inboedelverzekering",
        Category.LIABILITY_INSURANCE: "aansprakelijkheidsverzekering",
        Category.LOAN_REPAYMENT: "aflossing lening",
        Category.OTHER: "overig",
    }
)
"""The Dutch word for each category, as used in payment reasons."""


def priority(category: Category | str) -> int:
    """The category's rank in the payment order (1 = first). Raises ``ValueError`` for an unknown category."""
    return PRIORITY[Category(category)]

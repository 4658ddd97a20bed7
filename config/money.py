"""Amounts of money: decimals with two places, never floats."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
MONEY = {"max_digits": 14, "decimal_places": 2}


def money(value) -> Decimal:
    """`value` as a Decimal rounded to the cent (half up).

    Floats are read through their shortest repr, so SQLite's REAL arithmetic
    (0.30000000000000004) comes back as the cents it stands for.
    """
    if isinstance(value, float):
        value = repr(value)
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)

"""Numbers formatted exactly as the survey prints them.

The survey rounds half up (not to even) and computes from its printed values, so the
arithmetic here is decimal: ``0.0125`` rounds to ``0.013`` and never suffers from binary
floating point (``28.923 / 1599`` is computed on the decimal strings).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def to_decimal(value: float | int | str | Decimal) -> Decimal:
    """A Decimal of the shortest repr of ``value`` (``0.1`` -> ``Decimal('0.1')``)."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(str(value))


def round_half_up(value, places: int) -> Decimal:
    """``value`` rounded half up to ``places`` decimals."""
    return to_decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def fixed(value, places: int) -> str:
    """Half-up to ``places`` decimals, trailing zeros kept: ``0.022`` -> ``'0.0220'``."""
    return f"{round_half_up(value, places):f}"


def trimmed(value, places: int) -> str:
    """Half-up to ``places`` decimals, trailing zeros dropped: ``4.00`` -> ``'4'``, ``1.30`` -> ``'1.3'``."""
    text = fixed(value, places)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def ratio(numerator, denominator) -> Decimal:
    """``numerator / denominator`` in decimal arithmetic (28 significant digits)."""
    return to_decimal(numerator) / to_decimal(denominator)

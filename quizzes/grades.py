"""How grades, scores and marks are written, on every page and in the API."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")


def format_grade(value) -> str:
    """A grade, score or mark as people read it: at most two decimals, no trailing zeros, no
    thousands separator. Never raises: "" for None or for what is not a finite number.

    >>> [format_grade(v) for v in (Decimal("0.00"), Decimal("25.00"), Decimal("33.33"), 100)]
    ['0', '25', '33.33', '100']
    >>> [format_grade(v) for v in (4400.0, Decimal("-0.00"), Decimal("2.50"), 1 / 3, None)]
    ['4400', '0', '2.5', '0.33', '']
    """
    if value is None or isinstance(value, bool):
        return ""
    try:
        number = Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        return ""
    if not number.is_finite():
        return ""
    text = f"{number.normalize():f}"
    return "0" if text == "-0" else text

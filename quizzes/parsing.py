"""Reading whole numbers out of request text (form fields, query strings), never raising.

`str.isdigit()` is True for "²", "١" and "１", which `int()` either refuses ("²") or reads as a
number nobody typed; and `int()` refuses strings past Python's 4,300-digit limit. Ids and counts
from a request go through `whole_number`, which answers None for anything that is not plain ASCII
digits within the database's range, so callers turn None into a form error or a 404.
"""

# A BigAutoField id (PostgreSQL bigint, SQLite integer): anything larger matches no row.
MAX_ID = 2**63 - 1
# An IntegerField (PostgreSQL integer).
MAX_INT = 2**31 - 1


def whole_number(text: str | None, *, limit: int = MAX_INT) -> int | None:
    """`text` as a whole number from 0 to `limit`, or None (never an exception).

    >>> whole_number(" 42 "), whole_number("²"), whole_number("-1"), whole_number("2147483648")
    (42, None, None, None)
    """
    if text is None:
        return None
    text = text.strip()
    # Compare lengths before converting: no int() of a 5,000-digit string.
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(limit)):
        return None
    value = int(text)
    return value if value <= limit else None

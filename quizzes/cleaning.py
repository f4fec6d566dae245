"""What text the app accepts: the one check every text input goes through (pure, no database).

A Python string can hold two things no database text column can store: a NUL character (PostgreSQL
refuses it; SQLite stores it and cuts the text short in some tools) and a lone surrogate such as
"\\ud800" (half of a UTF-16 pair, which JSON's `\\ud800` escape produces and no UTF-8 encoder
accepts, so both databases fail on it). Form bodies cannot carry a surrogate (Django decodes
them with replacement characters) and refuse NUL in every form field; the JSON API, fixtures and
other files can carry both. Every such path asks `text_problem`, so that each answers with a
field error naming the field, never a 500:

- the API: `quizzes.api.parsers.JSONParser` checks every string of a request body (keys too);
- `loaddata`: every text field of every row (`quizzes/management/commands/loaddata.py`);
- the services, for callers that bypass both (the answer grader's shape check).

Valid text is never changed: nothing here rewrites what a person typed.
"""

from __future__ import annotations

import re

NUL_MESSAGE = "Null characters are not allowed."
_SURROGATE = re.compile("[\ud800-\udfff]")


def text_problem(value: str) -> str | None:
    """Why `value` cannot be stored as text, or None when it can.

    >>> text_problem("Lavrov") is None
    True
    >>> text_problem("a\\x00b")
    'Null characters are not allowed.'
    >>> text_problem("\\ud800")
    'Not valid text: it contains a lone surrogate (U+D800), which cannot be stored.'
    """
    if "\x00" in value:
        return NUL_MESSAGE
    surrogate = _SURROGATE.search(value)
    if surrogate:
        return (
            f"Not valid text: it contains a lone surrogate (U+{ord(surrogate.group()):04X}), "
            "which cannot be stored."
        )
    return None


def text_problems(data) -> dict | list | str | None:
    """The problems of every string in parsed JSON, shaped like DRF's field errors, or None.

    A bad value in a field gives `{"field": ["message"]}`, nested the way the data nests (a list
    gives a list with `{}` for the good items); a bad key, or a bad value at the top level, is a
    `non_field_errors` message.

    >>> text_problems({"answer": "ok", "choices": [{"text": "fine"}, {"text": "\\x00"}]})
    {'choices': [{}, {'text': ['Null characters are not allowed.']}]}
    >>> text_problems(["a", 1, None]) is None
    True
    """
    found = _problems(data)
    if found is None or isinstance(found, dict):
        return found
    return {"non_field_errors": found if isinstance(found, list) else [found]}


def _problems(data):
    if isinstance(data, str):
        problem = text_problem(data)
        return [problem] if problem else None
    if isinstance(data, dict):
        errors: dict = {}
        for key, value in data.items():
            key_problem = text_problem(key) if isinstance(key, str) else None
            if key_problem:
                errors.setdefault("non_field_errors", []).append(f"A field name: {key_problem}")
                continue
            found = _problems(value)
            if found is not None:
                errors[key] = found
        return errors or None
    if isinstance(data, list):
        items = [_problems(item) for item in data]
        if all(item is None for item in items):
            return None
        if all(item is None or isinstance(item, dict) for item in items):
            return [item or {} for item in items]
        # A list of plain values: one message per bad item, as DRF reports a ListField's child.
        return {str(i): item for i, item in enumerate(items) if item is not None}
    return None


def printable_text(value: str) -> str:
    """`value` with what no text column can hold replaced by U+FFFD (for records the app keeps
    about a request, such as a failed login's username, never for what a person typed).

    >>> printable_text("a\\x00b\\ud800")
    'a\\ufffdb\\ufffd'
    """
    return _SURROGATE.sub("\ufffd", value.replace("\x00", "\ufffd"))

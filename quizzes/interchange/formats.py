"""One entry point per direction, for the commands, the admin and the API.

    result = read_questions(data, format=None, progress=callback)  # None: guessed
    text = write_questions(questions, format="gift")

`progress(done, total)` is called every few hundred questions and once at the end.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from quizzes.interchange.aiken import read_aiken
from quizzes.interchange.errors import FormatError
from quizzes.interchange.gift import read_gift, write_gift
from quizzes.interchange.model import Question, ReadResult
from quizzes.interchange.moodle_xml import read_moodle_xml, write_moodle_xml
from quizzes.interchange.source import MAX_BYTES

GIFT = "gift"
MOODLE_XML = "moodle-xml"
AIKEN = "aiken"
READ_FORMATS = (GIFT, MOODLE_XML, AIKEN)
WRITE_FORMATS = (GIFT, MOODLE_XML)
EXTENSIONS = {GIFT: ".gift.txt", MOODLE_XML: ".xml"}  # what Moodle's own exports are called
Progress = Callable[[int, int], None]

_READERS = {GIFT: read_gift, MOODLE_XML: read_moodle_xml, AIKEN: read_aiken}
_WRITERS = {GIFT: write_gift, MOODLE_XML: write_moodle_xml}

_XML_START = re.compile(rb"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<(quiz|!DOCTYPE)\b", re.S)
_AIKEN_ANSWER = re.compile(r"^\s*ANSWER\s*:\s*[A-Z]\s*$", re.M)
_AIKEN_OPTION = re.compile(r"^\s*[A-Z][.)][ \t]+\S", re.M)
_GIFT_MARKS = re.compile(r"(^|\n)\s*(::|\$CATEGORY:)|\{[^{}]*\}")


def sniff_format(data: str | bytes, filename: str = "") -> str | None:
    """The format a file looks like ("gift", "moodle-xml" or "aiken"), or None.

    >>> sniff_format("Who met Lavrov? {=Clinton ~Kerry}")
    'gift'
    >>> sniff_format(b'<?xml version="1.0"?>\\n<quiz></quiz>')
    'moodle-xml'
    >>> sniff_format("Where?\\nA. Geneva\\nB. Paris\\nANSWER: A")
    'aiken'
    """
    head = data[:65536]
    raw = head.encode("utf-8", "replace") if isinstance(head, str) else head
    raw = raw.removeprefix(b"\xef\xbb\xbf")
    if _XML_START.match(raw):
        return MOODLE_XML
    text = raw.decode("utf-8", "replace")
    if _AIKEN_ANSWER.search(text) and _AIKEN_OPTION.search(text) and "{" not in text:
        return AIKEN
    if _GIFT_MARKS.search(text):
        return GIFT
    name = filename.lower()
    if name.endswith(".xml"):
        return MOODLE_XML
    if name.endswith(".gift") or name.endswith(".gift.txt"):
        return GIFT
    return None


def read_questions(
    data: str | bytes,
    *,
    format: str | None = None,
    filename: str = "",
    progress: Progress | None = None,
    max_bytes: int = MAX_BYTES,
) -> ReadResult:
    """The questions of a file in any of `READ_FORMATS` (guessed when `format` is None)."""
    if format is None:
        format = sniff_format(data, filename)
        if format is None:
            raise FormatError.at(
                0,
                "Cannot tell the file's format; name it (gift, moodle-xml or aiken).",
            )
    if format not in _READERS:
        raise FormatError.at(0, f"Unknown format “{format}”: use one of {', '.join(READ_FORMATS)}.")
    return _READERS[format](data, progress=progress, max_bytes=max_bytes)


# The grades Moodle offers for an answer (question_bank::fraction_options_full); its import
# refuses any other unless the teacher picks "nearest grade".
MOODLE_GRADES = tuple(
    sign * value
    for value in (
        1,
        0.9,
        0.8333333,
        0.8,
        0.75,
        0.7,
        0.6666667,
        0.6,
        0.5,
        0.4,
        0.3333333,
        0.3,
        0.25,
        0.2,
        0.1666667,
        0.1428571,
        0.125,
        0.1111111,
        0.1,
        0.05,
        0,
    )
    for sign in (1, -1)
)


def moodle_warnings(questions: Iterable[Question]) -> list[str]:
    """What Moodle's import would refuse or change in an export of these questions."""
    warnings = []
    for question in questions:
        fractions = [c.fraction for c in question.choices]
        fractions += [a.fraction for a in question.answers]
        fractions += [a.fraction for a in question.numeric_answers]
        odd = sorted({f for f in fractions if not any(abs(f - g) < 1e-7 for g in MOODLE_GRADES)})
        if odd:
            listed = ", ".join(f"{f:.0%}" if f * 100 == int(f * 100) else f"{f:g}" for f in odd)
            warnings.append(
                f"{question.where}: Moodle offers no grade of {listed}; choose “nearest grade” "
                "when importing it there."
            )
    return warnings


def write_questions(questions: Iterable[Question], *, format: str) -> str:
    """The questions as a file in one of `WRITE_FORMATS` (`WriteError` names a question that
    the format cannot hold)."""
    if format not in _WRITERS:
        raise ValueError(f"Cannot write “{format}”: use one of {', '.join(WRITE_FORMATS)}.")
    return _WRITERS[format](questions)

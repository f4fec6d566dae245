"""CSV that a spreadsheet opens as text: every CSV the app writes goes through `csv_writer`.

Excel, LibreOffice and Google Sheets run a cell that begins with `=`, `+`, `-` or `@` as a
formula (`=HYPERLINK(…)`, `+SUM(…)`, `@cmd`), and tab and carriage return can smuggle one in.
Following OWASP's advice on CSV injection, such a cell is written with a leading apostrophe,
which the spreadsheet shows as text. A cell that already begins with an apostrophe gets one more,
so that `read_cell` gives back exactly what was written: exporting and importing round-trips.
"""

from __future__ import annotations

import csv

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"


def escape_cell(value) -> str:
    """The cell as written: text, with a leading apostrophe when it could start a formula.

    >>> [escape_cell(v) for v in ["=1+1", "-3", "@SUM(A1)", "'=x", "'tis", "Geneva", 42]]
    ["'=1+1", "'-3", "'@SUM(A1)", "''=x", "'tis", 'Geneva', '42']
    """
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS) or _escaped(text):
        return ESCAPE + text
    return text


def read_cell(text: str) -> str:
    """The text `escape_cell` wrote: one leading apostrophe dropped where it added one.

    >>> [read_cell(t) for t in ["'=1+1", "''=x", "'tis", "plain"]]
    ['=1+1', "'=x", "'tis", 'plain']
    """
    return text[1:] if _escaped(text) else text


def _escaped(text: str) -> bool:
    return text.startswith(ESCAPE) and text[1:].startswith((*FORMULA_STARTS, ESCAPE))


class _EscapingWriter:
    def __init__(self, stream, **kwargs):
        self._writer = csv.writer(stream, **kwargs)
        # Python's writer quotes a cell only for the characters of its own line terminator, so
        # with "\n" a carriage return inside a cell would be written bare and split the row
        # when read back: such rows are written with every cell quoted.
        self._quoting = csv.writer(stream, **{**kwargs, "quoting": csv.QUOTE_ALL})

    def writerow(self, row):
        cells = [escape_cell(cell) for cell in row]
        writer = self._quoting if any("\r" in cell for cell in cells) else self._writer
        return writer.writerow(cells)

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def csv_writer(stream, **kwargs) -> _EscapingWriter:
    """`csv.writer(stream, **kwargs)` whose every cell is escaped (header rows too)."""
    return _EscapingWriter(stream, **kwargs)

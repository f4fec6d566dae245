"""Cards to and from CSV: all or nothing, bad rows named by line number and reason."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from flashcards.models import Card
from flashcards.services.card_csv import (
    CardCsvError,
    export_cards_csv,
    import_cards_csv,
    parse_cards_csv,
)
from tests.factories import CardFactory, DeckFactory

GOOD = (
    "front,back,tags\n"
    "Whom did Clinton meet?,Sergei Lavrov,geneva person\n"
    '"What did the button say, in Russian?","Peregruzka (overcharge), not perezagruzka",quote\n'
)


@pytest.fixture
def deck(db):
    return DeckFactory(slug="geneva")


def test_import_creates_cards_in_order(deck):
    result = import_cards_csv(deck=deck, text=GOOD)
    assert len(result.created) == 2
    cards = list(deck.cards.order_by("position"))
    assert [card.front for card in cards] == [
        "Whom did Clinton meet?",
        "What did the button say, in Russian?",
    ]
    assert cards[1].back == "Peregruzka (overcharge), not perezagruzka"
    assert cards[0].tags == "geneva person"


def test_importing_twice_updates_rather_than_duplicates(deck):
    import_cards_csv(deck=deck, text=GOOD)
    result = import_cards_csv(deck=deck, text=GOOD.replace("Sergei Lavrov", "Lavrov"))
    assert result.created == []
    assert result.updated == ["Whom did Clinton meet?"]
    assert deck.cards.count() == 2
    assert deck.cards.get(front="Whom did Clinton meet?").back == "Lavrov"


def test_export_then_import_round_trips(deck):
    CardFactory(deck=deck, front='He said "reset", twice', back="Clinton\n\nA line", tags="a b")
    CardFactory(deck=deck, front="Where?", back="Geneva", tags="")
    text = export_cards_csv(deck=deck)
    assert text.splitlines()[0] == "front,back,tags"

    other = DeckFactory()
    import_cards_csv(deck=other, text=text)
    assert list(other.cards.values_list("front", "back", "tags")) == list(
        deck.cards.values_list("front", "back", "tags")
    )


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("", "line 1: the file is empty"),
        ("question,answer\nA,B\n", "line 1: the header must be front,back,tags"),
        ("front,back,tags\nA,B\nC,D,e\n", "line 2: expected 3 columns, found 2"),
        ("front,back,tags\nA,,t\n", "line 2: the back is empty"),
        ("front,back,tags\n ,B,t\n", "line 2: the front is empty"),
        ("front,back,tags\nA,B,\nC,D,\nA ,E,\n", "line 4: the same front as line 2"),
        ("front,back,tags\nA,B," + "t" * 301 + "\n", "line 2: the tags are longer than 300"),
        ('front,back,tags\nA,"B\n', "not valid CSV"),
        ("front,back,tags\nA,B\x00C,t\n", "line 2: a cell contains a NUL character"),
    ],
)
def test_bad_rows_are_reported_and_nothing_is_imported(deck, text, error):
    _, errors = parse_cards_csv(text)
    assert any(error in str(e) for e in errors), errors
    with pytest.raises(CardCsvError):
        import_cards_csv(deck=deck, text=text)
    assert not Card.objects.exists()


def test_one_bad_row_among_good_ones_imports_nothing(deck):
    text = GOOD + "Where?,,place\n"
    with pytest.raises(CardCsvError, match="line 4: the back is empty"):
        import_cards_csv(deck=deck, text=text)
    assert deck.cards.count() == 0


def test_line_numbers_count_lines_inside_quoted_cells(deck):
    text = 'front,back,tags\n"Two\nlines",B,t\nC,,t\n'
    _, errors = parse_cards_csv(text)
    assert [str(e) for e in errors] == ["line 4: the back is empty"]


def test_commands_round_trip(deck, tmp_path, capsys):
    source = tmp_path / "in.csv"
    source.write_text(GOOD, encoding="utf-8")
    call_command("import_cards_csv", "geneva", str(source))
    out = tmp_path / "out.csv"
    call_command("export_cards_csv", "geneva", str(out))
    assert "2 created" in capsys.readouterr().out
    assert out.read_text(encoding="utf-8") == GOOD


def test_import_command_fails_whole_with_the_line_and_reason(deck, tmp_path):
    source = tmp_path / "bad.csv"
    source.write_text(GOOD + "Where?,,place\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"Nothing was imported: 1 bad row\(s\).\n  line 4"):
        call_command("import_cards_csv", "geneva", str(source))
    assert deck.cards.count() == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope", "x.csv"], "No deck with the slug “nope”"),
        (["geneva", "/nonexistent/x.csv"], "No such file"),
    ],
)
def test_import_command_refuses_bad_arguments(deck, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("import_cards_csv", *args)


def test_import_command_refuses_files_that_are_not_utf8(deck, tmp_path):
    source = tmp_path / "latin1.csv"
    source.write_bytes("front,back,tags\nCafé,B,t\n".encode("latin-1"))
    with pytest.raises(CommandError, match="not UTF-8"):
        call_command("import_cards_csv", "geneva", str(source))

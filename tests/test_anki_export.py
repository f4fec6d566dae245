"""Anki export, opened with the real Anki library: notes, cloze notes, re-import updates."""

import os
import time

import pytest
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest
from anki.import_export_pb2 import ImportAnkiPackageUpdateCondition
from django.core.management import call_command
from django.core.management.base import CommandError

from flashcards.services.anki_export import CLOZE_MODEL, export_decks, note_guid
from tests.factories import CardFactory, DeckFactory, FactFactory


@pytest.fixture
def deck(db):
    deck = DeckFactory(slug="geneva", title="Geneva")
    CardFactory(deck=deck, key="fact-a", front="Whom did Clinton meet?", back="Lavrov\n\nA line.")
    CardFactory(
        deck=deck,
        key="fact-b",
        front="Clinton met _____ in Geneva.",
        back="Sergei Lavrov\n\nClinton met Sergei Lavrov in Geneva.",
        fact=FactFactory(prompt=""),
        tags="geneva person",
    )
    CardFactory(deck=deck, key="csv-1", front="Where? <b>bold</b> & more", back="Geneva")
    return deck


@pytest.fixture
def collection(tmp_path):
    col = Collection(os.fspath(tmp_path / "collection.anki2"))
    yield col
    col.close()


def import_package(col, path):
    options = ImportAnkiPackageOptions(
        update_notes=ImportAnkiPackageUpdateCondition.IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_ALWAYS,
        update_notetypes=ImportAnkiPackageUpdateCondition.IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_ALWAYS,
        with_scheduling=False,
    )
    return col.import_anki_package(
        ImportAnkiPackageRequest(package_path=os.fspath(path), options=options)
    )


def test_export_opens_in_anki_with_basic_and_cloze_notes(deck, tmp_path, collection):
    path = tmp_path / "geneva.apkg"
    call_command("export_anki", "geneva", str(path))

    import_package(collection, path)

    assert collection.note_count() == 3
    assert collection.card_count() == 3
    cloze_ids = collection.find_notes(f"mid:{CLOZE_MODEL.model_id}")
    assert len(cloze_ids) == 1
    cloze = collection.get_note(cloze_ids[0])
    assert cloze["Text"] == "Clinton met {{c1::Sergei Lavrov}} in Geneva."
    assert cloze.guid == note_guid(deck_slug="geneva", card_key="fact-b")
    assert sorted(cloze.tags) == ["geneva", "person"]
    basic = collection.get_note(collection.find_notes('"Front:Where?*"')[0])
    assert basic["Front"] == "Where? &lt;b&gt;bold&lt;/b&gt; &amp; more"
    assert "Factcards::Geneva" in [d.name for d in collection.decks.all_names_and_ids()]


def test_reimporting_an_export_updates_instead_of_duplicating(deck, tmp_path, collection):
    first = tmp_path / "first.apkg"
    call_command("export_anki", "geneva", str(first))
    import_package(collection, first)

    deck.cards.filter(key="fact-a").update(back="Sergei Lavrov\n\nA line.")
    second = tmp_path / "second.apkg"
    # A later export (Anki treats a note with the same modification time as unchanged).
    export_decks(decks=[deck], path=second, timestamp=time.time() + 60)
    log = import_package(collection, second).log

    assert collection.note_count() == 3
    assert collection.card_count() == 3
    assert len(log.new) == 0
    assert len(log.updated) == 3
    note = collection.get_note(collection.find_notes('"Front:Whom did Clinton meet?"')[0])
    assert note["Back"] == "Sergei Lavrov"


def test_ids_are_stable_between_exports(deck, tmp_path):
    from flashcards.services.anki_export import BASIC_MODEL, anki_deck_for

    assert BASIC_MODEL.model_id == 699306030
    assert anki_deck_for(deck, []).deck_id == anki_deck_for(deck, []).deck_id


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope", "x.apkg"], "No deck with the slug “nope”"),
        (["geneva", "x.zip"], "must end in .apkg"),
        (["geneva", "/nonexistent/x.apkg"], "No such directory"),
    ],
)
def test_export_command_refuses_bad_arguments(deck, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("export_anki", *args)


def test_admin_export_action_downloads_a_package(deck, teacher, client):
    teacher.is_superuser = True
    teacher.save()
    client.force_login(teacher)
    response = client.post(
        "/admin/flashcards/deck/", {"action": "export_to_anki", "_selected_action": [deck.pk]}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="geneva.apkg"'
    assert response.content[:2] == b"PK"

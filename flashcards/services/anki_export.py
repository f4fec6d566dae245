"""Export decks to Anki packages (.apkg) with genanki.

Re-importing an export into Anki updates notes instead of duplicating them, because every id is
stable: a note's GUID derives from the deck slug and the card key, and the note types' and decks'
ids from a hash of a fixed string (plus the deck slug for decks). A card whose front is a
sentence with one blank (a fact with no prompt) becomes a cloze note, `{{c1::answer}}`; every
other card is a basic note.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterable
from pathlib import Path

import genanki
from django.utils.html import escape

from flashcards.models import Card, Deck
from flashcards.services.decks import card_answer, cloze_text

_CSS = ".card { font-family: system-ui, sans-serif; font-size: 20px; color: #1b1f24; }"


def stable_id(name: str) -> int:
    """A positive 31-bit id derived from `name` (Anki ids must fit in a signed 64-bit int)."""
    digest = hashlib.sha256(name.encode()).digest()
    return int.from_bytes(digest[:4], "big") & 0x7FFFFFFF or 1


BASIC_MODEL = genanki.Model(
    stable_id("factcards basic note type v1"),
    "Factcards basic",
    fields=[{"name": "Front"}, {"name": "Back"}, {"name": "Source"}],
    templates=[
        {
            "name": "Card 1",
            "qfmt": "{{Front}}",
            "afmt": '{{FrontSide}}<hr id="answer">{{Back}}<p><small>{{Source}}</small></p>',
        }
    ],
    css=_CSS,
)

CLOZE_MODEL = genanki.Model(
    stable_id("factcards cloze note type v1"),
    "Factcards cloze",
    fields=[{"name": "Text"}, {"name": "Back Extra"}],
    templates=[
        {
            "name": "Cloze",
            "qfmt": "{{cloze:Text}}",
            "afmt": "{{cloze:Text}}<br>{{Back Extra}}",
        }
    ],
    css=_CSS,
    model_type=genanki.Model.CLOZE,
)


def _html(text: str) -> str:
    return escape(text).replace("\n", "<br>")


def note_guid(*, deck_slug: str, card_key: str) -> str:
    return genanki.guid_for("factcards", deck_slug, card_key)


def note_for(card: Card, *, deck_slug: str) -> genanki.Note:
    """The Anki note for one card: cloze when its front is a blanked sentence."""
    guid = note_guid(deck_slug=deck_slug, card_key=card.key)
    tags = card.tags.split()
    source = card.back.split("\n\n", 1)[1] if "\n\n" in card.back else ""
    cloze = cloze_text(front=_html(card.front), answer=_html(card_answer(card.back)))
    if cloze is not None:
        return genanki.Note(model=CLOZE_MODEL, fields=[cloze, ""], guid=guid, tags=tags)
    return genanki.Note(
        model=BASIC_MODEL,
        fields=[_html(card.front), _html(card_answer(card.back)), _html(source)],
        guid=guid,
        tags=tags,
    )


def anki_deck_for(deck: Deck, cards: Iterable[Card]) -> genanki.Deck:
    anki_deck = genanki.Deck(stable_id(f"factcards deck {deck.slug}"), f"Factcards::{deck.title}")
    anki_deck.description = escape(deck.description)
    for card in cards:
        anki_deck.add_note(note_for(card, deck_slug=deck.slug))
    return anki_deck


def export_decks(
    *, decks: Iterable[Deck], path: str | Path | None = None, timestamp: float | None = None
) -> bytes:
    """Write the decks to one .apkg: to `path` if given; the package bytes are returned.

    `timestamp` (default: now) becomes the notes' modification time; Anki updates a note it
    already has only from a package whose note is newer (or differs, with "always update").
    """
    anki_decks = [
        anki_deck_for(deck, Card.objects.filter(deck=deck).order_by("position", "pk"))
        for deck in decks
    ]
    buffer = io.BytesIO()
    genanki.Package(anki_decks).write_to_file(buffer, timestamp=timestamp)
    data = buffer.getvalue()
    if path is not None:
        Path(path).write_bytes(data)
    return data

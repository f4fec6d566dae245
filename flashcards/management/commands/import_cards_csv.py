"""Import flashcards from a CSV file (header `front,back,tags`) into a deck.

    python manage.py import_cards_csv reset-button-deck cards.csv

All or nothing: a bad row (reported with its line number and the reason) imports nothing.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from flashcards.models import Deck
from flashcards.services.card_csv import CardCsvError, import_cards_csv


class Command(BaseCommand):
    help = "Import cards from a CSV file (columns front, back, tags; a header row) into a deck."

    def add_arguments(self, parser):
        parser.add_argument("deck", metavar="DECK", help="The deck's slug.")
        parser.add_argument("file", metavar="FILE.csv", help="The CSV file, UTF-8.")

    def handle(self, *args, deck, file, **options):
        found = Deck.objects.filter(slug=deck).first()
        if found is None:
            raise CommandError(f"No deck with the slug “{deck}”.")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise CommandError(f"Nothing was imported: {path} is not UTF-8 ({exc}).") from exc
        try:
            result = import_cards_csv(deck=found, text=text)
        except CardCsvError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported into “{found}”: {len(result.created)} created, "
                f"{len(result.updated)} updated, {len(result.unchanged)} unchanged."
            )
        )

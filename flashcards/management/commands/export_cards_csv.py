"""Export a deck's flashcards to a CSV file (header `front,back,tags`).

python manage.py export_cards_csv reset-button-deck cards.csv
"""

from django.core.management.base import BaseCommand, CommandError

from flashcards.models import Card, Deck
from flashcards.services.card_csv import export_cards_csv
from quizzes.management.arguments import output_file, write_text


class Command(BaseCommand):
    help = "Export a deck's cards to a CSV file (columns front, back, tags; a header row)."

    def add_arguments(self, parser):
        parser.add_argument("deck", metavar="DECK", help="The deck's slug.")
        parser.add_argument("file", metavar="FILE.csv", help="The CSV file to write (UTF-8).")

    def handle(self, *args, deck, file, **options):
        found = Deck.objects.filter(slug=deck).first()
        if found is None:
            raise CommandError(f"No deck with the slug “{deck}”.")
        path = output_file(file)
        write_text(path, export_cards_csv(deck=found))
        count = Card.objects.filter(deck=found).count()
        self.stdout.write(self.style.SUCCESS(f"Exported {count} card(s) of “{found}” to {path}."))

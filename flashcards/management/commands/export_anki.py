"""Export a flashcard deck to an Anki package.

    python manage.py export_anki reset-button-deck reset-button.apkg

Notes keep stable GUIDs, so importing a newer export into Anki updates the notes it already has.
"""

from django.core.management.base import BaseCommand, CommandError

from flashcards.models import Card, Deck
from flashcards.services.anki_export import export_decks
from quizzes.management.arguments import output_file


class Command(BaseCommand):
    help = "Export a flashcard deck to an Anki package (.apkg)."

    def add_arguments(self, parser):
        parser.add_argument("deck", metavar="DECK", help="The deck's slug.")
        parser.add_argument("output", metavar="OUT.apkg", help="The package file to write.")

    def handle(self, *args, deck, output, **options):
        found = Deck.objects.filter(slug=deck).first()
        if found is None:
            raise CommandError(f"No deck with the slug “{deck}”.")
        path = output_file(output)
        if path.suffix != ".apkg":
            raise CommandError("The output file must end in .apkg.")
        export_decks(decks=[found], path=path)
        count = Card.objects.filter(deck=found).count()
        self.stdout.write(self.style.SUCCESS(f"Exported {count} card(s) of “{found}” to {path}."))

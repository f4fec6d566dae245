"""Print what the database holds: articles, facts and questions per kind, quizzes and decks."""

from django.core.management.base import BaseCommand
from django.db.models import Count

from flashcards.models import Deck
from quizzes.models import Article, Fact, Question, Quiz


class Command(BaseCommand):
    help = "Count the articles, facts and questions (per kind), quizzes and decks in the database."

    def handle(self, *args, **options):
        out = self.stdout
        out.write(self.style.MIGRATE_HEADING("Articles"))
        for article in Article.objects.annotate(n=Count("facts")).order_by("slug"):
            out.write(f"  {article.slug}: {article.n} facts")
        self._by_kind("Facts", Fact.objects.values("kind").annotate(n=Count("pk")))
        self._by_kind("Questions", Question.objects.values("kind").annotate(n=Count("pk")))
        generated = Question.objects.exclude(generator="").count()
        out.write(
            f"  of which generated: {generated}, hand-written: "
            f"{Question.objects.count() - generated}"
        )
        out.write(self.style.MIGRATE_HEADING("Quizzes"))
        for quiz in Quiz.objects.annotate(n=Count("quiz_questions")).order_by("slug"):
            state = "published" if quiz.published else "draft"
            out.write(f"  {quiz.slug}: {quiz.n} questions ({state})")
        out.write(self.style.MIGRATE_HEADING("Decks"))
        for deck in Deck.objects.annotate(n=Count("cards")).order_by("slug"):
            out.write(f"  {deck.slug}: {deck.n} cards")

    def _by_kind(self, title, rows):
        rows = sorted(rows, key=lambda row: row["kind"])
        total = sum(row["n"] for row in rows)
        self.stdout.write(self.style.MIGRATE_HEADING(f"{title}: {total}"))
        for row in rows:
            self.stdout.write(f"  {row['kind']}: {row['n']}")

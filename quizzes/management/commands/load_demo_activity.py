"""Load demo students' activity: finished attempts and flashcard reviews over past weeks.

    python manage.py load_demo_activity [--seed 2009] [--students 10] [--weeks 6] [--reset]

`make run` and `make demo-data` run it after loading the fixtures, so that a teacher's pages
(quiz results, the question bank's figures, attempts, card states, the review log) show
something on first run. For local demos only: it refuses a database with DEBUG off unless
given --allow-without-debug. Running it again leaves students who already have activity alone.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from quizzes.services.demo_activity import DEMO_STUDENTS, load_demo_activity


class Command(BaseCommand):
    help = (
        "Load demo students with finished attempts and flashcard review history (local demos "
        "only; idempotent)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2009, help="Seed of the story (2009).")
        parser.add_argument(
            "--students",
            type=int,
            default=len(DEMO_STUDENTS),
            help=f"How many demo students, 1 to {len(DEMO_STUDENTS)} (all of them).",
        )
        parser.add_argument(
            "--weeks", type=int, default=6, help="How many past weeks the activity spans (6)."
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete the demo students' attempts and reviews first, and load them again.",
        )
        parser.add_argument(
            "--allow-without-debug",
            action="store_true",
            help="Load even though DEBUG is off (never on a database that faces the internet).",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["allow_without_debug"]:
            raise CommandError(
                "Demo activity is for local demos: DEBUG is off, so nothing was loaded. Run it "
                "with DEBUG=true (as `make run` does), or pass --allow-without-debug."
            )
        verbose = options["verbosity"] >= 2
        try:
            report = load_demo_activity(
                now=timezone.now(),
                seed=options["seed"],
                students=options["students"],
                weeks=options["weeks"],
                reset=options["reset"],
                progress=(lambda line: self.stdout.write(f"  {line}")) if verbose else None,
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(report.summary()))

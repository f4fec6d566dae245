"""Finish every attempt whose deadline (plus the grace period) has passed. Run it from cron."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from quizzes.models import Attempt
from quizzes.services.attempts import close_overdue_attempts, grace


class Command(BaseCommand):
    help = "Finish and grade every in-progress attempt past its deadline (for cron)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Only count the overdue attempts."
        )

    def handle(self, *args, dry_run=False, **options):
        now = timezone.now()
        if dry_run:
            count = Attempt.objects.overdue(now - grace()).count()
            self.stdout.write(f"{count} overdue attempt(s) would be finished.")
            return
        closed = close_overdue_attempts(now=now)
        self.stdout.write(self.style.SUCCESS(f"Finished {closed} overdue attempt(s)."))

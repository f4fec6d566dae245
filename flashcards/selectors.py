"""Reads that the flashcard pages and the API share, with their joins inside.

Every function here runs a constant number of queries, however many cards or reviews there are;
tests pin the counts.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.db.models import Count, Q
from django.db.models.functions import TruncDate, TruncWeek
from django.utils import timezone

from flashcards.models import CardState, Deck, LearningState, Rating, ReviewLog
from flashcards.services import scheduling

if TYPE_CHECKING:
    from django.contrib.auth.models import User


STATS_DAYS = 30
RETENTION_WEEKS = 12


@dataclass(frozen=True)
class DeckStatistics:
    """A student's figures for one deck: four queries whatever the number of cards or reviews."""

    reviews: list[tuple[date, int]]  # reviews per day, the last STATS_DAYS days, oldest first
    forecast: list[tuple[date, int]]  # cards falling due per day, the next STATS_DAYS days
    retention: float | None  # share of reviews of learnt cards not rated Again (None: none yet)
    retention_total: int  # how many such reviews
    weekly_retention: list[tuple[date, int]]  # (Monday, % recalled), weeks with such reviews


def deck_statistics(*, user: "User", deck: Deck, now: datetime) -> DeckStatistics:
    today = timezone.localdate(now)
    zone = timezone.get_current_timezone()
    logs = ReviewLog.objects.filter(user=user, deck=deck)

    since = scheduling.start_of_day(now) - timedelta(days=STATS_DAYS - 1)
    per_day = dict(
        logs.filter(reviewed_at__gte=since)
        .annotate(day=TruncDate("reviewed_at", tzinfo=zone))
        .order_by()
        .values_list("day")
        .annotate(n=Count("pk"))
    )
    past = [today - timedelta(days=offset) for offset in range(STATS_DAYS - 1, -1, -1)]

    # True retention: reviews of cards in the Review state that were not rated Again.
    mature = logs.filter(state_before__state=int(LearningState.REVIEW))
    counts = mature.aggregate(
        total=Count("pk"), recalled=Count("pk", filter=~Q(rating=Rating.AGAIN))
    )
    this_monday = scheduling.start_of_day(now) - timedelta(days=today.weekday())
    weeks = (
        mature.filter(reviewed_at__gte=this_monday - timedelta(weeks=RETENTION_WEEKS - 1))
        .annotate(week=TruncWeek("reviewed_at", tzinfo=zone))
        .order_by()
        .values_list("week")
        .annotate(total=Count("pk"), recalled=Count("pk", filter=~Q(rating=Rating.AGAIN)))
        .order_by("week")
    )

    horizon = scheduling.start_of_day(now) + timedelta(days=STATS_DAYS)
    due_days = Counter(
        max(timezone.localdate(due), today)
        for due in CardState.objects.filter(user=user, deck=deck, due__lt=horizon)
        .values_list("due", flat=True)
        .iterator()
    )
    return DeckStatistics(
        reviews=[(day, per_day.get(day, 0)) for day in past],
        forecast=[
            (day, due_days.get(day, 0))
            for day in (today + timedelta(days=offset) for offset in range(STATS_DAYS))
        ],
        retention=counts["recalled"] / counts["total"] if counts["total"] else None,
        retention_total=counts["total"],
        weekly_retention=[
            (week.date(), round(100 * recalled / total)) for week, total, recalled in weeks
        ],
    )

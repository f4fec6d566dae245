"""Reads that the flashcard pages and the API share, with their joins inside.

The study queue, the decks' due and new counts, a session's ratings and the statistics: every
function here runs a constant number of queries, however many cards or reviews there are; tests
pin the counts. The rules they read by (what "today" is, what is new) and every write are in
`flashcards.services.scheduling`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import TruncDate, TruncWeek
from django.http import Http404
from django.utils import timezone

from flashcards.models import Card, CardState, Deck, LearningState, Rating, ReviewLog
from flashcards.services.scheduling import start_of_day
from quizzes.gradebook import ReportSection

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

    # Pages pass `request.user`, signed in or not: the selectors answer both.
    AnyUser = User | AnonymousUser


def studyable_deck(*, user: AnyUser, slug: str) -> Deck:
    """The deck `user` may study (`Deck.is_studyable_by`: published and public or assigned to
    a class of theirs, or any for a teacher); Http404 otherwise."""
    deck = Deck.objects.filter(slug=slug).first()
    if deck is None or not deck.is_studyable_by(user):
        raise Http404("No such deck.")
    return deck


def card_in_deck(*, deck: Deck, pk: int | None) -> Card | None:
    """The deck's card with this id (None for another deck's card or no id)."""
    return Card.objects.filter(deck=deck, pk=pk).first() if pk is not None else None


# --- the study queue ----------------------------------------------------------------------


# Anki's "learn ahead limit": once nothing is due and no new card is left, a card falling due
# within this time is shown now rather than ending the session (learning steps of 1 and 10
# minutes would otherwise send the student away for ten minutes at a time).
LEARN_AHEAD = timedelta(minutes=20)


@dataclass
class StudyQueue:
    """What a student studies next in a deck: due reviews first, then new cards, then cards
    falling due within the learn-ahead limit."""

    due: list[CardState] = field(default_factory=list)
    new: list[Card] = field(default_factory=list)
    ahead: list[CardState] = field(default_factory=list)
    due_count: int = 0
    new_available: int = 0  # new cards the daily limit still allows (and the deck has)
    ahead_count: int = 0  # cards not due yet that fall due within the learn-ahead limit

    def cards(self) -> list[Card]:
        return [state.card for state in self.due] + self.new + [s.card for s in self.ahead]

    def state_for(self, card: Card) -> CardState | None:
        return next((s for s in self.due + self.ahead if s.card_id == card.pk), None)

    @property
    def remaining(self) -> int:
        """Every card this session still has to show."""
        return self.due_count + self.new_available + self.ahead_count


def new_cards_left_today(*, user: User, deck: Deck, now: datetime) -> int:
    introduced = CardState.objects.introduced_since(user, deck, start_of_day(now)).count()
    return max(0, deck.new_cards_per_day - introduced)


def new_cards_for(*, user: User, deck: Deck) -> QuerySet[Card]:
    """The deck's cards this student has never reviewed, in the deck's order."""
    seen = CardState.objects.filter(user=user, card=OuterRef("pk"))
    return Card.objects.filter(deck=deck).filter(~Exists(seen)).order_by("position", "pk")


def study_queue(
    *, user: User, deck: Deck, now: datetime, limit: int = 1, learn_ahead: timedelta = LEARN_AHEAD
) -> StudyQueue:
    """The next `limit` cards: due reviews first (soonest first), then new cards within the
    daily limit, then cards due within `learn_ahead` (soonest first). A fixed number of
    indexed queries whatever the deck's size (at most six).

    One query reads the states due by `now + learn_ahead`, soonest first: the ones due now come
    first, and the rest are the learn-ahead cards. New cards are counted as the deck's cards
    minus the student's states in the deck (states copy their card's deck), which two index
    counts answer without scanning for unseen cards.
    """
    soon = CardState.objects.due_for(user, now + learn_ahead, deck=deck)
    fetched = list(soon.select_related("card")[:limit])
    due = [state for state in fetched if state.due <= now]
    counts = soon.aggregate(due=Count("pk", filter=Q(due__lte=now)), all=Count("pk"))
    due_count = counts["due"]
    allowed = new_cards_left_today(user=user, deck=deck, now=now)
    new_available = 0
    if allowed:
        unseen = (
            Card.objects.filter(deck=deck).count()
            - CardState.objects.filter(user=user, deck=deck).count()
        )
        new_available = max(0, min(allowed, unseen))
    room = min(max(0, limit - len(due)), new_available)
    new = list(new_cards_for(user=user, deck=deck)[:room]) if room else []
    ahead = [state for state in fetched if state.due > now][: max(0, limit - len(due) - len(new))]
    return StudyQueue(
        due=due,
        new=new,
        ahead=ahead,
        due_count=due_count,
        new_available=new_available,
        ahead_count=counts["all"] - due_count,
    )


def deck_counts(*, user: User, decks: list[Deck], now: datetime) -> dict[int, dict[str, int]]:
    """{deck id: {"due": n, "new": n, "total": n}} for the student, in four queries.

    A card looked at but not yet rated counts as new (it is), not as due.
    """
    if not decks:
        return {}
    deck_ids = [deck.pk for deck in decks]
    due = dict(
        CardState.objects.filter(user=user, deck_id__in=deck_ids, due__lte=now, reps__gt=0)
        .order_by()
        .values_list("deck_id")
        .annotate(n=Count("pk"))
    )
    introduced = dict(
        CardState.objects.filter(user=user, deck_id__in=deck_ids, created_at__gte=start_of_day(now))
        .order_by()
        .values_list("deck_id")
        .annotate(n=Count("pk"))
    )
    seen = {
        deck_id: (states, looked)
        for deck_id, states, looked in CardState.objects.filter(user=user, deck_id__in=deck_ids)
        .order_by()
        .values_list("deck_id")
        .annotate(n=Count("pk"), looked=Count("pk", filter=Q(reps=0)))
    }
    totals = dict(
        Card.objects.filter(deck_id__in=deck_ids)
        .order_by()
        .values_list("deck_id")
        .annotate(n=Count("pk"))
    )
    counts = {}
    for deck in decks:
        allowed = max(0, deck.new_cards_per_day - introduced.get(deck.pk, 0))
        states, looked = seen.get(deck.pk, (0, 0))
        counts[deck.pk] = {
            "due": due.get(deck.pk, 0),
            "new": looked + max(0, min(allowed, totals.get(deck.pk, 0) - states)),
            "total": totals.get(deck.pk, 0),
        }
    return counts


def session_ratings(*, user: User, deck: Deck, since: datetime) -> dict[int, int]:
    """{rating: reviews} the student made in the deck since `since` (one query)."""
    return dict(
        ReviewLog.objects.filter(user=user, deck=deck, reviewed_at__gte=since)
        .order_by()
        .values_list("rating")
        .annotate(n=Count("pk"))
    )


def next_due(*, user: User, deck: Deck) -> datetime | None:
    """When the student's next card in the deck falls due (None: no card looked at yet)."""
    return (
        CardState.objects.filter(user=user, deck=deck)
        .order_by("due")
        .values_list("due", flat=True)
        .first()
    )


# --- statistics ---------------------------------------------------------------------------


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


def deck_statistics(*, user: User, deck: Deck, now: datetime) -> DeckStatistics:
    today = timezone.localdate(now)
    zone = timezone.get_current_timezone()
    logs = ReviewLog.objects.filter(user=user, deck=deck)

    since = start_of_day(now) - timedelta(days=STATS_DAYS - 1)
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
    this_monday = start_of_day(now) - timedelta(days=today.weekday())
    weeks = (
        mature.filter(reviewed_at__gte=this_monday - timedelta(weeks=RETENTION_WEEKS - 1))
        .annotate(week=TruncWeek("reviewed_at", tzinfo=zone))
        .order_by()
        .values_list("week")
        .annotate(total=Count("pk"), recalled=Count("pk", filter=~Q(rating=Rating.AGAIN)))
        .order_by("week")
    )

    horizon = start_of_day(now) + timedelta(days=STATS_DAYS)
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


# --- a student's decks, for their teachers ------------------------------------------------------


@dataclass(frozen=True)
class DeckLine:
    deck_id: int
    title: str
    cards: int  # cards the student has studied
    due: int  # of those, due now
    reviews: int  # reviews of learnt cards (in the Review state)
    retention: float | None  # the share of those not rated Again (None: none yet)


def student_decks(*, student_id: int, now: datetime) -> list[DeckLine]:
    """The decks a student studies: cards and cards due (one query), and the retention of their
    reviews of learnt cards, as `deck_statistics` counts it (one query)."""
    studied = (
        CardState.objects.filter(user_id=student_id)
        .order_by()
        .values_list("deck_id", "deck__title")
        .annotate(cards=Count("pk"), due=Count("pk", filter=Q(due__lte=now)))
    )
    mature = ReviewLog.objects.filter(
        user_id=student_id, state_before__state=int(LearningState.REVIEW)
    )
    reviews = {
        deck_id: (total, recalled)
        for deck_id, total, recalled in mature.order_by()
        .values_list("deck_id")
        .annotate(total=Count("pk"), recalled=Count("pk", filter=~Q(rating=Rating.AGAIN)))
    }
    lines = []
    for deck_id, title, cards, due in studied:
        total, recalled = reviews.get(deck_id, (0, 0))
        lines.append(
            DeckLine(
                deck_id=deck_id,
                title=title,
                cards=cards,
                due=due,
                reviews=total,
                retention=recalled / total if total else None,
            )
        )
    return sorted(lines, key=lambda line: (line.title, line.deck_id))


def student_report_decks(*, student_id: int, now: datetime) -> ReportSection:
    """The flashcards section of a student's report for their teachers (quizzes.gradebook)."""
    return ReportSection(
        title="Flashcards",
        template="flashcards/_student_report_decks.html",
        rows=student_decks(student_id=student_id, now=now),
    )

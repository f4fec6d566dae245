"""Flashcard reviews on top of the `fsrs` scheduler.

The FSRS state of each (student, card) lives in `CardState` columns so that "what is due" is one
indexed query; every review is appended to `ReviewLog`, so a state can be rebuilt from the log.

**Fuzz.** FSRS spreads review intervals of 2.5 days and more over a small range ("fuzz") so that
cards learnt together do not stay together. `fsrs` draws the fuzz from the global `random()`; here
the scheduler runs with fuzzing off and the same fuzz ranges are applied with a generator seeded
by (student, card, review number). The spread is the same, but it is reproducible: the interval a
button promises is the interval the review gives, and replaying the log rebuilds the same state.

**First look and new cards per day.** A student's first look at a card creates its `CardState`:
the study page calls `first_look` when it shows a card the student has no state for (and a first
review through the API, where the server cannot know what a client showed, creates it too). The
state is then a fresh FSRS card (learning, step 0, due at once, no reviews), so the card stays at
the head of the queue until it is rated, and it is still "new" (`is_new`) until its first review.
The day's new cards are the deck's states the student created since local midnight (`TIME_ZONE`);
a deck offers `new_cards_per_day` minus that many new cards, in the deck's order. A card looked at
and not rated has used its place in the day's allowance, and waits first in the next session.

**Reads and writes.** `flashcards.selectors` reads the study queue and the decks' counts by these
rules; this module holds the rules and every write (first looks, reviews, rebuilding a state).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import fsrs
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from flashcards.models import Card, CardState, Deck, LearningState, Rating, ReviewLog
from quizzes.parsing import whole_number
from quizzes.prepared import PreparedInsert, PreparedQuery, PreparedUpdate

if TYPE_CHECKING:
    from django.contrib.auth.models import User

RATING_NAMES = {
    "again": Rating.AGAIN,
    "hard": Rating.HARD,
    "good": Rating.GOOD,
    "easy": Rating.EASY,
}

# The ranges `fsrs` uses (fsrs.scheduler.FUZZ_RANGES), so the spread matches the library's.
_FUZZ_RANGES = ((2.5, 7.0, 0.15), (7.0, 20.0, 0.1), (20.0, math.inf, 0.05))


class ReviewError(ValueError):
    """A review the rules refuse (unknown rating, a card the student may not study)."""


class ReviewIdReused(ReviewError):
    """A `client_review_id` already recorded for a review of another card."""


class CardNotFound(ReviewError):
    """No such card, or one in a deck the student may not study (the API answers 404)."""


@dataclass(frozen=True)
class ReviewResult:
    state: CardState
    log: ReviewLog
    interval: timedelta
    created: bool  # False when the same client_review_id had already been recorded


# --- pure helpers -------------------------------------------------------------------------


def is_new(state: CardState | None) -> bool:
    """A card is new to a student until their first review of it (a first look is no review)."""
    return state is None or state.reps == 0


def state_label(state: CardState | None) -> str:
    """What the card is to the student: "New", "Learning", "Review" or "Relearning"."""
    if state is None or is_new(state):
        return "New"
    return LearningState(state.state).label


def parse_rating(value: str | int) -> Rating:
    """`"good"`, `"Good"`, `3` or `"3"` -> Rating.GOOD; ReviewError otherwise."""
    if isinstance(value, str):
        name = value.strip().lower()
        if name in RATING_NAMES:
            return RATING_NAMES[name]
        # Not `name.isdigit()` and int(): "²" is a digit that int() refuses.
        if (number := whole_number(name)) is not None:
            value = number
    if isinstance(value, int) and not isinstance(value, bool) and value in Rating.values:
        return Rating(value)
    raise ReviewError(f"“{value}” is not a rating: use again, hard, good or easy.")


def fuzz_range(interval_days: int, maximum_interval: int = 36500) -> tuple[int, int]:
    """The days FSRS may pick for an interval of `interval_days` (as fsrs computes it)."""
    delta = 1.0
    for start, end, factor in _FUZZ_RANGES:
        delta += factor * max(min(float(interval_days), end) - start, 0.0)
    low = max(2, round(interval_days - delta))
    high = min(round(interval_days + delta), maximum_interval)
    return min(low, high), high


def fuzz_interval(interval: timedelta, *, seed: str, maximum_interval: int = 36500) -> timedelta:
    """`interval` with FSRS fuzz drawn from a generator seeded by `seed` (reproducible)."""
    days = interval.days
    if days < 2.5:
        return interval
    low, high = fuzz_range(days, maximum_interval)
    # Uniform over [low, high]: fsrs rounds `low + draw * (high - low + 1)`, which can overshoot.
    return timedelta(days=random.Random(seed).randint(low, high))


def fuzz_seed(*, user_id: int, card_id: int, review_number: int) -> str:
    return f"{user_id}:{card_id}:{review_number}"


def format_interval(interval: timedelta) -> str:
    """Anki's short labels: "<1m", "10m", "3h", "1d", "4d", "2.5mo", "1.2y"."""
    seconds = interval.total_seconds()
    if seconds < 60:
        return "<1m"
    if seconds < 3600:
        return f"{round(seconds / 60)}m"
    if seconds < 86400:
        return f"{round(seconds / 3600)}h"
    days = seconds / 86400
    if days < 30:
        return f"{round(days)}d"
    if days < 365:
        return f"{days / 30:.1f}".removesuffix(".0") + "mo"
    return f"{days / 365:.1f}".removesuffix(".0") + "y"


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def scheduler_for(deck: Deck) -> fsrs.Scheduler:
    return fsrs.Scheduler(desired_retention=deck.desired_retention, enable_fuzzing=False)


def _fsrs_card(state: CardState | None, card_id: int, now: datetime) -> fsrs.Card:
    if state is None:
        return fsrs.Card(card_id=card_id, due=_utc(now))
    return fsrs.Card(
        card_id=card_id,
        state=fsrs.State(state.state),
        step=state.step,
        stability=state.stability,
        difficulty=state.difficulty,
        due=_utc(state.due),
        last_review=_utc(state.last_review) if state.last_review else None,
    )


def _snapshot(card: fsrs.Card) -> dict[str, object]:
    data: dict[str, object] = dict(card.to_dict())
    data.pop("card_id", None)
    return data


def _schedule(
    *,
    scheduler: fsrs.Scheduler,
    before: fsrs.Card,
    rating: Rating,
    now: datetime,
    seed: str,
) -> tuple[fsrs.Card, timedelta]:
    """One FSRS review with the reproducible fuzz: (card after, interval)."""
    now = _utc(now)
    after, _ = scheduler.review_card(before, fsrs.Rating(int(rating)), review_datetime=now)
    interval = after.due - now
    if after.state == fsrs.State.Review:
        interval = fuzz_interval(interval, seed=seed, maximum_interval=scheduler.maximum_interval)
        after.due = now + interval
    return after, interval


def preview_intervals(
    *, deck: Deck, state: CardState | None, user_id: int, card_id: int, now: datetime
) -> dict[Rating, timedelta]:
    """The interval each rating would give now, computed on a copy of the state."""
    scheduler = scheduler_for(deck)
    before = _fsrs_card(None if is_new(state) else state, card_id, now)
    seed = fuzz_seed(
        user_id=user_id, card_id=card_id, review_number=(state.reps if state else 0) + 1
    )
    return {
        rating: _schedule(scheduler=scheduler, before=before, rating=rating, now=now, seed=seed)[1]
        for rating in Rating
    }


def preview_labels(
    *, deck: Deck, state: CardState | None, user_id: int, card_id: int, now: datetime
) -> dict[str, str]:
    """`preview_intervals` as Anki-style labels keyed by rating name ("again": "<1m", ...)."""
    intervals = preview_intervals(deck=deck, state=state, user_id=user_id, card_id=card_id, now=now)
    return {rating.name.lower(): format_interval(gap) for rating, gap in intervals.items()}


# --- rules --------------------------------------------------------------------------------


def start_of_day(now: datetime) -> datetime:
    """Local midnight (TIME_ZONE) of the day `now` falls on, as an aware datetime."""
    local = timezone.localtime(now)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def can_study(*, user: User, card: Card) -> bool:
    """A student studies cards of published decks; a teacher may try any deck."""
    return card.deck.is_studyable_by(user)


# --- writes -------------------------------------------------------------------------------


def first_look(*, user: User, card: Card, now: datetime) -> None:
    """The student sees `card` for the first time: create their state (one INSERT; a state that
    already exists, say from another tab, is left as it is)."""
    CardState.objects.bulk_create(
        [CardState(user=user, card=card, deck_id=card.deck_id, step=0, due=now, created_at=now)],
        ignore_conflicts=True,
    )


def review_card(
    *,
    user: User,
    card: Card,
    rating: Rating | str | int,
    now: datetime,
    duration_ms: int | None = None,
    client_review_id: str = "",
) -> ReviewResult:
    """Record one review: update (or create, on the first review) the student's state and
    append to the log, in one transaction with the state row locked.

    The same non-empty `client_review_id` sent twice is recorded once: the second call
    returns the first result (`created=False`).
    """
    if not can_study(user=user, card=card):
        raise ReviewError("This card's deck is not published.")
    return _review(
        user=user,
        card_id=card.pk,
        card=card,
        rating=rating,
        now=now,
        duration_ms=duration_ms,
        client_review_id=client_review_id,
    )


def review_card_by_id(
    *,
    user: User,
    card_id: int,
    rating: Rating | str | int,
    now: datetime,
    duration_ms: int | None = None,
    client_review_id: str = "",
) -> ReviewResult:
    """`review_card` for the card with this id, read with the student's state in the same
    query that locks the state (the API's path: one query fewer than reading the card first).

    CardNotFound when there is no such card or the student may not study its deck; nothing is
    written then.
    """
    return _review(
        user=user,
        card_id=card_id,
        card=None,
        rating=rating,
        now=now,
        duration_ms=duration_ms,
        client_review_id=client_review_id,
    )


def _review(
    *,
    user: User,
    card_id: int,
    card: Card | None,
    rating: Rating | str | int,
    now: datetime,
    duration_ms: int | None,
    client_review_id: str,
) -> ReviewResult:
    rating = parse_rating(rating)
    if duration_ms is not None and duration_ms < 0:
        raise ReviewError("duration_ms must not be negative.")
    # No look-up of the id first: a new id (nearly every review) costs no query of its own. A
    # retry's log insert hits the (user, client_review_id) constraint, which rolls back its
    # whole transaction (the state's update too), and then answers with the first result.
    try:
        with transaction.atomic():
            return _review_locked(
                user=user,
                card_id=card_id,
                card=card,
                rating=rating,
                now=now,
                duration_ms=duration_ms,
                client_review_id=client_review_id,
            )
    except IntegrityError:
        # This client_review_id was recorded before (a retry, or two at once: the other won).
        earlier = _earlier_result(user=user, client_review_id=client_review_id)
        if client_review_id and earlier is not None:
            return _same_card(earlier, card_id)
        raise


def _same_card(earlier: ReviewResult, card_id: int) -> ReviewResult:
    """A retry answers with the first result; an id reused for another card is refused rather
    than misreported."""
    if earlier.log.card_id != card_id:
        raise ReviewIdReused("This id was already used for a review of another card.")
    return earlier


def _earlier_result(*, user: User, client_review_id: str) -> ReviewResult | None:
    log = (
        ReviewLog.objects.filter(user=user, client_review_id=client_review_id)
        .select_related("card")
        .first()
    )
    if log is None:
        return None
    state = CardState.objects.get(user=user, card_id=log.card_id)
    due = datetime.fromisoformat(log.state_after["due"])
    return ReviewResult(state=state, log=log, interval=due - log.reviewed_at, created=False)


def _review_locked(
    *,
    user: User,
    card_id: int,
    card: Card | None,
    rating: Rating,
    now: datetime,
    duration_ms: int | None,
    client_review_id: str,
) -> ReviewResult:
    # Only the state's row is locked (`of`): the card and deck joined in are shared by every
    # student, and locking them would make the class's reviews of a deck wait for each other.
    # Built only when needed: making the queryset costs a tenth of a review's CPU.
    def locked() -> QuerySet[CardState]:
        return CardState.objects.select_for_update(of=("self",)).filter(user=user, card_id=card_id)

    if card is None:
        state = _STATE_WITH_CARD.one(user_id=user.pk, card_id=card_id)
        card = (
            state.card if state is not None else Card.objects.with_deck().filter(pk=card_id).first()
        )
        if card is None or not can_study(user=user, card=card):
            raise CardNotFound("No such card in a deck you may study.")
    else:
        state = locked().first()
    deck = card.deck
    if state is None:
        # A first review without a first look (an API client) looks first. The insert leaves a
        # state made meanwhile by a concurrent review or look alone; either way, lock the row.
        first_look(user=user, card=card, now=now)
        state = locked().get()
    before = _fsrs_card(None if is_new(state) else state, card.pk, now)
    seed = fuzz_seed(user_id=user.pk, card_id=card.pk, review_number=state.reps + 1)
    after, interval = _schedule(
        scheduler=scheduler_for(deck), before=before, rating=rating, now=now, seed=seed
    )
    lapsed = before.state == fsrs.State.Review and rating == Rating.AGAIN
    _apply(state, after)
    state.reps += 1
    state.lapses += int(lapsed)
    # `state.save(update_fields=…)`'s UPDATE, compiled once (CardState has no save() or signals).
    columns = (*_SCHEDULE_FIELDS, "reps", "lapses")
    if not _STATE_SAVE.run(values={name: getattr(state, name) for name in columns}, pk=state.pk):
        raise DatabaseError("Save with update_fields did not affect any rows.")
    log = ReviewLog(
        user=user,
        card=card,
        deck=deck,
        rating=rating,
        reviewed_at=now,
        duration_ms=duration_ms,
        state_before=_snapshot(before),
        state_after=_snapshot(after),
        client_review_id=client_review_id,
    )
    # `create()`'s INSERT, compiled once (ReviewLog has no save() or signals: pinned in
    # tests/test_api_flashcards.py, as a prepared insert sends none).
    _NEW_LOG.create([log])
    return ReviewResult(state=state, log=log, interval=interval, created=True)


# The API's read of the state it locks, with its card and deck: compiled once, as the review is
# the flashcard API's busiest call (quizzes/prepared.py). Unordered: (user, card) is unique.
_STATE_WITH_CARD: PreparedQuery[CardState] = PreparedQuery(
    lambda user_id, card_id: (
        CardState.objects.select_for_update(of=("self",))
        .filter(user_id=user_id, card_id=card_id)
        .select_related("card__deck")
    ),
    "user_id",
    "card_id",
)

_STATE_SAVE = PreparedUpdate(lambda pk: CardState.objects.filter(pk=pk), "pk")

_NEW_LOG: PreparedInsert[ReviewLog] = PreparedInsert(ReviewLog)

_SCHEDULE_FIELDS = ("state", "step", "stability", "difficulty", "due", "last_review")


def _apply(state: CardState, card: fsrs.Card) -> None:
    state.state = LearningState(card.state.value)
    state.step = card.step
    state.stability = card.stability
    state.difficulty = card.difficulty
    state.due = card.due
    state.last_review = card.last_review


def replay(*, user_id: int, card: Card, logs: list[ReviewLog]) -> CardState | None:
    """The state that `logs` (one student's reviews of `card`) lead to; None with no logs."""
    if not logs:
        return None
    scheduler = scheduler_for(card.deck)
    logs = sorted(logs, key=lambda log: (log.reviewed_at, log.pk))
    current = fsrs.Card(card_id=card.pk, due=_utc(logs[0].reviewed_at))
    lapses = 0
    for number, log in enumerate(logs, start=1):
        seed = fuzz_seed(user_id=user_id, card_id=card.pk, review_number=number)
        lapses += int(current.state == fsrs.State.Review and log.rating == Rating.AGAIN)
        current, _ = _schedule(
            scheduler=scheduler,
            before=current,
            rating=Rating(log.rating),
            now=log.reviewed_at,
            seed=seed,
        )
    state = CardState(
        user_id=user_id,
        card=card,
        deck_id=card.deck_id,
        reps=len(logs),
        lapses=lapses,
        created_at=logs[0].reviewed_at,
    )
    _apply(state, current)
    return state


def rebuild_card_state(*, user: User, card: Card) -> CardState | None:
    """Recompute the student's state of `card` from the review log and save it.

    Deletes the state when the log is empty (the card is new again). Returns the saved state.
    """
    with transaction.atomic():
        logs = list(ReviewLog.objects.filter(user=user, card=card))
        rebuilt = replay(user_id=user.pk, card=card, logs=logs)
        existing = CardState.objects.select_for_update().filter(user=user, card=card).first()
        if rebuilt is None:
            if existing is not None:
                existing.delete()
            return None
        if existing is not None:
            rebuilt.pk = existing.pk
        rebuilt.save()
        return rebuilt

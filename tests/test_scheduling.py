"""Scheduling flashcards through the app: FSRS states in columns, the log, the daily limit."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from flashcards.models import CardState, LearningState, Rating, ReviewLog
from flashcards.selectors import LEARN_AHEAD, study_queue
from flashcards.services import scheduling
from flashcards.services.scheduling import (
    ReviewError,
    format_interval,
    fuzz_interval,
    fuzz_range,
    preview_intervals,
    rebuild_card_state,
    review_card,
)
from tests.factories import CardFactory, DeckFactory

NOW = datetime(2026, 3, 6, 9, 0, tzinfo=UTC)


@pytest.fixture
def deck(db):
    return DeckFactory(new_cards_per_day=3)


def graduate(student, card, start=NOW):
    """Good, Good: learning (1m, 10m steps) -> review with a day-scale interval."""
    first = review_card(user=student, card=card, rating="good", now=start)
    second = review_card(user=student, card=card, rating="good", now=first.state.due)
    return second


def test_first_review_creates_the_state_and_logs_it(student, deck):
    card = CardFactory(deck=deck)
    assert not CardState.objects.filter(user=student).exists()

    result = review_card(user=student, card=card, rating="good", now=NOW, duration_ms=3200)

    state = CardState.objects.get(user=student, card=card)
    assert state.state == LearningState.LEARNING
    assert state.step == 1
    assert state.due == NOW + timedelta(minutes=10)
    assert state.reps == 1
    assert state.created_at == NOW
    log = ReviewLog.objects.get(user=student, card=card)
    assert log.rating == Rating.GOOD
    assert log.duration_ms == 3200
    assert log.state_before["state"] == LearningState.LEARNING
    assert log.state_after["step"] == 1
    assert result.interval == timedelta(minutes=10)


def test_good_twice_graduates_and_the_interval_grows(student, deck):
    card = CardFactory(deck=deck)
    second = graduate(student, card)
    assert second.state.state == LearningState.REVIEW
    assert second.interval >= timedelta(days=1)

    third = review_card(user=student, card=card, rating="good", now=second.state.due)
    assert third.interval > second.interval
    fourth = review_card(user=student, card=card, rating="good", now=third.state.due)
    assert fourth.interval > third.interval


def test_again_on_a_review_card_relearns_within_minutes(student, deck):
    card = CardFactory(deck=deck)
    graduated = graduate(student, card)
    when = graduated.state.due
    lapse = review_card(user=student, card=card, rating="again", now=when)

    assert lapse.state.state == LearningState.RELEARNING
    assert lapse.state.due - when <= timedelta(minutes=10)
    assert lapse.state.lapses == 1


def test_a_card_not_yet_due_is_not_served(student, deck):
    card = CardFactory(deck=deck)
    deck.new_cards_per_day = 1
    deck.save()
    first = review_card(user=student, card=card, rating="good", now=NOW)

    soon = NOW + timedelta(minutes=5)
    no_ahead = timedelta(0)
    assert (
        study_queue(user=student, deck=deck, now=soon, limit=5, learn_ahead=no_ahead).cards() == []
    )
    queue = study_queue(user=student, deck=deck, now=first.state.due, limit=5, learn_ahead=no_ahead)
    assert queue.cards() == [card]


def test_due_reviews_come_before_new_cards(student, deck):
    old, new = CardFactory(deck=deck, position=2), CardFactory(deck=deck, position=1)
    review_card(user=student, card=old, rating="again", now=NOW)

    queue = study_queue(user=student, deck=deck, now=NOW + timedelta(minutes=2), limit=5)
    assert queue.cards() == [old, new]


def test_daily_new_card_limit_counts_first_reviews_since_midnight(student, deck):
    cards = CardFactory.create_batch(5, deck=deck)
    assert len(study_queue(user=student, deck=deck, now=NOW, limit=10).new) == 3

    for card in cards[:3]:
        review_card(user=student, card=card, rating="easy", now=NOW)
    queue = study_queue(user=student, deck=deck, now=NOW + timedelta(hours=1), limit=10)
    assert queue.new == []
    assert queue.new_available == 0

    # the day turns at local midnight (TIME_ZONE), not UTC's
    tomorrow = timezone.localtime(NOW).replace(hour=0, minute=0) + timedelta(days=1, minutes=1)
    queue = study_queue(user=student, deck=deck, now=tomorrow, limit=10)
    assert queue.new == cards[3:]


def test_a_learning_card_due_within_the_learn_ahead_limit_is_served_once_nothing_else_is(
    student, deck
):
    deck.new_cards_per_day = 2
    deck.save()
    again, good, unseen = (CardFactory(deck=deck, position=p) for p in (1, 2, 3))
    review_card(user=student, card=again, rating="again", now=NOW)  # due in 1 minute
    review_card(user=student, card=good, rating="good", now=NOW)  # due in 10 minutes
    later = NOW + timedelta(seconds=30)

    queue = study_queue(user=student, deck=deck, now=later, limit=5)

    assert (queue.due, queue.new) == ([], [])  # nothing due, today's two new cards used
    assert queue.cards() == [again, good]  # soonest first, before they are due
    assert (queue.due_count, queue.ahead_count, queue.remaining) == (0, 2, 2)
    assert unseen not in queue.cards()


def test_learn_ahead_cards_wait_behind_due_and_new_cards(student, deck):
    deck.new_cards_per_day = 5
    deck.save()
    learning, fresh = CardFactory(deck=deck, position=1), CardFactory(deck=deck, position=2)
    review_card(user=student, card=learning, rating="good", now=NOW)
    assert study_queue(user=student, deck=deck, now=NOW, limit=1).cards() == [fresh]
    assert study_queue(user=student, deck=deck, now=NOW, limit=5).cards() == [fresh, learning]


def test_a_card_due_beyond_the_learn_ahead_limit_ends_the_session(student, deck):
    card = CardFactory(deck=deck)
    deck.new_cards_per_day = 1
    deck.save()
    review_card(user=student, card=card, rating="good", now=NOW)  # due in 10 minutes
    assert timedelta(minutes=20) == LEARN_AHEAD  # Anki's default
    before = NOW - timedelta(minutes=11)  # 21 minutes before it falls due
    assert study_queue(user=student, deck=deck, now=before, limit=5).cards() == []
    almost = NOW - timedelta(minutes=9)  # 19 minutes before
    assert study_queue(user=student, deck=deck, now=almost, limit=5).cards() == [card]


def test_states_belong_to_one_student(student, other_student, deck):
    card = CardFactory(deck=deck)
    review_card(user=student, card=card, rating="good", now=NOW)

    assert CardState.objects.filter(user=other_student).count() == 0
    assert study_queue(user=other_student, deck=deck, now=NOW, limit=5).new == [card]
    assert (
        study_queue(user=student, deck=deck, now=NOW, limit=5, learn_ahead=timedelta(0)).cards()
        == []
    )


def test_a_client_review_id_reused_for_another_card_is_refused_by_the_service(student, deck):
    card, other = CardFactory(deck=deck), CardFactory(deck=deck)
    review_card(user=student, card=card, rating="good", now=NOW, client_review_id="r-1")
    with pytest.raises(scheduling.ReviewIdReused, match="another card"):
        review_card(user=student, card=other, rating="good", now=NOW, client_review_id="r-1")
    assert not CardState.objects.filter(user=student, card=other).exists()


def test_which_decks_a_user_may_study_is_one_rule(student, teacher, deck):
    draft = DeckFactory(published=False)
    assert set(type(deck).objects.studyable_by(student)) == {deck}
    assert set(type(deck).objects.studyable_by(teacher)) == {deck, draft}
    assert (deck.is_studyable_by(student), draft.is_studyable_by(student)) == (True, False)
    assert draft.is_studyable_by(teacher)


def test_same_client_review_id_is_recorded_once(student, deck):
    card = CardFactory(deck=deck)
    first = review_card(user=student, card=card, rating="good", now=NOW, client_review_id="r-1")
    again = review_card(
        user=student,
        card=card,
        rating="good",
        now=NOW + timedelta(minutes=1),
        client_review_id="r-1",
    )

    assert again.created is False
    assert again.log.pk == first.log.pk
    assert again.state.due == first.state.due
    assert ReviewLog.objects.filter(user=student).count() == 1
    assert CardState.objects.get(user=student, card=card).reps == 1


def test_a_bad_rating_changes_nothing(student, deck):
    card = CardFactory(deck=deck)
    with pytest.raises(ReviewError):
        review_card(user=student, card=card, rating="perfect", now=NOW)
    assert not CardState.objects.exists()
    assert not ReviewLog.objects.exists()


def test_unpublished_decks_cannot_be_studied(student):
    card = CardFactory(deck=DeckFactory(published=False))
    with pytest.raises(ReviewError):
        review_card(user=student, card=card, rating="good", now=NOW)


def test_rebuilding_from_the_log_matches_the_stored_state(student, deck):
    card = CardFactory(deck=deck)
    now = NOW
    for rating in ["good", "good", "good", "again", "hard", "good", "easy", "good"]:
        result = review_card(user=student, card=card, rating=rating, now=now)
        now = result.state.due + timedelta(hours=3)
    stored = CardState.objects.get(user=student, card=card)

    CardState.objects.filter(pk=stored.pk).update(stability=0.1, difficulty=1, due=NOW)
    rebuilt = rebuild_card_state(user=student, card=card)

    rebuilt.refresh_from_db()
    for name in ["state", "step", "due", "last_review", "reps", "lapses", "created_at"]:
        assert getattr(rebuilt, name) == getattr(stored, name), name
    assert rebuilt.stability == pytest.approx(stored.stability)
    assert rebuilt.difficulty == pytest.approx(stored.difficulty)
    assert rebuilt.pk == stored.pk


def test_rebuilding_without_reviews_makes_the_card_new_again(student, deck):
    card = CardFactory(deck=deck)
    review_card(user=student, card=card, rating="good", now=NOW)
    ReviewLog.objects.all().delete()
    assert rebuild_card_state(user=student, card=card) is None
    assert not CardState.objects.exists()


def test_preview_promises_the_interval_the_review_gives(student, deck):
    card = CardFactory(deck=deck)
    graduated = graduate(student, card)
    when = graduated.state.due + timedelta(days=2)
    promised = preview_intervals(
        deck=deck, state=graduated.state, user_id=student.pk, card_id=card.pk, now=when
    )
    assert promised[Rating.AGAIN] < promised[Rating.HARD] <= promised[Rating.GOOD]
    assert promised[Rating.GOOD] < promised[Rating.EASY]

    result = review_card(user=student, card=card, rating="good", now=when)
    assert result.interval == promised[Rating.GOOD]


def test_new_card_previews_read_like_anki(student, deck):
    card = CardFactory(deck=deck)
    labels = scheduling.preview_labels(
        deck=deck, state=None, user_id=student.pk, card_id=card.pk, now=NOW
    )
    assert labels["again"] == "1m"
    assert labels["hard"] == "6m"
    assert labels["good"] == "10m"
    assert labels["easy"].endswith("d")


@pytest.mark.parametrize(
    ("interval", "label"),
    [
        (timedelta(seconds=30), "<1m"),
        (timedelta(minutes=10), "10m"),
        (timedelta(hours=3), "3h"),
        (timedelta(days=1), "1d"),
        (timedelta(days=4), "4d"),
        (timedelta(days=75), "2.5mo"),
        (timedelta(days=730), "2y"),
    ],
)
def test_interval_labels(interval, label):
    assert format_interval(interval) == label


@given(days=st.integers(min_value=0, max_value=36500), seed=st.text(max_size=10))
def test_fuzz_stays_in_the_fsrs_range_and_is_reproducible(days, seed):
    interval = timedelta(days=days)
    fuzzed = fuzz_interval(interval, seed=seed)
    assert fuzzed == fuzz_interval(interval, seed=seed)
    if days < 3:
        assert fuzzed == interval
    else:
        low, high = fuzz_range(days)
        assert low <= fuzzed.days <= high


@pytest.mark.parametrize("value", ["again", "Hard", " good ", "easy", 1, "4"])
def test_ratings_parse_by_name_or_number(value):
    assert scheduling.parse_rating(value) in Rating


@pytest.mark.parametrize("value", ["", "perfect", 0, 5, "5", True, None])
def test_bad_ratings_are_refused(value):
    with pytest.raises(ReviewError):
        scheduling.parse_rating(value)


@pytest.mark.parametrize("value", ["²", "¹²³", "１", "1" * 5000, "9" * 40])
def test_digits_int_cannot_read_are_refused_as_ratings_not_crashes(value):
    with pytest.raises(ReviewError):
        scheduling.parse_rating(value)

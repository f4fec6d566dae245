"""The flashcard reads (flashcards/selectors.py) that the pages and the API share.

The study queue and the deck counts are tested through their behaviour in test_scheduling.py,
test_flashcard_views.py and test_api_flashcards.py; here are the smaller reads, and the counts'
queries pinned against the number of decks and cards.
"""

from datetime import UTC, datetime, timedelta

import pytest
from django.http import Http404

from flashcards import selectors
from flashcards.services.scheduling import review_card
from tests.factories import CardFactory, DeckFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 6, 9, 0, tzinfo=UTC)


@pytest.fixture
def deck():
    deck = DeckFactory(slug="geneva", published=True)
    CardFactory.create_batch(3, deck=deck)
    return deck


def test_a_student_studies_published_decks_and_a_teacher_any(student, teacher, deck):
    draft = DeckFactory(slug="draft", published=False)
    assert selectors.studyable_deck(user=student, slug="geneva") == deck
    with pytest.raises(Http404):
        selectors.studyable_deck(user=student, slug="draft")
    with pytest.raises(Http404):
        selectors.studyable_deck(user=student, slug="nowhere")
    assert selectors.studyable_deck(user=teacher, slug="draft") == draft


def test_a_card_is_found_in_its_own_deck_only(deck):
    card = deck.cards.first()
    other = CardFactory(deck=DeckFactory(slug="other"))
    assert selectors.card_in_deck(deck=deck, pk=card.pk) == card
    assert selectors.card_in_deck(deck=deck, pk=other.pk) is None
    assert selectors.card_in_deck(deck=deck, pk=None) is None


def test_session_ratings_count_this_students_reviews_in_the_deck_since_the_start(
    student, deck, django_assert_num_queries
):
    first, second, third = deck.cards.order_by("position", "pk")
    review_card(user=student, card=first, rating="again", now=NOW - timedelta(hours=1))
    review_card(user=student, card=second, rating="good", now=NOW)
    review_card(user=student, card=third, rating="good", now=NOW + timedelta(minutes=1))
    review_card(user=UserFactory(username="other"), card=first, rating="easy", now=NOW)
    with django_assert_num_queries(1):
        assert selectors.session_ratings(user=student, deck=deck, since=NOW) == {3: 2}


def test_next_due_is_the_soonest_of_the_students_cards(student, deck):
    assert selectors.next_due(user=student, deck=deck) is None
    first, second, _ = deck.cards.order_by("position", "pk")
    review_card(user=student, card=first, rating="easy", now=NOW)
    review_card(user=student, card=second, rating="again", now=NOW)
    assert selectors.next_due(user=student, deck=deck) == NOW + timedelta(minutes=1)


@pytest.mark.parametrize("size", [2, 12])
def test_deck_counts_and_the_queue_run_constant_queries(student, size, django_assert_num_queries):
    decks = [DeckFactory(slug=f"d{i}", published=True) for i in range(size)]
    for deck in decks:
        CardFactory.create_batch(size, deck=deck)
        review_card(user=student, card=deck.cards.first(), rating="good", now=NOW)
    with django_assert_num_queries(4):
        counts = selectors.deck_counts(user=student, decks=decks, now=NOW)
    assert counts[decks[0].pk] == {"due": 0, "new": min(20, size - 1), "total": size}
    with django_assert_num_queries(6):
        queue = selectors.study_queue(user=student, deck=decks[0], now=NOW, limit=size)
    # Every new card, then the reviewed one (due in 10 minutes: within the learn-ahead limit).
    assert (len(queue.new), queue.ahead_count, len(queue.cards())) == (size - 1, 1, size)

"""Assigned decks in the home page's "Due" section (added by the flashcards app through
`quizzes.selectors.DUE_SOURCES`): the groups, what is left to study, and the query count."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from flashcards.models import Rating
from flashcards.selectors import due_decks
from flashcards.services.assignments import assign_deck
from flashcards.services.scheduling import review_card
from quizzes.selectors import DUE_SOURCES, due_for_student
from quizzes.services.classes import assign_quiz
from tests.factories import CardFactory, ClassroomFactory, DeckFactory, QuizFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def _deck(student, *, title, cards, closes=None, public=False, per_day=20):
    deck = DeckFactory(title=title, public=public, new_cards_per_day=per_day)
    CardFactory.create_batch(cards, deck=deck)
    assign_deck(classroom=ClassroomFactory(students=[student]), item=deck, closes=closes)
    return deck


def _study(student, deck, n, *, rating=Rating.GOOD, now=NOW):
    for card in deck.cards.order_by("position")[:n]:
        review_card(user=student, card=card, rating=rating, now=now)


def _due_section(client) -> str:
    body = client.get(reverse("home")).content.decode()
    section = body[body.index('id="due"') : body.index('id="open-quizzes"')]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", section))


def test_the_flashcards_app_registers_its_decks():
    assert due_decks in DUE_SOURCES


def test_a_deck_is_done_once_every_card_was_studied(student):
    deck = _deck(student, title="Capitals", cards=3, closes=NOW + timedelta(days=2))
    [item] = due_decks(user=student, now=NOW)
    assert (item.due, item.new, item.studied, item.total, item.done) == (0, 3, 0, 3, False)
    _study(student, deck, 2)
    [item] = due_decks(user=student, now=NOW)
    assert (item.studied, item.new, item.done) == (2, 1, False)
    _study(student, deck, 3)
    [item] = due_decks(user=student, now=NOW)
    assert item.done
    # Reviews falling due later keep it done (practice), counted as cards to review.
    later = due_decks(user=student, now=NOW + timedelta(days=60))[0]
    assert later.done and later.due == 3


def test_a_deck_in_two_classes_takes_the_most_generous_due_date(student):
    deck = _deck(student, title="Both", cards=1, closes=NOW + timedelta(days=1))
    assign_deck(
        classroom=ClassroomFactory(students=[student]), item=deck, closes=NOW + timedelta(days=9)
    )
    [item] = due_decks(user=student, now=NOW)
    assert item.closes == NOW + timedelta(days=9)
    assign_deck(classroom=ClassroomFactory(students=[student]), item=deck, closes=None)
    assert due_decks(user=student, now=NOW)[0].closes is None


def test_only_published_decks_of_ones_own_classes(student, other_student):
    _deck(other_student, title="Theirs", cards=1)
    hidden = _deck(student, title="Draft", cards=1)
    hidden.published = False
    hidden.save()
    assert due_decks(user=student, now=NOW) == []


def test_the_due_section_sorts_decks_with_quizzes(student_client, student):
    late = _deck(student, title="Late deck", cards=4, closes=NOW - timedelta(days=1))
    _study(student, late, 1, now=NOW - timedelta(days=30))  # falls due again by now
    _deck(student, title="Soon deck", cards=30, closes=NOW + timedelta(days=3), per_day=10)
    done = _deck(student, title="Learnt deck", cards=2, closes=NOW + timedelta(days=1))
    _study(student, done, 2)
    _deck(student, title="Someday deck", cards=1)
    quiz = QuizFactory(title="Soon quiz", questions=1)
    assign_quiz(
        classroom=ClassroomFactory(students=[student]), quiz=quiz, closes=NOW + timedelta(days=2)
    )

    text = _due_section(student_client)
    order = [
        text.index(name)
        for name in (
            "Overdue",
            "Late deck",
            "Due soon",
            "Soon quiz",
            "Soon deck",
            "Later",
            "Someday deck",
            "Done",
            "Learnt deck",
        )
    ]
    assert order == sorted(order), text
    assert "Flashcards: Late deck Was due" in text
    assert "1 card due · 3 new today · 1 of 4 studied" in text
    assert "0 cards due · 10 new today · 0 of 30 studied" in text
    assert "Learnt deck Due" in text and "All 2 cards studied" in text
    assert "Someday deck No due date" in text
    body = student_client.get(reverse("home")).content.decode()
    study = reverse("flashcards-study", kwargs={"slug": late.slug})
    assert f'href="{study}"' in body
    # Studying stays open after the due date: the overdue deck's study page answers.
    assert student_client.get(study).status_code == 200


def test_nothing_left_today_says_so(student_client, student):
    deck = _deck(student, title="Daily", cards=3, per_day=1, closes=NOW + timedelta(days=3))
    _study(student, deck, 1)
    assert "nothing more today: new cards tomorrow" in _due_section(student_client)


@pytest.mark.parametrize("decks", [1, 5])
def test_the_home_page_with_decks_runs_a_constant_number_of_queries(
    student_client, student, django_assert_max_num_queries, decks
):
    for n in range(decks):
        deck = _deck(student, title=f"Deck {n}", cards=3, closes=NOW + timedelta(days=n))
        _study(student, deck, 1)
        # Assigned to a second class too (two assignments per deck).
        assign_deck(classroom=ClassroomFactory(students=[student]), item=deck)
    # Session, user, the open quizzes; the due quizzes, their attempts and their rules; the
    # assigned decks, then their due, introduced-today, seen and card counts.
    with django_assert_max_num_queries(11):
        text = _due_section(student_client)
    assert text.count("Flashcards:") == decks


def test_a_signed_out_visitor_has_nothing_due(client):
    from django.contrib.auth.models import AnonymousUser

    assert not due_for_student(user=AnonymousUser(), now=NOW)
    assert client.get(reverse("home")).status_code == 200

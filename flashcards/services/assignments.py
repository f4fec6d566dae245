"""Assigning a deck to a class (the quizzes app's classes; its API and admin call this through
`quizzes.services.classes.ASSIGNABLES`, registered in `FlashcardsConfig.ready`)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from flashcards.models import Deck, DeckAssignment
from quizzes.models import Classroom
from quizzes.services.classes import assignment_set


def find_deck(slug: str) -> Deck | None:
    return Deck.objects.filter(slug=slug).first()


@transaction.atomic
def assign_deck(
    *,
    classroom: Classroom,
    item: Deck,
    opens: datetime | None = None,
    closes: datetime | None = None,
) -> tuple[DeckAssignment, bool]:
    """Assign the deck to the class with these dates, or change the dates of the assignment
    there is; returns (assignment, created). ValidationError by field on bad dates."""
    return assignment_set(
        DeckAssignment, classroom=classroom, opens=opens, closes=closes, deck=item
    )

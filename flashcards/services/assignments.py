"""Assigning a deck to a class (the quizzes app's classes; its API and admin call this through
`quizzes.services.classes.ASSIGNABLES`, registered in `FlashcardsConfig.ready`)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from flashcards.models import Deck, DeckAssignment
from quizzes.models import Classroom


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
    assignment = (
        DeckAssignment.objects.select_for_update().filter(classroom=classroom, deck=item).first()
    )
    created = assignment is None
    assignment = assignment or DeckAssignment(classroom=classroom, deck=item)
    assignment.opens, assignment.closes = opens, closes
    assignment.full_clean(validate_unique=False)
    assignment.save()
    return assignment, created

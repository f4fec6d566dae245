"""The ownership migrations (quizzes 0013, flashcards 0003) keep who wrote what and invent nobody.

Run for real (Django's MigrationExecutor): back to before ownership, rows written through the
historical models, then forward again.
"""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from flashcards.models import Deck
from quizzes.models import Article, Question, Quiz
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("quizzes", "0012_random_slots"), ("flashcards", "0002_deck_public_assignments")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection).loader


def test_an_author_becomes_the_owner_and_the_rest_is_left_without_one():
    writer = UserFactory(username="writer", is_staff=True)
    old = _migrate(BEFORE).project_state(BEFORE).apps
    article = old.get_model("quizzes", "Article").objects.create(
        slug="geneva", title="Geneva", body="Clinton met Lavrov in Geneva."
    )
    question = old.get_model("quizzes", "Question").objects.create(
        key="q1", kind="short_answer", text="Whom did Clinton meet?", author_id=writer.pk
    )
    quiz = old.get_model("quizzes", "Quiz").objects.create(
        slug="reset", title="Reset", author_id=writer.pk
    )
    deck = old.get_model("flashcards", "Deck").objects.create(slug="d", title="Deck")

    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    assert Question.objects.get(pk=question.pk).owner == writer
    assert Quiz.objects.get(pk=quiz.pk).owner == writer
    assert Article.objects.get(pk=article.pk).owner is None  # the superusers' until given away
    assert Deck.objects.get(pk=deck.pk).owner is None
    assert not Question.objects.get(pk=question.pk).shared_with.exists()

"""Moving the flashcard models to their own app keeps every row and every permission.

The migrations run for real (Django's MigrationExecutor): back to where the models lived in the
quizzes app, rows written there through the historical models, then forward again.
"""

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from flashcards.models import Card, CardState, Deck, ReviewLog
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

MOVED = ("deck", "card", "cardstate", "reviewlog")
# The state the move starts from: quizzes before it, and the apps whose rows it relabels.
BEFORE = [
    ("quizzes", "0008_matching_ordering"),
    ("contenttypes", "0002_remove_content_type_name"),
    ("auth", "0012_alter_user_first_name_max_length"),
    ("admin", "0003_logentry_add_action_flag_choices"),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection).loader


def test_the_move_keeps_the_rows_permissions_and_history():
    student, editor = UserFactory(username="stu"), UserFactory(username="ed", is_staff=True)
    # Back to the quizzes app: flashcards' 0001 (and quizzes' 0009, which depends on it) undone.
    loader = _migrate([("flashcards", None)])
    old = loader.project_state(BEFORE).apps
    old_ct = old.get_model("contenttypes", "ContentType")
    assert set(old_ct.objects.filter(model__in=MOVED).values_list("app_label", flat=True)) == {
        "quizzes"
    }  # the reverse relabelled them

    article = old.get_model("quizzes", "Article").objects.create(
        slug="geneva", title="Geneva", body="Clinton met Lavrov in Geneva."
    )
    deck = old.get_model("quizzes", "Deck").objects.create(slug="d", title="Deck", published=True)
    deck.articles.add(article)
    card = old.get_model("quizzes", "Card").objects.create(deck=deck, key="c1", front="F", back="B")
    now = timezone.now()
    old.get_model("quizzes", "CardState").objects.create(
        user_id=student.pk, card=card, deck=deck, due=now
    )
    old.get_model("quizzes", "ReviewLog").objects.create(
        user_id=student.pk,
        card=card,
        deck=deck,
        rating=3,
        reviewed_at=now,
        state_before={},
        state_after={},
    )
    deck_ct = old_ct.objects.get(app_label="quizzes", model="deck")
    old_permission = old.get_model("auth", "Permission")
    view_deck = old_permission.objects.get(content_type=deck_ct, codename="view_deck")
    group = old.get_model("auth", "Group").objects.create(name="Deck readers")
    group.permissions.add(view_deck)
    old.get_model("admin", "LogEntry").objects.create(
        user_id=editor.pk,
        content_type=deck_ct,
        object_id=str(deck.pk),
        object_repr="Deck",
        action_flag=2,
        action_time=now,
    )
    # As post_migrate would make for an installed app: a flashcards content type already there,
    # with a permission of its own granted to someone. The move merges it, no duplicate left.
    extra = old_ct.objects.create(app_label="flashcards", model="card")
    extra_permission = old_permission.objects.create(
        content_type=extra, codename="change_card", name="Can change card"
    )
    old.get_model("auth", "User").objects.get(pk=editor.pk).user_permissions.add(extra_permission)

    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()

    moved = Deck.objects.get(slug="d")
    assert list(moved.articles.values_list("slug", flat=True)) == ["geneva"]
    assert Card.objects.get(deck=moved).key == "c1"
    assert CardState.objects.get(user=student).card.key == "c1"
    assert ReviewLog.objects.get(user=student).rating == 3
    for model in MOVED:
        assert list(
            ContentType.objects.filter(model=model).values_list("app_label", flat=True)
        ) == ["flashcards"]
        assert Permission.objects.filter(content_type__model=model).count() == 4
    assert Group.objects.get(name="Deck readers").permissions.get().content_type.app_label == (
        "flashcards"
    )
    editor.refresh_from_db()
    assert type(editor).objects.get(pk=editor.pk).has_perm("flashcards.change_card")
    assert LogEntry.objects.get().content_type == ContentType.objects.get_for_model(Deck)

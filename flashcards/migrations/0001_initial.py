"""The flashcard models, moved from the quizzes app with their tables, rows and permissions.

State only for the tables: they were made by quizzes' migrations and keep their names
(`db_table`; the deck-article join table keeps `quizzes_deck_articles`, which Django derives from
`quizzes_deck`). quizzes 0009 deletes the models from its state after this (it depends on this
migration), so the foreign keys between the two apps always have a model at each end.

Then the content types of the four models are relabelled `quizzes` -> `flashcards`, so that the
Permission rows (and the Teachers group's and users' grants of them) and the admin's log entries
that point at them follow the models. Idempotent and reversible (the same move the other way). If
the target app already has a content type for the model (post_migrate creates one for every
installed model, e.g. after `migrate flashcards zero`), the two are merged: the grants and log
entries move to the one kept, and no duplicate permission is left.
"""

import django.db.models.deletion
import django.utils.timezone
import flashcards.models
from django.conf import settings
from django.db import migrations, models


MODELS = ("deck", "card", "cardstate", "reviewlog")


def _move_content_types(apps, from_app, to_app):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    LogEntry = apps.get_model("admin", "LogEntry")
    for model in MODELS:
        kept = ContentType.objects.filter(app_label=from_app, model=model).first()
        if kept is None:
            continue  # a fresh database: post_migrate creates the content types afterwards
        extra = ContentType.objects.filter(app_label=to_app, model=model).first()
        if extra is not None:
            for permission in Permission.objects.filter(content_type=extra):
                same = Permission.objects.filter(
                    content_type=kept, codename=permission.codename
                ).first()
                if same is None:
                    permission.content_type = kept
                    permission.save(update_fields=["content_type"])
                else:
                    same.group_set.add(*permission.group_set.all())
                    same.user_set.add(*permission.user_set.all())
                    permission.delete()
            LogEntry.objects.filter(content_type=extra).update(content_type=kept)
            extra.delete()
        kept.app_label = to_app
        kept.save(update_fields=["app_label"])
    ContentType.objects.clear_cache()


def content_types_to_flashcards(apps, schema_editor):
    _move_content_types(apps, "quizzes", "flashcards")


def content_types_to_quizzes(apps, schema_editor):
    _move_content_types(apps, "flashcards", "quizzes")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("quizzes", "0008_matching_ordering"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("admin", "0003_logentry_add_action_flag_choices"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Card",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "key",
                            models.CharField(
                                default=flashcards.models.new_card_key,
                                help_text="Stable within the deck, so rebuilding updates the card.",
                                max_length=200,
                            ),
                        ),
                        ("front", models.TextField()),
                        ("back", models.TextField()),
                        (
                            "tags",
                            models.CharField(
                                blank=True, help_text="Space-separated tags.", max_length=300
                            ),
                        ),
                        ("position", models.PositiveIntegerField(default=0)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "fact",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="cards",
                                to="quizzes.fact",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "quizzes_card",
                        "ordering": ["deck", "position", "pk"],
                    },
                ),
                migrations.CreateModel(
                    name="Deck",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("slug", models.SlugField(max_length=100, unique=True)),
                        ("title", models.CharField(max_length=200)),
                        ("description", models.TextField(blank=True)),
                        ("published", models.BooleanField(default=False)),
                        (
                            "desired_retention",
                            models.FloatField(
                                default=0.9,
                                help_text="Share of reviews the scheduler aims to have recalled (0.7-0.99).",
                            ),
                        ),
                        (
                            "new_cards_per_day",
                            models.PositiveIntegerField(
                                default=20, help_text="New cards a student is shown per day."
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "articles",
                            models.ManyToManyField(
                                blank=True, related_name="decks", to="quizzes.article"
                            ),
                        ),
                    ],
                    options={
                        "db_table": "quizzes_deck",
                        "ordering": ["title"],
                    },
                ),
                migrations.CreateModel(
                    name="CardState",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "state",
                            models.PositiveSmallIntegerField(
                                choices=[(1, "Learning"), (2, "Review"), (3, "Relearning")],
                                default=1,
                            ),
                        ),
                        ("step", models.PositiveSmallIntegerField(blank=True, null=True)),
                        ("stability", models.FloatField(blank=True, null=True)),
                        ("difficulty", models.FloatField(blank=True, null=True)),
                        ("due", models.DateTimeField()),
                        ("last_review", models.DateTimeField(blank=True, null=True)),
                        (
                            "reps",
                            models.PositiveIntegerField(
                                default=0, help_text="Reviews made so far."
                            ),
                        ),
                        (
                            "lapses",
                            models.PositiveIntegerField(
                                default=0,
                                help_text="Times a card in review was forgotten (rated Again).",
                            ),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(
                                default=django.utils.timezone.now,
                                help_text="When the student first looked at the card: it counts as new on that day.",
                            ),
                        ),
                        (
                            "card",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="states",
                                to="flashcards.card",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="card_states",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "deck",
                            models.ForeignKey(
                                help_text="The card's deck, copied here so a deck's due cards are one indexed query.",
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="card_states",
                                to="flashcards.deck",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "quizzes_cardstate",
                    },
                ),
                migrations.AddField(
                    model_name="card",
                    name="deck",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="cards",
                        to="flashcards.deck",
                    ),
                ),
                migrations.CreateModel(
                    name="ReviewLog",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "rating",
                            models.PositiveSmallIntegerField(
                                choices=[(1, "Again"), (2, "Hard"), (3, "Good"), (4, "Easy")]
                            ),
                        ),
                        ("reviewed_at", models.DateTimeField()),
                        ("duration_ms", models.PositiveIntegerField(blank=True, null=True)),
                        (
                            "state_before",
                            models.JSONField(help_text="The FSRS card state before the review."),
                        ),
                        (
                            "state_after",
                            models.JSONField(help_text="The FSRS card state after the review."),
                        ),
                        (
                            "client_review_id",
                            models.CharField(
                                blank=True,
                                help_text="Sent by a client so that a retried request is recorded once.",
                                max_length=64,
                            ),
                        ),
                        (
                            "card",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="review_logs",
                                to="flashcards.card",
                            ),
                        ),
                        (
                            "deck",
                            models.ForeignKey(
                                help_text="The card's deck, copied here so a deck's statistics are one indexed query.",
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="review_logs",
                                to="flashcards.deck",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="review_logs",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "quizzes_reviewlog",
                        "ordering": ["reviewed_at", "pk"],
                    },
                ),
                migrations.AddConstraint(
                    model_name="deck",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            ("desired_retention__gt", 0), ("desired_retention__lt", 1)
                        ),
                        name="deck_retention_between_0_and_1",
                    ),
                ),
                migrations.AddIndex(
                    model_name="cardstate",
                    index=models.Index(
                        fields=["user", "due"], name="quizzes_car_user_id_5e0c6d_idx"
                    ),
                ),
                migrations.AddIndex(
                    model_name="cardstate",
                    index=models.Index(
                        fields=["user", "deck", "due"], name="quizzes_car_user_id_d92b15_idx"
                    ),
                ),
                migrations.AddIndex(
                    model_name="cardstate",
                    index=models.Index(
                        fields=["user", "deck", "created_at"], name="quizzes_car_user_id_b57593_idx"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="cardstate",
                    constraint=models.UniqueConstraint(
                        fields=("user", "card"), name="one_card_state_per_user"
                    ),
                ),
                migrations.AddIndex(
                    model_name="card",
                    index=models.Index(
                        fields=["deck", "position", "id"], name="quizzes_car_deck_id_b4bc4c_idx"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="card",
                    constraint=models.UniqueConstraint(
                        fields=("deck", "key"), name="card_key_unique_in_deck"
                    ),
                ),
                migrations.AddIndex(
                    model_name="reviewlog",
                    index=models.Index(
                        fields=["user", "reviewed_at"], name="quizzes_rev_user_id_7d68f8_idx"
                    ),
                ),
                migrations.AddIndex(
                    model_name="reviewlog",
                    index=models.Index(
                        fields=["user", "deck", "reviewed_at"],
                        name="quizzes_rev_user_id_190692_idx",
                    ),
                ),
                migrations.AddIndex(
                    model_name="reviewlog",
                    index=models.Index(
                        fields=["card", "user", "reviewed_at"],
                        name="quizzes_rev_card_id_b9d309_idx",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="reviewlog",
                    constraint=models.UniqueConstraint(
                        condition=models.Q(("client_review_id", ""), _negated=True),
                        fields=("user", "client_review_id"),
                        name="review_client_id_once_per_user",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="reviewlog",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("rating__gte", 1), ("rating__lte", 4)),
                        name="review_rating_1_to_4",
                    ),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_to_flashcards, content_types_to_quizzes),
    ]

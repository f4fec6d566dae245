"""Deck, Card, CardState and ReviewLog leave for the flashcards app (its 0001_initial).

State only: the tables stay where they are, under their names (the flashcards models set
`db_table`), and flashcards 0001 (which this depends on) has already taken them into its state.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0008_matching_ordering"),
        ("flashcards", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name="cardstate",
                    name="card",
                ),
                migrations.RemoveField(
                    model_name="reviewlog",
                    name="card",
                ),
                migrations.RemoveField(
                    model_name="cardstate",
                    name="deck",
                ),
                migrations.RemoveField(
                    model_name="cardstate",
                    name="user",
                ),
                migrations.RemoveField(
                    model_name="deck",
                    name="articles",
                ),
                migrations.RemoveField(
                    model_name="reviewlog",
                    name="deck",
                ),
                migrations.RemoveField(
                    model_name="reviewlog",
                    name="user",
                ),
                migrations.DeleteModel(
                    name="Card",
                ),
                migrations.DeleteModel(
                    name="CardState",
                ),
                migrations.DeleteModel(
                    name="Deck",
                ),
                migrations.DeleteModel(
                    name="ReviewLog",
                ),
            ],
            database_operations=[],
        ),
    ]

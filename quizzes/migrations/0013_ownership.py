"""Ownership (issue 15): articles, questions and quizzes get an owner and co-teachers.

A question's or quiz's `author` becomes its `owner` (the same column, renamed: whoever wrote an
item owns it). Articles get an empty owner. Existing rows are not given to anyone: an item with
no owner is the superusers' alone (see quizzes/models/ownership.py), and a superuser gives it to
a teacher in the admin (or `manage.py give_content`).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def owner(plural):
    return models.ForeignKey(
        blank=True,
        help_text="The teacher it belongs to. Empty: only superusers can see and edit it.",
        null=True,
        on_delete=django.db.models.deletion.SET_NULL,
        related_name=f"owned_{plural}",
        to=settings.AUTH_USER_MODEL,
    )


def shared_with(plural):
    return models.ManyToManyField(
        blank=True,
        help_text="Co-teachers who may see and edit it as the owner does.",
        related_name=f"shared_{plural}",
        to=settings.AUTH_USER_MODEL,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0012_random_slots"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField(model_name="question", old_name="author", new_name="owner"),
        migrations.AlterField(model_name="question", name="owner", field=owner("questions")),
        migrations.AddField(
            model_name="question", name="shared_with", field=shared_with("questions")
        ),
        migrations.RenameField(model_name="quiz", old_name="author", new_name="owner"),
        migrations.AlterField(model_name="quiz", name="owner", field=owner("quizzes")),
        migrations.AddField(model_name="quiz", name="shared_with", field=shared_with("quizzes")),
        migrations.AddField(model_name="article", name="owner", field=owner("articles")),
        migrations.AddField(
            model_name="article", name="shared_with", field=shared_with("articles")
        ),
    ]

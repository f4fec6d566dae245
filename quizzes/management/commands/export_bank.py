"""Write the question bank as a fixture, deterministically.

    python manage.py export_bank --output fixtures/questions.json [--article SLUG ...]

Natural keys only (no primary keys), questions sorted by key with their choices and accepted
answers right after them, the tags they use first, and fixed timestamps, so exporting the same
bank twice gives the same bytes and the fixture loads into a database that holds other content.
Owners are left out unless `--owner USERNAME` names one for every question (the demo bank names
the demo `teacher`, whom `demo_users` brings in the same `loaddata`): a bank shared with another
school should not name its users, and co-teachers are never written.
"""

import json

from django.core import serializers
from django.core.management.base import BaseCommand
from django.core.serializers.json import DjangoJSONEncoder

from quizzes.management.arguments import (
    add_articles_argument,
    articles_from_slugs,
    output_file,
    owner_from_username,
    write_text,
)
from quizzes.models import Question, Tag

FIXED_TIMESTAMP = "2026-11-23T00:00:00Z"  # the other demo fixtures use the same one


def _rows(objects):
    return serializers.serialize(
        "python", objects, use_natural_foreign_keys=True, use_natural_primary_keys=True
    )


def bank_rows(questions, *, owner: str | None = None) -> list[dict]:
    questions = list(questions)
    tags = Tag.objects.filter(questions__in=questions).distinct().order_by("slug")
    rows = _rows(tags)
    for question in questions:
        (row,) = _rows([question])
        fields = row["fields"]
        fields["created_at"] = fields["updated_at"] = FIXED_TIMESTAMP
        fields["owner"] = [owner] if owner else None
        fields.pop("shared_with", None)
        fields["tags"] = sorted(fields["tags"])
        rows.append(row)
        rows.extend(_rows(sorted(question.choices.all(), key=lambda c: c.order)))
        rows.extend(_rows(sorted(question.accepted_answers.all(), key=lambda a: a.order)))
    for row in rows:
        row.pop("pk", None)
    return rows


class Command(BaseCommand):
    help = (
        "Export questions (with their tags, choices and accepted answers) as a fixture with "
        "natural keys, stable ordering and fixed timestamps."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="File to write (default: standard output).")
        add_articles_argument(parser, help="Only questions on the facts of these articles.")
        parser.add_argument(
            "--generated-only", action="store_true", help="Leave hand-written questions out."
        )
        parser.add_argument(
            "--owner",
            metavar="USERNAME",
            help="Name this user as every question's owner (the demo bank: teacher). Default: "
            "no owner.",
        )

    def handle(
        self, *args, output=None, articles=None, generated_only=False, owner=None, **options
    ):
        path = output_file(output) if output else None
        owner = owner_from_username(owner).get_username() if owner else None
        questions = Question.objects.order_by("key").prefetch_related(
            "choices", "accepted_answers", "tags"
        )
        if articles:
            articles_from_slugs(articles)
            questions = questions.filter(fact__article__slug__in=articles)
        if generated_only:
            questions = questions.exclude(generator="")
        questions = questions.select_related("fact")
        rows = bank_rows(questions, owner=owner)
        text = json.dumps(rows, indent=2, cls=DjangoJSONEncoder) + "\n"
        count = sum(1 for row in rows if row["model"] == "quizzes.question")
        if path:
            write_text(path, text)
            self.stdout.write(self.style.SUCCESS(f"Wrote {count} question(s) to {path}."))
        else:
            self.stdout.write(text, ending="")

"""Make a quiz from an article's question bank, balanced across question kinds.

python manage.py build_quiz --article SLUG --size N [--title T] [--slug S] [--publish]
"""

from django.core.management.base import BaseCommand, CommandError

from quizzes.management.arguments import (
    NO_OWNER_NOTE,
    add_owner_argument,
    articles_from_slugs,
    check_owner_may_edit,
    owner_from_username,
)
from quizzes.services.bank_building import build_quiz


class Command(BaseCommand):
    help = (
        "Build a quiz of N questions from the bank of one article: question kinds take turns, "
        "and no fact is asked twice while another is left."
    )

    def add_arguments(self, parser):
        add_owner_argument(parser)
        parser.add_argument("--article", required=True, metavar="SLUG", help="The article.")
        parser.add_argument("--size", required=True, type=int, help="How many questions.")
        parser.add_argument("--title", help="The quiz's title (default: “Quiz: <article>”).")
        parser.add_argument("--slug", help="The quiz's slug (default: “<article>-quiz”).")
        parser.add_argument("--seed", type=int, default=0, help="Seed for the selection.")
        parser.add_argument("--publish", action="store_true", help="Publish it (default: a draft).")

    def handle(self, *args, article, size, title=None, slug=None, seed=0, publish=False, **opts):
        owner = owner_from_username(opts.get("owner"))
        [found] = articles_from_slugs([article])
        check_owner_may_edit(owner, [found], what="articles")
        try:
            quiz = build_quiz(
                article=found,
                size=size,
                title=title,
                slug=slug,
                seed=seed,
                published=publish,
                owner=owner,
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        kinds: dict[str, int] = {}
        for qq in quiz.quiz_questions.select_related("question").order_by("order"):
            self.stdout.write(f"  {qq.order:>2}. [{qq.question.kind}] {qq.question.key}")
            kinds[qq.question.kind] = kinds.get(qq.question.kind, 0) + 1
        mix = ", ".join(f"{n} {kind}" for kind, n in kinds.items())
        state = "published" if quiz.published else "draft"
        self.stdout.write(
            self.style.SUCCESS(f"Built {state} quiz “{quiz.title}” ({quiz.slug}): {mix}.")
        )
        if owner is None:
            self.stdout.write(self.style.WARNING(NO_OWNER_NOTE))

"""Generate questions from the facts of some or all articles.

    python manage.py generate_questions [--article SLUG ...] [--kinds KIND ...] [--seed N]
                                        [--dry-run] [--prune]

Regeneration updates a question whose generated content changed, leaves an unchanged one alone
and never overwrites a question a teacher has edited. The same seed rebuilds the same bank.
"""

from django.core.management.base import BaseCommand, CommandError

from quizzes.management.arguments import (
    NO_OWNER_NOTE,
    add_articles_argument,
    add_owner_argument,
    articles_from_slugs,
    check_owner_may_edit,
    owner_from_username,
)
from quizzes.models import Fact
from quizzes.services.bank_building import generate_questions
from quizzes.services.generation import ARRANGED_KINDS, GENERATED_KINDS, check_kinds


def split_values(values: list[str] | None) -> list[str] | None:
    """Accept `--kinds cloze numeric` and `--kinds cloze,numeric` alike."""
    if values is None:
        return None
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


class Command(BaseCommand):
    help = (
        "Generate questions (cloze, single choice, true/false, short answer, numeric) from the "
        "facts of the given articles, or of every article. Regenerating updates questions in "
        "place and leaves questions edited by a teacher alone."
    )

    def add_arguments(self, parser):
        add_owner_argument(parser)
        add_articles_argument(
            parser, help="Only the facts of these articles (repeatable). Default: every article."
        )
        parser.add_argument(
            "--kinds",
            action="extend",
            nargs="+",
            metavar="KIND",
            help=f"Only these question kinds: {', '.join(GENERATED_KINDS)}. Default: all "
            f"of those. Also {', '.join(ARRANGED_KINDS)} (made from several facts of an "
            "article), only when named.",
        )
        parser.add_argument(
            "--seed", type=int, default=0, help="Seed for distractors and choice order."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would change; write nothing."
        )
        parser.add_argument(
            "--prune",
            action="store_true",
            help="Delete generated questions of these facts that the generators no longer "
            "make (never one a teacher edited or a quiz uses).",
        )

    def handle(
        self,
        *args,
        articles=None,
        kinds=None,
        seed=0,
        dry_run=False,
        prune=False,
        owner=None,
        **options,
    ):
        owner = owner_from_username(owner)
        articles = split_values(articles)
        try:
            kinds = check_kinds(split_values(kinds))
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if articles is not None:
            check_owner_may_edit(owner, articles_from_slugs(articles), what="articles")
        facts = Fact.objects.select_related("article").order_by("article__slug", "position", "pk")
        if articles is not None:
            facts = facts.filter(article__slug__in=articles)
        if owner is not None:  # the owner's own and shared articles' facts only
            facts = facts.editable_by(owner)
        if not facts.exists():
            raise CommandError("There are no facts to generate questions from.")

        current = {"article": None}

        def progress(fact, done, skipped):
            if fact.article_slug != current["article"]:
                current["article"] = fact.article_slug
                self.stdout.write(self.style.MIGRATE_HEADING(f"Article {fact.article_slug}"))
            line = f"  {fact.key}: {len(done)} question(s)"
            if skipped:
                line += f", {len(skipped)} skipped ({'; '.join(s.reason for s in skipped)})"
            self.stdout.write(line)

        report = generate_questions(
            facts=facts,
            kinds=kinds,
            seed=seed,
            dry_run=dry_run,
            prune=prune,
            owner=owner,
            progress=progress,
        )
        self.stdout.write("")
        style = self.style.WARNING if dry_run else self.style.SUCCESS
        self.stdout.write(style(report.summary()))
        if owner is None and not dry_run:
            self.stdout.write(self.style.WARNING(NO_OWNER_NOTE))
        if options.get("verbosity", 1) >= 2:
            for key, reason in report.skipped:
                self.stdout.write(f"  skipped {key}: {reason}")

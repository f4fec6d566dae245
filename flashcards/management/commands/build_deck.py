"""Build (or rebuild) a flashcard deck from articles' facts: one card per fact.

    python manage.py build_deck --article ht-clinton-hopes-to-repair-ties \\
        --article reuters-clinton-lavrov-hail-new-approach --deck reset-button-deck \\
        --title "The reset button" --publish

Rebuilding updates cards in place (matched by the fact's key) and keeps students' progress.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from flashcards.services.decks import build_deck, default_deck_slug
from quizzes.management.arguments import (
    NO_OWNER_NOTE,
    add_owner_argument,
    articles_from_slugs,
    check_owner_may_edit,
    owner_from_username,
)


class _DryRun(Exception):
    pass


class Command(BaseCommand):
    help = "Build or rebuild a flashcard deck from the facts of one or more articles."

    def add_arguments(self, parser):
        add_owner_argument(parser)
        parser.add_argument(
            "--article",
            action="append",
            required=True,
            metavar="SLUG",
            help="An article whose facts become cards (repeat for several).",
        )
        parser.add_argument(
            "--deck",
            metavar="SLUG",
            help="The deck's slug (default: <article slug>-deck, as the admin's action names it).",
        )
        parser.add_argument("--title", default="", help="The deck's title.")
        parser.add_argument("--description", default=None, help="The deck's description.")
        publishing = parser.add_mutually_exclusive_group()
        publishing.add_argument("--publish", action="store_true", help="Publish the deck.")
        publishing.add_argument("--unpublish", action="store_true", help="Unpublish the deck.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would change; write nothing."
        )

    def handle(self, *args, **options):
        owner = owner_from_username(options.get("owner"))
        articles = articles_from_slugs(options["article"])
        check_owner_may_edit(owner, articles, what="articles")
        deck_slug = options["deck"]
        if not deck_slug:
            if len(articles) > 1:
                raise CommandError("Several articles: name the deck with --deck SLUG.")
            deck_slug = default_deck_slug(articles[0])
        published = True if options["publish"] else False if options["unpublish"] else None
        try:
            with transaction.atomic():
                result = build_deck(
                    slug=deck_slug,
                    articles=articles,
                    title=options["title"],
                    description=options["description"],
                    published=published,
                    owner=owner,
                )
                if options["dry_run"]:
                    raise _DryRun
        except ValidationError as exc:
            raise CommandError(f"The deck is not valid: {'; '.join(exc.messages)}") from exc
        except ValueError as exc:  # a fact whose answer is not in its sentence, clashing keys
            raise CommandError(f"Nothing was built: {exc}") from exc
        except _DryRun:
            self.stdout.write(f"Dry run, nothing written. Would have: {result.summary()}")
            return
        verb = "Created" if result.deck_created else "Rebuilt"
        self.stdout.write(self.style.SUCCESS(f"{verb}: {result.summary()}"))
        if owner is None and result.deck_created:
            self.stdout.write(self.style.WARNING(NO_OWNER_NOTE))
        if not result.deck.published:
            self.stdout.write(
                "To publish it, run the same command with --publish, or use Publish on the "
                "deck list in the admin."
            )
        if result.stale:
            self.stdout.write(
                self.style.WARNING(
                    f"{len(result.stale)} card(s) no longer match a fact and were kept: "
                    + ", ".join(result.stale[:10])
                )
            )

"""Argument checks the management commands share."""

from collections.abc import Iterable

from django.core.management.base import CommandError

from quizzes.models import Article


def add_articles_argument(parser, *, help: str) -> None:
    """`--article SLUG [SLUG ...]`, repeatable, collected in `articles`."""
    parser.add_argument(
        "--article", dest="articles", action="extend", nargs="+", metavar="SLUG", help=help
    )


def articles_from_slugs(slugs: Iterable[str]) -> list[Article]:
    """The articles named, in the order given (duplicates once).

    Raises a CommandError that names every unknown slug and lists the valid ones.
    """
    slugs = list(dict.fromkeys(slugs))
    found = {article.slug: article for article in Article.objects.filter(slug__in=slugs)}
    unknown = [slug for slug in slugs if slug not in found]
    if unknown:
        valid = ", ".join(Article.objects.order_by("slug").values_list("slug", flat=True))
        raise CommandError(
            f"Unknown article slug(s): {', '.join(unknown)}. "
            f"Valid slugs: {valid or '(no articles yet)'}."
        )
    return [found[slug] for slug in slugs]

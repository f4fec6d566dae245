"""Argument checks the management commands share."""

from collections.abc import Iterable
from pathlib import Path

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


def output_file(value: str) -> Path:
    """The file a command will write, checked before any work: its folder must exist and the
    path must not be a folder. Raises a CommandError that says which."""
    path = Path(value)
    if path.is_dir():
        raise CommandError(f"{path} is a directory; give a file name to write.")
    if not path.parent.is_dir():
        raise CommandError(f"No such directory: {path.parent} (create it first, or pick another).")
    return path


def write_text(path: Path, text: str) -> None:
    """Write `text` to `path` as UTF-8; a refusal by the system is a CommandError naming it."""
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise CommandError(f"Could not write {path}: {exc.strerror or exc}.") from exc


NO_OWNER_NOTE = (
    "No --owner: what was made belongs to nobody, and only superusers see it until one gives it "
    "to a teacher in the admin."
)


def add_owner_argument(parser) -> None:
    """`--owner USERNAME`: the teacher who owns what the command makes (default: nobody)."""
    parser.add_argument(
        "--owner",
        metavar="USERNAME",
        help="The teacher who owns what is made (and whose content it may change). Default: "
        "nobody, which only superusers see until one gives it to a teacher.",
    )


def owner_from_username(username: str | None):
    """The user `--owner` names (None for none). Raises a CommandError for an unknown user or
    one who is not a teacher (holds no Factcards permission)."""
    if not username:
        return None
    from django.contrib.auth import get_user_model

    from quizzes.permissions import is_teacher

    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"--owner: no user named “{username}”.")
    if not is_teacher(user):
        raise CommandError(f"--owner: “{username}” is not a teacher (in no Teachers group).")
    return user


def check_owner_may_edit(owner, items, *, what: str) -> None:
    """Refuse, naming them, the items (articles…) that `owner` may not edit. No owner: the
    operator, who may use everything."""
    if owner is None:
        return
    from quizzes.permissions import can_edit

    refused = [str(item) for item in items if not can_edit(owner, item)]
    if refused:
        raise CommandError(
            f"--owner {owner.get_username()} may not edit these {what}: {', '.join(refused)}."
        )

"""The Django side of the load bench: seeding, query counts, and the checks after a burst.

`bench/load.py` runs this module with the Python of the checkout it measures (so an older
checkout is seeded with its own models and services), as

    python -m <bench package>.load_seed seed --out plan.json [--saves 60 …]
    python -m <bench package>.load_seed reset-starts --plan plan.json
    python -m <bench package>.load_seed check-burst --plan plan.json --acks acks.json

with DJANGO_SETTINGS_MODULE and the database set by the harness. The functions are plain and
keyword-only, so the test suite calls them on its own database (tests/test_bench_load.py).

Everything is made through the ORM and the app's services (`attempt_start`, `review_card`), the
way the app itself makes it, so that what is measured is what a class would leave behind.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import timedelta
from pathlib import Path

LOAD_PREFIX = "load-"  # every user the bench makes; nothing else in the database is touched

SENTENCE = "Clinton met Sergei Lavrov in Geneva."
OPTIONS = [("Sergei Lavrov", 1), ("Dmitry Medvedev", 0), ("Ban Ki-moon", 0), ("Javier Solana", 0)]


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", f"{__package__ or 'bench'}.settings")
    import django

    django.setup()


# --- content ----------------------------------------------------------------------------------


def build_quiz(*, slug: str, size: int, **options):
    """A published quiz of `size` single-choice questions (four options, one right)."""
    from quizzes.models import Article, Choice, Fact, Question, Quiz, QuizQuestion

    article, _ = Article.objects.get_or_create(
        slug="load-article", defaults={"title": "Load bench article", "body": f"Intro. {SENTENCE}"}
    )
    quiz = Quiz.objects.create(slug=slug, title=f"Load bench: {slug}", published=True, **options)
    for order in range(1, size + 1):
        fact = Fact.objects.create(
            article=article, sentence=SENTENCE, answer="Sergei Lavrov", kind="person"
        )
        question = Question.objects.create(
            kind="single_choice",
            text=f"Question {order} of {slug}: whom did Clinton meet in Geneva?",
            explanation="Clinton met Russia's foreign minister.",
            fact=fact,
        )
        Choice.objects.bulk_create(
            Choice(question=question, text=text, fraction=fraction, order=i)
            for i, (text, fraction) in enumerate(OPTIONS, start=1)
        )
        QuizQuestion.objects.create(quiz=quiz, question=question, order=order)
    return quiz


def build_deck(*, slug: str, size: int):
    from flashcards.models import Card, Deck

    deck = Deck.objects.create(slug=slug, title="Load bench deck", published=True)
    Card.objects.bulk_create(
        Card(
            deck=deck, key=f"{slug}-{i}", front=f"Who met Clinton? ({i})", back="Lavrov", position=i
        )
        for i in range(1, size + 1)
    )
    return deck


def make_students(*, role: str, count: int) -> list:
    """`count` students with API tokens (no usable password: they never log in); each carries its
    token's key as `.token`."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    User = get_user_model()
    password = make_password(None)
    users = User.objects.bulk_create(
        User(username=f"{LOAD_PREFIX}{role}-{i}", password=password) for i in range(count)
    )
    if not users or users[0].pk is None:  # backends that do not return primary keys
        users = list(User.objects.filter(username__startswith=f"{LOAD_PREFIX}{role}-"))
    keys = _issue_tokens(users)
    users = list(User.objects.filter(pk__in=[u.pk for u in users]))
    for user in users:
        user.token = keys[user.pk]
    return users


def _issue_tokens(users) -> dict[int, str]:
    """{user id: token key}: knox tokens (hashed, expiring) where the measured checkout uses
    them, DRF's authtoken in an older checkout."""
    from django.apps import apps

    if apps.is_installed("knox"):
        from knox.models import AuthToken

        return {user.pk: AuthToken.objects.create(user=user)[1] for user in users}
    from rest_framework.authtoken.models import Token

    tokens = Token.objects.bulk_create(Token(user=user, key=Token.generate_key()) for user in users)
    return {token.user_id: token.key for token in tokens}


def _session_cookie(user) -> str:
    """A signed-in session for `user`, stored by the configured session engine."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


# --- seeding ----------------------------------------------------------------------------------


def seed(
    *,
    saves: int = 60,
    pages: int = 30,
    starters: int = 600,
    start_quizzes: int = 5,
    start_size: int = 20,
    sitting_size: int = 50,
    reviewers: int = 30,
    cards: int = 10,
    burst: int = 0,
    burst_size: int = 20,
) -> dict:
    """Seed what the load rounds need and return the plan the load generator reads.

    The defaults are what a full run of bench/load.py seeds. Each request goes to the next
    student in turn, so at 100 saves a second 60 students stay far below the API's throttle
    (600 requests a minute per user).

    - `saves` students, each with an attempt in progress on a `sitting_size`-question quiz: the
      plan gives every (attempt, question, choice ids) so the generator can send valid answers;
    - `pages` students with such an attempt and a signed-in session (for the attempt page);
    - `starters` students and `start_quizzes` quizzes of `start_size` questions: each (student,
      quiz) pair is one real start (201), so a round has starters × start_quizzes of them;
    - `reviewers` students who each reviewed `cards` cards of a deck 40 days ago: all due now;
    - `burst` students for the exam start, on a quiz of `burst_size` questions allowing one
      attempt with a 30-minute limit.
    """
    from django.utils import timezone

    from flashcards.services.scheduling import review_card
    from quizzes.services.attempts import attempt_start

    now = timezone.now()
    plan: dict = {}

    sitting = build_quiz(slug="load-sitting", size=sitting_size)

    def attempts_on(quiz, students):
        rows = []
        for student in students:
            attempt, _ = attempt_start(quiz=quiz, user=student, now=now)
            rows.append(
                {
                    "token": student.token,
                    "attempt": attempt.pk,
                    "questions": [[i["question"], i["choices"]] for i in attempt.layout],
                }
            )
        return rows

    plan["saves"] = attempts_on(sitting, make_students(role="save", count=saves))
    page_students = make_students(role="page", count=pages)
    plan["pages"] = [
        {**row, "session": _session_cookie(student)}
        for row, student in zip(attempts_on(sitting, page_students), page_students, strict=True)
    ]

    quizzes = [
        build_quiz(slug=f"load-start-{n}", size=start_size) for n in range(1, start_quizzes + 1)
    ]
    plan["starts"] = {
        "quizzes": [quiz.slug for quiz in quizzes],
        "tokens": [s.token for s in make_students(role="start", count=starters)],
    }

    deck = build_deck(slug="load-deck", size=cards)
    deck_cards = list(deck.cards.order_by("position"))
    plan["reviews"] = []
    before = now - timedelta(days=40)
    for student in make_students(role="review", count=reviewers):
        for card in deck_cards:
            review_card(user=student, card=card, rating="good", now=before)
        plan["reviews"].append({"token": student.token, "cards": [card.pk for card in deck_cards]})

    if burst:
        exam = build_quiz(
            slug="load-exam",
            size=burst_size,
            attempts_allowed=1,
            time_limit=timedelta(minutes=30),
        )
        examinees = make_students(role="burst", count=burst)
        plan["burst"] = {
            "quiz": exam.slug,
            "tokens": [s.token for s in examinees],
            "users": [s.pk for s in examinees],
        }
    return plan


def start_query_counts(*, sizes: tuple[int, ...] = (5, 20, 50)) -> dict[int, int]:
    """Queries of one start request (`POST /api/quizzes/<slug>/attempts/`), per quiz size.

    Counted on the database the settings name, through Django's test client with a token, so
    the figure covers everything a real start runs: authentication, throttling, the service and
    the serializer.
    """
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for size in sizes:
        quiz = build_quiz(slug=f"load-count-{size}", size=size)
        (student,) = make_students(role=f"count{size}", count=1)
        client = Client(headers={"Authorization": f"Token {student.token}"})
        with CaptureQueriesContext(connection) as captured:
            reply = client.post(f"/api/quizzes/{quiz.slug}/attempts/")
        if reply.status_code != 201:
            raise RuntimeError(f"start of a {size}-question quiz: HTTP {reply.status_code}")
        counts[size] = len(captured)
    return counts


def reset_starts(*, plan: dict) -> int:
    """Set aside the attempts the last start round made, so every pair can start again."""
    from quizzes.models import Attempt, AttemptState

    return Attempt.objects.filter(
        quiz__slug__in=plan["starts"]["quizzes"], state=AttemptState.IN_PROGRESS
    ).update(state=AttemptState.ABANDONED)


# --- after a burst ----------------------------------------------------------------------------


def check_burst(*, plan: dict, acks: dict) -> dict:
    """What the database holds after the exam burst, against what the clients were told.

    `acks` holds what the server acknowledged: `starts` (attempt ids answered 201), `saves`
    ([attempt id, question id, choice id] answered 200) and `finishes` (attempt ids answered 200).
    """
    from django.db.models import Count

    from quizzes.models import Attempt, AttemptState, Response

    users = plan["burst"]["users"]
    attempts = Attempt.objects.filter(quiz__slug=plan["burst"]["quiz"], user_id__in=users)
    states = dict(attempts.values_list("state").annotate(n=Count("pk")).values_list("state", "n"))
    doubled = (
        Attempt.objects.filter(user_id__in=users, state=AttemptState.IN_PROGRESS)
        .values("user")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count()
    )
    stored = {
        (attempt, question): answer
        for attempt, question, answer in Response.objects.filter(
            attempt_id__in={a for a, _, _ in acks["saves"]}
        ).values_list("attempt_id", "question_id", "answer")
    }
    lost = [
        [attempt, question, choice]
        for attempt, question, choice in acks["saves"]
        if stored.get((attempt, question)) != choice
    ]
    unfinished = (
        attempts.filter(pk__in=acks["finishes"]).exclude(state=AttemptState.FINISHED).count()
    )
    made = sum(states.values())
    return {
        "students": len(users),
        "attempts": made,
        "attempts_by_state": states,
        "starts_acknowledged": len(acks["starts"]),
        "attempts_nobody_was_told_of": made - len(set(acks["starts"])),
        "students_with_two_in_progress": doubled,
        "saves_acknowledged": len(acks["saves"]),
        "saves_lost": len(lost),
        "saves_lost_examples": lost[:5],
        "finishes_acknowledged": len(acks["finishes"]),
        "finishes_not_stored": unfinished,
    }


# --- command line -----------------------------------------------------------------------------

# The least of everything that every scenario still runs on: what the benches' tests seed.
SMALLEST = {
    "saves": 2,
    "pages": 2,
    "starters": 2,
    "start_quizzes": 2,
    "start_size": 3,
    "sitting_size": 4,
    "reviewers": 2,
    "cards": 3,
}

SEED_SIZES = ["saves", "pages", "starters", "start_quizzes", "reviewers", "cards", "burst"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    seeding = commands.add_parser("seed", help="seed the bench data, write the plan (JSON)")
    seeding.add_argument("--out", type=Path, required=True)
    for name in SEED_SIZES:  # left out: seed()'s own default
        seeding.add_argument(f"--{name.replace('_', '-')}", type=int)
    seeding.add_argument("--count-sizes", default="5,20,50", help="start query counts for these")
    reset = commands.add_parser("reset-starts", help="abandon the attempts of the start quizzes")
    reset.add_argument("--plan", type=Path, required=True)
    check = commands.add_parser("check-burst", help="compare the database with the acks (JSON)")
    check.add_argument("--plan", type=Path, required=True)
    check.add_argument("--acks", type=Path, required=True)
    args = parser.parse_args(argv)

    _setup_django()
    if args.command == "seed":
        sizes = {name: getattr(args, name) for name in SEED_SIZES}
        plan = seed(**{name: value for name, value in sizes.items() if value is not None})
        counted = tuple(int(size) for size in args.count_sizes.split(",") if size)
        plan["start_queries"] = start_query_counts(sizes=counted)
        args.out.write_text(json.dumps(plan))
    elif args.command == "reset-starts":
        print(reset_starts(plan=json.loads(args.plan.read_text())))
    else:
        result = check_burst(
            plan=json.loads(args.plan.read_text()), acks=json.loads(args.acks.read_text())
        )
        print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark: a full 50-question sitting through Django's test client, on a temporary SQLite file.

    .venv/bin/python bench/quiz_sitting.py [--questions 50] [--runs 5]
    CACHE_URL=redis://127.0.0.1:6379/15 .venv/bin/python bench/quiz_sitting.py

One sitting = start the quiz, open the first question, save 50 answers (the autosave requests the
JavaScript sends), finish, open the review. Prints the total queries, the queries per answer save,
and the wall time (median of the runs); then the review page's query count for 10 and for 50
questions. Targets: <= 150 queries per sitting, <= 6 per save, a review count that does not grow.
The sitting's total is split into the session and user lookups of Django's middleware and the
app's own queries. Without CACHE_URL (the zero-set-up default) the middleware reads the session
and the user from the database on every request; with a shared cache (CACHE_URL, as production
runs) it reads them from the cache (quizzes/auth.py). The bench empties that cache first.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
_tmp = tempfile.TemporaryDirectory(prefix="factcards-bench-")
os.environ["DJANGO_SETTINGS_MODULE"] = "quizsite.settings"
os.environ["DEBUG"] = "true"
os.environ["DATABASE_URL"] = f"sqlite:///{_tmp.name}/bench.sqlite3"
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("STATICFILES_MANIFEST", "false")
os.environ.setdefault("LOG_LEVEL", "ERROR")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from quizzes.models import (  # noqa: E402
    Article,
    Attempt,
    Choice,
    Fact,
    Question,
    Quiz,
    QuizQuestion,
    Response,
)

SENTENCE = "Clinton met Sergei Lavrov in Geneva."


def build_quiz(size: int) -> Quiz:
    article, _ = Article.objects.get_or_create(
        slug="bench-article", defaults={"title": "Bench article", "body": f"Intro. {SENTENCE}"}
    )
    quiz = Quiz.objects.create(
        slug=f"bench-{size}-{Quiz.objects.count()}", title="Bench", published=True
    )
    for order in range(1, size + 1):
        fact = Fact.objects.create(
            article=article, sentence=SENTENCE, answer="Sergei Lavrov", kind="person"
        )
        question = Question.objects.create(
            kind="single_choice", text=f"Question {order}: whom did Clinton meet?", fact=fact
        )
        Choice.objects.bulk_create(
            Choice(question=question, text=text, fraction=fraction, order=i)
            for i, (text, fraction) in enumerate(
                [("Sergei Lavrov", 1), ("Dmitry Medvedev", 0), ("Ban Ki-moon", 0)], start=1
            )
        )
        QuizQuestion.objects.create(quiz=quiz, question=question, order=order)
    return quiz


def new_client(name: str) -> Client:
    user = get_user_model().objects.create_user(name, password="bench-pass-123")
    client = Client()
    client.force_login(user)
    return client


MIDDLEWARE_QUERIES = {"session": 0, "user": 0}


def _is_middleware_query(sql: str) -> str | None:
    """'session' or 'user' for the lookups Django's session and auth middleware make."""
    if '"django_session"' in sql:
        return "session"
    # ModelBackend.get_user: `get(pk=...)`, hence LIMIT 21 (the app's own user lock is LIMIT 1).
    if sql.startswith("SELECT") and 'FROM "auth_user"' in sql and "LIMIT 21" in sql:
        return "user"
    return None


def _request(counts: list, send):
    with CaptureQueriesContext(connection) as captured:
        reply = send()
    counts.append(len(captured))
    for query in captured.captured_queries:
        if kind := _is_middleware_query(query["sql"]):
            MIDDLEWARE_QUERIES[kind] += 1
    return reply, captured


def sitting(quiz: Quiz, client: Client, show_save: bool = False) -> dict:
    """One student's sitting; counts only the queries of the app's own requests."""
    counts: list[int] = []
    started = time.perf_counter()
    _request(counts, lambda: client.post(reverse("quiz-start", kwargs={"slug": quiz.slug})))
    attempt = Attempt.objects.latest("pk")
    _request(counts, lambda: client.get(attempt.get_absolute_url()))
    responses = list(
        Response.objects.filter(attempt=attempt)
        .order_by("slot")
        .values("question_id", "slot", "version__snapshot")
    )
    save_url = reverse("attempt-save", kwargs={"pk": attempt.pk})
    save_counts: list[int] = []
    for response in responses:
        best = max(response["version__snapshot"]["choices"], key=lambda c: c["fraction"])["id"]
        data = {
            "question": response["question_id"],
            "slot": response["slot"],
            "kind": "single_choice",
            "answer_field": "1",
            "answer": best,
        }
        reply, captured = _request(
            save_counts,
            lambda data=data: client.post(save_url, data, headers={"Accept": "application/json"}),
        )
        assert reply.status_code == 200 and reply.json()["saved"], reply.content
        if show_save:
            print("\n".join(q["sql"][:120] for q in captured.captured_queries))
            show_save = False
    _request(counts, lambda: client.post(reverse("attempt-finish", kwargs={"pk": attempt.pk})))
    review_counts: list[int] = []
    review_url = reverse("attempt-review", kwargs={"pk": attempt.pk})
    reply, _ = _request(review_counts, lambda: client.get(review_url))
    assert reply.status_code == 200
    elapsed = time.perf_counter() - started
    attempt.refresh_from_db()
    assert attempt.grade == 100, attempt.grade
    return {
        "queries": sum(counts) + sum(save_counts) + sum(review_counts),
        "requests": len(counts) + len(save_counts) + len(review_counts),
        "per_save": max(save_counts),
        "review": review_counts[0],
        "seconds": elapsed,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=50)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--show-queries", action="store_true", help="print one save's SQL")
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    cache.clear()
    quiz = build_quiz(args.questions)
    results = []
    for i in range(args.runs):
        MIDDLEWARE_QUERIES.update(session=0, user=0)
        results.append(
            sitting(quiz, new_client(f"bench{i}"), show_save=args.show_queries and i == 0)
        )
    middleware = dict(MIDDLEWARE_QUERIES)  # the last full sitting's
    small = build_quiz(10)
    review_small = sitting(small, new_client("bench-small"))["review"]

    last = results[-1]
    queries, requests = last["queries"], last["requests"]
    per_save = max(r["per_save"] for r in results)
    median = statistics.median(r["seconds"] for r in results)
    review_large = last["review"]

    def verdict(ok: bool) -> str:
        return "met" if ok else "MISSED"

    shared = settings.SHARED_CACHE
    where = "a shared cache (CACHE_URL)" if shared else "the database (no CACHE_URL)"
    print(f"Quiz sitting: {args.questions} questions, {args.runs} runs, SQLite file database")
    print(f"  sessions and the signed-in user read from {where}")
    app = queries - middleware["session"] - middleware["user"]
    print(f"  queries for the whole sitting : {queries} over {requests} requests")
    print(
        f"    of which session + user     : {middleware['session'] + middleware['user']} "
        f"(Django's middleware: {middleware['session']} session, {middleware['user']} user)"
    )
    print(
        f"    the app's own queries       : {app} "
        f"(target <= 150: {verdict(app <= 150)} for the app's own; "
        f"{verdict(queries <= 150)} counting the middleware too)"
    )
    print(f"  queries per answer save       : {per_save}   (target <= 6: {verdict(per_save <= 6)})")
    print(f"  wall time, median of {args.runs}        : {median * 1000:.0f} ms")
    print(
        f"  review page queries           : {review_small} for 10 questions, "
        f"{review_large} for {args.questions} "
        f"(same: {verdict(review_small == review_large)})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

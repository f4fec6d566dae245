"""Reads that the student pages and the API share, with their joins inside.

Every function here runs a constant number of queries, however many questions or attempts there
are; tests pin the counts.
"""

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from quizzes.models import Attempt, Question, Quiz, Response
from quizzes.services.analytics import AttemptRow, QuizResultsRows, ResponseRow
from quizzes.services.attempts import QuizStanding, quiz_standing

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

    # Pages pass `request.user`, signed in or not: the selectors answer both.
    AnyUser = User | AnonymousUser


def attempt_for_owner(*, user: "AnyUser", pk: int | str) -> Attempt:
    """The attempt with its quiz, if `user` owns it; Http404 otherwise (never 403: no leak)."""
    if not user.is_authenticated:
        raise Http404("No such attempt.")
    try:
        return Attempt.objects.select_related("quiz").get(pk=pk, user=user)
    except (Attempt.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("No such attempt.") from None


def response_for_owner(
    *, user: "AnyUser", attempt_pk: int | str, question_id: int | str
) -> Response | None:
    """The response to `question_id` in `user`'s attempt, its attempt and quiz joined: one query.

    None when there is no such row (not the owner, or not a question of the attempt): callers
    then fall back to `attempt_for_owner`, which tells the two apart.
    """
    if not user.is_authenticated:
        raise Http404("No such attempt.")
    try:
        return (
            # Not the question version: a save does not read the snapshot (the attempt's layout
            # says what a valid answer is), and the locked path reads it again anyway.
            Response.objects.select_related(None)
            .select_related("attempt__quiz")
            .defer("regraded_snapshot")
            .get(attempt_id=attempt_pk, attempt__user=user, question_id=question_id)
        )
    except (Response.DoesNotExist, ValueError, TypeError, OverflowError):
        return None


def attempt_with_responses(*, user: "AnyUser", pk: int | str) -> Attempt:
    """`attempt_for_owner` with its responses (in slot order) prefetched."""
    if not user.is_authenticated:
        raise Http404("No such attempt.")
    queryset = Attempt.objects.select_related("quiz").prefetch_related(
        Prefetch("responses", queryset=Response.objects.order_by("slot"))
    )
    try:
        return queryset.get(pk=pk, user=user)
    except (Attempt.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("No such attempt.") from None


class ResponseMapRow(NamedTuple):
    """One question of an attempt as its question map shows it."""

    slot: int
    answer: Any  # the saved answer (None: not answered)
    flagged: bool


def attempt_response_map(*, attempt: Attempt) -> list[ResponseMapRow]:
    """The responses for a question map, in slot order: (slot, answer, flagged) rows.

    Plain rows, not model instances: every page of an attempt reads all its responses (50 on a
    long quiz), and building that many instances cost more than the query.
    """
    rows = (
        Response.objects.filter(attempt=attempt)
        .order_by("slot")
        .values_list("slot", "answer", "flagged")
    )
    return [ResponseMapRow(*row) for row in rows]


def attempt_page_response(*, user: "AnyUser", pk: int | str, slot: int) -> Response | None:
    """The response at `slot` of `user`'s attempt `pk`, with the attempt, its quiz and the
    question version joined: what the attempt page reads, in one query.

    None when there is no such row (not the owner, no such attempt or slot): the page then
    reads the attempt with `attempt_for_owner`, which tells those apart.
    """
    if not user.is_authenticated:
        raise Http404("No such attempt.")
    try:
        return Response.objects.select_related("attempt__quiz").get(
            attempt_id=pk, attempt__user=user, slot=slot
        )
    except (Response.DoesNotExist, ValueError, TypeError, OverflowError):
        return None


def attempt_response_at(*, attempt: Attempt, slot: int) -> Response | None:
    return Response.objects.filter(attempt=attempt, slot=slot).first()


def attempts_for_student(*, user: "User") -> list[Attempt]:
    """A student's attempt history, newest first, with each quiz."""
    return list(Attempt.objects.filter(user=user).select_related("quiz").order_by("-started_at"))


def quizzes_for_student(
    *, user: "AnyUser", now: datetime
) -> list[tuple[Quiz, QuizStanding | None]]:
    """The published quizzes, each with this student's summary (None when not logged in).

    Two queries: the quizzes, and the student's attempts at them.
    """
    quizzes = Quiz.objects.published().order_by("title")
    if not user.is_authenticated:
        return [(quiz, None) for quiz in quizzes]
    quizzes = quizzes.prefetch_related(
        Prefetch("attempts", queryset=Attempt.objects.filter(user=user), to_attr="student_attempts")
    )
    return [
        (quiz, quiz_standing(quiz=quiz, attempts=quiz.student_attempts, now=now))
        for quiz in quizzes
    ]


def published_quiz(*, slug: str) -> Quiz:
    try:
        return Quiz.objects.published().get(slug=slug)
    except Quiz.DoesNotExist:
        raise Http404("No such quiz.") from None


# --- teachers: how a quiz's questions performed -------------------------------------------------


def quiz_results_rows(*, quiz: Quiz) -> QuizResultsRows:
    """The finished attempts at `quiz` and their responses as plain rows, in three queries.

    Responses bring only what the analysis reads from their question versions (key, kind, text
    and the choices), through JSON key lookups, rather than whole snapshots. (A re-grade changes
    only grading data, none of these.)
    """
    finished = Attempt.objects.finished().filter(quiz=quiz)
    attempts = []
    totals = {}
    for row in finished.order_by("pk").values("pk", "user_id", "grade", "score", "max_score"):
        total = float(row["score"] / row["max_score"]) if row["max_score"] and row["score"] else 0.0
        totals[row["pk"]] = total
        attempts.append(
            AttemptRow(
                attempt_id=row["pk"], user_id=row["user_id"], grade=row["grade"], total=total
            )
        )
    responses = [
        ResponseRow(
            attempt_id=row["attempt_id"],
            question=row["version__snapshot__key"],
            question_id=row["question_id"],
            text=row["version__snapshot__text"] or "",
            kind=row["version__snapshot__kind"],
            choices=row["version__snapshot__choices"] or (),
            parts={
                "pairs": row["version__snapshot__pairs"] or [],
                "answers": row["version__snapshot__answers"] or [],
                "items": row["version__snapshot__items"] or [],
                "item_ids": row["version__snapshot__item_ids"] or [],
            },
            fraction=row["fraction"],
            answer=row["answer"],
            total=totals.get(row["attempt_id"], 0.0),
        )
        for row in Response.objects.filter(attempt__in=finished)
        .order_by("attempt_id", "slot")
        .values(
            "attempt_id",
            "question_id",
            "fraction",
            "answer",
            "version__snapshot__key",
            "version__snapshot__text",
            "version__snapshot__kind",
            "version__snapshot__choices",
            # Matching and ordering: to name a wrong answer by its texts.
            "version__snapshot__pairs",
            "version__snapshot__answers",
            "version__snapshot__items",
            "version__snapshot__item_ids",
        )
    ]
    keys = quiz.quiz_questions.order_by("order", "pk").values_list("question__key", flat=True)
    positions = {key: place for place, key in enumerate(keys, start=1)}
    return QuizResultsRows(attempts=attempts, responses=responses, positions=positions)


def questions_to_export(
    *, tags: Sequence[str] = (), quiz: Quiz | None = None, articles: Sequence[str] = ()
) -> QuerySet[Question]:
    """The questions an export writes: those with any of `tags` (slugs), of `quiz` (in its
    order) and on the facts of `articles` (slugs), each filter applied when given; by key
    otherwise. Parts prefetched (`export_questions` then runs a constant number of queries)."""
    questions = Question.objects.with_parts()
    if tags:
        questions = questions.filter(
            pk__in=Question.tags.through.objects.filter(tag__slug__in=tags).values("question")
        )
    if articles:
        questions = questions.filter(fact__article__slug__in=articles)
    if quiz is not None:
        return questions.filter(quiz_questions__quiz=quiz).order_by("quiz_questions__order", "pk")
    return questions.order_by("key")

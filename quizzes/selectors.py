"""Reads that the student pages and the API share, with their joins inside.

Every function here runs a constant number of queries, however many questions or attempts there
are; tests pin the counts.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from django.contrib.auth import get_user_model
from django.db.models import (
    CharField,
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.http import Http404

from quizzes.models import (
    Attempt,
    AttemptState,
    Classroom,
    Question,
    Quiz,
    QuizAssignment,
    QuizQuestion,
    QuizRandomSlot,
    Response,
)
from quizzes.prepared import PreparedQuery
from quizzes.services.analytics import AttemptRow, QuizResultsRows, ResponseRow, SlotPlace
from quizzes.services.attempts import QuizStanding, quiz_standing
from quizzes.services.classes import effective_rules_for

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
    return _RESPONSE_FOR_OWNER.one(attempt_pk=attempt_pk, user_id=user.pk, question_id=question_id)


# Not the question version: a save does not read the snapshot (the attempt's layout says what a
# valid answer is), and the locked path reads it again anyway. Compiled once (the save's read).
_RESPONSE_FOR_OWNER: PreparedQuery[Response] = PreparedQuery(
    lambda attempt_pk, user_id, question_id: (
        Response.objects.select_related(None)
        .select_related("attempt__quiz")
        .defer("regraded_snapshot")
        .filter(attempt_id=attempt_pk, attempt__user_id=user_id, question_id=question_id)
    ),
    "attempt_pk",
    "user_id",
    "question_id",
)


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
    return _ATTEMPT_PAGE_RESPONSE.one(attempt_pk=pk, user_id=user.pk, slot=slot)


# Compiled once (quizzes/prepared.py): the ORM building this join again on every page was a
# third of the page's CPU. (attempt, slot) is unique, so the row is the one `get()` would read.
_ATTEMPT_PAGE_RESPONSE: PreparedQuery[Response] = PreparedQuery(
    lambda attempt_pk, user_id, slot: (
        Response.objects.select_related("attempt__quiz")
        .filter(attempt_id=attempt_pk, attempt__user_id=user_id, slot=slot)
        .order_by()  # as `get()` reads it: the model's ordering would sort on a joined column
    ),
    "attempt_pk",
    "user_id",
    "slot",
)


def attempt_response_at(*, attempt: Attempt, slot: int) -> Response | None:
    return Response.objects.filter(attempt=attempt, slot=slot).first()


def attempts_for_student(*, user: "User") -> list[Attempt]:
    """A student's attempt history, newest first, with each quiz."""
    return list(Attempt.objects.filter(user=user).select_related("quiz").order_by("-started_at"))


def quizzes_for_student(
    *, user: "AnyUser", now: datetime
) -> list[tuple[Quiz, QuizStanding | None]]:
    """The published quizzes `user` may see, each with this student's summary under their own
    rules (None when not logged in).

    Three queries: the quizzes, the student's attempts at them, and their rules (assignments
    and overrides); the permission read is the request's.
    """
    quizzes = Quiz.objects.visible_to(user).order_by("title")
    if not user.is_authenticated:
        return [(quiz, None) for quiz in quizzes]
    quizzes = list(
        quizzes.prefetch_related(
            Prefetch(
                "attempts", queryset=Attempt.objects.filter(user=user), to_attr="student_attempts"
            )
        )
    )
    rules = effective_rules_for(quizzes=quizzes, user=user)
    return [
        (
            quiz,
            quiz_standing(quiz=quiz, attempts=quiz.student_attempts, now=now, rules=rules[quiz.pk]),
        )
        for quiz in quizzes
    ]


def quiz_question_count(*, quiz: Quiz) -> int:
    """How many questions an attempt at `quiz` asks: its own and those its random slots draw
    (one query)."""
    fixed = (
        QuizQuestion.objects.filter(quiz=OuterRef("pk"))
        .order_by()
        .values("quiz")
        .annotate(n=Count("pk"))
        .values("n")
    )
    drawn = (
        QuizRandomSlot.objects.filter(quiz=OuterRef("pk"))
        .order_by()
        .values("quiz")
        .annotate(n=Sum("count"))
        .values("n")
    )
    row = (
        Quiz.objects.filter(pk=quiz.pk)
        .annotate(fixed=Subquery(fixed), drawn=Subquery(drawn))
        .values_list("fixed", "drawn")
        .first()
    )
    return sum(n or 0 for n in row) if row else 0


def visible_quiz(*, slug: str, user: "AnyUser") -> Quiz:
    """The published quiz `user` may see (`Quiz.objects.visible_to`); Http404 otherwise."""
    try:
        return Quiz.objects.visible_to(user).get(slug=slug)
    except Quiz.DoesNotExist:
        raise Http404("No such quiz.") from None


# --- teachers: how a quiz's questions performed -------------------------------------------------


def quiz_results_rows(*, quiz: Quiz) -> QuizResultsRows:
    """The finished attempts at `quiz` and their responses as plain rows, in three queries.

    Each response says which random slot drew its question (from its attempt's layout), and
    the quiz's order now places the questions and the random slots together.

    Responses bring only what the analysis reads from their question versions (key, kind, text
    and the choices), through JSON key lookups, rather than whole snapshots. (A re-grade changes
    only grading data, none of these.)
    """
    finished = Attempt.objects.finished().filter(quiz=quiz)
    attempts = []
    totals = {}
    drew: dict[tuple[int, int], int] = {}  # (attempt, question) -> the random slot that drew it
    rows = finished.order_by("pk").values("pk", "user_id", "grade", "score", "max_score", "layout")
    for row in rows:
        total = float(row["score"] / row["max_score"]) if row["max_score"] and row["score"] else 0.0
        totals[row["pk"]] = total
        for item in row["layout"] or ():
            if item.get("drawn_by") is not None:
                drew[(row["pk"], item["question"])] = item["drawn_by"]
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
            drawn_by=drew.get((row["attempt_id"], row["question_id"])),
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
    positions, drawn = quiz_places(quiz=quiz)
    return QuizResultsRows(attempts=attempts, responses=responses, positions=positions, drawn=drawn)


def quiz_places(*, quiz: Quiz) -> tuple[dict[str, int], dict[int, SlotPlace]]:
    """The quiz's order now, in one query: the place (from 1) of each question (by key) and of
    each random slot (by id), as an attempt lays them out before any shuffle."""
    blank = Value(None, output_field=CharField())
    fixed = (
        quiz.quiz_questions.order_by()
        .annotate(is_slot=Value(0), ref=F("question__key"), tag_name=blank, article_title=blank)
        .values_list("order", "is_slot", "pk", "ref", "tag_name", "article_title")
    )
    slots = (
        QuizRandomSlot.objects.filter(quiz=quiz)
        .order_by()
        .annotate(
            is_slot=Value(1), ref=blank, tag_name=F("tag__name"), article_title=F("article__title")
        )
        .values_list("order", "is_slot", "pk", "ref", "tag_name", "article_title")
    )
    positions: dict[str, int] = {}
    drawn: dict[int, SlotPlace] = {}
    rows = sorted(fixed.union(slots, all=True), key=lambda row: row[:3])
    for place, (_order, is_slot, pk, key, tag_name, article_title) in enumerate(rows, start=1):
        if is_slot:
            label = f"tag {tag_name}" if tag_name is not None else f"article {article_title}"
            drawn[pk] = SlotPlace(position=place, label=label)
        else:
            positions[key] = place
    return positions, drawn


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


# --- classes: what is due, a student's classes ----------------------------------------------

# "Due soon": closing within this long.
DUE_SOON = timedelta(days=7)


class DueItem(Protocol):
    """Something assigned that the "Due" section lists: a quiz here, a deck from the flashcards
    app (through `DUE_SOURCES`). `template` renders its card, with `item` and the group's `slug`."""

    @property
    def title(self) -> str: ...

    @property
    def closes(self) -> datetime | None: ...

    @property
    def done(self) -> bool: ...

    template: str


# What other apps add to the "Due" section: each is called as `source(user=…, now=…)` and
# returns `DueItem`s in a fixed number of queries. quizzes imports no flashcards
# (tests/test_app_boundaries.py): the flashcards app adds its assigned decks here when it is
# ready (flashcards/apps.py).
DUE_SOURCES: list[Callable[..., Sequence[DueItem]]] = []


@dataclass(frozen=True)
class DueQuiz:
    """An assigned quiz on a student's home page, under the student's own rules."""

    quiz: Quiz
    standing: QuizStanding
    done: bool  # a finished attempt

    template = "quizzes/_due_quiz.html"

    @property
    def title(self) -> str:
        return self.quiz.title

    @property
    def closes(self) -> datetime | None:
        return self.standing.closes


@dataclass(frozen=True)
class DueList:
    overdue: list[DueItem]
    soon: list[DueItem]  # closing within DUE_SOON
    later: list[DueItem]  # later, or with no due date
    done: list[DueItem]

    def groups(self) -> tuple[list[DueItem], ...]:
        return (self.overdue, self.soon, self.later, self.done)

    def __bool__(self) -> bool:
        return any(self.groups())


def due_for_student(*, user: "AnyUser", now: datetime) -> DueList:
    """The published quizzes assigned to `user`'s classes, sorted into overdue, due soon, later
    and done (a finished attempt), each under the student's own dates and time (overrides
    included), with what other apps add (`DUE_SOURCES`: the assigned decks). Three queries for
    the quizzes, however many classes and quizzes: the quizzes, the student's attempts at them,
    and their rules; then each source's own fixed number."""
    due = DueList([], [], [], [])
    if not user.is_authenticated:
        return due
    items: list[DueItem] = [*_due_quizzes(user=user, now=now)]
    for source in DUE_SOURCES:
        items.extend(source(user=user, now=now))
    far = datetime.max.replace(tzinfo=now.tzinfo)
    for item in sorted(items, key=lambda i: (i.closes or far, i.title)):
        if item.done:
            due.done.append(item)
        elif item.closes is not None and item.closes <= now:
            due.overdue.append(item)
        elif item.closes is not None and item.closes <= now + DUE_SOON:
            due.soon.append(item)
        else:
            due.later.append(item)
    return due


def _due_quizzes(*, user: "User", now: datetime) -> list[DueQuiz]:
    assigned = QuizAssignment.objects.filter(
        quiz=OuterRef("pk"), classroom__enrolments__student=user
    )
    quizzes = list(
        Quiz.objects.published()
        .filter(Exists(assigned))
        .prefetch_related(
            Prefetch(
                "attempts", queryset=Attempt.objects.filter(user=user), to_attr="student_attempts"
            )
        )
    )
    if not quizzes:
        return []
    rules = effective_rules_for(quizzes=quizzes, user=user)
    items = []
    for quiz in quizzes:
        standing = quiz_standing(
            quiz=quiz, attempts=quiz.student_attempts, now=now, rules=rules[quiz.pk]
        )
        done = any(a.state == AttemptState.FINISHED for a in quiz.student_attempts)
        items.append(DueQuiz(quiz=quiz, standing=standing, done=done))
    return items


def classrooms_for_student(*, user: "User") -> list[Classroom]:
    """The classes `user` attends, with their teachers (two queries)."""
    return list(
        Classroom.objects.attended_by(user)
        .prefetch_related(
            Prefetch("teachers", queryset=get_user_model().objects.order_by("username"))
        )
        .order_by("name", "pk")
    )


def classes_visible_to(user: "AnyUser") -> QuerySet[Classroom]:
    """The classes `user` teaches or attends, with what the list shows (constant queries)."""
    if not user.is_authenticated:  # the schema generator's anonymous request
        return Classroom.objects.none()
    taught = Classroom.teachers.through.objects.filter(classroom=OuterRef("pk"), user=user)
    classes = Classroom.objects.filter(
        Q(pk__in=Classroom.objects.taught_by(user).values("pk"))
        | Q(pk__in=Classroom.objects.attended_by(user).values("pk"))
    )
    return (
        classes.annotate(_teaches=Exists(taught), _student_count=Count("enrolments", distinct=True))
        .prefetch_related(
            Prefetch("teachers", queryset=get_user_model().objects.order_by("username")),
            Prefetch("students", queryset=get_user_model().objects.order_by("username")),
        )
        .order_by("name", "pk")
    )

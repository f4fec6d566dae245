"""Classes and the rules they change: joining, rosters, assignments and accommodations.

The rules a student takes a quiz under (`effective_rules`) are composed, field by field, from:

1. the quiz's own settings (window, time limit, attempts allowed);
2. the class assignments: a student in a class the quiz is assigned to gets the assignment's
   window instead of the quiz's (an empty end keeps the quiz's own); in two such classes, the
   more generous window (the earlier opening, the later closing);
3. the class overrides of the student's classes (the most generous of each field when there are
   several);
4. the student's own override, which wins over the class override field by field (an empty field
   of the student's override keeps the class's).

The time limit is then `limit × time_multiplier + extra_minutes` (an untimed quiz stays untimed),
the attempts allowed `attempts_allowed + extra_attempts` (unlimited stays unlimited), and an
override's opening or closing date replaces the window's.

All of it is read in one query (`_rule_rows`), so a start that reads the rules sees one committed
state of the assignments and overrides, never a mix of an old and a new one.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import (
    Case,
    CharField,
    DecimalField,
    IntegerField,
    Model,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Lower

from quizzes.models import Classroom, Enrolment, Quiz, QuizAssignment, QuizOverride
from quizzes.models.classes import new_join_code, normalised_join_code
from quizzes.prepared import PreparedQuery

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

# An assignment model: `QuizAssignment` here, `DeckAssignment` in the flashcards app.
A = TypeVar("A", bound=Model)

# The roster import reads at most this many lines (a class, not a school's directory).
ROSTER_MAX_LINES = 2000


# --- effective rules --------------------------------------------------------------------------


@dataclass(frozen=True)
class EffectiveRules:
    """The rules one student takes one quiz under."""

    opens: datetime | None  # None: open from the start
    closes: datetime | None  # None: never closes; the due date when assigned
    time_limit: timedelta | None  # None: untimed
    attempts_allowed: int | None  # None: unlimited
    assigned: bool = False  # the quiz is assigned to one of the student's classes
    accommodated: bool = False  # an override (the student's or a class's) changed something

    def window_open(self, now: datetime) -> bool:
        return (self.opens is None or self.opens <= now) and (
            self.closes is None or now < self.closes
        )

    def deadline(self, started_at: datetime) -> datetime | None:
        """When an attempt started at `started_at` is submitted by itself: the end of its time
        limit or the closing date, whichever comes first."""
        candidates = []
        if self.time_limit:
            candidates.append(started_at + self.time_limit)
        if self.closes:
            candidates.append(self.closes)
        return min(candidates, default=None)


@dataclass(frozen=True)
class Accommodation:
    """An override's fields as plain data (None: leaves that rule alone)."""

    extra_minutes: int | None = None
    time_multiplier: Decimal | None = None
    extra_attempts: int | None = None
    opens: datetime | None = None
    closes: datetime | None = None

    def is_empty(self) -> bool:
        return all(
            value is None
            for value in (
                self.extra_minutes,
                self.time_multiplier,
                self.extra_attempts,
                self.opens,
                self.closes,
            )
        )


def _most_generous(accommodations: list[Accommodation]) -> Accommodation:
    """Several class overrides at once: the most generous value of each field."""

    def largest(values: Iterable[Any]) -> Any:
        present = [v for v in values if v is not None]
        return max(present) if present else None

    def earliest(values: Iterable[Any]) -> Any:
        present = [v for v in values if v is not None]
        return min(present) if present else None

    return Accommodation(
        extra_minutes=largest(a.extra_minutes for a in accommodations),
        time_multiplier=largest(a.time_multiplier for a in accommodations),
        extra_attempts=largest(a.extra_attempts for a in accommodations),
        opens=earliest(a.opens for a in accommodations),
        closes=largest(a.closes for a in accommodations),
    )


def _first_set(*values: Any) -> Any:
    return next((value for value in values if value is not None), None)


def compose_rules(
    *,
    quiz: Quiz,
    assignments: Iterable[tuple[datetime | None, datetime | None]] = (),
    class_overrides: Iterable[Accommodation] = (),
    user_override: Accommodation | None = None,
) -> EffectiveRules:
    """The rules from the quiz, the (opens, closes) of its assignments to the student's classes,
    their class overrides and the student's own override (pure: no database).

    >>> from datetime import timedelta
    >>> quiz = Quiz(time_limit=timedelta(minutes=10), attempts_allowed=1)
    >>> rules = compose_rules(quiz=quiz, user_override=Accommodation(
    ...     time_multiplier=Decimal("1.5"), extra_minutes=2, extra_attempts=1))
    >>> rules.time_limit, rules.attempts_allowed
    (datetime.timedelta(seconds=1020), 2)
    """
    opens, closes = quiz.opens_at, quiz.closes_at
    windows = [
        (a_opens if a_opens is not None else quiz.opens_at, a_closes or quiz.closes_at)
        for a_opens, a_closes in assignments
    ]
    if windows:
        starts = [start for start, _ in windows]
        ends = [end for _, end in windows]
        opens = None if None in starts else min(s for s in starts if s is not None)
        closes = None if None in ends else max(e for e in ends if e is not None)

    class_overrides = list(class_overrides)
    by_class = _most_generous(class_overrides) if class_overrides else Accommodation()
    mine = user_override or Accommodation()
    override = Accommodation(
        extra_minutes=_first_set(mine.extra_minutes, by_class.extra_minutes),
        time_multiplier=_first_set(mine.time_multiplier, by_class.time_multiplier),
        extra_attempts=_first_set(mine.extra_attempts, by_class.extra_attempts),
        opens=_first_set(mine.opens, by_class.opens),
        closes=_first_set(mine.closes, by_class.closes),
    )

    time_limit = quiz.time_limit
    if time_limit:
        if override.time_multiplier is not None:
            seconds = Decimal(time_limit.total_seconds()) * override.time_multiplier
            time_limit = timedelta(seconds=round(seconds))
        if override.extra_minutes:
            time_limit += timedelta(minutes=override.extra_minutes)
    attempts = quiz.attempts_allowed
    if attempts is not None and override.extra_attempts:
        attempts += override.extra_attempts
    if override.opens is not None:
        opens = override.opens
    if override.closes is not None:
        closes = override.closes
    return EffectiveRules(
        opens=opens,
        closes=closes,
        time_limit=time_limit,
        attempts_allowed=attempts,
        assigned=bool(windows),
        accommodated=not override.is_empty(),
    )


_RULE_COLUMNS = (
    "quiz_id",
    "source",
    "opens",
    "closes",
    "extra_minutes",
    "time_multiplier",
    "extra_attempts",
)


def _rule_rows(*, quiz_ids: list[int], user: User) -> list[tuple]:
    """The assignments and overrides that apply to `user` on these quizzes: one query (a UNION),
    as rows of `_RULE_COLUMNS` with `source` "assignment", "class" or "user". For one quiz (a
    start, a quiz's page) the query is compiled once (`_RULE_ROWS_OF_ONE`)."""
    if len(quiz_ids) == 1:
        return _RULE_ROWS_OF_ONE.all(quiz_id=quiz_ids[0], user_id=user.pk)
    return list(_rule_queryset(quiz_ids=quiz_ids, user_id=user.pk))


def _rule_queryset(*, quiz_ids: list[Any], user_id: Any) -> QuerySet:
    classes = Enrolment.objects.filter(student_id=user_id).values("classroom_id")
    assignments = (
        QuizAssignment.objects.filter(quiz_id__in=quiz_ids, classroom_id__in=classes)
        .order_by()
        .annotate(
            source=Value("assignment", output_field=CharField()),
            extra_minutes=Value(None, output_field=IntegerField()),
            time_multiplier=Value(None, output_field=DecimalField(max_digits=4, decimal_places=2)),
            extra_attempts=Value(None, output_field=IntegerField()),
        )
        .values_list(*_RULE_COLUMNS)
    )
    overrides = (
        QuizOverride.objects.filter(quiz_id__in=quiz_ids)
        .filter(Q(user_id=user_id) | Q(classroom_id__in=classes))
        .order_by()
        .annotate(
            source=Case(
                When(user__isnull=False, then=Value("user")),
                default=Value("class"),
                output_field=CharField(),
            )
        )
        .values_list(*_RULE_COLUMNS)
    )
    return assignments.union(overrides, all=True)


_RULE_ROWS_OF_ONE: PreparedQuery[Any] = PreparedQuery(
    lambda quiz_id, user_id: _rule_queryset(quiz_ids=[quiz_id], user_id=user_id),
    "quiz_id",
    "user_id",
)


def effective_rules_for(
    *, quizzes: Iterable[Quiz], user: User | AnonymousUser
) -> dict[int, EffectiveRules]:
    """`effective_rules` of each quiz, by quiz id, in one query (none when signed out)."""
    quizzes = list(quizzes)
    if not user.is_authenticated or not quizzes:
        return {quiz.pk: compose_rules(quiz=quiz) for quiz in quizzes}
    assignments: dict[int, list] = defaultdict(list)
    by_class: dict[int, list] = defaultdict(list)
    by_user: dict[int, Accommodation] = {}
    for quiz_id, source, opens, closes, minutes, multiplier, attempts in _rule_rows(
        quiz_ids=[quiz.pk for quiz in quizzes], user=user
    ):
        if source == "assignment":
            assignments[quiz_id].append((opens, closes))
            continue
        if multiplier is not None and not isinstance(multiplier, Decimal):
            multiplier = Decimal(str(multiplier))  # SQLite's UNION may hand back a float
        accommodation = Accommodation(minutes, multiplier, attempts, opens, closes)
        if source == "user":
            by_user[quiz_id] = accommodation
        else:
            by_class[quiz_id].append(accommodation)
    return {
        quiz.pk: compose_rules(
            quiz=quiz,
            assignments=assignments[quiz.pk],
            class_overrides=by_class[quiz.pk],
            user_override=by_user.get(quiz.pk),
        )
        for quiz in quizzes
    }


def effective_rules(*, quiz: Quiz, user: User | AnonymousUser) -> EffectiveRules:
    """The window, time limit and attempts allowed `user` takes `quiz` under (one query)."""
    return effective_rules_for(quizzes=[quiz], user=user)[quiz.pk]


# --- classes and their students -----------------------------------------------------------------


@transaction.atomic
def classroom_create(*, teacher: User, name: str) -> Classroom:
    """A new class taught by `teacher`, with a fresh join code."""
    classroom = Classroom(name=name.strip())
    classroom.full_clean(exclude=["join_code"])
    classroom.join_code = _unused_join_code()
    classroom.save()
    classroom.teachers.add(teacher)
    return classroom


def _unused_join_code() -> str:
    # 31^8 codes: a clash is all but impossible, but cheap to rule out.
    for _ in range(10):
        code = new_join_code()
        if not Classroom.objects.filter(join_code=code).exists():
            return code
    raise RuntimeError("Could not find an unused join code.")  # pragma: no cover


def classroom_reset_code(*, classroom: Classroom) -> Classroom:
    """A new join code: the old one no longer lets anyone in (those enrolled stay)."""
    classroom.join_code = _unused_join_code()
    classroom.save(update_fields=["join_code"])
    return classroom


def join_code_problem(code: str) -> str:
    shown = code.strip()[:40]
    return f"No class has the code “{shown}”. Check it with your teacher."


def classroom_join(*, student: User, code: str) -> tuple[Classroom, bool]:
    """Join the class with this code; returns (classroom, joined now). Joining twice is
    harmless. A wrong code raises ValidationError on "code"."""
    normalised = normalised_join_code(code or "")
    classroom = Classroom.objects.filter(join_code=normalised).first() if normalised else None
    if classroom is None:
        raise ValidationError({"code": join_code_problem(code or "")})
    return classroom, enrol(classroom=classroom, student=student)


def enrol(*, classroom: Classroom, student: User) -> bool:
    """Add `student` to the class; False when they were in it already."""
    try:
        with transaction.atomic():
            _, created = Enrolment.objects.get_or_create(classroom=classroom, student=student)
    except IntegrityError:
        return False  # a simultaneous join made the row
    return created


def unenrol(*, classroom: Classroom, student: User) -> bool:
    """Take `student` out of the class; False when they were not in it. Their attempts stay."""
    deleted, _ = Enrolment.objects.filter(classroom=classroom, student=student).delete()
    return bool(deleted)


def classroom_leave(*, classroom: Classroom, student: User) -> bool:
    return unenrol(classroom=classroom, student=student)


@dataclass(frozen=True)
class RosterResult:
    added: list[User]
    already: list[User]


def _roster_names(csv_text: str) -> list[tuple[int, str]]:
    """(line number, username or email) for each line that names someone: the first cell of
    each row; blank lines, `#` comments and a header ("username" or "email") before the first
    name are skipped."""
    rows: list[tuple[int, str]] = []
    for number, row in enumerate(csv.reader(io.StringIO(csv_text)), start=1):
        cell = next((cell.strip() for cell in row if cell.strip()), "")
        if not cell or cell.startswith("#"):
            continue
        if not rows and cell.lower() in {"username", "email", "user", "login"}:
            continue
        rows.append((number, cell))
    return rows


@transaction.atomic
def roster_import(*, classroom: Classroom, csv_text: str) -> RosterResult:
    """Enrol the users a CSV names (one per line, username or email, first column), all or
    none: any line that names nobody (or two people) raises ValidationError on "csv" with one
    message per line at fault, and nobody is enrolled."""
    try:
        names = _roster_names(csv_text)
    except csv.Error as error:
        raise ValidationError({"csv": f"This is not readable CSV: {error}."}) from None
    if not names:
        raise ValidationError({"csv": "The file names nobody: one username or email a line."})
    if len(names) > ROSTER_MAX_LINES:
        raise ValidationError({"csv": f"At most {ROSTER_MAX_LINES} students at a time."})
    wanted = sorted({name.lower() for _, name in names})
    found: list[User] = list(
        get_user_model()
        .objects.filter(is_active=True)
        .annotate(username_lower=Lower("username"), email_lower=Lower("email"))
        .filter(Q(username_lower__in=wanted) | Q(email_lower__in=wanted))
    )
    by_username = {user.username.lower(): user for user in found}
    by_email: dict[str, list] = defaultdict(list)
    for user in found:
        if user.email:
            by_email[user.email.lower()].append(user)

    errors, students = [], []
    for number, name in names:
        key = name.lower()
        if key in by_username:
            students.append(by_username[key])
        elif len(by_email.get(key, [])) == 1:
            students.append(by_email[key][0])
        elif by_email.get(key):
            errors.append(f"line {number}: more than one user has the email '{name}'")
        else:
            errors.append(f"line {number}: no user '{name}'")
    if errors:
        raise ValidationError({"csv": errors})

    unique = list({student.pk: student for student in students}.values())
    enrolled = set(
        Enrolment.objects.filter(classroom=classroom, student__in=unique).values_list(
            "student_id", flat=True
        )
    )
    added = [student for student in unique if student.pk not in enrolled]
    Enrolment.objects.bulk_create(
        [Enrolment(classroom=classroom, student=student) for student in added],
        ignore_conflicts=True,
    )
    return RosterResult(added=added, already=[s for s in unique if s.pk in enrolled])


# --- assignments and overrides ------------------------------------------------------------------


def assignment_set(
    model: type[A],
    *,
    classroom: Classroom,
    opens: datetime | None,
    closes: datetime | None,
    **item: Any,
) -> tuple[A, bool]:
    """Assign the item (`quiz=…`, or `deck=…` for the flashcards app's `DeckAssignment`) to the
    class with this window, or change the window of the assignment there is, under a row lock;
    returns (assignment, created). ValidationError by field on a bad window. Call it inside a
    transaction."""
    found = model._default_manager.select_for_update().filter(classroom=classroom, **item).first()
    assignment: Any = found or model(classroom=classroom, **item)
    assignment.opens, assignment.closes = opens, closes
    assignment.full_clean(validate_unique=False)
    assignment.save()
    return assignment, found is None


@transaction.atomic
def assign_quiz(
    *,
    classroom: Classroom,
    quiz: Quiz,
    opens: datetime | None = None,
    closes: datetime | None = None,
) -> tuple[QuizAssignment, bool]:
    """Assign `quiz` to the class with this window, or change the window of the assignment
    there is; returns (assignment, created). ValidationError by field on a bad window."""
    return assignment_set(
        QuizAssignment, classroom=classroom, opens=opens, closes=closes, quiz=quiz
    )


@dataclass(frozen=True)
class Assignable:
    """Something besides quizzes that another app lets teachers assign to a class (the
    flashcards app: decks), registered from that app's `ready()`: quizzes imports nothing from
    it (tests/test_app_boundaries.py)."""

    find: Callable[[str], Any]  # a slug -> the object, or None
    assign: Callable[..., tuple[Any, bool]]  # (classroom=, item=, opens=, closes=) -> (row, new)


ASSIGNABLES: dict[str, Assignable] = {}


def register_assignable(name: str, assignable: Assignable) -> None:
    ASSIGNABLES[name] = assignable


OVERRIDE_FIELDS = ("extra_minutes", "time_multiplier", "extra_attempts", "opens", "closes")


@transaction.atomic
def override_set(
    *,
    quiz: Quiz,
    user: User | None = None,
    classroom: Classroom | None = None,
    **fields: Any,
) -> QuizOverride:
    """Set the override of `quiz` for one student or one class (exactly one of them), replacing
    the fields of the one there is (a field not given is emptied). ValidationError by field.

    For a student, their user row is locked first, the lock an attempt's start takes: a start
    and an override change on the same student follow one another, so the start's deadline
    uses the old override or the new one."""
    unknown = set(fields) - set(OVERRIDE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown override fields: {', '.join(sorted(unknown))}")
    if (user is None) == (classroom is None):
        raise ValidationError({"user": "An override is for one student or one class."})
    if user is not None:
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        existing = QuizOverride.objects.select_for_update().filter(quiz=quiz, user=user).first()
    else:
        existing = (
            QuizOverride.objects.select_for_update().filter(quiz=quiz, classroom=classroom).first()
        )
    override = existing or QuizOverride(quiz=quiz, user=user, classroom=classroom)
    for name in OVERRIDE_FIELDS:
        setattr(override, name, fields.get(name))
    override.full_clean(validate_unique=False)
    if Accommodation(**{name: getattr(override, name) for name in OVERRIDE_FIELDS}).is_empty():
        raise ValidationError(
            "An override needs at least one change (extra time, attempts or dates)."
        )
    override.save()
    return override

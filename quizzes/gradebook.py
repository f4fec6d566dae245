"""The gradebook: how a class's students stand on the quizzes assigned to it (selectors).

Three reads, for the class's teachers (the pages in `quizzes/admin/gradebook.py` and
`GET /api/classes/{id}/gradebook/` share them):

- `class_gradebook`: every student × every quiz assigned to the class, with each quiz's
  completion and the distribution of the class's grades;
- `quiz_gradebook`: one quiz's row per student (attempts, state, final grade, time taken,
  accommodations), sortable;
- `student_report`: one student's quizzes, and the flashcard decks they study with their
  retention (a section the flashcards app adds: `STUDENT_REPORT_SECTIONS`).

Each runs a fixed number of queries whatever the number of students and quizzes (tests pin them;
`bench/gradebook.py` times the class grid with 1,000 students × 20 quizzes): rows come back as
tuples (`values_list`) and the figures are worked out here, in plain Python.

The final grade is the quiz's grading method applied to the finished attempts' grades
(`grading.final_grade`), as the student sees it once the marks are shown; a teacher sees it at
once. The accommodations are the class's override and the student's own on the quiz (an override
for another class of the student's is not this class's business, and is left out).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import FloatField, Func, Q, QuerySet

from quizzes.grades import format_grade
from quizzes.models import (
    Attempt,
    AttemptState,
    Classroom,
    Enrolment,
    Quiz,
    QuizAssignment,
    QuizOverride,
)
from quizzes.services.analytics import GradeBand, grade_distribution
from quizzes.services.classes import Accommodation
from quizzes.services.grading import final_grade

NOT_STARTED, IN_PROGRESS, FINISHED = "not_started", "in_progress", "finished"
STATE_LABELS = {NOT_STARTED: "Not started", IN_PROGRESS: "In progress", FINISHED: "Finished"}


# --- what the pages show ------------------------------------------------------------------------


@dataclass(frozen=True)
class Student:
    id: int
    username: str
    name: str  # the full name, or the username when there is none


@dataclass(frozen=True)
class QuizColumn:
    id: int
    slug: str
    title: str
    maximum_grade: Decimal
    grading_method: str
    due: datetime | None  # the assignment's closing date, else the quiz's
    finished: int = 0  # students with a finished attempt
    students: int = 0

    @property
    def completion(self) -> float | None:
        """The share of the class with a finished attempt (None: no students)."""
        return self.finished / self.students if self.students else None


@dataclass(frozen=True, slots=True)
class Cell:
    """One student on one quiz."""

    quiz_id: int
    state: str  # NOT_STARTED, IN_PROGRESS or FINISHED
    attempts: int
    grade: Decimal | None  # the final grade by the quiz's grading method
    maximum_grade: Decimal
    time_taken: timedelta | None  # the latest finished attempt's
    accommodation: str = ""  # "time ×1.5; +1 attempt" (the class's and the student's own)

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def display(self) -> str:
        """What the class grid shows: the grade once there is one, else the state."""
        if self.grade is not None:
            return format_grade(self.grade)
        return "–" if self.state == NOT_STARTED else self.state_label

    @property
    def percent(self) -> float | None:
        if self.grade is None:
            return None
        return float(self.grade * 100 / self.maximum_grade)


@dataclass(frozen=True)
class StudentRow:
    student: Student
    cells: list[Cell]


@dataclass(frozen=True)
class ClassGradebook:
    classroom: Classroom
    quizzes: list[QuizColumn]
    rows: list[StudentRow]
    distribution: list[GradeBand]  # final grades, as % of each quiz's maximum grade


@dataclass(frozen=True)
class QuizGradebook:
    classroom: Classroom
    quiz: QuizColumn
    rows: list[tuple[Student, Cell]]
    sort: str


@dataclass(frozen=True)
class ReportSection:
    """A part of a student's report that another app adds (the flashcards app: their decks)."""

    title: str
    template: str  # rendered with `section` in its context
    rows: list = field(default_factory=list)


# What other apps add to a student's report: each is called as `section(student_id=…, now=…)`
# and returns a `ReportSection` in a fixed number of queries. quizzes imports no flashcards
# (tests/test_app_boundaries.py): the flashcards app adds its decks here when it is ready
# (flashcards/apps.py).
STUDENT_REPORT_SECTIONS: list[Callable[..., ReportSection]] = []


@dataclass(frozen=True)
class StudentReport:
    classroom: Classroom
    student: Student
    quizzes: list[tuple[QuizColumn, Cell]]
    sections: list[ReportSection] = field(default_factory=list)


# --- the pieces, pure -------------------------------------------------------------------------


def accommodation_text(accommodation: Accommodation) -> str:
    """An override as a teacher reads it in a cell.

    >>> accommodation_text(Accommodation(time_multiplier=Decimal("1.50"), extra_attempts=1))
    'time ×1.5; +1 attempt'
    >>> accommodation_text(Accommodation(extra_minutes=10, extra_attempts=2))
    '+10 min; +2 attempts'
    """
    parts = []
    if accommodation.time_multiplier is not None:
        parts.append(f"time ×{Decimal(accommodation.time_multiplier).normalize():f}")
    if accommodation.extra_minutes:
        parts.append(f"+{accommodation.extra_minutes} min")
    if accommodation.extra_attempts:
        n = accommodation.extra_attempts
        parts.append(f"+{n} attempt{'s' if n != 1 else ''}")
    if accommodation.opens is not None:
        parts.append(f"opens {accommodation.opens:%Y-%m-%d %H:%M}")
    if accommodation.closes is not None:
        parts.append(f"closes {accommodation.closes:%Y-%m-%d %H:%M}")
    return "; ".join(parts)


_FINISHED, _IN_PROGRESS = str(AttemptState.FINISHED), str(AttemptState.IN_PROGRESS)


def make_cell(
    *,
    quiz: QuizColumn,
    attempts: Sequence[tuple],
    accommodations: Sequence[tuple[str, Accommodation]] = (),
) -> Cell:
    """A cell from the student's attempts at the quiz, as (number, state, grade, seconds taken)
    tuples, and the overrides that apply, as (whose, accommodation).

    Written for speed (the class grid makes 20,000 of them): one pass over the attempts.
    """
    text = (
        "; ".join(
            f"{accommodation_text(acc)} ({whose})"
            for whose, acc in accommodations
            if not acc.is_empty()
        )
        if accommodations
        else ""
    )
    if not attempts:
        return Cell(quiz.id, NOT_STARTED, 0, None, quiz.maximum_grade, None, text)
    ordered = sorted(attempts) if len(attempts) > 1 else attempts
    grades = []
    latest_seconds = None
    running = False
    finished = False
    for _number, state, grade, seconds in ordered:
        if state == _FINISHED:
            finished = True
            latest_seconds = seconds
            if grade is not None:
                grades.append(grade)
        elif state == _IN_PROGRESS:
            running = True
    return Cell(
        quiz.id,
        IN_PROGRESS if running else FINISHED if finished else NOT_STARTED,
        len(ordered),
        final_grade(method=quiz.grading_method, grades=grades) if grades else None,
        quiz.maximum_grade,
        None if latest_seconds is None else timedelta(seconds=round(latest_seconds)),
        text,
    )


SORTS = {
    "name": lambda s, c: (s.name.casefold(), s.username),
    "attempts": lambda s, c: (c.attempts,),
    "state": lambda s, c: (list(STATE_LABELS).index(c.state),),
    "grade": lambda s, c: (c.grade is None, c.grade or 0),
    "time": lambda s, c: (c.time_taken is None, c.time_taken or timedelta(0)),
}


def sort_rows(
    rows: list[tuple[Student, Cell]], sort: str
) -> tuple[list[tuple[Student, Cell]], str]:
    """The rows in the order `sort` names ("grade", "-grade", …; unknown: by name), students
    without a value last either way, ties by name. Returns (rows, the sort applied)."""
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    if key not in SORTS:
        key, descending = "name", False
    by_name = sorted(rows, key=lambda row: SORTS["name"](*row))
    if key == "name":
        ordered = list(reversed(by_name)) if descending else by_name
    else:
        present = [row for row in by_name if SORTS[key](*row)[0] is not True]
        missing = [row for row in by_name if SORTS[key](*row)[0] is True]
        present.sort(key=lambda row: SORTS[key](*row), reverse=descending)
        ordered = present + missing
    return ordered, ("-" if descending else "") + key


# --- the reads --------------------------------------------------------------------------------


def _students(classroom: Classroom, student_id: int | None = None) -> list[Student]:
    enrolments = Enrolment.objects.filter(classroom=classroom)
    if student_id is not None:
        enrolments = enrolments.filter(student_id=student_id)
    rows = enrolments.order_by("student__username").values_list(
        "student_id", "student__username", "student__first_name", "student__last_name"
    )
    return [
        Student(id=pk, username=username, name=f"{first} {last}".strip() or username)
        for pk, username, first, last in rows
    ]


_QUIZ_COLUMNS = ("id", "slug", "title", "maximum_grade", "grading_method", "closes_at")


def _assigned(classroom: Classroom, quiz_id: int | None = None) -> list[QuizColumn]:
    """The quizzes assigned to the class, by due date (then title): one query."""
    assignments = QuizAssignment.objects.filter(classroom=classroom)
    if quiz_id is not None:
        assignments = assignments.filter(quiz_id=quiz_id)
    rows = assignments.order_by().values_list(
        "closes", *(f"quiz__{name}" for name in _QUIZ_COLUMNS)
    )
    columns = [
        QuizColumn(
            id=pk,
            slug=slug,
            title=title,
            maximum_grade=maximum,
            grading_method=method,
            due=closes or quiz_closes,
        )
        for closes, pk, slug, title, maximum, method, quiz_closes in rows
    ]
    # Undated quizzes last; the same order on every page and in the CSV.
    return sorted(columns, key=lambda q: (q.due is None, q.due or datetime.min, q.title, q.id))


class SecondsBetween(Func):
    """`end - start` in seconds (a float), worked out by the database: reading two timestamps
    per attempt into Python was the gradebook's slowest step (bench/gradebook.py)."""

    arity = 2
    output_field = FloatField()

    def as_postgresql(self, compiler, connection, **extra):
        template = "EXTRACT(EPOCH FROM (%(expressions)s))"
        return self.as_sql(compiler, connection, template=template, arg_joiner=" - ", **extra)

    def as_sqlite(self, compiler, connection, **extra):
        template = "((julianday(%(expressions)s)) * 86400.0)"
        joiner = ") - julianday("
        return self.as_sql(compiler, connection, template=template, arg_joiner=joiner, **extra)


def _attempts(quiz_ids: Iterable[int], students: Iterable[int] | Any) -> dict[tuple, list]:
    """(user, quiz) -> the attempts as (number, state, grade, seconds taken or None)."""
    by_cell: dict[tuple, list] = defaultdict(list)
    rows = (
        Attempt.objects.filter(quiz_id__in=list(quiz_ids), user_id__in=students)
        .order_by()
        .annotate(seconds=SecondsBetween("finished_at", "started_at"))
        .values_list("user_id", "quiz_id", "number", "state", "grade", "seconds")
    )
    for user_id, quiz_id, number, state, grade, seconds in rows.iterator(chunk_size=5000):
        by_cell[(user_id, quiz_id)].append((number, state, grade, seconds))
    return by_cell


_OVERRIDE_COLUMNS = (
    "quiz_id",
    "user_id",
    "extra_minutes",
    "time_multiplier",
    "extra_attempts",
    "opens",
    "closes",
)


def _overrides(
    classroom: Classroom, quiz_ids: Iterable[int], students: Iterable[int] | Any
) -> tuple[dict[int, Accommodation], dict[tuple[int, int], Accommodation]]:
    """The class's overrides (by quiz) and its students' own (by (user, quiz)): one query."""
    rows = (
        QuizOverride.objects.filter(quiz_id__in=list(quiz_ids))
        .filter(Q(classroom=classroom) | Q(user_id__in=students))
        .order_by()
        .values_list(*_OVERRIDE_COLUMNS)
    )
    by_class: dict[int, Accommodation] = {}
    by_user: dict[tuple[int, int], Accommodation] = {}
    for quiz_id, user_id, minutes, multiplier, attempts, opens, closes in rows:
        accommodation = Accommodation(minutes, multiplier, attempts, opens, closes)
        if user_id is None:
            by_class[quiz_id] = accommodation
        else:
            by_user[(user_id, quiz_id)] = accommodation
    return by_class, by_user


def _cells(
    *,
    classroom: Classroom,
    quizzes: list[QuizColumn],
    students: list[Student],
    student_ids: Iterable[int] | Any,
) -> dict[tuple[int, int], Cell]:
    quiz_ids = [q.id for q in quizzes]
    attempts = _attempts(quiz_ids, student_ids)
    by_class, by_user = _overrides(classroom, quiz_ids, student_ids)
    cells = {}
    for quiz in quizzes:
        for student in students:
            accommodations = []
            if quiz.id in by_class:
                accommodations.append(("class", by_class[quiz.id]))
            if (student.id, quiz.id) in by_user:
                accommodations.append(("own", by_user[(student.id, quiz.id)]))
            cells[(student.id, quiz.id)] = make_cell(
                quiz=quiz,
                attempts=attempts.get((student.id, quiz.id), ()),
                accommodations=accommodations,
            )
    return cells


def _enrolled(classroom: Classroom) -> QuerySet[Enrolment, Any]:
    """The class's student ids, as a subquery."""
    return Enrolment.objects.filter(classroom=classroom).values("student_id")


def _with_completion(quiz: QuizColumn, cells: Iterable[Cell], students: int) -> QuizColumn:
    finished = sum(1 for cell in cells if cell.state == FINISHED)
    return QuizColumn(**{**quiz.__dict__, "finished": finished, "students": students})


def class_gradebook(*, classroom: Classroom) -> ClassGradebook:
    """Every student of the class × every quiz assigned to it: four queries."""
    students = _students(classroom)
    quizzes = _assigned(classroom)
    cells = _cells(
        classroom=classroom, quizzes=quizzes, students=students, student_ids=_enrolled(classroom)
    )
    columns = [
        _with_completion(quiz, (cells[(s.id, quiz.id)] for s in students), students=len(students))
        for quiz in quizzes
    ]
    rows = [StudentRow(student=s, cells=[cells[(s.id, q.id)] for q in quizzes]) for s in students]
    percents = [
        Decimal(cell.grade) * 100 / cell.maximum_grade
        for cell in cells.values()
        if cell.grade is not None
    ]
    return ClassGradebook(
        classroom=classroom,
        quizzes=columns,
        rows=rows,
        distribution=grade_distribution(grades=percents, maximum=Decimal(100)),
    )


def quiz_gradebook(*, classroom: Classroom, quiz: Quiz, sort: str = "name") -> QuizGradebook:
    """One assigned quiz, one row per student, in the order `sort` names: four queries. Raises
    Quiz.DoesNotExist when the quiz is not assigned to the class."""
    quizzes = _assigned(classroom, quiz_id=quiz.pk)
    if not quizzes:
        raise Quiz.DoesNotExist("That quiz is not assigned to this class.")
    students = _students(classroom)
    cells = _cells(
        classroom=classroom, quizzes=quizzes, students=students, student_ids=_enrolled(classroom)
    )
    column = _with_completion(
        quizzes[0], (cells[(s.id, quiz.pk)] for s in students), students=len(students)
    )
    rows, applied = sort_rows([(s, cells[(s.id, quiz.pk)]) for s in students], sort)
    return QuizGradebook(classroom=classroom, quiz=column, rows=rows, sort=applied)


def student_report(*, classroom: Classroom, student_id: int, now: datetime) -> StudentReport:
    """One student of the class: the class's quizzes and any other quiz they attempted, and
    the sections other apps add (the decks they study, with their retention). Raises
    Enrolment.DoesNotExist when the student is not in the class. Five queries, and the
    sections'."""
    found = _students(classroom, student_id=student_id)
    if not found:
        raise Enrolment.DoesNotExist("That student is not in this class.")
    student = found[0]
    assigned = _assigned(classroom)
    others = (
        Quiz.objects.filter(attempts__user_id=student_id)
        .exclude(pk__in=[q.id for q in assigned])
        .distinct()
        .order_by("title")
        .values_list(*_QUIZ_COLUMNS)
    )
    quizzes = assigned + [
        QuizColumn(
            id=pk,
            slug=slug,
            title=title,
            maximum_grade=maximum,
            grading_method=method,
            due=closes,
        )
        for pk, slug, title, maximum, method, closes in others
    ]
    cells = _cells(
        classroom=classroom, quizzes=quizzes, students=[student], student_ids=[student_id]
    )
    return StudentReport(
        classroom=classroom,
        student=student,
        quizzes=[(quiz, cells[(student_id, quiz.id)]) for quiz in quizzes],
        sections=[section(student_id=student_id, now=now) for section in STUDENT_REPORT_SECTIONS],
    )


# --- CSV ----------------------------------------------------------------------------------------

CSV_HEADER = [
    "class",
    "username",
    "name",
    "quiz",
    "quiz title",
    "state",
    "attempts",
    "final grade",
    "maximum grade",
    "time taken (seconds)",
    "accommodations",
]


def csv_rows(
    classroom: Classroom, rows: Iterable[tuple[Student, QuizColumn, Cell]]
) -> Iterable[list]:
    """One CSV row per student and quiz (write them with `quizzes.csv_safety.csv_writer`)."""
    yield CSV_HEADER
    for student, quiz, cell in rows:
        yield [
            classroom.name,
            student.username,
            student.name,
            quiz.slug,
            quiz.title,
            cell.state_label,
            cell.attempts,
            format_grade(cell.grade),
            format_grade(quiz.maximum_grade),
            "" if cell.time_taken is None else round(cell.time_taken.total_seconds()),
            cell.accommodation,
        ]

"""Queries compiled once (quizzes/prepared.py): the same rows, instances and writes as the ORM's
own queries, without compiling them again, and ids that are not ids match nothing."""

from unittest import mock

import pytest
from django.db import IntegrityError, transaction
from django.db.models import Value
from django.db.models.sql.compiler import SQLCompiler, SQLInsertCompiler, SQLUpdateCompiler
from django.utils import timezone

from quizzes.models import Attempt, AttemptState, Quiz, Response
from quizzes.prepared import PreparedInsert, PreparedQuery, PreparedUpdate
from quizzes.selectors import attempt_page_response, response_for_owner
from quizzes.services.attempts import attempt_start
from tests.factories import QuizFactory

pytestmark = pytest.mark.django_db

UNCHECKED = PreparedUpdate(
    lambda attempt_id, question_id: Response.objects.filter(
        attempt_id=attempt_id, question_id=question_id, checked=False, fraction__isnull=True
    ),
    "attempt_id",
    "question_id",
)


@pytest.fixture
def attempt(student):
    attempt, _ = attempt_start(quiz=QuizFactory(questions=3), user=student, now=timezone.now())
    return attempt


def compiles():
    """Counts the SQL compilations made meanwhile (`.call_count`)."""
    return mock.patch.object(SQLCompiler, "as_sql", autospec=True, side_effect=SQLCompiler.as_sql)


def update_compiles():
    """Counts the UPDATE compilations made meanwhile (`compiles()` does not see them: the
    UPDATE compiler has an `as_sql` of its own)."""
    return mock.patch.object(
        SQLUpdateCompiler, "as_sql", autospec=True, side_effect=SQLUpdateCompiler.as_sql
    )


def test_the_prepared_read_is_the_orms_row_with_its_joins(
    attempt, student, django_assert_num_queries
):
    question = attempt.layout[1]["question"]
    expected = (
        Response.objects.select_related("attempt__quiz")
        .defer("regraded_snapshot")
        .get(attempt=attempt, question_id=question)
    )
    with django_assert_num_queries(1):
        found = response_for_owner(user=student, attempt_pk=attempt.pk, question_id=question)
        assert found is not None
        assert found.attempt.quiz.title == attempt.quiz.title  # joined: no query of its own
        assert found.attempt.layout == attempt.layout
    assert found.get_deferred_fields() == {"regraded_snapshot"}
    for field in Response._meta.concrete_fields:
        if field.attname != "regraded_snapshot":
            assert getattr(found, field.attname) == getattr(expected, field.attname), field.name
    assert found.attempt.started_at == attempt.started_at  # converted as the ORM converts it


def test_the_prepared_read_is_compiled_once_per_connection(attempt, student):
    first, second = (item["question"] for item in attempt.layout[:2])
    response_for_owner(user=student, attempt_pk=attempt.pk, question_id=first)
    with compiles() as compiled:
        found = response_for_owner(user=student, attempt_pk=attempt.pk, question_id=second)
    assert found is not None and found.question_id == second
    assert compiled.call_count == 0


def test_the_prepared_read_of_another_students_attempt_finds_nothing(attempt, other_student):
    question = attempt.layout[0]["question"]
    assert (
        response_for_owner(user=other_student, attempt_pk=attempt.pk, question_id=question) is None
    )


def test_the_attempt_pages_read_is_the_orms_row_with_its_attempt_quiz_and_version(
    attempt, student, other_student, django_assert_num_queries
):
    attempt_page_response(user=student, pk=attempt.pk, slot=1)  # compiled here
    expected = Response.objects.select_related("attempt__quiz").get(attempt=attempt, slot=2)
    with compiles() as compiled, django_assert_num_queries(1):
        found = attempt_page_response(user=student, pk=str(attempt.pk), slot=2)
        assert found is not None
        assert found.attempt.quiz.title == attempt.quiz.title  # joined: no query of its own
        assert found.version.snapshot == expected.version.snapshot  # the manager's join too
    assert compiled.call_count == 0
    for field in Response._meta.concrete_fields:
        assert getattr(found, field.attname) == getattr(expected, field.attname), field.name
    assert attempt_page_response(user=other_student, pk=attempt.pk, slot=2) is None
    assert attempt_page_response(user=student, pk=attempt.pk, slot=4) is None  # 3 questions
    assert attempt_page_response(user=student, pk="x", slot=1) is None


@pytest.mark.parametrize("bad", ["abc", "", None, 2**63, -(2**63) - 1, 10**30, "1.5"])
def test_ids_that_are_not_64_bit_whole_numbers_match_nothing(attempt, student, bad):
    question = attempt.layout[0]["question"]
    assert response_for_owner(user=student, attempt_pk=bad, question_id=question) is None
    assert response_for_owner(user=student, attempt_pk=attempt.pk, question_id=bad) is None


def test_a_parameter_used_twice_is_prepared_and_reads_the_orms_row(attempt):
    both = PreparedQuery(
        lambda pk: Response.objects.filter(attempt_id=pk, slot__lte=pk).order_by("slot"), "pk"
    )
    expected = Response.objects.filter(attempt=attempt, slot__lte=attempt.pk).order_by("slot")
    assert both.one(pk=attempt.pk) == expected.first()
    with compiles() as compiled:
        assert both.one(pk=attempt.pk) == expected.first()
    assert compiled.call_count == 1  # the expected one's only


def test_a_number_beyond_its_columns_range_gets_the_orms_answer(attempt):
    # `slot` is a 32-bit column (psycopg's Int4 on PostgreSQL): the ORM reads `slot <= 2**40`
    # as every row, and so does the prepared read, by taking the ORM's path for that call.
    upto = PreparedQuery(
        lambda pk, slot: Response.objects.filter(attempt_id=pk, slot__lte=slot).order_by("slot"),
        "pk",
        "slot",
    )
    assert [r.slot for r in upto.all(pk=attempt.pk, slot=2)] == [1, 2]
    assert [r.slot for r in upto.all(pk=attempt.pk, slot=2**40)] == [1, 2, 3]
    assert upto.all(pk=attempt.pk, slot=-(2**40)) == []


@pytest.mark.parametrize(
    "build",
    [
        # The ORM rewrites the parameter (a pattern; arithmetic): not a plain filter on it.
        lambda pk: Response.objects.filter(attempt__quiz__slug__contains=pk, attempt_id=pk),
        lambda pk: Response.objects.filter(attempt_id=pk, slot__lt=pk % 1000 + 2),
    ],
    ids=["pattern", "arithmetic"],
)
def test_a_queryset_of_another_shape_is_run_by_the_orm(attempt, build):
    other = PreparedQuery(build, "pk")
    expected = list(build(attempt.pk).order_by("pk"))
    assert sorted(other.all(pk=attempt.pk), key=lambda r: r.pk) == expected
    with compiles() as compiled:
        other.all(pk=attempt.pk)
    assert compiled.call_count == 1  # compiled again: the ORM's path


def test_all_reads_every_row_in_order_with_its_joins_compiled_once(attempt):
    rows = PreparedQuery(
        lambda pk: Response.objects.filter(attempt_id=pk).select_related("attempt__quiz"), "pk"
    )
    expected = list(Response.objects.filter(attempt=attempt).select_related("attempt__quiz"))
    rows.all(pk=attempt.pk)
    with compiles() as compiled:
        found = rows.all(pk=attempt.pk)
    assert compiled.call_count == 0
    assert [r.slot for r in found] == [r.slot for r in expected] == [1, 2, 3]
    for mine, theirs in zip(found, expected, strict=True):
        for field in Response._meta.concrete_fields:
            assert getattr(mine, field.attname) == getattr(theirs, field.attname), field.name
        assert mine.version.snapshot == theirs.version.snapshot  # joined by the manager
        assert mine.attempt.quiz.slug == attempt.quiz.slug
    assert rows.all(pk="abc") == [] and rows.all(pk=2**63) == []


def test_a_values_list_gives_the_orms_tuples_with_constants_and_text(attempt):
    quiz = attempt.quiz
    build = lambda slug, pk: (  # noqa: E731
        Quiz.objects.filter(slug=slug, published=True, attempts__pk=pk)
        .annotate(kind=Value("quiz"))
        .values_list("pk", "kind", "maximum_grade", "created_at")
    )
    tuples = PreparedQuery(build, "slug", "pk", text=("slug",))
    expected = list(build(quiz.slug, attempt.pk))
    assert tuples.all(slug=quiz.slug, pk=attempt.pk) == expected
    assert tuples.one(slug=quiz.slug, pk=attempt.pk) == expected[0]  # its own plan (LIMIT 1)
    with compiles() as compiled:
        assert tuples.one(slug=quiz.slug, pk=attempt.pk) == expected[0]
        assert tuples.all(slug=quiz.slug, pk=attempt.pk) == expected
    assert compiled.call_count == 0
    assert tuples.one(slug="another", pk=attempt.pk) is None
    # Not a string: the ORM's path, which reads the number as the slug's text.
    assert tuples.all(slug=12, pk=attempt.pk) == []


def test_the_prepared_update_writes_what_the_orms_update_writes(attempt):
    first, second = (item for item in attempt.layout[:2])
    now = timezone.now()
    values = {"answer": first["choices"][0], "answered_at": now, "flagged": True}
    assert UNCHECKED.run(values=values, attempt_id=attempt.pk, question_id=first["question"]) == 1
    Response.objects.filter(attempt=attempt, question_id=second["question"]).update(**values)
    written, by_orm = (
        Response.objects.get(attempt=attempt, question_id=item["question"])
        for item in (first, second)
    )
    assert (written.answer, written.answered_at, written.flagged) == (
        by_orm.answer,
        by_orm.answered_at,
        by_orm.flagged,
    )


def test_the_prepared_update_clears_with_null_and_compiles_each_shape_once(attempt):
    item = attempt.layout[0]
    ids = {"attempt_id": attempt.pk, "question_id": item["question"]}
    UNCHECKED.run(values={"answer": ["a", "b"], "answered_at": timezone.now()}, **ids)
    UNCHECKED.run(values={"answer": None, "answered_at": None}, **ids)
    with compiles() as compiled, update_compiles() as updates:
        assert UNCHECKED.run(values={"answer": {"x": 1}, "answered_at": timezone.now()}, **ids)
        assert UNCHECKED.run(values={"answer": None, "answered_at": None}, **ids) == 1
    assert compiled.call_count == 0
    assert updates.call_count == 0
    cleared = Response.objects.get(attempt=attempt, question_id=item["question"])
    assert cleared.answer is None and cleared.answered_at is None
    assert Response.objects.filter(pk=cleared.pk, answer__isnull=True).exists()  # SQL NULL


FLAG_AT_SLOT = PreparedUpdate(
    lambda attempt_id, slot: Response.objects.filter(attempt_id=attempt_id, slot=slot),
    "attempt_id",
    "slot",
)


def test_the_prepared_update_on_a_32_bit_column_is_compiled_once_and_bounded(attempt):
    # On PostgreSQL the ORM hands a 32-bit column's value over as psycopg's Int4.
    assert FLAG_AT_SLOT.run(values={"flagged": True}, attempt_id=attempt.pk, slot=1) == 1
    with update_compiles() as updates:
        assert FLAG_AT_SLOT.run(values={"flagged": True}, attempt_id=attempt.pk, slot=2) == 1
    assert updates.call_count == 0
    assert FLAG_AT_SLOT.run(values={"flagged": True}, attempt_id=attempt.pk, slot=2**40) == 0
    flagged = Response.objects.filter(attempt=attempt, flagged=True)
    assert sorted(flagged.values_list("slot", flat=True)) == [1, 2]


def test_the_prepared_update_leaves_a_checked_or_graded_row_alone(attempt):
    item = attempt.layout[0]
    Response.objects.filter(attempt=attempt, question_id=item["question"]).update(checked=True)
    values = {"answer": item["choices"][0], "answered_at": timezone.now()}
    assert UNCHECKED.run(values=values, attempt_id=attempt.pk, question_id=item["question"]) == 0
    with pytest.raises(ValueError, match="expected a number"):  # as the ORM's update() says
        UNCHECKED.run(values=values, attempt_id="abc", question_id=item["question"])
    assert UNCHECKED.run(values=values, attempt_id=2**64, question_id=item["question"]) == 0


# --- the prepared INSERT ----------------------------------------------------------------------

NEW_RESPONSES = PreparedInsert(Response)


def _another_attempt(attempt, number):
    return Attempt.objects.create(
        quiz=attempt.quiz,
        user=attempt.user,
        number=number,
        state=AttemptState.FINISHED,
        started_at=attempt.started_at,
    )


def _copies(attempt, into, **changes):
    return [
        Response(
            attempt=into,
            question_id=r.question_id,
            slot=r.slot,
            version=r.version,
            choice_order=r.choice_order,
            marks=r.marks,
            **changes,
        )
        for r in Response.objects.filter(attempt=attempt).order_by("slot")
    ]


def _rows(attempt):
    fields = [f.attname for f in Response._meta.concrete_fields if f.attname not in {"id"}]
    return [
        tuple(getattr(r, f) for f in fields if f != "attempt_id")
        for r in Response.objects.filter(attempt=attempt).order_by("slot")
    ]


def inserts():
    return mock.patch.object(
        SQLInsertCompiler, "as_sql", autospec=True, side_effect=SQLInsertCompiler.as_sql
    )


def test_the_prepared_insert_writes_what_bulk_create_writes(attempt):
    mine, theirs = _another_attempt(attempt, 2), _another_attempt(attempt, 3)
    now = timezone.now()
    changes = {"answer": {"a": [1, "b"]}, "answered_at": now, "flagged": True, "score": 1}
    written = NEW_RESPONSES.create(_copies(attempt, mine, **changes))
    by_orm = Response.objects.bulk_create(_copies(attempt, theirs, **changes))
    assert _rows(mine) == _rows(theirs) and len(_rows(mine)) == 3
    assert [r.pk for r in written] == list(
        Response.objects.filter(attempt=mine).order_by("slot").values_list("pk", flat=True)
    )
    for instance, orms in zip(written, by_orm, strict=True):
        assert (instance._state.adding, instance._state.db) == (orms._state.adding, "default")
        assert not instance._state.adding
    # A JSON null answer and SQL NULL are told apart, as the ORM tells them.
    assert not Response.objects.filter(attempt=mine, answer__isnull=True).exists()


def test_the_prepared_insert_is_compiled_once_per_number_of_rows(attempt):
    NEW_RESPONSES.create(_copies(attempt, _another_attempt(attempt, 2)))
    with inserts() as compiled:
        NEW_RESPONSES.create(_copies(attempt, _another_attempt(attempt, 3)))
    assert compiled.call_count == 1  # the other attempt's own INSERT only
    with inserts() as compiled:
        NEW_RESPONSES.create(_copies(attempt, _another_attempt(attempt, 4))[:2])
    assert compiled.call_count == 2  # and two rows: compiled for that count


def test_what_the_prepared_insert_does_not_take_is_bulk_created(attempt):
    into = _another_attempt(attempt, 2)
    expression = _copies(attempt, into, fraction=Value(0.5))
    with inserts() as compiled:
        written = NEW_RESPONSES.create(expression)
    assert compiled.call_count == 1  # bulk_create compiling its own
    assert all(r.pk is not None for r in written)
    assert set(Response.objects.filter(attempt=into).values_list("fraction", flat=True)) == {0.5}
    # The same rows again: the constraints still hold.
    with pytest.raises(IntegrityError), transaction.atomic():
        NEW_RESPONSES.create(_copies(attempt, into))
    assert NEW_RESPONSES.create([]) == []

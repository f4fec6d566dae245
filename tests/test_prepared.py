"""Queries compiled once (quizzes/prepared.py): the same rows, instances and writes as the ORM's
own queries, without compiling them again, and ids that are not ids match nothing."""

from unittest import mock

import pytest
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone

from quizzes.models import Response
from quizzes.prepared import PreparedQuery, PreparedUpdate
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


def test_a_queryset_of_another_shape_is_run_by_the_orm(attempt):
    # A parameter used twice is not a plain filter: the ORM compiles it on every call.
    both = PreparedQuery(
        lambda pk: Response.objects.filter(attempt_id=pk, slot__lte=pk).order_by("slot"), "pk"
    )
    expected = Response.objects.filter(attempt=attempt, slot__lte=attempt.pk).order_by("slot")
    assert both.one(pk=attempt.pk) == expected.first()
    with compiles() as compiled:
        assert both.one(pk=attempt.pk) == expected.first()
    assert compiled.call_count == 2  # ours and the expected one's


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
    with compiles() as compiled:
        assert UNCHECKED.run(values={"answer": {"x": 1}, "answered_at": timezone.now()}, **ids)
        assert UNCHECKED.run(values={"answer": None, "answered_at": None}, **ids) == 1
    assert compiled.call_count == 0
    cleared = Response.objects.get(attempt=attempt, question_id=item["question"])
    assert cleared.answer is None and cleared.answered_at is None
    assert Response.objects.filter(pk=cleared.pk, answer__isnull=True).exists()  # SQL NULL


def test_the_prepared_update_leaves_a_checked_or_graded_row_alone(attempt):
    item = attempt.layout[0]
    Response.objects.filter(attempt=attempt, question_id=item["question"]).update(checked=True)
    values = {"answer": item["choices"][0], "answered_at": timezone.now()}
    assert UNCHECKED.run(values=values, attempt_id=attempt.pk, question_id=item["question"]) == 0
    with pytest.raises(ValueError, match="expected a number"):  # as the ORM's update() says
        UNCHECKED.run(values=values, attempt_id="abc", question_id=item["question"])
    assert UNCHECKED.run(values=values, attempt_id=2**64, question_id=item["question"]) == 0

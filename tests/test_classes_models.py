"""Classes, enrolments, assignments and overrides: the rules the database keeps."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from quizzes.models import Classroom, Enrolment, QuizAssignment, QuizOverride
from quizzes.models.classes import JOIN_CODE_ALPHABET, JOIN_CODE_LENGTH, new_join_code
from tests.factories import (
    ClassroomFactory,
    QuizAssignmentFactory,
    QuizFactory,
    QuizOverrideFactory,
    TeacherFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_a_join_code_is_eight_unambiguous_characters():
    codes = {new_join_code() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert len(code) == JOIN_CODE_LENGTH
        assert set(code) <= set(JOIN_CODE_ALPHABET)
    assert not set("0O1IL") & set(JOIN_CODE_ALPHABET)


def test_a_new_class_gets_a_join_code_and_codes_are_unique():
    first = ClassroomFactory()
    assert len(first.join_code) == JOIN_CODE_LENGTH
    with pytest.raises(IntegrityError), transaction.atomic():
        ClassroomFactory(join_code=first.join_code)


def test_taught_by_and_attended_by():
    teacher, other_teacher, student = TeacherFactory(), TeacherFactory(), UserFactory()
    mine = ClassroomFactory(teachers=[teacher], students=[student])
    theirs = ClassroomFactory(teachers=[other_teacher])
    superuser = UserFactory(is_superuser=True, is_staff=True)
    assert list(Classroom.objects.taught_by(teacher)) == [mine]
    assert set(Classroom.objects.taught_by(superuser)) == {mine, theirs}
    assert list(Classroom.objects.taught_by(student)) == []
    assert list(Classroom.objects.attended_by(student)) == [mine]
    assert list(Classroom.objects.attended_by(teacher)) == []
    assert mine.is_taught_by(teacher) and mine.is_taught_by(superuser)
    assert not theirs.is_taught_by(teacher)


def test_a_student_is_enrolled_once():
    enrolment = Enrolment.objects.create(classroom=ClassroomFactory(), student=UserFactory())
    with pytest.raises(IntegrityError), transaction.atomic():
        Enrolment.objects.create(classroom=enrolment.classroom, student=enrolment.student)


def test_a_quiz_is_assigned_to_a_class_once_and_closes_after_it_opens():
    assignment = QuizAssignmentFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        QuizAssignment.objects.create(classroom=assignment.classroom, quiz=assignment.quiz)
    now = timezone.now()
    late = QuizAssignment(classroom=ClassroomFactory(), quiz=QuizFactory(), opens=now, closes=now)
    with pytest.raises(ValidationError) as caught:
        late.full_clean()
    assert "closes" in caught.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        late.save()


def test_an_override_is_for_exactly_one_user_or_one_class():
    quiz, classroom, user = QuizFactory(), ClassroomFactory(), UserFactory()
    for both_or_neither in (
        QuizOverride(quiz=quiz, user=user, classroom=classroom),
        QuizOverride(quiz=quiz),
    ):
        with pytest.raises(ValidationError) as caught:
            both_or_neither.full_clean()
        assert "user" in caught.value.message_dict
        with pytest.raises(IntegrityError), transaction.atomic():
            both_or_neither.save()
    QuizOverride.objects.create(quiz=quiz, user=user, extra_minutes=10)
    QuizOverride.objects.create(quiz=quiz, classroom=classroom, extra_minutes=5)


def test_one_override_per_quiz_and_user_and_per_quiz_and_class():
    override = QuizOverrideFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        QuizOverride.objects.create(quiz=override.quiz, user=override.user)
    classroom = ClassroomFactory()
    QuizOverride.objects.create(quiz=override.quiz, classroom=classroom)
    with pytest.raises(IntegrityError), transaction.atomic():
        QuizOverride.objects.create(quiz=override.quiz, classroom=classroom)


@pytest.mark.parametrize("multiplier", [Decimal("0"), Decimal("-1.5")])
def test_a_time_multiplier_must_be_positive(multiplier):
    override = QuizOverrideFactory.build(quiz=QuizFactory(), user=UserFactory())
    override.time_multiplier = multiplier
    with pytest.raises(ValidationError) as caught:
        override.full_clean()
    assert "time_multiplier" in caught.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        override.save()


def test_an_override_window_closes_after_it_opens():
    now = timezone.now()
    override = QuizOverrideFactory.build(
        quiz=QuizFactory(), user=UserFactory(), opens=now, closes=now - timedelta(hours=1)
    )
    with pytest.raises(ValidationError) as caught:
        override.full_clean()
    assert "closes" in caught.value.message_dict


def test_quizzes_are_public_unless_told_otherwise():
    assert QuizFactory().public is True

"""Classes: joining, rosters, assignments, overrides and the rules a student takes a quiz under."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from quizzes.models import Attempt, Enrolment, Quiz, QuizAssignment, QuizOverride
from quizzes.services import classes as service
from quizzes.services.attempts import attempt_finish, attempt_start, quiz_standing_for_student
from quizzes.services.classes import Accommodation, compose_rules, effective_rules
from quizzes.services.exceptions import NoAttemptsLeft, QuizNotOpen
from tests.factories import (
    ClassroomFactory,
    QuizAssignmentFactory,
    QuizFactory,
    QuizOverrideFactory,
    TeacherFactory,
    UserFactory,
)

NOW = timezone.now().replace(microsecond=0)
HOUR = timedelta(hours=1)
TEN_MINUTES = timedelta(minutes=10)


def a_quiz(**fields):
    """An unsaved quiz for the pure rules."""
    return Quiz(**{"time_limit": TEN_MINUTES, "attempts_allowed": 2, **fields})


class TestComposeRules:
    """Each combination of the quiz, assignments, class overrides and a student override."""

    def test_the_quizs_own_rules_without_classes(self):
        quiz = a_quiz(opens_at=NOW - HOUR, closes_at=NOW + HOUR)
        rules = compose_rules(quiz=quiz)
        assert (rules.opens, rules.closes, rules.time_limit, rules.attempts_allowed) == (
            NOW - HOUR,
            NOW + HOUR,
            TEN_MINUTES,
            2,
        )
        assert not rules.assigned and not rules.accommodated

    def test_an_assignment_replaces_the_quizs_window(self):
        quiz = a_quiz(opens_at=NOW - HOUR, closes_at=NOW + HOUR)
        rules = compose_rules(quiz=quiz, assignments=[(NOW + HOUR, NOW + 5 * HOUR)])
        assert (rules.opens, rules.closes) == (NOW + HOUR, NOW + 5 * HOUR)
        assert rules.assigned
        assert rules.time_limit == TEN_MINUTES  # the window only

    def test_an_assignments_empty_end_keeps_the_quizs_own(self):
        quiz = a_quiz(opens_at=NOW - HOUR, closes_at=NOW + HOUR)
        rules = compose_rules(quiz=quiz, assignments=[(None, NOW + 3 * HOUR)])
        assert (rules.opens, rules.closes) == (NOW - HOUR, NOW + 3 * HOUR)
        rules = compose_rules(quiz=quiz, assignments=[(NOW, None)])
        assert (rules.opens, rules.closes) == (NOW, NOW + HOUR)

    def test_two_assignments_give_the_more_generous_window(self):
        rules = compose_rules(
            quiz=a_quiz(),
            assignments=[(NOW, NOW + HOUR), (NOW - HOUR, NOW + 2 * HOUR)],
        )
        assert (rules.opens, rules.closes) == (NOW - HOUR, NOW + 2 * HOUR)
        rules = compose_rules(quiz=a_quiz(), assignments=[(NOW, NOW + HOUR), (NOW, None)])
        assert rules.closes is None  # one of them never closes

    def test_a_multiplier_then_extra_minutes(self):
        rules = compose_rules(
            quiz=a_quiz(),
            user_override=Accommodation(time_multiplier=Decimal("1.5"), extra_minutes=5),
        )
        assert rules.time_limit == timedelta(minutes=20)  # 10 × 1.5 + 5
        assert rules.accommodated

    def test_extra_time_leaves_an_untimed_quiz_untimed(self):
        rules = compose_rules(
            quiz=a_quiz(time_limit=None),
            user_override=Accommodation(time_multiplier=Decimal("2"), extra_minutes=5),
        )
        assert rules.time_limit is None

    def test_extra_attempts_add_to_the_quizs_and_unlimited_stays_unlimited(self):
        extra = Accommodation(extra_attempts=2)
        assert compose_rules(quiz=a_quiz(), user_override=extra).attempts_allowed == 4
        assert (
            compose_rules(quiz=a_quiz(attempts_allowed=None), user_override=extra).attempts_allowed
            is None
        )

    def test_override_dates_replace_the_assignments(self):
        rules = compose_rules(
            quiz=a_quiz(),
            assignments=[(NOW, NOW + HOUR)],
            class_overrides=[Accommodation(closes=NOW + 2 * HOUR)],
        )
        assert (rules.opens, rules.closes) == (NOW, NOW + 2 * HOUR)

    def test_the_students_override_wins_over_the_class_field_by_field(self):
        rules = compose_rules(
            quiz=a_quiz(),
            class_overrides=[Accommodation(extra_minutes=10, extra_attempts=1)],
            user_override=Accommodation(extra_minutes=3),
        )
        assert rules.time_limit == timedelta(minutes=13)  # the student's 3, not the class's 10
        assert rules.attempts_allowed == 3  # the class's extra attempt: the student set none

    def test_several_class_overrides_give_the_most_generous_field(self):
        rules = compose_rules(
            quiz=a_quiz(),
            class_overrides=[
                Accommodation(time_multiplier=Decimal("1.25"), closes=NOW + HOUR),
                Accommodation(time_multiplier=Decimal("2"), closes=NOW + 3 * HOUR),
            ],
        )
        assert rules.time_limit == timedelta(minutes=20)
        assert rules.closes == NOW + 3 * HOUR

    def test_the_deadline_is_the_time_limit_or_the_closing_whichever_first(self):
        rules = compose_rules(
            quiz=a_quiz(),
            user_override=Accommodation(time_multiplier=Decimal("1.5"), closes=NOW + HOUR),
        )
        assert rules.deadline(NOW) == NOW + timedelta(minutes=15)
        assert rules.deadline(NOW + 50 * timedelta(minutes=1)) == NOW + HOUR


@pytest.mark.django_db
class TestEffectiveRulesFromTheDatabase:
    def test_a_student_in_an_assigned_class_gets_its_window_and_overrides(self):
        student, outsider = UserFactory(), UserFactory()
        quiz = QuizFactory(time_limit=TEN_MINUTES, attempts_allowed=1)
        classroom = ClassroomFactory(students=[student])
        QuizAssignmentFactory(classroom=classroom, quiz=quiz, closes=NOW + 2 * HOUR)
        QuizOverrideFactory(quiz=quiz, user=None, classroom=classroom, extra_attempts=1)
        QuizOverrideFactory(quiz=quiz, user=student, time_multiplier=Decimal("1.5"))
        # Another quiz's override and another student's change nothing.
        QuizOverrideFactory(quiz=QuizFactory(), user=student, extra_minutes=99)
        QuizOverrideFactory(quiz=quiz, user=outsider, extra_minutes=99)

        rules = effective_rules(quiz=quiz, user=student)
        assert rules.closes == NOW + 2 * HOUR and rules.assigned
        assert rules.time_limit == timedelta(minutes=15)
        assert rules.attempts_allowed == 2
        outside = effective_rules(quiz=quiz, user=outsider)
        assert outside.closes is None and not outside.assigned
        assert outside.time_limit == timedelta(minutes=10 + 99)

    def test_rules_of_many_quizzes_take_one_query(self, django_assert_num_queries):
        student = UserFactory()
        classroom = ClassroomFactory(students=[student])
        quizzes = QuizFactory.create_batch(5, time_limit=TEN_MINUTES)
        for quiz in quizzes:
            QuizAssignmentFactory(classroom=classroom, quiz=quiz, closes=NOW + HOUR)
            QuizOverrideFactory(quiz=quiz, user=student, extra_minutes=5)
        with django_assert_num_queries(1):
            rules = service.effective_rules_for(quizzes=quizzes, user=student)
        assert {r.time_limit for r in rules.values()} == {timedelta(minutes=15)}

    def test_the_attempts_deadline_uses_the_override(self):
        student = UserFactory()
        quiz = QuizFactory(questions=1, time_limit=TEN_MINUTES)
        service.override_set(quiz=quiz, user=student, time_multiplier=Decimal("1.5"))
        attempt, _ = attempt_start(quiz=quiz, user=student, now=NOW)
        assert attempt.deadline == NOW + timedelta(minutes=15)
        other, _ = attempt_start(quiz=quiz, user=UserFactory(), now=NOW)
        assert other.deadline == NOW + TEN_MINUTES

    def test_the_deadline_stops_at_the_students_due_date(self):
        student = UserFactory()
        quiz = QuizFactory(questions=1, time_limit=timedelta(hours=3))
        classroom = ClassroomFactory(students=[student])
        service.assign_quiz(classroom=classroom, quiz=quiz, closes=NOW + HOUR)
        attempt, _ = attempt_start(quiz=quiz, user=student, now=NOW)
        assert attempt.deadline == NOW + HOUR

    def test_extra_attempts_let_the_student_start_again(self):
        student = UserFactory()
        quiz = QuizFactory(questions=1, attempts_allowed=1)
        attempt_finish(attempt=attempt_start(quiz=quiz, user=student, now=NOW)[0], now=NOW)
        with pytest.raises(NoAttemptsLeft):
            attempt_start(quiz=quiz, user=student, now=NOW)
        service.override_set(quiz=quiz, user=student, extra_attempts=1)
        attempt, created = attempt_start(quiz=quiz, user=student, now=NOW)
        assert created and attempt.number == 2
        standing = quiz_standing_for_student(quiz=quiz, user=student, now=NOW)
        assert standing.attempts_allowed == 2 and standing.attempts_left == 0

    def test_the_window_is_the_students(self):
        student, classmate = UserFactory(), UserFactory()
        quiz = QuizFactory(questions=1, closes_at=NOW - HOUR, opens_at=NOW - 2 * HOUR)
        classroom = ClassroomFactory(students=[student, classmate])
        service.assign_quiz(classroom=classroom, quiz=quiz, opens=NOW - HOUR, closes=NOW + HOUR)
        service.override_set(quiz=quiz, user=classmate, closes=NOW - timedelta(minutes=30))
        assert attempt_start(quiz=quiz, user=student, now=NOW)[1]
        with pytest.raises(QuizNotOpen):
            attempt_start(quiz=quiz, user=classmate, now=NOW)  # their own date has passed
        with pytest.raises(QuizNotOpen):
            attempt_start(quiz=quiz, user=UserFactory(), now=NOW)  # the quiz's own is closed

    def test_a_quiz_that_is_not_public_is_for_its_classes_and_teachers(self):
        student, outsider, teacher = UserFactory(), UserFactory(), TeacherFactory()
        quiz = QuizFactory(questions=1, public=False)
        service.assign_quiz(classroom=ClassroomFactory(students=[student]), quiz=quiz)
        assert attempt_start(quiz=quiz, user=student, now=NOW)[1]
        assert attempt_start(quiz=quiz, user=teacher, now=NOW)[1]
        with pytest.raises(QuizNotOpen, match="assigned"):
            attempt_start(quiz=quiz, user=outsider, now=NOW)
        assert set(Quiz.objects.visible_to(student)) == {quiz}
        assert set(Quiz.objects.visible_to(teacher)) == {quiz}
        assert not Quiz.objects.visible_to(outsider).exists()

    def test_the_start_reads_the_rules_in_one_query(self, django_assert_max_num_queries):
        """The pinned start (tests/test_question_versions.py: first ≤17, later ≤9, one of them
        the quiz's random slots) with an assignment and two overrides in play still fits."""
        student = UserFactory()
        quiz = QuizFactory(questions=3, time_limit=TEN_MINUTES)
        classroom = ClassroomFactory(students=[student])
        service.assign_quiz(classroom=classroom, quiz=quiz, closes=NOW + HOUR)
        service.override_set(quiz=quiz, classroom=classroom, extra_minutes=5)
        service.override_set(quiz=quiz, user=student, time_multiplier=Decimal("2"))
        with django_assert_max_num_queries(17):
            attempt, _ = attempt_start(quiz=quiz, user=student, now=NOW)
        assert attempt.deadline == NOW + timedelta(minutes=25)
        with django_assert_max_num_queries(9):
            attempt_start(quiz=quiz, user=student, now=NOW)


@pytest.mark.django_db
class TestJoiningAndRosters:
    def test_join_with_the_code_in_any_case_and_twice_is_harmless(self):
        classroom, student = ClassroomFactory(), UserFactory()
        typed = f" {classroom.join_code[:4].lower()}-{classroom.join_code[4:]} "
        assert service.classroom_join(student=student, code=typed) == (classroom, True)
        assert service.classroom_join(student=student, code=classroom.join_code) == (
            classroom,
            False,
        )
        assert Enrolment.objects.filter(classroom=classroom, student=student).count() == 1

    @pytest.mark.parametrize("code", ["WRONGCOD", "", "   "])
    def test_a_wrong_code_is_refused_by_field(self, code):
        ClassroomFactory()
        with pytest.raises(ValidationError) as caught:
            service.classroom_join(student=UserFactory(), code=code)
        assert "No class has the code" in caught.value.message_dict["code"][0]
        assert not Enrolment.objects.exists()

    def test_a_reset_code_stops_the_old_one_and_keeps_the_class(self):
        student = UserFactory()
        classroom = ClassroomFactory(students=[student])
        old = classroom.join_code
        service.classroom_reset_code(classroom=classroom)
        assert classroom.join_code != old
        with pytest.raises(ValidationError):
            service.classroom_join(student=UserFactory(), code=old)
        assert list(classroom.students.all()) == [student]

    def test_create_makes_the_teacher_a_teacher_of_it(self):
        teacher = TeacherFactory()
        classroom = service.classroom_create(teacher=teacher, name="  Year 9 history ")
        assert classroom.name == "Year 9 history"
        assert list(classroom.teachers.all()) == [teacher]
        with pytest.raises(ValidationError) as caught:
            service.classroom_create(teacher=teacher, name="  ")
        assert "name" in caught.value.message_dict

    def test_leave_and_unenrol(self):
        student = UserFactory()
        classroom = ClassroomFactory(students=[student])
        assert service.classroom_leave(classroom=classroom, student=student)
        assert not service.classroom_leave(classroom=classroom, student=student)
        assert service.enrol(classroom=classroom, student=student)
        assert service.unenrol(classroom=classroom, student=student)

    def test_a_roster_of_usernames_and_emails_enrols_them(self):
        classroom = ClassroomFactory()
        ann = UserFactory(username="ann")
        bob = UserFactory(username="bob", email="Bob@School.example")
        service.enrol(classroom=classroom, student=ann)
        result = service.roster_import(
            classroom=classroom,
            csv_text="username\nann\n\n# a comment\nbob@school.example,Bob B.\nANN\n",
        )
        assert result.added == [bob] and result.already == [ann]
        assert set(classroom.students.all()) == {ann, bob}

    def test_a_roster_with_bad_lines_enrols_nobody_and_names_each_line(self):
        classroom = ClassroomFactory()
        UserFactory(username="ann")
        UserFactory(username="twin1", email="twin@example.org")
        UserFactory(username="twin2", email="twin@example.org")
        with pytest.raises(ValidationError) as caught:
            service.roster_import(
                classroom=classroom, csv_text="ann\ncarol\nann\nbob\ntwin@example.org\n"
            )
        assert caught.value.message_dict["csv"] == [
            "line 2: no user 'carol'",
            "line 4: no user 'bob'",
            "line 5: more than one user has the email 'twin@example.org'",
        ]
        assert not Enrolment.objects.exists()

    def test_an_empty_roster_is_refused(self):
        with pytest.raises(ValidationError) as caught:
            service.roster_import(classroom=ClassroomFactory(), csv_text="\n\nusername\n")
        assert "names nobody" in caught.value.message_dict["csv"][0]


@pytest.mark.django_db
class TestAssignmentsAndOverrides:
    def test_assigning_twice_changes_the_window(self):
        classroom, quiz = ClassroomFactory(), QuizFactory()
        first, created = service.assign_quiz(classroom=classroom, quiz=quiz, closes=NOW)
        second, again = service.assign_quiz(classroom=classroom, quiz=quiz, closes=NOW + HOUR)
        assert created and not again and first.pk == second.pk
        assert QuizAssignment.objects.get().closes == NOW + HOUR

    def test_a_window_that_closes_before_it_opens_is_refused(self):
        with pytest.raises(ValidationError) as caught:
            service.assign_quiz(
                classroom=ClassroomFactory(), quiz=QuizFactory(), opens=NOW, closes=NOW - HOUR
            )
        assert "closes" in caught.value.message_dict
        assert not QuizAssignment.objects.exists()

    def test_override_set_replaces_the_fields(self):
        quiz, student = QuizFactory(), UserFactory()
        service.override_set(quiz=quiz, user=student, extra_minutes=5, extra_attempts=1)
        service.override_set(quiz=quiz, user=student, time_multiplier=Decimal("1.5"))
        override = QuizOverride.objects.get()
        assert (override.extra_minutes, override.time_multiplier, override.extra_attempts) == (
            None,
            Decimal("1.5"),
            None,
        )

    def test_override_set_refuses_nonsense(self):
        quiz, student, classroom = QuizFactory(), UserFactory(), ClassroomFactory()
        with pytest.raises(ValidationError):
            service.override_set(quiz=quiz, user=student, classroom=classroom, extra_minutes=1)
        with pytest.raises(ValidationError):
            service.override_set(quiz=quiz, extra_minutes=1)
        with pytest.raises(ValidationError) as caught:
            service.override_set(quiz=quiz, user=student, time_multiplier=Decimal("0"))
        assert "time_multiplier" in caught.value.message_dict
        with pytest.raises(ValidationError):
            service.override_set(quiz=quiz, user=student)  # changes nothing
        assert not QuizOverride.objects.exists()
        assert not Attempt.objects.exists()

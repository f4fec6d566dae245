"""The attempt services: starting, answering, finishing, snapshots and re-grading."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from quizzes.models import Attempt, AttemptState, Choice, Question, Response, ReviewMoment
from quizzes.services.attempts import (
    attempt_check_answer,
    attempt_expire_if_overdue,
    attempt_finish,
    attempt_regrade,
    attempt_save_answer,
    attempt_start,
    close_overdue_attempts,
    quiz_standing_for_student,
    review_access,
)
from quizzes.services.exceptions import (
    AnswerLocked,
    AttemptClosed,
    FeedbackNotAvailable,
    InvalidAnswer,
    NoAttemptsLeft,
    QuizNotOpen,
)
from tests.factories import QuestionFactory, QuizFactory

pytestmark = pytest.mark.django_db
NOW = timezone.now().replace(microsecond=0)


def correct_choice(response):
    return max(response.snapshot["choices"], key=lambda c: c["fraction"])["id"]


def wrong_choice(response):
    return min(response.snapshot["choices"], key=lambda c: c["fraction"])["id"]


@pytest.fixture
def quiz():
    return QuizFactory(
        questions=[
            QuestionFactory(),
            QuestionFactory(true_false=True),
            QuestionFactory(short_answer=True),
            QuestionFactory(numeric=True),
        ]
    )


def responses(attempt):
    return list(Response.objects.filter(attempt=attempt).order_by("slot"))


# --- starting ---------------------------------------------------------------------------------


def test_starting_makes_an_attempt_with_one_response_per_question(quiz, student):
    attempt, created = attempt_start(quiz=quiz, user=student, now=NOW)
    assert created
    assert attempt.number == 1
    assert attempt.state == AttemptState.IN_PROGRESS
    assert attempt.max_score == Decimal(4)
    assert [r.slot for r in responses(attempt)] == [1, 2, 3, 4]
    assert [item["question"] for item in attempt.layout] == [
        r.question_id for r in responses(attempt)
    ]


def test_starting_again_resumes_the_attempt_in_progress(quiz, student):
    first, _ = attempt_start(quiz=quiz, user=student, now=NOW)
    again, created = attempt_start(quiz=quiz, user=student, now=NOW + timedelta(minutes=5))
    assert not created
    assert again.pk == first.pk
    assert Attempt.objects.count() == 1


def test_the_layout_is_shuffled_per_attempt_and_kept(student):
    quiz = QuizFactory(questions=12, shuffle_questions=True, shuffle_choices=True)
    attempt, _ = attempt_start(quiz=quiz, user=student, now=NOW)
    order = [item["question"] for item in attempt.layout]
    assert sorted(order) != order or len({tuple(i["choices"]) for i in attempt.layout}) > 1
    for response, item in zip(responses(attempt), attempt.layout, strict=True):
        assert response.question_id == item["question"]
        assert [c["id"] for c in response.snapshot["choices"]] == item["choices"]
    attempt.refresh_from_db()
    assert [item["question"] for item in attempt.layout] == order


def test_an_unpublished_or_closed_quiz_cannot_be_started(student):
    with pytest.raises(QuizNotOpen):
        attempt_start(quiz=QuizFactory(questions=1, published=False), user=student, now=NOW)
    closed = QuizFactory(questions=1, closes_at=NOW - timedelta(minutes=1))
    with pytest.raises(QuizNotOpen):
        attempt_start(quiz=closed, user=student, now=NOW)
    later = QuizFactory(questions=1, opens_at=NOW + timedelta(days=1))
    with pytest.raises(QuizNotOpen):
        attempt_start(quiz=later, user=student, now=NOW)


def test_attempts_allowed_is_enforced(student):
    quiz = QuizFactory(questions=1, attempts_allowed=2)
    for _ in range(2):
        attempt, _ = attempt_start(quiz=quiz, user=student, now=NOW)
        attempt_finish(attempt=attempt, now=NOW)
    with pytest.raises(NoAttemptsLeft):
        attempt_start(quiz=quiz, user=student, now=NOW)
    assert sorted(Attempt.objects.values_list("number", flat=True)) == [1, 2]


def test_the_deadline_is_the_earlier_of_time_limit_and_closing(student):
    timed = QuizFactory(questions=1, time_limit=timedelta(minutes=10))
    attempt, _ = attempt_start(quiz=timed, user=student, now=NOW)
    assert attempt.deadline == NOW + timedelta(minutes=10)
    closing = QuizFactory(
        questions=1, time_limit=timedelta(minutes=10), closes_at=NOW + timedelta(minutes=3)
    )
    attempt, _ = attempt_start(quiz=closing, user=student, now=NOW)
    assert attempt.deadline == NOW + timedelta(minutes=3)
    untimed, _ = attempt_start(quiz=QuizFactory(questions=1), user=student, now=NOW)
    assert untimed.deadline is None


# --- answering --------------------------------------------------------------------------------


def test_saving_an_answer_checks_its_shape_against_the_question(quiz, student):
    attempt, _ = attempt_start(quiz=quiz, user=student, now=NOW)
    single, true_false, short, numeric = responses(attempt)
    with pytest.raises(InvalidAnswer):
        attempt_save_answer(
            attempt=attempt,
            question_id=single.question_id,
            answer=correct_choice(true_false),
            now=NOW,
        )
    with pytest.raises(InvalidAnswer):
        attempt_save_answer(attempt=attempt, question_id=numeric.question_id, answer="x", now=NOW)
    with pytest.raises(InvalidAnswer):
        attempt_save_answer(attempt=attempt, question_id=999_999, answer=1, now=NOW)
    saved = attempt_save_answer(
        attempt=attempt, question_id=short.question_id, answer=" Lavrov ", now=NOW
    )
    assert saved.answer == "Lavrov"


def test_saving_the_same_answer_twice_is_harmless(quiz, student):
    attempt, _ = attempt_start(quiz=quiz, user=student, now=NOW)
    single = responses(attempt)[0]
    for _ in range(2):
        attempt_save_answer(
            attempt=attempt, question_id=single.question_id, answer=correct_choice(single), now=NOW
        )
    single.refresh_from_db()
    assert single.answer == correct_choice(single)
    assert Response.objects.filter(attempt=attempt).count() == 4


def test_a_replayed_post_answers_the_question_it_names(quiz, student):
    """A double-clicked true/false answer is never applied to the question after it."""
    attempt, _ = attempt_start(quiz=quiz, user=student, now=NOW)
    _, true_false, short, _ = responses(attempt)
    answer = correct_choice(true_false)
    attempt_save_answer(attempt=attempt, question_id=true_false.question_id, answer=answer, now=NOW)
    attempt_save_answer(attempt=attempt, question_id=true_false.question_id, answer=answer, now=NOW)
    short.refresh_from_db()
    assert short.answer is None


def test_saving_is_refused_after_the_deadline_and_its_grace(student, settings):
    settings.ATTEMPT_GRACE_SECONDS = 10
    quiz = QuizFactory(questions=1, time_limit=timedelta(minutes=1))
    attempt, _ = attempt_start(quiz=quiz, user=student, now=NOW)
    question_id = responses(attempt)[0].question_id
    within_grace = NOW + timedelta(minutes=1, seconds=5)
    attempt_save_answer(attempt=attempt, question_id=question_id, answer=None, now=within_grace)
    with pytest.raises(AttemptClosed):
        attempt_save_answer(
            attempt=attempt,
            question_id=question_id,
            answer=None,
            now=NOW + timedelta(minutes=1, seconds=11),
        )


def test_saving_is_refused_after_the_attempt_is_finished(quiz, student):
    attempt, _ = attempt_start(quiz=quiz, user=student, now=NOW)
    attempt_finish(attempt=attempt, now=NOW)
    with pytest.raises(AttemptClosed):
        attempt_save_answer(
            attempt=attempt, question_id=responses(attempt)[0].question_id, answer=None, now=NOW
        )


def test_flagging_keeps_the_answer(quiz, student):
    from quizzes.services.attempts import UNCHANGED

    attempt, _ = attempt_start(quiz=quiz, user=student, now=NOW)
    short = responses(attempt)[2]
    attempt_save_answer(attempt=attempt, question_id=short.question_id, answer="Lavrov", now=NOW)
    flagged = attempt_save_answer(
        attempt=attempt, question_id=short.question_id, answer=UNCHANGED, now=NOW, flagged=True
    )
    assert flagged.flagged and flagged.answer == "Lavrov"


# --- immediate feedback -----------------------------------------------------------------------


def test_checking_grades_and_locks_the_answer(student):
    quiz = QuizFactory(questions=2, feedback_mode="immediate")
    attempt, _ = attempt_start(quiz=quiz, user=student, now=NOW)
    first = responses(attempt)[0]
    with pytest.raises(InvalidAnswer):
        attempt_check_answer(attempt=attempt, question_id=first.question_id, now=NOW)
    attempt_save_answer(
        attempt=attempt, question_id=first.question_id, answer=wrong_choice(first), now=NOW
    )
    checked = attempt_check_answer(attempt=attempt, question_id=first.question_id, now=NOW)
    assert checked.checked and checked.fraction == 0.0
    with pytest.raises(AnswerLocked):
        attempt_save_answer(
            attempt=attempt, question_id=first.question_id, answer=correct_choice(first), now=NOW
        )
    # The same answer again (a replay) is harmless.
    attempt_save_answer(
        attempt=attempt, question_id=first.question_id, answer=wrong_choice(first), now=NOW
    )


def test_checking_is_refused_on_a_deferred_feedback_quiz(quiz, student):
    attempt, _ = attempt_start(quiz=quiz, user=student, now=NOW)
    with pytest.raises(FeedbackNotAvailable):
        attempt_check_answer(
            attempt=attempt, question_id=responses(attempt)[0].question_id, now=NOW
        )


# --- finishing --------------------------------------------------------------------------------


def answer_all_correctly(attempt):
    single, true_false, short, numeric = responses(attempt)
    for response, answer in [
        (single, correct_choice(single)),
        (true_false, correct_choice(true_false)),
        (short, "sergei lavrov"),
        (numeric, 2009),
    ]:
        attempt_save_answer(
            attempt=attempt, question_id=response.question_id, answer=answer, now=NOW
        )


def test_finishing_grades_every_response_from_its_snapshot(quiz, student):
    attempt, _ = attempt_start(quiz=quiz, user=student, now=NOW)
    answer_all_correctly(attempt)
    finished = attempt_finish(attempt=attempt, now=NOW)
    assert finished.state == AttemptState.FINISHED
    assert finished.score == Decimal("4.00")
    assert finished.grade == Decimal("100.00")
    assert [r.fraction for r in responses(attempt)] == [1.0, 1.0, 1.0, 1.0]


def test_unanswered_questions_score_zero(quiz, student):
    attempt, _ = attempt_start(quiz=quiz, user=student, now=NOW)
    finished = attempt_finish(attempt=attempt, now=NOW)
    assert finished.score == Decimal("0.00")
    assert finished.grade == Decimal("0.00")


def test_finishing_twice_grades_once(quiz, student, monkeypatch):
    from quizzes.services import attempts as service

    attempt, _ = attempt_start(quiz=quiz, user=student, now=NOW)
    answer_all_correctly(attempt)
    calls = []
    real = service.grading.grade_answer
    monkeypatch.setattr(service.grading, "grade_answer", lambda **kw: calls.append(1) or real(**kw))
    first = attempt_finish(attempt=attempt, now=NOW)
    second = attempt_finish(attempt=attempt, now=NOW + timedelta(minutes=1))
    assert len(calls) == 4
    assert (first.grade, first.finished_at) == (second.grade, second.finished_at)


def test_an_overdue_attempt_is_finished_on_its_next_access(student, settings):
    settings.ATTEMPT_GRACE_SECONDS = 0
    quiz = QuizFactory(questions=1, time_limit=timedelta(minutes=1))
    attempt, _ = attempt_start(quiz=quiz, user=student, now=NOW)
    assert attempt_expire_if_overdue(attempt=attempt, now=NOW).state == AttemptState.IN_PROGRESS
    expired = attempt_expire_if_overdue(attempt=attempt, now=NOW + timedelta(minutes=2))
    assert expired.state == AttemptState.FINISHED
    assert expired.finished_at == attempt.deadline


def test_starting_again_after_the_deadline_finishes_the_old_attempt(student, settings):
    settings.ATTEMPT_GRACE_SECONDS = 0
    quiz = QuizFactory(questions=1, time_limit=timedelta(minutes=1))
    old, _ = attempt_start(quiz=quiz, user=student, now=NOW)
    new, created = attempt_start(quiz=quiz, user=student, now=NOW + timedelta(minutes=5))
    assert created and new.number == 2
    old.refresh_from_db()
    assert old.state == AttemptState.FINISHED


def test_close_overdue_attempts_finishes_them_all(student, other_student, settings):
    settings.ATTEMPT_GRACE_SECONDS = 0
    quiz = QuizFactory(questions=1, time_limit=timedelta(minutes=1))
    attempt_start(quiz=quiz, user=student, now=NOW - timedelta(minutes=5))
    attempt_start(quiz=quiz, user=other_student, now=NOW)  # still running
    assert close_overdue_attempts(now=NOW) == 1
    assert Attempt.objects.finished().count() == 1
    assert Attempt.objects.in_progress().count() == 1


def test_the_close_overdue_attempts_command(student, settings, capsys):
    settings.ATTEMPT_GRACE_SECONDS = 0
    quiz = QuizFactory(questions=1, time_limit=timedelta(seconds=1))
    attempt_start(quiz=quiz, user=student, now=timezone.now() - timedelta(minutes=5))
    call_command("close_overdue_attempts", "--dry-run")
    assert "1 overdue attempt(s) would be finished" in capsys.readouterr().out
    call_command("close_overdue_attempts")
    assert "Finished 1 overdue attempt(s)" in capsys.readouterr().out
    assert Attempt.objects.in_progress().count() == 0


# --- snapshots and re-grading -----------------------------------------------------------------


def test_editing_a_question_does_not_change_a_finished_attempt(quiz, student):
    attempt, _ = attempt_start(quiz=quiz, user=student, now=NOW)
    answer_all_correctly(attempt)
    attempt_finish(attempt=attempt, now=NOW)
    single = responses(attempt)[0]
    question = Question.objects.get(pk=single.question_id)
    question.text = "Edited text"
    question.save()
    Choice.objects.filter(question=question).update(fraction=0)
    attempt.refresh_from_db()
    single.refresh_from_db()
    assert attempt.grade == Decimal("100.00")
    assert single.snapshot["text"] != "Edited text"
    assert correct_choice(single) == single.answer


def test_deleting_a_question_keeps_the_snapshot_and_the_score(quiz, student):
    attempt, _ = attempt_start(quiz=quiz, user=student, now=NOW)
    answer_all_correctly(attempt)
    attempt_finish(attempt=attempt, now=NOW)
    numeric = responses(attempt)[3]
    Question.objects.filter(pk=numeric.question_id).delete()
    numeric.refresh_from_db()
    assert numeric.question_id is None
    assert numeric.snapshot["numeric"]["value"] == 2009
    assert attempt_regrade(attempt=attempt) == []
    attempt.refresh_from_db()
    assert attempt.grade == Decimal("100.00")


def test_regrading_reads_the_current_question_and_reports_changes(quiz, student):
    attempt, _ = attempt_start(quiz=quiz, user=student, now=NOW)
    answer_all_correctly(attempt)
    attempt_finish(attempt=attempt, now=NOW)
    single = responses(attempt)[0]
    Choice.objects.filter(pk=single.answer).update(fraction=0.5)
    changes = attempt_regrade(attempt=attempt)
    assert changes == [
        {
            "slot": 1,
            "question": single.snapshot["key"],
            "old_score": Decimal("1.00"),
            "new_score": Decimal("0.50"),
        }
    ]
    attempt.refresh_from_db()
    assert attempt.score == Decimal("3.50")
    assert attempt.grade == Decimal("87.50")
    assert attempt_regrade(attempt=attempt) == []


# --- what a student may see -------------------------------------------------------------------


def test_review_access_follows_the_quiz_moment_by_moment(student):
    quiz = QuizFactory(
        questions=1,
        closes_at=NOW + timedelta(hours=1),
        review_attempt=ReviewMoment.IMMEDIATELY_AFTER | ReviewMoment.AFTER_CLOSE,
        review_right_answer=ReviewMoment.AFTER_CLOSE,
    )
    attempt, _ = attempt_start(quiz=quiz, user=student, now=NOW)
    assert review_access(attempt=attempt, now=NOW).reason == (
        "The review opens once the attempt is finished."
    )
    attempt = attempt_finish(attempt=attempt, now=NOW)

    right_after = review_access(attempt=attempt, now=NOW + timedelta(seconds=119))
    assert right_after.allowed and right_after.moment == ReviewMoment.IMMEDIATELY_AFTER
    assert right_after.options.correctness and not right_after.options.right_answer
    assert right_after.note.startswith("The review shows the right answers once the quiz closes")

    later = review_access(attempt=attempt, now=NOW + timedelta(minutes=2))
    assert not later.allowed and later.moment == ReviewMoment.LATER_WHILE_OPEN
    assert later.reason.startswith("The review of this attempt opens once the quiz closes")

    closed = review_access(attempt=attempt, now=NOW + timedelta(hours=1))
    assert closed.allowed and closed.moment == ReviewMoment.AFTER_CLOSE
    assert closed.options.right_answer and closed.note == ""


def test_a_quiz_that_never_closes_never_reaches_after_close(student):
    quiz = QuizFactory(questions=1, review_right_answer=ReviewMoment.AFTER_CLOSE)
    attempt = attempt_finish(attempt=attempt_start(quiz=quiz, user=student, now=NOW)[0], now=NOW)
    access = review_access(attempt=attempt, now=NOW + timedelta(days=999))
    assert access.moment == ReviewMoment.LATER_WHILE_OPEN
    assert not access.options.right_answer
    assert access.note == "This quiz does not show the right answers."


def test_quiz_standing_for_student(quiz, student):
    quiz.attempts_allowed = 3
    quiz.grading_method = "average"
    quiz.save()
    summary = quiz_standing_for_student(quiz=quiz, user=student, now=NOW)
    assert (summary.state, summary.attempts_left, summary.final_grade) == ("not_started", 3, None)
    attempt, _ = attempt_start(quiz=quiz, user=student, now=NOW)
    answer_all_correctly(attempt)
    attempt_finish(attempt=attempt, now=NOW)
    attempt, _ = attempt_start(quiz=quiz, user=student, now=NOW)
    summary = quiz_standing_for_student(quiz=quiz, user=student, now=NOW)
    assert summary.state == "in_progress"
    assert summary.attempts_used == 2 and summary.attempts_left == 1
    attempt_finish(attempt=attempt, now=NOW)
    summary = quiz_standing_for_student(quiz=quiz, user=student, now=NOW)
    assert summary.state == "finished"
    assert summary.final_grade == Decimal("50.00")


def test_the_admin_regrade_action_reports_what_changed(quiz, student, teacher, client):
    from django.contrib.auth import get_user_model

    get_user_model().objects.filter(pk=teacher.pk).update(is_superuser=True)
    attempt, _ = attempt_start(quiz=quiz, user=student, now=NOW)
    answer_all_correctly(attempt)
    attempt_finish(attempt=attempt, now=NOW)
    Choice.objects.filter(pk=responses(attempt)[0].answer).update(fraction=0)
    client.force_login(teacher)
    reply = client.post(
        "/admin/quizzes/attempt/",
        {"action": "regrade", "_selected_action": [attempt.pk]},
        follow=True,
    )
    text = " ".join(str(m) for m in reply.context["messages"])
    assert "grade 100 → 75" in text
    assert "Q1 1 → 0" in text
    assert "Re-graded 1 attempt(s); 1 changed." in text


# --- matching and ordering ------------------------------------------------------------------


def test_matching_and_ordering_are_shuffled_saved_graded_and_regraded(student):
    people = QuestionFactory(matching=True)
    events = QuestionFactory(ordering=True)
    quiz = QuizFactory(questions=[people, events])
    attempt, _ = attempt_start(quiz=quiz, user=student, now=NOW)
    matching, ordering = responses(attempt)
    shown = [i["id"] for i in ordering.snapshot["shown_items"]]
    assert shown != ordering.snapshot["item_ids"], "the items were shown in the right order"
    assert attempt.layout[1]["parts"] == shown  # the shuffle is the attempt's, kept
    right_pairs = {p["id"]: p["answer_id"] for p in matching.snapshot["pairs"]}
    first_stem = next(iter(right_pairs))
    wrong = next(
        a["id"] for a in matching.snapshot["answers"] if a["id"] != right_pairs[first_stem]
    )
    attempt_save_answer(
        attempt=attempt,
        question_id=people.pk,
        answer={**right_pairs, first_stem: wrong},
        now=NOW,
    )
    attempt_save_answer(
        attempt=attempt, question_id=events.pk, answer=ordering.snapshot["item_ids"], now=NOW
    )
    with pytest.raises(InvalidAnswer):
        attempt_save_answer(attempt=attempt, question_id=events.pk, answer=shown[:2], now=NOW)
    attempt_finish(attempt=attempt, now=NOW)
    matching.refresh_from_db()
    assert matching.fraction == pytest.approx(2 / 3)
    # The teacher finds the first pair was wrong: its stem's answer is the one picked.
    wrong_text = next(a["text"] for a in matching.snapshot["answers"] if a["id"] == wrong)
    people.match_pairs.filter(order=0).update(answer=wrong_text)
    people.match_pairs.filter(answer=wrong_text).exclude(order=0).update(answer="its old answer")
    attempt_regrade(attempt=attempt)
    matching.refresh_from_db()
    assert matching.snapshot["pairs"][0]["answer"] == wrong_text
    # Every stem is now right: the one fixed, and the other whose new answer was never offered
    # keeps its old one.
    assert matching.fraction == pytest.approx(1.0)

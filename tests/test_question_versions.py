"""Question versions: a snapshot made once per version and shared by every response that shows
it; an edit makes a new version, and finished attempts keep theirs."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from quizzes.models import Choice, Question, QuestionVersion, Response
from quizzes.services import snapshots
from quizzes.services.attempts import attempt_finish, attempt_save_answer, attempt_start
from tests.factories import QuestionFactory, QuizFactory, UserFactory

pytestmark = pytest.mark.django_db


def start(quiz, user):
    attempt, _ = attempt_start(quiz=quiz, user=user, now=timezone.now())
    return attempt


def responses(attempt):
    return list(Response.objects.filter(attempt=attempt).order_by("slot"))


def best(response):
    return max(response.snapshot["choices"], key=lambda c: c["fraction"])["id"]


def test_every_response_showing_a_version_shares_its_one_snapshot():
    quiz = QuizFactory(questions=3, shuffle_choices=True)
    first, second = start(quiz, UserFactory()), start(quiz, UserFactory())
    assert QuestionVersion.objects.count() == 3
    assert [r.version_id for r in responses(first)] == [r.version_id for r in responses(second)]
    # Each student keeps the order they saw the choices in, whatever the other saw.
    for attempt in (first, second):
        for item, response in zip(attempt.layout, responses(attempt), strict=True):
            assert [c["id"] for c in response.snapshot["choices"]] == item["choices"]


def test_matching_and_ordering_share_a_version_and_keep_each_students_shuffle():
    matching, ordering = QuestionFactory(matching=True), QuestionFactory(ordering=True)
    quiz = QuizFactory(questions=[matching, ordering])
    attempts = [start(quiz, UserFactory()) for _ in range(6)]
    assert QuestionVersion.objects.count() == 2
    shown = set()
    for attempt in attempts:
        for item, response in zip(attempt.layout, responses(attempt), strict=True):
            snapshot = response.snapshot
            if snapshot["kind"] == "matching":
                assert [a["id"] for a in snapshot["answers"]] == item["parts"]
                assert [p["id"] for p in snapshot["pairs"]] == item["stems"]
            else:
                assert [i["id"] for i in snapshot["shown_items"]] == item["parts"]
                # never shown in the right order
                assert item["parts"] != snapshot["item_ids"]
            shown.add((snapshot["kind"], tuple(item["parts"])))
    # six students do not all see the same shuffle of both questions
    assert len(shown) > 2


def test_an_edit_of_a_matching_pair_makes_a_new_version():
    question = QuestionFactory(matching=True)
    quiz = QuizFactory(questions=[question])
    before = responses(start(quiz, UserFactory()))[0]
    pair = question.match_pairs.exclude(stem="").first()
    pair.answer = "chaired the talks"
    pair.save()
    after = responses(start(quiz, UserFactory()))[0]
    assert after.version_id != before.version_id
    assert "chaired the talks" in {a["text"] for a in after.snapshot["answers"]}
    assert "chaired the talks" not in {a["text"] for a in before.snapshot["answers"]}


def test_an_edit_makes_a_new_version_and_the_finished_attempt_keeps_the_old_one(student):
    question = QuestionFactory(text="Whom did Clinton meet?")
    quiz = QuizFactory(questions=[question])
    before = start(quiz, student)
    (response,) = responses(before)
    right = best(response)
    attempt_save_answer(attempt=before, question_id=question.pk, answer=right, now=timezone.now())
    attempt_finish(attempt=before, now=timezone.now())

    question.text = "Whom did Clinton meet in Geneva?"
    question.save()
    # The answer that was right is now wrong, and the other choices change with it.
    Choice.objects.filter(question=question).exclude(pk=right).update(fraction=1)
    Choice.objects.get(pk=right).save()  # a save of a part is an edit too
    Choice.objects.filter(pk=right).update(fraction=0)
    Choice.objects.get(pk=right).save()

    after = start(quiz, UserFactory())
    (new_response,) = responses(after)
    assert new_response.version_id != response.version_id
    assert new_response.snapshot["text"] == "Whom did Clinton meet in Geneva?"

    # The finished attempt's review, as its student reads it, shows the old text and grading.
    api = APIClient()
    api.force_authenticate(student)
    review = api.get(f"/api/attempts/{before.pk}/review/").json()
    (item,) = review["questions"]
    assert item["question"]["text"] == "Whom did Clinton meet?"
    assert item["verdict"] == "correct"
    before.refresh_from_db()
    assert before.grade == before.quiz.maximum_grade


def test_editing_what_the_snapshot_quotes_makes_a_new_version():
    question = QuestionFactory()
    quiz = QuizFactory(questions=[question])
    first = responses(start(quiz, UserFactory()))[0].version_id
    fact = question.fact
    fact.sentence = "A new sentence for the fact."
    fact.save()
    second = responses(start(quiz, UserFactory()))[0]
    assert second.version_id != first
    assert second.snapshot["fact"]["sentence"] == "A new sentence for the fact."
    article = fact.article
    article.title = "A new title"
    article.save()
    third = responses(start(quiz, UserFactory()))[0]
    assert third.version_id != second.version_id
    assert third.snapshot["fact"]["article_title"] == "A new title"


def test_the_same_content_again_is_the_same_version():
    question = QuestionFactory(text="Original text")
    quiz = QuizFactory(questions=[question])
    original = responses(start(quiz, UserFactory()))[0].version_id
    question.text = "Edited text"
    question.save()
    edited = responses(start(quiz, UserFactory()))[0].version_id
    question.text = "Original text"
    question.save()
    assert responses(start(quiz, UserFactory()))[0].version_id == original
    assert edited != original
    assert QuestionVersion.objects.filter(question=question).count() == 2


def test_a_start_that_read_a_question_before_an_edit_does_not_make_it_current(monkeypatch):
    question = QuestionFactory(text="Read before the edit")
    loaded = list(Question.objects.select_related("current_version").filter(pk=question.pk))
    build = snapshots.question_snapshot

    def edited_right_after_reading(question_read, **kwargs):
        snapshot = build(question_read, **kwargs)
        edited = Question.objects.get(pk=question_read.pk)
        edited.text = "Edited meanwhile"
        edited.save()
        return snapshot

    monkeypatch.setattr(snapshots, "question_snapshot", edited_right_after_reading)
    versions = snapshots.current_versions(questions=loaded)
    monkeypatch.undo()
    # The start that read the question goes on with what it read…
    assert versions[question.pk].snapshot["text"] == "Read before the edit"
    # …but never points the edited question at a version made before the edit.
    question.refresh_from_db()
    assert question.current_version is None
    quiz = QuizFactory(questions=[question])
    assert responses(start(quiz, UserFactory()))[0].snapshot["text"] == "Edited meanwhile"
    question.refresh_from_db()
    assert question.current_version.snapshot["text"] == "Edited meanwhile"


@pytest.mark.parametrize("warm", [False, True], ids=["first start", "later starts"])
def test_a_start_writes_in_a_fixed_number_of_statements_whatever_the_size(warm):
    counts = {}
    for size in (5, 50):
        quiz = QuizFactory(questions=size, shuffle_questions=True, shuffle_choices=True)
        if warm:
            start(quiz, UserFactory())
        student = UserFactory()
        with CaptureQueriesContext(connection) as queries:
            attempt = start(quiz, student)
        assert len(responses(attempt)) == size
        counts[size] = len(queries)
    assert counts[5] == counts[50]
    # A first start also reads each part table once (choices, accepted answers, match pairs,
    # ordering items) to make the versions. One of the count is the quiz's random slots (none
    # here; with slots, their pools and the drawn questions add two, tests/test_random_slots.py).
    assert counts[5] <= (9 if warm else 17)


# --- the migration from per-response snapshots ------------------------------------------------


def _snapshot(question_id, text, choice_ids):
    return {
        "id": question_id,
        "key": f"q{question_id}",
        "kind": "single_choice",
        "text": text,
        "explanation": "",
        "choices": [
            {"id": c, "text": f"choice {c}", "fraction": 1.0 if c == min(choice_ids) else 0.0}
            for c in choice_ids
        ],
        "accepted_answers": [],
        "numeric": None,
        "fact": None,
    }


def test_the_migration_turns_snapshots_into_shared_versions_and_back(transactional_db):
    from django.db.migrations.executor import MigrationExecutor

    before = [("quizzes", "0006_throttle_counts")]
    after = [("quizzes", "0007_question_versions")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        old = executor.loader.project_state(before).apps
        user_model, quiz_model = old.get_model("auth", "User"), old.get_model("quizzes", "Quiz")
        question_model = old.get_model("quizzes", "Question")
        attempt_model, response_model = (
            old.get_model("quizzes", "Attempt"),
            old.get_model("quizzes", "Response"),
        )
        quiz = quiz_model.objects.create(slug="old", title="Old")
        question = question_model.objects.create(key="q1", kind="single_choice", text="Now")
        stored = {}
        # Two students saw the same content in different orders; a third saw an older text;
        # a fourth answered a question deleted since (no question id left).
        for number, (text, order, question_id) in enumerate(
            [
                ("Then", [11, 12, 13], question.pk),
                ("Then", [13, 11, 12], question.pk),
                ("Older", [11, 12, 13], question.pk),
                ("Gone", [21, 22], None),
            ],
            start=1,
        ):
            user = user_model.objects.create(username=f"student{number}")
            attempt = attempt_model.objects.create(
                quiz=quiz, user=user, number=1, state="finished", started_at=timezone.now()
            )
            snapshot = _snapshot(question_id or 99, text, order)
            response = response_model.objects.create(
                attempt=attempt, question_id=question_id, slot=1, snapshot=snapshot, marks=1
            )
            stored[response.pk] = snapshot

        executor = MigrationExecutor(connection)
        executor.migrate(after)
        new = executor.loader.project_state(after).apps
        versions = new.get_model("quizzes", "QuestionVersion")
        rows = new.get_model("quizzes", "Response").objects.order_by("pk")
        assert versions.objects.count() == 3  # "Then" once for two responses, "Older", "Gone"
        assert rows[0].version_id == rows[1].version_id != rows[2].version_id
        assert all(row.regraded_snapshot is None for row in rows)
        for row in rows:  # what each response shows is what it stored
            assert [c["id"] for c in stored[row.pk]["choices"]] == row.choice_order
            version = QuestionVersion(snapshot=row.version.snapshot)
            shown = Response(version=version, choice_order=row.choice_order).snapshot
            assert shown == stored[row.pk]

        executor = MigrationExecutor(connection)
        executor.migrate(before)
        back = executor.loader.project_state(before).apps.get_model("quizzes", "Response")
        assert {r.pk: r.snapshot for r in back.objects.all()} == stored
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

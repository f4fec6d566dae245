"""Review options: what the review and Check show, moment by moment, on the pages and in the API.

The central test switches each option off in turn, answers a question of every kind wrongly, and
looks for the texts that option governs (the right choices and accepted answers, numeric values,
feedback, the explanation, the source sentence) in the review page, the review API, the Check
page and the Check JSON: none may be there, except where the question's own text holds them, and
the texts of the options left on must be (so the check can fail).
"""

import doctest
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from quizzes.models import (
    Attempt,
    FeedbackMode,
    Quiz,
    ReviewMoment,
)
from quizzes.services import review
from quizzes.services.attempts import attempt_finish, attempt_start
from tests.every_kind import ALWAYS, KINDS, OPTIONS, answered_wrongly, every_kind_quiz
from tests.factories import QuizFactory
from tests.review_leaks import (
    PAGE_MARKERS,
    TEXT_OPTIONS,
    element_texts,
    item_leaks,
    markup,
    page_leaks,
    text_leaks,
    visible_text,
)

pytestmark = pytest.mark.django_db


def _snapshots(attempt) -> dict[int, dict]:
    return {r.slot: r.snapshot for r in attempt.responses.order_by("slot")}


def _shows(option: str, text: str, snapshot: dict) -> bool:
    """Whether `text` shows what `option` governs for this question (when it has any)."""
    if option in TEXT_OPTIONS and text_leaks(text, snapshot, [option]):
        return True
    pattern = PAGE_MARKERS.get(option)
    return bool(pattern and pattern.search(text))


def _has_governed(option: str, snapshot: dict) -> bool:
    """Whether the question has anything for `option` to show once answered wrongly."""
    if option == "specific_feedback":
        return snapshot["kind"] in {"single_choice", "true_false", "multiple_response"}
    if option == "source":
        return snapshot.get("fact") is not None
    return True


def _assert_page_item(text: str, snapshot: dict, off: set[str]):
    assert page_leaks(text, snapshot, off) == [], text
    for option in set(OPTIONS) - off:
        if _has_governed(option, snapshot):
            assert _shows(option, text, snapshot), f"{option} should show in: {text}"


def _assert_api_item(item: dict, snapshot: dict, off: set[str]):
    assert item_leaks(item, snapshot, off) == [], item
    on = set(OPTIONS) - off
    if "correctness" in on:
        assert item["verdict"] == "incorrect"
    if "marks" in on:
        assert item["score"] is not None
    if "right_answer" in on:
        assert item["correct_answer"] or any(c["correct"] for c in item["choices"])
    if "general_feedback" in on:
        assert item["explanation"]
    if "source" in on:
        assert item["source"]["sentence"] == snapshot["fact"]["sentence"]
    if "specific_feedback" in on and _has_governed("specific_feedback", snapshot):
        assert item["feedback"]


# --- the review: every option switched off in turn ----------------------------------------------


@pytest.mark.parametrize("off", OPTIONS)
def test_a_review_shows_nothing_an_option_switched_off_governs(
    off, student, student_client, api_client_for
):
    quiz = every_kind_quiz(off={off})
    attempt = attempt_finish(attempt=answered_wrongly(quiz, student), now=timezone.now())
    snapshots = _snapshots(attempt)

    page = student_client.get(reverse("attempt-review", kwargs={"pk": attempt.pk})).content.decode()
    items, source = element_texts(page), markup(page)
    for slot, snapshot in snapshots.items():
        _assert_page_item(items[f"q{slot}"], snapshot, {off})
        # Nothing hidden in attributes or markup either (the test data's texts are distinct).
        assert text_leaks(source, snapshot, [o for o in TEXT_OPTIONS if o == off]) == []
    summary = visible_text(page).split("Question 1 ")[0]
    assert ("Score" in summary) == (off != "marks")

    body = api_client_for(student).get(f"/api/attempts/{attempt.pk}/review/").json()
    assert body["shows"] == {"attempt": True, **{o: o != off for o in OPTIONS}}
    assert len(body["questions"]) == len(KINDS)
    for item in body["questions"]:
        _assert_api_item(item, snapshots[item["slot"]], {off})
    totals = (body["attempt"]["score"], body["attempt"]["grade"])
    assert (totals == (None, None)) == (off == "marks")


# --- Check: the same, during the attempt ----------------------------------------------------------


def _check_on_the_page(client, attempt, response) -> str:
    reply = client.post(
        reverse("attempt-save", kwargs={"pk": attempt.pk}),
        {
            "question": response.question_id,
            "slot": response.slot,
            "kind": response.snapshot["kind"],
            "flag_field": "1",
            "nav": "check",
        },
    )
    assert reply.status_code == 302
    return client.get(f"{attempt.get_absolute_url()}?q={response.slot}").content.decode()


@pytest.mark.parametrize("off", OPTIONS)
def test_check_shows_nothing_an_option_switched_off_governs(
    off, student, student_client, api_client_for
):
    quiz = every_kind_quiz(off={off}, feedback_mode=FeedbackMode.IMMEDIATE)
    attempt = answered_wrongly(quiz, student)
    api = api_client_for(student)
    for response in attempt.responses.order_by("slot"):
        page = _check_on_the_page(student_client, attempt, response)
        # The whole page (the feedback, and the options marked in the form), then its markup.
        _assert_page_item(visible_text(page), response.snapshot, {off})
        assert page_leaks(markup(page), response.snapshot, {off}) == []
        # The API's Check answers the same for an answer already checked.
        checked = api.post(f"/api/attempts/{attempt.pk}/answers/{response.question_id}/check/")
        assert checked.status_code == 200
        _assert_api_item(checked.json()["result"], response.snapshot, {off})

    detail = api.get(f"/api/attempts/{attempt.pk}/").json()
    snapshots = _snapshots(attempt)
    for question in detail["questions"]:
        _assert_api_item(question["checked_result"], snapshots[question["slot"]], {off})


# --- the old "never": nothing that names the answer, though every text names it -----------------


def test_a_quiz_that_hides_answers_hides_feedback_and_explanations_that_name_them(
    student, student_client, api_client_for
):
    hidden = {"specific_feedback", "general_feedback", "right_answer", "source"}
    quiz = every_kind_quiz(off=hidden, naming=True, feedback_mode=FeedbackMode.IMMEDIATE)
    attempt = answered_wrongly(quiz, student)
    api = api_client_for(student)
    for response in attempt.responses.order_by("slot"):
        page = _check_on_the_page(student_client, attempt, response)
        assert page_leaks(markup(page), response.snapshot, hidden) == []
        assert "Not correct" in element_texts(page)["feedback"]
        result = api.post(f"/api/attempts/{attempt.pk}/answers/{response.question_id}/check/")
        assert item_leaks(result.json()["result"], response.snapshot, hidden) == []
    attempt = attempt_finish(attempt=attempt, now=timezone.now())
    page = student_client.get(reverse("attempt-review", kwargs={"pk": attempt.pk})).content.decode()
    body = api.get(f"/api/attempts/{attempt.pk}/review/").json()
    items = element_texts(page)
    for slot, snapshot in _snapshots(attempt).items():
        assert page_leaks(items[f"q{slot}"], snapshot, hidden) == []
        item = next(i for i in body["questions"] if i["slot"] == slot)
        assert item_leaks(item, snapshot, hidden) == []
        assert item["verdict"] == "incorrect"


# --- the review like Moodle's: options listed, the pick and the right ones marked ---------------


def test_the_review_lists_a_choice_questions_options_with_the_pick_and_the_right_ones(
    student, student_client
):
    quiz = every_kind_quiz()
    attempt = attempt_finish(attempt=answered_wrongly(quiz, student), now=timezone.now())
    page = student_client.get(reverse("attempt-review", kwargs={"pk": attempt.pk})).content.decode()
    items = element_texts(page)
    assert "Genf-SC Correct answer Paris-SC Your answer Rome-SC Oslo-SC" in items["q1"].replace(
        "✓ ", ""
    )
    assert (
        "Polska-MR Correct answer Czechia-MR Correct answer Hungary-MR Your answer "
        "Romania-MR Your answer" in items["q2"].replace("✓ ", "")
    )
    assert "True Your answer False Correct answer" in items["q3"].replace("✓ ", "")
    assert "Your answer Perestroika Correct answer" in items["q4"]


def test_check_marks_the_chosen_option_and_the_right_one(student, student_client):
    quiz = every_kind_quiz(feedback_mode=FeedbackMode.IMMEDIATE)
    attempt = answered_wrongly(quiz, student)
    first = attempt.responses.get(slot=1)
    text = visible_text(_check_on_the_page(student_client, attempt, first))
    assert "Genf-SC ✓ Correct answer Paris-SC Your answer Rome-SC Oslo-SC" in text


def test_check_without_the_right_answer_marks_only_the_pick(student, student_client):
    quiz = every_kind_quiz(off={"right_answer"}, feedback_mode=FeedbackMode.IMMEDIATE)
    attempt = answered_wrongly(quiz, student)
    text = visible_text(_check_on_the_page(student_client, attempt, attempt.responses.get(slot=1)))
    assert "Genf-SC Paris-SC Your answer Rome-SC Oslo-SC" in text
    assert "Correct answer" not in text


# --- moments -------------------------------------------------------------------------------------


def test_the_review_follows_the_moment(student, student_client):
    """Right answers after the quiz closes only; the review itself closed while it is open."""
    now = timezone.now()
    quiz = every_kind_quiz(closes_at=now + timedelta(hours=1))
    quiz.review_right_answer = ReviewMoment.AFTER_CLOSE
    quiz.review_attempt = ReviewMoment.IMMEDIATELY_AFTER | ReviewMoment.AFTER_CLOSE
    quiz.save()
    attempt = attempt_finish(attempt=answered_wrongly(quiz, student), now=now)
    url = reverse("attempt-review", kwargs={"pk": attempt.pk})

    body = student_client.get(url).content.decode()
    assert "Correct answer" not in body
    assert "The review shows the right answers once the quiz closes" in visible_text(body)

    Attempt.objects.filter(pk=attempt.pk).update(finished_at=now - timedelta(minutes=3))
    reply = student_client.get(url, follow=True)
    assert reply.redirect_chain[-1][0] == quiz.get_absolute_url()
    assert "The review of this attempt opens once the quiz closes" in visible_text(
        reply.content.decode()
    )

    Quiz.objects.filter(pk=quiz.pk).update(closes_at=now - timedelta(seconds=1))
    body = student_client.get(url).content.decode()
    assert "Correct answer" in body


def test_a_closed_review_is_a_403_with_its_reason_in_the_api(student, api_client_for):
    quiz = QuizFactory(questions=1, review_attempt=0)
    attempt, _ = attempt_start(quiz=quiz, user=student, now=timezone.now())
    attempt_finish(attempt=attempt, now=timezone.now())
    response = api_client_for(student).get(f"/api/attempts/{attempt.pk}/review/")
    assert response.status_code == 403
    assert response.json() == {
        "detail": "This quiz does not let you review your attempts.",
        "code": "review_not_allowed",
    }


# --- the pure parts -----------------------------------------------------------------------------


def test_the_review_module_examples_hold():
    assert doctest.testmod(review).failed == 0


def test_the_options_in_force_name_every_review_option_in_order():
    assert tuple(review.ReviewOptions().as_dict()) == review.OPTION_NAMES
    assert ("attempt", *OPTIONS) == review.OPTION_NAMES


moment_bits = st.integers(min_value=0, max_value=ALWAYS)


@given(
    settings=st.fixed_dictionaries(dict.fromkeys(review.OPTION_NAMES, moment_bits)),
)
def test_the_table_and_the_bitmasks_say_the_same(settings):
    settings = {**settings, "attempt": settings["attempt"] & ~ReviewMoment.DURING}
    table = review.settings_table(settings)
    assert review.settings_from_table(table, base={}) == settings
    for moment in review.MOMENT_ORDER:
        shown = review.options_at(settings=settings, moment=moment)
        cells = table[review.MOMENT_NAMES[moment]]
        assert {o: getattr(shown, o) for o in cells} == cells
    assert review.options_at(settings=settings, moment=ReviewMoment.DURING).attempt


def test_a_table_changes_only_the_cells_it_names():
    base = dict.fromkeys(review.OPTION_NAMES, ALWAYS) | {"attempt": 14}
    changed = review.settings_from_table(
        {"after_close": {"right_answer": False}, "during": {"attempt": False}}, base=base
    )
    assert changed == {**base, "right_answer": ALWAYS & ~ReviewMoment.AFTER_CLOSE}


def test_a_review_item_of_an_unanswered_question_says_so_only_when_correctness_shows():
    snapshot = {
        "kind": "short_answer",
        "id": 1,
        "text": "Who?",
        "choices": [],
        "accepted_answers": [{"text": "Lavrov", "fraction": 1.0, "match": "normalised"}],
        "explanation": "",
        "fact": None,
    }
    unanswered = {"snapshot": snapshot, "answer": None, "fraction": 0.0, "score": 0, "marks": 1}
    hidden = review.review_item(**unanswered, options=review.ReviewOptions())
    assert (hidden["verdict"], hidden["answered"], hidden["correct_answer"]) == (None, False, None)
    shown = review.review_item(
        **unanswered, options=review.ReviewOptions(correctness=True, right_answer=True)
    )
    assert (shown["verdict"], shown["correct_answer"]) == ("unanswered", "Lavrov")


# --- the admin grid and the API ------------------------------------------------------------------


def test_the_admin_shows_the_options_as_a_grid_of_labelled_checkboxes(admin_client):
    quiz = QuizFactory(hides_answers=True)
    page = admin_client.get(reverse("admin:quizzes_quiz_change", args=[quiz.pk])).content.decode()
    assert "<caption>What the review shows, and when</caption>" in page
    assert 'aria-label="Right answer, after the quiz closes"' in page
    assert 'aria-label="The attempt, during the attempt (always)"' in page
    cell = 'name="review_options_{0}_after_close" id="id_review_options_{0}_after_close" value="1"'
    # Not ticked: the quiz hides the answers. Ticked: it shows the marks.
    assert cell.format("right_answer") + " aria-label" in page
    assert cell.format("marks") + " checked" in page


def test_the_admin_saves_the_ticked_cells(admin_client):
    quiz = QuizFactory(published=False)
    url = reverse("admin:quizzes_quiz_change", args=[quiz.pk])
    data = {
        "title": quiz.title,
        "slug": quiz.slug,
        "description": "",
        "grading_method": "highest",
        "maximum_grade": "100",
        "feedback_mode": "immediate",
        "quiz_questions-TOTAL_FORMS": "0",
        "quiz_questions-INITIAL_FORMS": "0",
        "quiz_questions-MIN_NUM_FORMS": "0",
        "quiz_questions-MAX_NUM_FORMS": "1000",
        "random_slots-TOTAL_FORMS": "0",
        "random_slots-INITIAL_FORMS": "0",
        # Ticked cells are posted; unticked ones are not.
        "review_options_attempt_immediately_after": "1",
        "review_options_attempt_after_close": "1",
        "review_options_correctness_during": "1",
        "review_options_right_answer_after_close": "1",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    quiz.refresh_from_db()
    assert quiz.review_settings() == {
        "attempt": ReviewMoment.IMMEDIATELY_AFTER | ReviewMoment.AFTER_CLOSE,
        "correctness": ReviewMoment.DURING,
        "marks": 0,
        "specific_feedback": 0,
        "general_feedback": 0,
        "right_answer": ReviewMoment.AFTER_CLOSE,
        "source": 0,
    }


def test_teachers_read_and_write_the_options_through_the_api(teacher, api_client_for):
    api = api_client_for(teacher)
    quiz = QuizFactory(slug="options", questions=1)
    body = api.get("/api/quizzes/options/").json()
    assert body["review_options"]["during"] == dict.fromkeys(OPTIONS, True)
    assert body["review_options"]["after_close"]["attempt"] is True

    changed = api.patch(
        "/api/quizzes/options/",
        {"review_options": {"immediately_after": {"right_answer": False, "source": False}}},
        format="json",
    )
    assert changed.status_code == 200, changed.json()
    quiz.refresh_from_db()
    assert (
        quiz.review_right_answer == quiz.review_source == ALWAYS & ~ReviewMoment.IMMEDIATELY_AFTER
    )
    assert quiz.review_general_feedback == ALWAYS  # cells left out keep their value
    assert changed.json()["review_options"]["immediately_after"]["right_answer"] is False

    bad = api.patch(
        "/api/quizzes/options/", {"review_options": {"during": {"marks": "maybe"}}}, format="json"
    )
    assert bad.status_code == 400
    assert bad.json() == {"review_options": {"during": {"marks": ["Must be a valid boolean."]}}}


def test_students_read_the_options_but_cannot_write_them(student, api_client_for):
    QuizFactory(slug="options", questions=1, hides_answers=True)
    api = api_client_for(student)
    body = api.get("/api/quizzes/options/").json()
    assert body["review_options"]["later_while_open"]["right_answer"] is False
    refused = api.patch(
        "/api/quizzes/options/", {"review_options": {"during": {"marks": False}}}, format="json"
    )
    assert refused.status_code == 403


def test_the_schema_documents_the_options_and_the_review_item(client):
    schema = client.get("/api/schema/?format=json").json()["components"]["schemas"]
    assert set(schema["ReviewOptions"]["properties"]) == {
        "during",
        "immediately_after",
        "later_while_open",
        "after_close",
    }
    assert "attempt" not in schema["ReviewDuring"]["properties"]
    assert set(schema["ReviewAfter"]["properties"]) == set(review.OPTION_NAMES)
    item = schema["ReviewItem"]["properties"]
    assert {"verdict", "score", "feedback", "explanation", "correct_answer", "source"} <= set(item)


# --- marks: hidden wherever the grade appears ----------------------------------------------------


def test_hidden_marks_hide_the_score_and_grade_everywhere_a_student_looks(
    student, student_client, teacher, api_client_for
):
    now = timezone.now()
    quiz = QuizFactory(
        slug="marks-later",
        title="Marks later",
        questions=2,
        pass_mark=50,
        closes_at=now + timedelta(hours=1),
        review_marks=ReviewMoment.AFTER_CLOSE,
    )
    api = api_client_for(student)
    attempt = api.post("/api/quizzes/marks-later/attempts/").json()
    finished = api.post(f"/api/attempts/{attempt['id']}/finish/").json()
    assert (finished["score"], finished["grade"], finished["passed"]) == (None, None, None)
    listed = api.get("/api/attempts/").json()["results"][0]
    assert (listed["score"], listed["grade"]) == (None, None)
    standing = api.get("/api/quizzes/marks-later/").json()["standing"]
    assert standing["final_grade"] is None and standing["grade_hidden"] is True
    review_body = api.get(f"/api/attempts/{attempt['id']}/review/").json()
    assert review_body["attempt"]["grade"] is None and review_body["shows"]["marks"] is False

    pages = {
        name: visible_text(student_client.get(reverse(name, **kwargs)).content.decode())
        for name, kwargs in [
            ("attempt-list", {}),
            ("quiz-list", {}),
            ("quiz-detail", {"kwargs": {"slug": "marks-later"}}),
            ("attempt-review", {"kwargs": {"pk": attempt["id"]}}),
        ]
    }
    assert "Not shown yet" in pages["attempt-list"]
    assert "grade not shown yet" in pages["quiz-list"]
    assert "your grade is not shown yet" in pages["quiz-detail"]
    assert "The review shows the marks once the quiz closes" in pages["attempt-review"]
    for text in pages.values():
        assert "0 / 100" not in text and "Not passed" not in text

    # Teachers see every score, whatever the students may.
    results = api_client_for(teacher).get("/api/quizzes/marks-later/results/").json()
    assert results["results"][0]["grade"] == "0"

    Quiz.objects.filter(pk=quiz.pk).update(closes_at=now - timedelta(seconds=1))
    assert api.get("/api/attempts/").json()["results"][0]["grade"] == "0"
    assert "0 / 100" in visible_text(student_client.get(reverse("attempt-list")).content.decode())


def test_a_closed_review_says_when_it_opens_in_the_history(student, student_client):
    now = timezone.now()
    quiz = QuizFactory(
        questions=1, closes_at=now + timedelta(days=1), review_attempt=ReviewMoment.AFTER_CLOSE
    )
    attempt, _ = attempt_start(quiz=quiz, user=student, now=now)
    attempt_finish(attempt=attempt, now=now)
    text = visible_text(student_client.get(reverse("attempt-list")).content.decode())
    assert "The review of this attempt opens once the quiz closes" in text
    assert (
        f"/attempts/{attempt.pk}/review/"
        not in student_client.get(reverse("attempt-list")).content.decode()
    )


# --- the migration from the old switch -----------------------------------------------------------


def test_the_migration_maps_the_old_switch_to_equivalent_options_and_back(transactional_db):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [("quizzes", "0003_card_state_created_at_first_look")]
    after = [("quizzes", "0004_quiz_review_options")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        old_quiz = executor.loader.project_state(before).apps.get_model("quizzes", "Quiz")
        for switch in ("after_finish", "after_close", "never"):
            old_quiz.objects.create(slug=switch, title=switch, review_correct_answers=switch)
        executor = MigrationExecutor(connection)
        executor.migrate(after)
        new_quiz = executor.loader.project_state(after).apps.get_model("quizzes", "Quiz")
        fields = [f"review_{option}" for option in review.OPTION_NAMES]
        got = {q["slug"]: tuple(q[f] for f in fields) for q in new_quiz.objects.values()}
        # attempt, correctness, marks, specific, general, right answer, source
        assert got == {
            "after_finish": (14, 15, 15, 15, 15, 14, 14),
            "after_close": (14, 15, 15, 8, 8, 8, 8),
            "never": (14, 15, 15, 0, 0, 0, 0),
        }
        executor = MigrationExecutor(connection)
        executor.migrate(before)
        old_quiz = executor.loader.project_state(before).apps.get_model("quizzes", "Quiz")
        assert dict(old_quiz.objects.values_list("slug", "review_correct_answers")) == {
            "after_finish": "after_finish",
            "after_close": "after_close",
            "never": "never",
        }
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

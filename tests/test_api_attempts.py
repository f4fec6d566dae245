"""The student API: quizzes, attempts, answers, finishing, review and immediate feedback."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from quizzes.models import Attempt, AttemptState, FeedbackMode
from tests.factories import QuestionFactory, QuizFactory, TagFactory, UserFactory

# Keys that reveal correctness; none may appear in a student's payload before the review.
FORBIDDEN_KEYS = {
    "fraction",
    "is_correct",
    "accepted_answers",
    "correct_answer",
    "numeric",
    "numeric_answer",
    "value",
    "tolerance",
    "feedback",
    "explanation",
    "verdict",
    "checked_result",
}


def correctness_leaks(payload, path="$") -> list[str]:
    """Every place in a JSON document that holds correctness data (a non-null forbidden key)."""
    leaks = []
    if isinstance(payload, dict):
        for key, value in payload.items():
            if key in FORBIDDEN_KEYS and value not in (None, [], {}):
                leaks.append(f"{path}.{key}")
            leaks += correctness_leaks(value, f"{path}.{key}")
    elif isinstance(payload, list):
        for index, item in enumerate(payload):
            leaks += correctness_leaks(item, f"{path}[{index}]")
    return leaks


def assert_no_correctness(payload, *, correct_texts=()):
    assert correctness_leaks(payload) == []
    text = str(payload)
    for secret in correct_texts:
        assert secret not in text, f"{secret!r} leaked"


@pytest.fixture
def api(api_client_for, student):
    return api_client_for(student)


@pytest.fixture
def other_api(api_client_for, other_student):
    return api_client_for(other_student)


@pytest.fixture
def quiz(db):
    """One question of every kind, deferred feedback, review after finishing."""
    questions = [
        QuestionFactory(),
        QuestionFactory(multiple_response=True),
        QuestionFactory(true_false=True),
        QuestionFactory(short_answer=True),
        QuestionFactory(numeric=True, numeric_answer=2009),
        QuestionFactory(cloze=True),
    ]
    return QuizFactory(slug="reset", questions=questions, shuffle_choices=True)


def by_kind(attempt_json):
    return {item["question"]["kind"]: item for item in attempt_json["questions"]}


def right_answers(attempt_json, quiz):
    """The correct answer to each question, worked out from the database (not the payload)."""
    answers = {}
    for qq in quiz.quiz_questions.select_related("question"):
        q = qq.question
        if q.kind in {"single_choice", "true_false"}:
            answers[q.pk] = q.choices.get(fraction=1).pk
        elif q.kind == "multiple_response":
            answers[q.pk] = list(q.choices.filter(fraction__gt=0).values_list("pk", flat=True))
        elif q.kind == "numeric":
            answers[q.pk] = q.numeric_answer
        else:
            answers[q.pk] = q.accepted_answers.first().text
    return answers


def start(api, slug="reset"):
    return api.post(f"/api/quizzes/{slug}/attempts/")


# --- quizzes ---------------------------------------------------------------------------------


def test_students_list_only_published_open_quizzes_without_answer_data(api, quiz):
    QuizFactory(slug="draft", published=False)
    QuizFactory(slug="closed", closes_at=timezone.now() - timedelta(days=1))
    QuizFactory(slug="later", opens_at=timezone.now() + timedelta(days=1))
    response = api.get("/api/quizzes/")
    assert response.status_code == 200
    assert [q["slug"] for q in response.json()["results"]] == ["reset"]
    assert response.json()["results"][0]["question_count"] == 6
    assert "questions" not in response.json()["results"][0]
    assert_no_correctness(response.json(), correct_texts=["Sergei Lavrov"])


def test_quiz_detail_shows_the_students_standing(api, quiz):
    response = api.get("/api/quizzes/reset/")
    assert response.status_code == 200
    assert response.json()["standing"] == {
        "state": "not_started",
        "attempts_used": 0,
        "attempts_left": None,
        "final_grade": None,
        "grade_hidden": False,
        "in_progress_attempt": None,
        "can_start": True,
    }
    assert_no_correctness(response.json(), correct_texts=["Sergei Lavrov"])


def test_unpublished_or_unknown_quizzes_are_404_for_students(api, quiz):
    QuizFactory(slug="draft", published=False)
    assert api.get("/api/quizzes/draft/").status_code == 404
    assert api.get("/api/quizzes/nope/").json() == {
        "detail": "No Quiz matches the given query.",
        "code": "not_found",
    }


def test_quizzes_filter_by_tag_and_article(api, quiz):
    tagged = QuizFactory(slug="tagged", questions=1)
    tagged.tags.add(TagFactory(slug="geneva"))
    article = quiz.questions.first().fact.article.slug
    assert [q["slug"] for q in api.get("/api/quizzes/?tag=geneva").json()["results"]] == ["tagged"]
    found = api.get(f"/api/quizzes/?article={article}").json()["results"]
    assert [q["slug"] for q in found] == ["reset"]


def test_anonymous_calls_get_401(client, quiz):
    api = APIClient()
    for method, url in [
        ("get", "/api/quizzes/"),
        ("post", "/api/quizzes/reset/attempts/"),
        ("get", "/api/attempts/"),
        ("get", "/api/attempts/1/"),
    ]:
        response = getattr(api, method)(url)
        assert response.status_code == 401, url
        assert response.json()["code"] == "not_authenticated"


@pytest.mark.parametrize("count", [3, 30])
def test_quiz_list_runs_a_constant_number_of_queries(api, django_assert_max_num_queries, count):
    for n in range(count):
        QuizFactory(questions=2).tags.add(TagFactory(slug=f"t{n}"))
    with django_assert_max_num_queries(4):  # teacher?, count, page, tags
        response = api.get("/api/quizzes/?page_size=50")
    assert response.json()["count"] == count


# --- starting --------------------------------------------------------------------------------


def test_starting_returns_the_attempt_with_its_questions_as_laid_out(api, quiz, student):
    response = start(api)
    assert response.status_code == 201
    body = response.json()
    attempt = Attempt.objects.get(pk=body["id"])
    assert attempt.user == student
    assert [q["question"]["id"] for q in body["questions"]] == [
        item["question"] for item in attempt.layout
    ]
    for item, laid_out in zip(body["questions"], attempt.layout, strict=True):
        assert [c["id"] for c in item["question"]["choices"]] == laid_out["choices"]
    assert body["state"] == "in_progress"
    assert body["score"] is None
    assert_no_correctness(body, correct_texts=["2009"])


def test_starting_again_resumes_the_attempt_in_progress(api, quiz):
    first = start(api).json()
    again = start(api)
    assert again.status_code == 200
    assert again.json()["id"] == first["id"]
    assert Attempt.objects.count() == 1


def test_starting_a_closed_quiz_is_refused_with_a_reason(api, quiz):
    quiz.closes_at = timezone.now() - timedelta(minutes=1)
    quiz.save()
    response = start(api)
    assert response.status_code == 403
    assert response.json() == {"detail": "This quiz is not open.", "code": "quiz_not_open"}


def test_no_attempts_left_is_403(api, quiz):
    quiz.attempts_allowed = 1
    quiz.save()
    attempt = start(api).json()
    api.post(f"/api/attempts/{attempt['id']}/finish/")
    response = start(api)
    assert response.status_code == 403
    assert response.json()["code"] == "no_attempts_left"


def test_starting_an_unknown_or_unpublished_quiz_is_404(api, quiz):
    QuizFactory(slug="draft", published=False)
    assert start(api, "nope").status_code == 404
    assert start(api, "draft").status_code == 404


# --- answering -------------------------------------------------------------------------------


def test_saving_an_answer_returns_what_was_saved(api, quiz):
    attempt = start(api).json()
    short = by_kind(attempt)["short_answer"]["question"]["id"]
    response = api.put(
        f"/api/attempts/{attempt['id']}/answers/{short}/",
        {"answer": "  lavrov ", "flagged": True},
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["answer"] == "lavrov"
    assert body["flagged"] is True
    assert body["question"] == short
    assert_no_correctness(body)


@pytest.mark.parametrize(
    ("kind", "bad"),
    [
        ("single_choice", "Sergei Lavrov"),
        ("single_choice", 999999),
        ("multiple_response", 3),
        ("multiple_response", ["a"]),
        ("true_false", [1]),
        ("short_answer", 42),
        ("short_answer", "x" * 301),
        ("short_answer", "Lav\x00rov"),  # PostgreSQL cannot store a NUL: a 400, never a 500
        ("numeric", "2009"),
        ("cloze", ["Lavrov"]),
    ],
)
def test_an_answer_of_the_wrong_shape_is_400_and_changes_nothing(api, quiz, kind, bad):
    attempt = start(api).json()
    question = by_kind(attempt)[kind]["question"]["id"]
    url = f"/api/attempts/{attempt['id']}/answers/{question}/"
    response = api.put(url, {"answer": bad}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["answer"]
    assert isinstance(response.json()["answer"][0], str)
    assert Attempt.objects.get().responses.get(question_id=question).answer is None


def test_a_missing_answer_field_is_400(api, quiz):
    attempt = start(api).json()
    question = attempt["questions"][0]["question"]["id"]
    response = api.put(f"/api/attempts/{attempt['id']}/answers/{question}/", {}, format="json")
    assert response.status_code == 400
    assert response.json() == {"answer": ["This field is required."]}


def test_unknown_question_or_attempt_is_404(api, quiz):
    attempt = start(api).json()
    other_question = QuestionFactory()
    url = f"/api/attempts/{attempt['id']}/answers/{other_question.pk}/"
    assert api.put(url, {"answer": 1}, format="json").status_code == 404
    assert (
        api.put("/api/attempts/999999/answers/1/", {"answer": 1}, format="json").status_code == 404
    )
    assert api.get("/api/attempts/999999/").status_code == 404


def test_another_students_attempt_is_404_everywhere(api, other_api, quiz):
    attempt = start(api).json()
    question = attempt["questions"][0]["question"]["id"]
    base = f"/api/attempts/{attempt['id']}"
    assert other_api.get(f"{base}/").status_code == 404
    assert (
        other_api.put(f"{base}/answers/{question}/", {"answer": 1}, format="json").status_code
        == 404
    )
    assert other_api.post(f"{base}/finish/").status_code == 404
    assert other_api.get(f"{base}/review/").status_code == 404
    assert other_api.get("/api/attempts/").json()["count"] == 0
    assert Attempt.objects.get().state == AttemptState.IN_PROGRESS


def test_answers_after_finishing_are_refused_with_409(api, quiz):
    attempt = start(api).json()
    question = by_kind(attempt)["short_answer"]["question"]["id"]
    api.post(f"/api/attempts/{attempt['id']}/finish/")
    response = api.put(
        f"/api/attempts/{attempt['id']}/answers/{question}/", {"answer": "Lavrov"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "attempt_closed"


# --- finishing and review ------------------------------------------------------------------


def answer_everything(api, attempt, quiz):
    for question_id, answer in right_answers(attempt, quiz).items():
        response = api.put(
            f"/api/attempts/{attempt['id']}/answers/{question_id}/",
            {"answer": answer},
            format="json",
        )
        assert response.status_code == 200, response.json()


def test_finishing_returns_score_grade_and_passed(api, quiz):
    quiz.pass_mark = 50
    quiz.save()
    attempt = start(api).json()
    answer_everything(api, attempt, quiz)
    response = api.post(f"/api/attempts/{attempt['id']}/finish/")
    assert response.status_code == 200
    body = response.json()
    assert (body["score"], body["max_score"], body["grade"], body["passed"]) == (
        "6",
        "6",
        "100",
        True,
    )
    again = api.post(f"/api/attempts/{attempt['id']}/finish/")
    assert again.json()["finished_at"] == body["finished_at"]


def test_the_attempt_payload_never_shows_correctness_while_in_progress(api, quiz):
    attempt = start(api).json()
    answer_everything(api, attempt, quiz)
    for payload in (
        api.get(f"/api/attempts/{attempt['id']}/").json(),
        api.get("/api/attempts/").json(),
        api.get("/api/quizzes/reset/").json(),
    ):
        assert_no_correctness(payload)


def test_review_before_finishing_is_403_with_a_reason(api, quiz):
    attempt = start(api).json()
    response = api.get(f"/api/attempts/{attempt['id']}/review/")
    assert response.status_code == 403
    assert response.json() == {
        "detail": "The review opens once the attempt is finished.",
        "code": "review_not_allowed",
    }


def test_review_after_finishing_shows_answers_and_verdicts(api, quiz):
    attempt = start(api).json()
    answer_everything(api, attempt, quiz)
    api.post(f"/api/attempts/{attempt['id']}/finish/")
    response = api.get(f"/api/attempts/{attempt['id']}/review/")
    assert response.status_code == 200
    body = response.json()
    assert body["moment"] == "immediately_after"
    assert all(body["shows"].values())
    assert body["note"] == ""
    assert {item["verdict"] for item in body["questions"]} == {"correct"}
    single = next(i for i in body["questions"] if i["question"]["kind"] == "single_choice")
    assert single["correct_answer"] == "Sergei Lavrov"
    assert single["source"]["sentence"].startswith("Fact sentence")
    marked = {(c["text"], c["selected"], c["correct"]) for c in single["choices"]}
    assert ("Sergei Lavrov", True, True) in marked
    assert ("Dmitry Medvedev", False, False) in marked


def test_review_hides_correct_answers_when_the_quiz_hides_them(api, quiz):
    for field in ("specific_feedback", "general_feedback", "right_answer", "source"):
        setattr(quiz, f"review_{field}", 0)
    quiz.save()
    attempt = start(api).json()
    api.post(f"/api/attempts/{attempt['id']}/finish/")
    body = api.get(f"/api/attempts/{attempt['id']}/review/").json()
    assert body["shows"]["right_answer"] is False
    assert body["note"] == (
        "This quiz does not show the feedback on your answers, the explanations, the right "
        "answers and the article sentences the questions came from."
    )
    for item in body["questions"]:
        assert (item["correct_answer"], item["explanation"], item["source"]) == (None, None, None)
        assert {choice["correct"] for choice in item["choices"]} <= {None}


def test_my_attempts_lists_only_mine(api, other_api, quiz):
    start(api)
    start(other_api)
    response = api.get("/api/attempts/")
    assert response.json()["count"] == 1


@pytest.mark.parametrize("count", [3, 30])
def test_attempt_list_and_detail_run_constant_queries(
    api, student, django_assert_max_num_queries, count
):
    quizzes = [QuizFactory(questions=1) for _ in range(count)]
    for quiz in quizzes:
        start(api, quiz.slug)
    # count, page with quizzes, the student's closing dates (one query for the page)
    with django_assert_max_num_queries(3):
        response = api.get("/api/attempts/?page_size=50")
    assert response.json()["count"] == count
    big = QuizFactory(slug="big", questions=count)
    attempt = start(api, "big").json()
    with django_assert_max_num_queries(2):  # attempt with quiz, responses
        assert api.get(f"/api/attempts/{attempt['id']}/").status_code == 200
    assert big.quiz_questions.count() == count
    question = attempt["questions"][-1]["question"]
    with django_assert_max_num_queries(2):  # the response with its attempt, one UPDATE
        saved = api.put(
            f"/api/attempts/{attempt['id']}/answers/{question['id']}/",
            {"answer": question["choices"][0]["id"]},
            format="json",
        )
    assert saved.status_code == 200


# --- immediate feedback ----------------------------------------------------------------------


@pytest.fixture
def immediate_quiz(db):
    return QuizFactory(
        slug="instant",
        feedback_mode=FeedbackMode.IMMEDIATE,
        questions=[QuestionFactory(), QuestionFactory(short_answer=True)],
    )


def test_checking_an_answer_grades_and_locks_it(api, immediate_quiz):
    attempt = start(api, "instant").json()
    item = by_kind(attempt)["short_answer"]
    question = item["question"]["id"]
    base = f"/api/attempts/{attempt['id']}/answers/{question}/"
    api.put(base, {"answer": "Lavrov"}, format="json")
    response = api.post(f"{base}check/")
    assert response.status_code == 200
    assert response.json()["result"]["verdict"] == "correct"
    locked = api.put(base, {"answer": "Medvedev"}, format="json")
    assert locked.status_code == 409
    assert locked.json()["code"] == "answer_locked"


def test_checking_without_an_answer_is_400(api, immediate_quiz):
    attempt = start(api, "instant").json()
    question = attempt["questions"][0]["question"]["id"]
    response = api.post(f"/api/attempts/{attempt['id']}/answers/{question}/check/")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_answer"


def test_checking_on_a_deferred_quiz_is_403(api, quiz):
    attempt = start(api).json()
    question = attempt["questions"][0]["question"]["id"]
    response = api.post(f"/api/attempts/{attempt['id']}/answers/{question}/check/")
    assert response.status_code == 403
    assert response.json()["code"] == "feedback_not_available"


def test_checking_is_throttled_so_answers_cannot_be_brute_forced(api, immediate_quiz, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "check": "2/min",
        },
    }
    attempt = start(api, "instant").json()
    question = by_kind(attempt)["short_answer"]["question"]["id"]
    url = f"/api/attempts/{attempt['id']}/answers/{question}/check/"
    api.put(url.removesuffix("check/"), {"answer": "Lavrov"}, format="json")
    assert [api.post(url).status_code for _ in range(2)] == [200, 200]
    throttled = api.post(url)
    assert throttled.status_code == 429
    assert int(throttled["Retry-After"]) > 0
    assert throttled.json()["code"] == "throttled"
    # Saving answers is not the stricter scope.
    assert api.get(f"/api/attempts/{attempt['id']}/").status_code == 200


def test_students_are_throttled_per_user(api, quiz, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "user": "3/min",
        },
    }
    codes = [api.get("/api/quizzes/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    other = APIClient()
    other.force_authenticate(UserFactory())
    assert other.get("/api/quizzes/").status_code == 200


# --- end to end ------------------------------------------------------------------------------


def token_client(username, password="pass-word-123"):
    client = APIClient()
    token = client.post(
        "/api/auth/token/", {"username": username, "password": password}, format="json"
    )
    assert token.status_code == 200, token.json()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    return client


def test_a_quiz_from_token_to_review(student, quiz):
    api = token_client("student")
    slug = api.get("/api/quizzes/").json()["results"][0]["slug"]
    attempt = api.post(f"/api/quizzes/{slug}/attempts/").json()
    answer_everything(api, attempt, quiz)
    wrong = by_kind(attempt)["numeric"]["question"]["id"]
    api.put(f"/api/attempts/{attempt['id']}/answers/{wrong}/", {"answer": 1989}, format="json")
    assert_no_correctness(api.get(f"/api/attempts/{attempt['id']}/").json())
    finished = api.post(f"/api/attempts/{attempt['id']}/finish/").json()
    assert (finished["score"], finished["grade"]) == ("5", "83.33")
    review = api.get(f"/api/attempts/{attempt['id']}/review/").json()
    numeric = next(i for i in review["questions"] if i["question"]["kind"] == "numeric")
    assert (numeric["verdict"], numeric["answer_text"], numeric["correct_answer"]) == (
        "incorrect",
        "1989",
        "2009",
    )
    assert AuthToken.objects.filter(user=student).count() == 1


def test_the_demo_quiz_from_token_to_review(db):
    call_command("loaddata", "articles", "questions", "quizzes", "demo_users", verbosity=0)
    api = token_client("student", "reset-2009")
    assert "reset-button-basics" in [q["slug"] for q in api.get("/api/quizzes/").json()["results"]]
    attempt = api.post("/api/quizzes/reset-button-basics/attempts/")
    assert attempt.status_code == 201
    attempt = attempt.json()
    assert_no_correctness(attempt)
    for item in attempt["questions"]:
        question = item["question"]
        answer = {
            "single_choice": question["choices"][0]["id"] if question["choices"] else None,
            "true_false": question["choices"][0]["id"] if question["choices"] else None,
            "multiple_response": [c["id"] for c in question["choices"][:2]],
            "numeric": 2009,
            "matching": {s["id"]: question["answers"][0]["id"] for s in question.get("stems", [])},
            "ordering": [i["id"] for i in question.get("items", [])],
        }.get(question["kind"], "Geneva")
        saved = api.put(
            f"/api/attempts/{attempt['id']}/answers/{question['id']}/",
            {"answer": answer},
            format="json",
        )
        assert saved.status_code == 200, saved.json()
    finished = api.post(f"/api/attempts/{attempt['id']}/finish/").json()
    assert finished["state"] == "finished"
    review = api.get(f"/api/attempts/{attempt['id']}/review/")
    assert review.status_code == 200
    assert len(review.json()["questions"]) == len(attempt["questions"])


@pytest.mark.parametrize("count", [3, 30])
def test_review_runs_constant_queries(api, django_assert_max_num_queries, count):
    QuizFactory(slug="big", questions=count)
    attempt = start(api, "big").json()
    api.post(f"/api/attempts/{attempt['id']}/finish/")
    # attempt with quiz, responses, the student's closing date (review moments)
    with django_assert_max_num_queries(3):
        response = api.get(f"/api/attempts/{attempt['id']}/review/")
    assert len(response.json()["questions"]) == count


@pytest.mark.parametrize(
    "path",
    [
        "/api/attempts/18466310023858921584654621083697152/",
        "/api/attempts/18466310023858921584654621083697152/answers/3600/",
        "/api/attempts/{attempt}/answers/18466310023858921584654621083697152/",
    ],
)
def test_ids_too_large_for_the_database_are_404_not_500(api, quiz, path):
    attempt = start(api).json()["id"]
    url = path.format(attempt=attempt)
    response = api.put(url, {"answer": 1}, format="json") if "answers" in url else api.get(url)
    assert response.status_code == 404


# --- matching and ordering ------------------------------------------------------------------


@pytest.fixture
def parts_quiz(db):
    questions = [QuestionFactory(matching=True), QuestionFactory(ordering=True)]
    return QuizFactory(slug="parts", questions=questions)


def test_matching_and_ordering_are_shown_without_their_pairs_or_order(api, parts_quiz):
    attempt = start(api, "parts").json()
    matching, ordering = (item["question"] for item in attempt["questions"])
    assert [s["text"] for s in matching["stems"]] == [
        "Hillary Clinton",
        "Sergei Lavrov",
        "Barack Obama",
    ]
    assert len(matching["answers"]) == 4
    items = [i["text"] for i in ordering["items"]]
    assert sorted(items) == sorted(
        ["The talks opened", "The button was pressed", "The ministers dined"]
    )
    assert items != ["The talks opened", "The button was pressed", "The ministers dined"]
    assert_no_correctness(attempt)

    # No key of the payload pairs a stem with its answer or numbers an item's place.
    def keys(value):
        if isinstance(value, dict):
            return set(value) | {k for v in value.values() for k in keys(v)}
        return {k for v in value for k in keys(v)} if isinstance(value, list) else set()

    assert keys(attempt).isdisjoint({"answer_id", "item_ids", "shown_items", "pairs", "position"})


def test_matching_and_ordering_answers_are_saved_graded_and_reviewed(api, parts_quiz):
    attempt = start(api, "parts").json()
    matching, ordering = (item["question"] for item in attempt["questions"])
    by_text = {a["text"]: a["id"] for a in matching["answers"]}
    stems = {s["text"]: s["id"] for s in matching["stems"]}
    answer = {
        stems["Hillary Clinton"]: by_text["met Lavrov in Geneva"],
        stems["Sergei Lavrov"]: by_text["resigned from office"],
    }
    base = f"/api/attempts/{attempt['id']}/answers"
    saved = api.put(f"{base}/{matching['id']}/", {"answer": answer}, format="json")
    assert saved.status_code == 200 and saved.json()["answer"] == answer
    ids = {i["text"]: i["id"] for i in ordering["items"]}
    order = [ids["The talks opened"], ids["The ministers dined"], ids["The button was pressed"]]
    assert api.put(f"{base}/{ordering['id']}/", {"answer": order}, format="json").status_code == 200
    assert api.post(f"/api/attempts/{attempt['id']}/finish/").status_code == 200
    review = api.get(f"/api/attempts/{attempt['id']}/review/").json()
    first, second = review["questions"]
    assert first["fraction"] == pytest.approx(1 / 3)
    assert first["pairs"][1] == {
        "stem": "Sergei Lavrov",
        "given": "resigned from office",
        "right": "pressed the reset button",
        "correct": False,
    }
    assert second["fraction"] == 0.0  # talks→dined and dined→pressed are both wrong links
    assert [p["right"] for p in second["order"]] == [
        "The talks opened",
        "The button was pressed",
        "The ministers dined",
    ]


@pytest.mark.parametrize(
    ("kind", "bad"),
    [
        ("matching", {"s-unknown": "a-unknown"}),
        ("matching", [["only one"]]),
        ("matching", 3),
        ("ordering", ["i-unknown"]),
        ("ordering", {"a": 1}),
    ],
)
def test_a_malformed_matching_or_ordering_answer_is_400_on_the_answer_field(
    api, parts_quiz, kind, bad
):
    attempt = start(api, "parts").json()
    question = by_kind(attempt)[kind]["question"]["id"]
    response = api.put(
        f"/api/attempts/{attempt['id']}/answers/{question}/", {"answer": bad}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["answer"]
    assert Attempt.objects.get().responses.get(question_id=question).answer is None

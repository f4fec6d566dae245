"""Text no database can store (a lone surrogate, a NUL) is a field error on every text field of
the API, never a 500, and nothing is written; valid text, however unusual, goes through as typed.

JSON's escape `\\ud800` is how a client sends a lone surrogate (Python's `json.dumps` writes one for
a str that holds it), so the bodies here are JSON text, not dicts for the test client to encode.
"""

import doctest
import json

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from quizzes import cleaning, csv_safety, fixture_json, lockout
from quizzes.cleaning import NUL_MESSAGE, text_problem, text_problems
from quizzes.models import Article, Attempt, Fact, Question, Quiz, Response
from quizzes.services.attempts import attempt_start
from tests.factories import (
    ArticleFactory,
    CardFactory,
    DeckFactory,
    QuestionFactory,
    QuizFactory,
    TeacherFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SURROGATE = "\ud800"
BODY = "Clinton met Lavrov in Geneva. They pressed a reset button."


@pytest.mark.parametrize("module", [cleaning, csv_safety, fixture_json, lockout])
def test_the_examples_in_the_docstrings_hold(module):
    assert doctest.testmod(module).failed == 0


# --- the pure check --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Lavrov",
        "Лавров",
        "Peregrúzka",
        "日本",
        "👍 (a pair, not a lone half)",
        "\ufffd",
        "a\tb",
    ],
)
def test_valid_text_has_no_problem(text):
    assert text_problem(text) is None


@pytest.mark.parametrize("text", ["\ud800", "a\udfffb", "\udc80", "x\x00"])
def test_unstorable_text_has_a_problem(text):
    assert text_problem(text)


def test_problems_are_shaped_like_field_errors():
    assert text_problems({"a": 1, "b": [1, "ok"], "c": {"d": "fine"}}) is None
    assert text_problems({"answer": SURROGATE}) == {"answer": [text_problem(SURROGATE)]}
    assert text_problems({"tags": ["ok", "x\x00"]}) == {"tags": {"1": [NUL_MESSAGE]}}
    assert text_problems({SURROGATE: 1}) == {
        "non_field_errors": [f"A field name: {text_problem(SURROGATE)}"]
    }
    assert text_problems(SURROGATE) == {"non_field_errors": [text_problem(SURROGATE)]}


# --- every text field of the API -------------------------------------------------------------


@pytest.fixture
def teacher_api():
    api = APIClient()
    api.force_authenticate(TeacherFactory(username="tess"))
    return api


def put_bad_text(body, path, bad):
    """`body` with the string at `path` (keys and list indexes) spoiled by `bad`."""
    body = json.loads(json.dumps(body))
    target = body
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = f"{target[path[-1]]}{bad}"
    return body


def send(api, method, url, body):
    # ensure_ascii writes a lone surrogate as the escape a client would send.
    return getattr(api, method)(url, json.dumps(body), content_type="application/json")


ARTICLE = {
    "slug": "geneva",
    "title": "Reset",
    "publisher": "Reuters",
    "byline": "Sue",
    "body": BODY,
}
QUESTION = {
    "kind": "single_choice",
    "text": "Whom did Clinton meet?",
    "explanation": "The article says so.",
    "choices": [
        {"text": "Lavrov", "fraction": 1, "feedback": "Yes."},
        {"text": "Medvedev", "fraction": 0, "feedback": "No."},
    ],
}
SHORT = {
    "kind": "short_answer",
    "text": "Whom did Clinton meet?",
    "accepted_answers": [{"text": "Lavrov"}],
}
TEACHER_FIELDS = [
    ("post", "/api/articles/", ARTICLE, ("title",)),
    ("post", "/api/articles/", ARTICLE, ("body",)),
    ("post", "/api/articles/", ARTICLE, ("publisher",)),
    ("post", "/api/articles/", ARTICLE, ("byline",)),
    ("post", "/api/articles/", ARTICLE, ("slug",)),
    ("post", "/api/questions/", QUESTION, ("text",)),
    ("post", "/api/questions/", QUESTION, ("explanation",)),
    ("post", "/api/questions/", QUESTION, ("choices", 1, "text")),
    ("post", "/api/questions/", QUESTION, ("choices", 0, "feedback")),
    ("post", "/api/questions/", SHORT, ("accepted_answers", 0, "text")),
    ("post", "/api/quizzes/", {"slug": "q", "title": "Q", "description": "D"}, ("title",)),
    ("post", "/api/quizzes/", {"slug": "q", "title": "Q", "description": "D"}, ("description",)),
]


def _error_at(errors, path):
    for step in path:
        errors = errors[step if isinstance(errors, list) else str(step)]
    return errors


@pytest.mark.parametrize("bad", [SURROGATE, "\x00"], ids=["lone surrogate", "NUL"])
@pytest.mark.parametrize(
    ("method", "url", "body", "path"), TEACHER_FIELDS, ids=lambda v: str(v)[:40]
)
def test_a_teacher_field_with_unstorable_text_is_a_field_error(
    teacher_api, method, url, body, path, bad
):
    assert send(teacher_api, method, url, body).status_code == 201  # the body is valid as it is
    Article.objects.all().delete(), Question.objects.all().delete(), Quiz.objects.all().delete()
    response = send(teacher_api, method, url, put_bad_text(body, path, bad))
    assert response.status_code == 400, response.content
    assert _error_at(response.json(), path) == [text_problem(bad)]
    assert (Article.objects.count(), Question.objects.count(), Quiz.objects.count()) == (0, 0, 0)


@pytest.mark.parametrize("field", ["sentence", "answer", "prompt"])
def test_a_fact_field_with_a_lone_surrogate_is_a_field_error(teacher_api, field):
    ArticleFactory(slug="geneva", body=BODY)
    fact = {"article": "geneva", "sentence": "Clinton met Lavrov in Geneva.", "answer": "Lavrov"}
    fact |= {"kind": "person", "prompt": "Who?", "distractors": ["Medvedev"]}
    response = send(teacher_api, "post", "/api/facts/", put_bad_text(fact, (field,), SURROGATE))
    assert response.status_code == 400
    assert list(response.json()) == [field]
    spoiled = put_bad_text(fact, ("distractors", 0), SURROGATE)
    assert list(send(teacher_api, "post", "/api/facts/", spoiled).json()) == ["distractors"]
    assert not Fact.objects.exists()


@pytest.fixture
def attempt_setup():
    student = UserFactory(username="sam")
    short = QuestionFactory(short_answer=True)
    cloze = QuestionFactory(cloze=True)
    quiz = QuizFactory(questions=[short, cloze])
    attempt, _ = attempt_start(quiz=quiz, user=student, now=timezone.now())
    api = APIClient()
    api.force_authenticate(student)
    return {"api": api, "attempt": attempt, "questions": (short, cloze)}


@pytest.mark.parametrize("which", [0, 1], ids=["short answer", "cloze"])
@pytest.mark.parametrize("bad", [SURROGATE, "Lav" + SURROGATE + "rov", "\udfff"])
def test_an_answer_with_a_lone_surrogate_is_a_field_error_and_saves_nothing(
    attempt_setup, which, bad
):
    attempt, question = attempt_setup["attempt"], attempt_setup["questions"][which]
    url = f"/api/attempts/{attempt.pk}/answers/{question.pk}/"
    response = send(attempt_setup["api"], "put", url, {"answer": bad})
    assert response.status_code == 400
    assert response.json() == {"answer": [text_problem(bad)]}
    assert Response.objects.get(attempt=attempt, question=question).answer is None


@pytest.mark.parametrize("answer", ["Лавров", "Sergei Lavrov 👍", "Peregrúzka", "\ufffd"])
def test_valid_unusual_answers_are_saved_as_typed(attempt_setup, answer):
    attempt, question = attempt_setup["attempt"], attempt_setup["questions"][0]
    url = f"/api/attempts/{attempt.pk}/answers/{question.pk}/"
    response = send(attempt_setup["api"], "put", url, {"answer": answer})
    assert response.status_code == 200
    assert Response.objects.get(attempt=attempt, question=question).answer == answer


def test_a_surrogate_pair_escape_is_valid_text(attempt_setup):
    attempt, question = attempt_setup["attempt"], attempt_setup["questions"][0]
    url = f"/api/attempts/{attempt.pk}/answers/{question.pk}/"
    body = '{"answer": "Lavrov \\ud83d\\udc4d"}'  # 👍 as JSON escapes it: a pair, not a lone half
    response = attempt_setup["api"].put(url, body, content_type="application/json")
    assert response.status_code == 200
    assert Response.objects.get(attempt=attempt, question=question).answer == "Lavrov 👍"


def test_the_grader_refuses_a_surrogate_that_bypasses_the_api(attempt_setup):
    from quizzes.services.attempts import attempt_save_answer
    from quizzes.services.exceptions import InvalidAnswer

    attempt, question = attempt_setup["attempt"], attempt_setup["questions"][0]
    with pytest.raises(InvalidAnswer, match="lone surrogate"):
        attempt_save_answer(
            attempt=attempt, question_id=question.pk, answer=SURROGATE, now=timezone.now()
        )


def test_a_card_review_id_with_a_lone_surrogate_is_a_field_error():
    student = UserFactory(username="sam")
    card = CardFactory(deck=DeckFactory(slug="geneva"))
    api = APIClient()
    api.force_authenticate(student)
    body = {"rating": "good", "client_review_id": "id" + SURROGATE}
    response = send(api, "post", f"/api/cards/{card.pk}/review/", body)
    assert response.status_code == 400
    assert list(response.json()) == ["client_review_id"]


def test_a_surrogate_in_a_field_name_is_refused_whole(teacher_api):
    response = send(teacher_api, "post", "/api/articles/", {**ARTICLE, SURROGATE: "x"})
    assert response.status_code == 400
    assert list(response.json()) == ["non_field_errors"]
    assert not Article.objects.exists()


def test_the_pages_decode_broken_utf8_as_replacement_characters(client):
    # A form body cannot carry a lone surrogate: Django decodes bytes that are not UTF-8 (here
    # the surrogate's own encoding) as U+FFFD. The answer is saved as that, not a 500.
    student = UserFactory(username="sam")
    quiz = QuizFactory(questions=[QuestionFactory(short_answer=True)])
    attempt, _ = attempt_start(quiz=quiz, user=student, now=timezone.now())
    client.force_login(student)
    question = attempt.responses.get().question_id
    response = client.post(
        reverse("attempt-save", args=[attempt.pk]),
        f"question={question}&slot=1&kind=short_answer&answer_field=1&answer=Lav%ED%A0%80rov",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code in (200, 302)
    assert Attempt.objects.get().responses.get().answer == "Lav\ufffd\ufffd\ufffdrov"

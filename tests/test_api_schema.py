"""The OpenAPI document, the docs page, and a schemathesis run over every operation.

Schemathesis generates requests from `/api/schema/` (valid and invalid bodies, parameters and ids)
and sends them to the WSGI app as a student and as a teacher: no response may be a 5xx, use a
status code the schema does not list, or have a body that breaks its documented schema.

The schemathesis tests are marked `fuzz` (left out of `make test-fast`), and the schema is built
by a fixture when they first run, not when this module is imported: collecting the suite (any
`-k` run, the fast lane) does not pay for it. Each operation is reported as a subtest.
"""

from contextlib import contextmanager

import pytest
import schemathesis
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, settings
from rest_framework.test import APIClient
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from quizzes.api.tokens import token_create
from quizzes.models import FeedbackMode
from tests.factories import (
    CardFactory,
    DeckFactory,
    QuestionFactory,
    QuizFactory,
    TeacherFactory,
    UserFactory,
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def test_the_schema_is_openapi_3_and_describes_every_endpoint(client):
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    for path in [
        "/api/auth/token/",
        "/api/quizzes/",
        "/api/quizzes/{slug}/",
        "/api/quizzes/{slug}/attempts/",
        "/api/quizzes/{slug}/results/",
        "/api/attempts/",
        "/api/attempts/{id}/",
        "/api/attempts/{id}/answers/{question_id}/",
        "/api/attempts/{id}/answers/{question_id}/check/",
        "/api/attempts/{id}/finish/",
        "/api/attempts/{id}/review/",
        "/api/articles/{slug}/generate/",
        "/api/questions/{id}/",
        "/api/facts/{id}/",
    ]:
        assert path in paths, path
    for path, operations in paths.items():
        for method, operation in operations.items():
            responses = operation["responses"]
            success = [code for code in responses if code.startswith("2")]
            assert success, f"{method} {path} has no success response"
            assert {"403", "429"} <= set(responses), f"{method} {path} lacks error responses"
            if method in {"post", "put", "patch"} and path != "/api/auth/token/":
                assert "400" in responses
    answer = paths["/api/attempts/{id}/answers/{question_id}/"]["put"]
    assert answer["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/AnswerInputRequest"
    }
    assert schema["components"]["schemas"]["Error"]["required"] == ["detail", "code"]


def test_the_docs_are_served_by_the_app_without_a_cdn(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert "cdn" not in html.lower()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert finders.find("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")


def test_unknown_api_paths_are_json_404s(client):
    response = client.get("/api/nothing/here/")
    assert response.status_code == 404
    assert response.json() == {"detail": "No such API endpoint.", "code": "not_found"}


def test_an_api_path_with_a_newline_is_a_json_404_too(client):
    response = client.post("/api/articles/%C2%AD%0A%13./generate/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "No such API endpoint.", "code": "not_found"}


# --- schemathesis --------------------------------------------------------------------------


@pytest.fixture(scope="session")
def api_schema(django_db_setup, django_db_blocker):
    """The OpenAPI document, read once per session from the app. The schema view needs no login
    and makes no query, but the request's signals check the connection: hence the test
    database first, and the blocker lifted."""
    with django_db_blocker.unblock():
        return schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture
def tokens(db, settings):
    """Data to hit (quizzes of both feedback modes, attempts in progress and finished, a deck)
    and a token per role. Throttling is lifted: the run itself would trip it."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": dict.fromkeys(
            settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "100000/min"
        ),
    }
    cache.clear()
    student = UserFactory(username="fuzz-student")
    teacher = TeacherFactory(username="fuzz-teacher")
    QuizFactory(
        slug="reset",
        questions=[
            QuestionFactory(),
            QuestionFactory(short_answer=True),
            QuestionFactory(numeric=True),
        ],
    )
    QuizFactory(slug="instant", feedback_mode=FeedbackMode.IMMEDIATE, questions=2)
    client = APIClient()
    client.force_authenticate(student)
    finished = client.post("/api/quizzes/instant/attempts/").json()
    client.post(f"/api/attempts/{finished['id']}/finish/")
    client.post("/api/quizzes/reset/attempts/")
    CardFactory.create_batch(2, deck=DeckFactory(slug="geneva"))
    # Schemathesis calls the WSGI app directly, so Django's request signals fire; like Django's
    # test client, keep them from closing the test's database connection (and its transaction).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield {
            "student": token_create(user=student)[1],
            "teacher": token_create(user=teacher)[1],
        }
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
        cache.clear()


FUZZ = settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


@contextmanager
def rolled_back():
    """Undo one request's writes, so every request meets the data `tokens` made (a delete in
    one operation does not leave the next with nothing to find)."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


# The tests ask for `tokens` (and so the database) only once they run: the mark says so up front.
@pytest.mark.fuzz
@pytest.mark.django_db
@schema.parametrize()
@FUZZ
def test_as_a_student_no_operation_breaks_its_schema_or_the_server(case, tokens):
    with rolled_back():
        case.call_and_validate(
            headers={"Authorization": f"Token {tokens['student']}"}, checks=CHECKS
        )


@pytest.mark.fuzz
@pytest.mark.django_db
@schema.parametrize()
@FUZZ
def test_as_a_teacher_no_operation_breaks_its_schema_or_the_server(case, tokens):
    with rolled_back():
        case.call_and_validate(
            headers={"Authorization": f"Token {tokens['teacher']}"}, checks=CHECKS
        )

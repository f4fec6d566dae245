"""Signing in to the API: tokens, sessions with CSRF, throttling and the error shape."""

from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import QuizFactory


def with_rates(settings, **rates):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], **rates},
    }


def test_a_token_for_a_username_and_password(student):
    api = APIClient()
    response = api.post(
        "/api/auth/token/", {"username": "student", "password": "pass-word-123"}, format="json"
    )
    assert response.status_code == 200
    assert response.json() == {"token": Token.objects.get(user=student).key}
    api.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert api.get("/api/attempts/").status_code == 200


def test_a_wrong_password_is_400_and_gives_no_token(student):
    response = APIClient().post(
        "/api/auth/token/", {"username": "student", "password": "nope"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Unable to log in with provided credentials."]}
    assert not Token.objects.exists()


def test_missing_credentials_are_400_per_field(db):
    response = APIClient().post("/api/auth/token/", {}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "username": ["This field is required."],
        "password": ["This field is required."],
    }


def test_a_bad_token_is_401(db):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    response = api.get("/api/quizzes/")
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token.", "code": "authentication_failed"}


def test_token_login_is_throttled_per_address(student, settings):
    with_rates(settings, login="3/min")
    api = APIClient()
    codes = [
        api.post(
            "/api/auth/token/", {"username": "student", "password": "guess"}, format="json"
        ).status_code
        for _ in range(4)
    ]
    assert codes == [400, 400, 400, 429]
    throttled = api.post(
        "/api/auth/token/", {"username": "student", "password": "pass-word-123"}, format="json"
    )
    assert throttled.status_code == 429
    assert int(throttled["Retry-After"]) > 0
    assert throttled.json()["code"] == "throttled"
    other_address = APIClient(REMOTE_ADDR="10.0.0.9").post(
        "/api/auth/token/", {"username": "student", "password": "pass-word-123"}, format="json"
    )
    assert other_address.status_code == 200


def test_anonymous_calls_are_throttled_per_address(db, settings):
    # Endpoints that need a login answer 401 first; the open ones count per address.
    with_rates(settings, anon="2/min")
    api = APIClient()
    assert [api.get("/api/schema/").status_code for _ in range(3)] == [200, 200, 429]
    assert APIClient(REMOTE_ADDR="10.0.0.9").get("/api/schema/").status_code == 200


def test_session_auth_works_and_enforces_csrf(student):
    QuizFactory(slug="reset", questions=1)
    api = APIClient(enforce_csrf_checks=True)
    api.force_login(student)
    assert api.get("/api/quizzes/").status_code == 200
    refused = api.post("/api/quizzes/reset/attempts/")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    secret = "a" * 32  # what the CSRF cookie holds; a page's form sends the same
    api.cookies["csrftoken"] = secret
    started = api.post("/api/quizzes/reset/attempts/", HTTP_X_CSRFTOKEN=secret)
    assert started.status_code == 201


def test_a_token_skips_csrf(student):
    QuizFactory(slug="reset", questions=1)
    api = APIClient(enforce_csrf_checks=True)
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=student).key}")
    assert api.post("/api/quizzes/reset/attempts/").status_code == 201


def test_unknown_methods_use_the_error_shape(student):
    api = APIClient()
    api.force_authenticate(student)
    response = api.delete("/api/attempts/")
    assert response.status_code == 405
    assert set(response.json()) == {"detail", "code"}

"""Signing in to the API: expiring tokens stored hashed, logging out, sessions with CSRF,
throttling and the error shape."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from quizzes.api.tokens import token_create
from tests.factories import QuizFactory, UserFactory

PASSWORD = "pass-word-123"


def with_rates(settings, **rates):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], **rates},
    }


def log_in(username="student", password=PASSWORD, **client_options):
    return APIClient(**client_options).post(
        "/api/auth/token/", {"username": username, "password": password}, format="json"
    )


def with_token(token: str) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return api


def test_a_token_for_a_username_and_password(student):
    response = log_in()
    assert response.status_code == 200
    assert set(response.json()) == {"token", "expiry"}
    assert with_token(response.json()["token"]).get("/api/attempts/").status_code == 200


def test_the_token_is_stored_only_as_a_hash(student):
    token = log_in().json()["token"]
    stored = AuthToken.objects.get(user=student)
    assert token not in (stored.digest, stored.token_key)
    assert len(stored.digest) == 128  # a SHA-512 digest, hex
    assert token.startswith(stored.token_key)  # only a prefix, to find the row by


def test_each_login_makes_a_new_token_and_both_work(student):
    first, second = log_in().json()["token"], log_in().json()["token"]
    assert first != second
    assert with_token(first).get("/api/attempts/").status_code == 200
    assert with_token(second).get("/api/attempts/").status_code == 200


def test_a_token_expires_after_the_configured_hours(student, settings):
    response = log_in()
    expiry = timezone.datetime.fromisoformat(response.json()["expiry"])
    assert timedelta(hours=23, minutes=59) < expiry - timezone.now() <= timedelta(hours=24)
    AuthToken.objects.filter(user=student).update(expiry=timezone.now() - timedelta(seconds=1))
    refused = with_token(response.json()["token"]).get("/api/attempts/")
    assert refused.status_code == 401
    assert refused.json() == {"detail": "Invalid token.", "code": "authentication_failed"}
    assert not AuthToken.objects.exists()  # the expired token is gone


def test_a_user_keeps_at_most_the_configured_number_of_tokens(student, settings):
    settings.API_TOKENS_PER_USER = 3
    tokens = [log_in().json()["token"] for _ in range(4)]
    assert AuthToken.objects.filter(user=student).count() == 3
    assert with_token(tokens[0]).get("/api/attempts/").status_code == 401  # the oldest went
    assert with_token(tokens[-1]).get("/api/attempts/").status_code == 200


def test_delete_logs_out_the_token_it_is_sent_with_only(student):
    kept, dropped = log_in().json()["token"], log_in().json()["token"]
    response = with_token(dropped).delete("/api/auth/token/")
    assert response.status_code == 204
    assert with_token(dropped).get("/api/attempts/").status_code == 401
    assert with_token(kept).get("/api/attempts/").status_code == 200


def test_delete_without_a_token_is_401(student):
    api = APIClient()
    api.force_login(student)  # a browser session is not a token to revoke
    assert api.delete("/api/auth/token/").status_code == 401
    assert APIClient().delete("/api/auth/token/").status_code == 401


def test_log_out_everywhere_revokes_every_token_of_the_user_only(student, other_student):
    mine = [log_in().json()["token"] for _ in range(2)]
    theirs = log_in("other").json()["token"]
    assert with_token(mine[0]).delete("/api/auth/tokens/").status_code == 204
    assert [with_token(token).get("/api/attempts/").status_code for token in mine] == [401, 401]
    assert with_token(theirs).get("/api/attempts/").status_code == 200


def test_log_out_everywhere_works_from_a_browser_session_with_csrf(student):
    token = log_in().json()["token"]
    api = APIClient(enforce_csrf_checks=True)
    api.force_login(student)
    assert api.delete("/api/auth/tokens/").status_code == 403  # no CSRF header
    api.cookies["csrftoken"] = "a" * 32
    assert api.delete("/api/auth/tokens/", HTTP_X_CSRFTOKEN="a" * 32).status_code == 204
    assert with_token(token).get("/api/attempts/").status_code == 401


def test_a_new_password_revokes_the_users_tokens(student, other_student):
    token = log_in().json()["token"]
    theirs = log_in("other").json()["token"]
    student.set_password("a-new-pass-word")
    student.save()
    assert with_token(token).get("/api/attempts/").status_code == 401
    assert not AuthToken.objects.filter(user=student).exists()
    assert with_token(theirs).get("/api/attempts/").status_code == 200


def test_a_password_hash_changed_and_saved_anywhere_revokes_the_tokens(student):
    # The admin's and Django's password forms save the user the same way; so does an account
    # page: whatever path changes the hash through save() revokes the tokens.
    token = log_in().json()["token"]
    user = get_user_model().objects.get(pk=student.pk)
    user.password = make_password("another-pass-word")
    user.save(update_fields=["password"])
    assert with_token(token).get("/api/attempts/").status_code == 401


def test_a_rehash_of_the_same_password_keeps_the_tokens(student, settings):
    # Django upgrades a hash at login when the hasher changes (more iterations, another
    # algorithm): the password is the same, so the user's other devices stay signed in.
    token = log_in().json()["token"]
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    user = get_user_model().objects.get(pk=student.pk)
    assert user.check_password(PASSWORD)  # upgrades the MD5 hash to PBKDF2 and saves
    assert get_user_model().objects.get(pk=student.pk).password.startswith("pbkdf2_sha256$")
    assert with_token(token).get("/api/attempts/").status_code == 200


def test_deactivating_the_user_revokes_the_tokens_for_good(student):
    token = log_in().json()["token"]
    student.is_active = False
    student.save()
    student.is_active = True  # reactivated: the old token stays revoked
    student.save()
    assert with_token(token).get("/api/attempts/").status_code == 401


def test_other_user_saves_keep_the_tokens(student):
    token = log_in().json()["token"]
    student.first_name = "Sam"
    student.save()
    assert with_token(token).get("/api/attempts/").status_code == 200


def test_a_wrong_password_is_400_and_gives_no_token(student):
    response = log_in(password="nope")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Unable to log in with provided credentials."]}
    assert not AuthToken.objects.exists()


def test_an_inactive_user_gets_no_token(db):
    UserFactory(username="gone", is_active=False)
    assert log_in("gone").status_code == 400
    assert not AuthToken.objects.exists()


def test_missing_credentials_are_400_per_field(db):
    response = APIClient().post("/api/auth/token/", {}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "username": ["This field is required."],
        "password": ["This field is required."],
    }


def test_a_stale_token_header_does_not_stop_a_login(student):
    response = log_in(HTTP_AUTHORIZATION="Token stale-and-gone")
    assert response.status_code == 200


def test_a_bad_token_is_401(db):
    response = with_token("not-a-token").get("/api/quizzes/")
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token.", "code": "authentication_failed"}


def test_token_login_is_throttled_per_address(student, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 100  # the lockout is tested in test_login_lockout.py
    settings.LOGIN_FAILURES_PER_ADDRESS = 100
    with_rates(settings, login="3/min")
    api = APIClient()
    codes = [
        api.post(
            "/api/auth/token/", {"username": "student", "password": "guess"}, format="json"
        ).status_code
        for _ in range(4)
    ]
    assert codes == [400, 400, 400, 429]
    throttled = log_in()
    assert throttled.status_code == 429
    assert int(throttled["Retry-After"]) > 0
    assert throttled.json()["code"] == "throttled"
    assert log_in(REMOTE_ADDR="10.0.0.9").status_code == 200


@pytest.mark.parametrize("behind_proxy", [False, True])
def test_the_throttles_address_is_forwarded_only_behind_a_proxy(student, settings, behind_proxy):
    # Throttle counts per address: a client must not pick a fresh one per request by sending
    # X-Forwarded-For itself. Behind the proxy the address it appended is the client's.
    settings.LOGIN_FAILURES_PER_ACCOUNT = settings.LOGIN_FAILURES_PER_ADDRESS = 100
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": int(behind_proxy)}
    with_rates(settings, login="2/min")
    codes = [
        log_in(password="guess", HTTP_X_FORWARDED_FOR=f"10.1.1.{n}").status_code for n in range(3)
    ]
    assert codes == ([400, 400, 400] if behind_proxy else [400, 400, 429])


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
    api.credentials(HTTP_AUTHORIZATION=f"Token {token_create(user=student)[1]}")
    assert api.post("/api/quizzes/reset/attempts/").status_code == 201


def test_a_token_request_costs_one_query_to_authenticate(student, django_assert_num_queries):
    api = with_token(token_create(user=student)[1])
    with django_assert_num_queries(2):  # the token with its user; the (empty) attempt list
        assert api.get("/api/attempts/").status_code == 200


def test_unknown_methods_use_the_error_shape(student):
    api = APIClient()
    api.force_authenticate(student)
    response = api.delete("/api/attempts/")
    assert response.status_code == 405
    assert set(response.json()) == {"detail", "code"}

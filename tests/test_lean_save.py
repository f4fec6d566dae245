"""The answer save as the bench drives it: a token, the shared cache, two queries, one round trip
to the cache for the throttle; and every way a token ends still ends it on the next request."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from quizzes.api.tokens import token_cache_key, token_create
from quizzes.services.attempts import attempt_start
from tests.factories import QuizFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _shared_cache(settings):
    # The tests' per-process cache stands in for the Redis cache that CACHE_URL selects (as in
    # tests/test_auth_cache.py); tests/test_redis_cache.py runs the same calls on Redis itself.
    settings.SHARED_CACHE = True
    settings.AUTHENTICATION_BACKENDS = [
        "axes.backends.AxesStandaloneBackend",
        "quizzes.auth.CachedUserBackend",
    ]
    settings.USER_BACKEND = "quizzes.auth.CachedUserBackend"


def with_token(token: str) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return api


@pytest.fixture
def sitting(student):
    quiz = QuizFactory(questions=50)
    attempt, _ = attempt_start(quiz=quiz, user=student, now=timezone.now())
    _, token = token_create(user=student)
    return attempt, with_token(token)


def put(api, attempt, item, answer):
    return api.put(
        f"/api/attempts/{attempt.pk}/answers/{item['question']}/", {"answer": answer}, format="json"
    )


def test_a_save_with_a_known_token_runs_the_read_and_the_update_only(
    sitting, django_assert_max_num_queries, django_assert_num_queries
):
    attempt, api = sitting
    first, last = attempt.layout[0], attempt.layout[-1]
    with django_assert_num_queries(3):  # the token (then remembered), the read, the UPDATE
        assert put(api, attempt, first, first["choices"][0]).status_code == 200
    with django_assert_max_num_queries(2):  # the response with its attempt; the UPDATE
        saved = put(api, attempt, last, last["choices"][1])
    assert saved.status_code == 200
    assert saved.json()["answer"] == last["choices"][1]
    stored = attempt.responses.get(question_id=last["question"])
    assert stored.answer == last["choices"][1]


def test_the_cache_keeps_the_tokens_digest_never_the_token(sitting, student):
    _attempt, _api = sitting
    _, token = token_create(user=student)
    with_token(token).get("/api/attempts/")
    keys = [str(key) for key in cache._cache]  # LocMemCache's own store
    assert keys and not any(token in key for key in keys)


def test_logging_out_refuses_the_token_at_once(sitting):
    attempt, api = sitting
    item = attempt.layout[0]
    assert put(api, attempt, item, item["choices"][0]).status_code == 200  # remembered
    assert api.delete("/api/auth/token/").status_code == 204
    assert put(api, attempt, item, item["choices"][1]).status_code == 401


def test_logging_out_everywhere_refuses_every_token_at_once(sitting, student):
    _attempt, api = sitting
    _, other = token_create(user=student)
    other_api = with_token(other)
    assert other_api.get("/api/attempts/").status_code == 200  # remembered
    assert api.delete("/api/auth/tokens/").status_code == 204
    assert other_api.get("/api/attempts/").status_code == 401


def test_a_new_password_or_a_deactivation_refuses_a_remembered_token(sitting, student):
    _attempt, api = sitting
    assert api.get("/api/attempts/").status_code == 200
    student.set_password("a-brand-new-pass-2009")
    student.save()
    assert api.get("/api/attempts/").status_code == 401

    _, token = token_create(user=student)
    fresh = with_token(token)
    assert fresh.get("/api/attempts/").status_code == 200
    student.is_active = False
    student.save()
    assert fresh.get("/api/attempts/").status_code == 401


def test_a_remembered_token_brings_its_user_in_the_same_cache_read(sitting, student):
    attempt, api = sitting
    item = attempt.layout[0]
    assert put(api, attempt, item, item["choices"][0]).status_code == 200  # remembered
    with mock.patch.object(cache, "get", wraps=cache.get) as reads:
        assert put(api, attempt, item, item["choices"][1]).status_code == 200
    (key,) = [call.args[0] for call in reads.call_args_list]  # no read of the user cache
    assert key.startswith("factcards:api-token:")


def test_saving_the_user_drops_their_remembered_tokens_and_the_next_request_reads_the_new_row(
    sitting, student
):
    _attempt, api = sitting
    _, other = token_create(user=student)
    for client in (api, with_token(other)):
        assert client.get("/api/attempts/").status_code == 200  # both remembered
    remembered = [key for key in cache._cache if "api-token" in str(key)]
    assert len(remembered) == 2

    student.first_name = "Hillary"
    student.save()
    assert not [key for key in cache._cache if "api-token" in str(key)]

    assert api.get("/api/attempts/").status_code == 200  # the token itself still works
    (entry,) = [cache.get(key.split(":", 2)[2]) for key in cache._cache if "api-token" in key]
    assert entry["user"].first_name == "Hillary"


def test_an_entry_left_by_the_previous_release_is_read_again_not_an_error(sitting):
    _attempt, api = sitting
    assert api.get("/api/attempts/").status_code == 200
    (key,) = [str(key).split(":", 2)[2] for key in cache._cache if "api-token" in str(key)]
    old = cache.get(key)
    # The format before the user travelled with the token: its id only.
    cache.set(key, {"user_id": old["user"].pk, "expiry": old["expiry"], "token": old["token"]})
    assert api.get("/api/attempts/").status_code == 200
    assert cache.get(key)["user"].pk == old["user"].pk


def test_a_remembered_token_still_expires_on_time(sitting, settings):
    settings.API_TOKEN_CACHE_SECONDS = 3600
    _attempt, api = sitting
    assert api.get("/api/attempts/").status_code == 200
    later = timezone.now() + settings.REST_KNOX["TOKEN_TTL"] + timedelta(seconds=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        refused = api.get("/api/attempts/")
    assert refused.status_code == 401


def test_the_cache_entry_never_outlives_the_token(student, settings):
    settings.API_TOKEN_CACHE_SECONDS = 3600
    instance, token = token_create(user=student)
    instance.expiry = timezone.now() + timedelta(seconds=30)
    instance.save()
    assert with_token(token).get("/api/attempts/").status_code == 200
    key = cache.make_key(token_cache_key(instance.digest))
    remaining = cache._expire_info[key] - timezone.now().timestamp()
    assert 0 < remaining <= 30


def test_a_token_of_another_user_never_reads_this_users_attempt(sitting, other_student):
    attempt, _api = sitting
    _, token = token_create(user=other_student)
    item = attempt.layout[0]
    assert put(with_token(token), attempt, item, item["choices"][0]).status_code == 404
    assert put(with_token(token), attempt, item, item["choices"][0]).status_code == 404


def test_the_throttle_counts_in_windows_and_says_when_the_window_ends(sitting, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "user": "3/min",
        },
    }
    attempt, api = sitting
    item = attempt.layout[0]
    # In the last seconds of a minute a fourth call is refused until the next minute starts.
    minute = 60 * 1_000_000
    with mock.patch("time.time", return_value=minute + 50.5):
        codes = [put(api, attempt, item, item["choices"][0]).status_code for _ in range(4)]
        refused = put(api, attempt, item, item["choices"][0])
    assert codes == [200, 200, 200, 429]
    assert refused["Retry-After"] == "10"
    with mock.patch("time.time", return_value=minute + 60.0):
        assert put(api, attempt, item, item["choices"][0]).status_code == 200

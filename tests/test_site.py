"""Settings, the home page and logging in."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from tests.factories import QuizFactory

ROOT = Path(__file__).resolve().parent.parent


def _check(env_overrides):
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_start_up_refuses_to_run_without_a_secret_key_when_debug_is_off():
    result = _check({"DEBUG": "false"})
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_debug_mode_runs_with_the_development_key():
    assert _check({"DEBUG": "true"}).returncode == 0


def test_a_malformed_boolean_setting_is_named():
    result = _check({"DEBUG": "perhaps"})
    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr


@pytest.mark.django_db
def test_the_home_page_lists_open_published_quizzes_only(client):
    QuizFactory(title="Reset button basics")
    QuizFactory(title="Draft quiz", published=False)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Reset button basics" in body
    assert "Draft quiz" not in body


@pytest.mark.django_db
def test_the_home_page_uses_a_constant_number_of_queries(client, django_assert_max_num_queries):
    QuizFactory.create_batch(15)
    with django_assert_max_num_queries(3):
        client.get(reverse("home"))


@pytest.mark.django_db
def test_login_page_logs_a_student_in_and_out(client, student):
    response = client.post(reverse("login"), {"username": "student", "password": "pass-word-123"})
    assert response.status_code == 302
    assert client.get(reverse("home")).context["user"].is_authenticated
    client.post(reverse("logout"))
    assert not client.get(reverse("home")).context["user"].is_authenticated


@pytest.mark.django_db
def test_a_wrong_password_shows_a_form_error(client, student):
    response = client.post(reverse("login"), {"username": "student", "password": "nope"})
    assert response.status_code == 200
    assert "correct username and password" in response.content.decode()


def test_cache_url_selects_a_shared_redis_cache_and_refuses_other_schemes():
    probe = (
        "from django.conf import settings; "
        "print(settings.CACHES['default']['BACKEND'], settings.SESSION_ENGINE, "
        "*settings.AUTHENTICATION_BACKENDS)"
    )

    def backend(url):
        env = {**os.environ, "CACHE_URL": url, "DEBUG": "true"}
        return subprocess.run(
            [sys.executable, "-c", f"import django; django.setup(); {probe}"],
            cwd=ROOT,
            env={**env, "DJANGO_SETTINGS_MODULE": "quizsite.settings"},
            capture_output=True,
            text=True,
        )

    # A shared cache also serves sessions and the signed-in user (quizzes/auth.py); a cache in
    # each process does not, since it could not forget a logged-out session in the others.
    # Either way the login lockout (django-axes) comes first.
    assert backend("redis://127.0.0.1:6379/0").stdout.split() == [
        "quizzes.redis_cache.PooledRedisCache",
        "django.contrib.sessions.backends.cached_db",
        "axes.backends.AxesStandaloneBackend",
        "quizzes.auth.CachedUserBackend",
    ]
    assert backend("").stdout.split() == [
        "django.core.cache.backends.locmem.LocMemCache",
        "django.contrib.sessions.backends.db",
        "axes.backends.AxesStandaloneBackend",
        "quizzes.auth.PermissionBackend",
    ]
    refused = backend("memcached://127.0.0.1")
    assert refused.returncode != 0
    assert "CACHE_URL must be a redis:// URL" in refused.stderr

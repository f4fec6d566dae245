"""Login lockout (django-axes): the site's, the admin's and the API's logins, per account and per
address, counted in the database, with a cool-off and a refusal that does not tell whether the
account exists; a teacher unlocks in the admin.

Against a real gunicorn with three workers, see tests/test_login_lockout_gunicorn.py.
"""

import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.forms import AuthenticationForm
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from quizzes.lockout import lockout_message
from tests.factories import TeacherFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "pass-word-123"
LIMIT = 3


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = LIMIT
    settings.LOGIN_FAILURES_PER_ADDRESS = 10


@pytest.fixture
def student(db):
    # Staff, so that the admin's login takes the right password too.
    return UserFactory(username="student", is_staff=True)


def site_login(client, username, password, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def admin_login(client, username, password, **extra):
    return client.post(
        reverse("admin:login"), {"username": username, "password": password}, **extra
    )


def api_login(client, username, password, **extra):
    return APIClient(**extra).post(
        "/api/auth/token/", {"username": username, "password": password}, format="json"
    )


LOGINS = {"site": site_login, "admin": admin_login, "api": api_login}


def succeeded(login: str, response) -> bool:
    if login == "api":
        return response.status_code == 200
    return response.status_code == 302


def refused_for_lockout(response) -> bool:
    return response.status_code == 429 and int(response["Retry-After"]) > 0


@pytest.mark.parametrize("login", LOGINS)
def test_past_the_limit_even_the_right_password_is_refused(client, login, student):
    attempt = LOGINS[login]
    first = [attempt(client, "student", "wrong").status_code for _ in range(LIMIT - 1)]
    assert 429 not in first  # the wrong passwords were checked, and said so
    locking = attempt(client, "student", "wrong")
    assert refused_for_lockout(locking)  # the failure that reaches the limit locks
    assert refused_for_lockout(attempt(client, "student", PASSWORD))


@pytest.mark.parametrize("login", LOGINS)
def test_below_the_limit_the_right_password_works(client, login, student):
    for _ in range(LIMIT - 1):
        LOGINS[login](client, "student", "wrong")
    assert succeeded(login, LOGINS[login](client, "student", PASSWORD))


def test_the_three_logins_share_one_count(client, student):
    site_login(client, "student", "wrong")
    admin_login(client, "student", "wrong")
    assert refused_for_lockout(api_login(client, "student", "wrong"))
    assert refused_for_lockout(site_login(client, "student", PASSWORD))


def test_per_account_whatever_the_address(client, student):
    for n in range(LIMIT):
        site_login(client, "student", "wrong", REMOTE_ADDR=f"10.0.0.{n}")
    assert refused_for_lockout(site_login(client, "student", PASSWORD, REMOTE_ADDR="10.9.9.9"))
    UserFactory(username="neighbour")
    assert succeeded("site", site_login(client, "neighbour", PASSWORD, REMOTE_ADDR="10.0.0.1"))


def test_per_address_whatever_the_account(client, settings, student):
    settings.LOGIN_FAILURES_PER_ADDRESS = 6
    for n in range(6):  # one failure each: no account reaches its own limit
        site_login(client, f"guess-{n}", "wrong", REMOTE_ADDR="10.0.0.7")
    assert refused_for_lockout(site_login(client, "student", PASSWORD, REMOTE_ADDR="10.0.0.7"))
    assert succeeded("site", site_login(client, "student", PASSWORD, REMOTE_ADDR="10.0.0.8"))


def test_the_address_limit_lets_a_classroom_mistype(client, settings, student):
    # Thirty students behind one address, each mistyping once, lock nobody out.
    settings.LOGIN_FAILURES_PER_ADDRESS = 50
    for n in range(30):
        UserFactory(username=f"pupil-{n}")
        site_login(client, f"pupil-{n}", "typo")
    assert succeeded("site", site_login(client, "student", PASSWORD))


def test_the_cool_off_ends_the_lockout(client, student, settings):
    for _ in range(LIMIT):
        site_login(client, "student", "wrong")
    assert refused_for_lockout(site_login(client, "student", PASSWORD))
    # A refusal during the lockout does not extend it: an hour's cool-off, run out.
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - timedelta(seconds=settings.LOGIN_COOLOFF_SECONDS + 1)
    )
    assert succeeded("site", site_login(client, "student", PASSWORD))


def _visible(response) -> str:
    """The page as a person reads it: tags, the CSRF token and the typed username removed."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize("login", ["site", "admin"])
def test_the_refusal_does_not_tell_whether_the_account_exists(client, login, student):
    for username in ("student", "nobody-by-this-name"):
        for _ in range(LIMIT):
            LOGINS[login](client, username, "wrong")
    real = LOGINS[login](client, "student", "wrong")
    made_up = LOGINS[login](client, "nobody-by-this-name", "wrong")
    assert real.status_code == made_up.status_code == 429
    assert real["Retry-After"] == made_up["Retry-After"]
    assert _visible(real).replace("student", "X") == _visible(made_up).replace(
        "nobody-by-this-name", "X"
    )
    assert lockout_message() in _visible(real)


def test_the_api_refusal_does_not_tell_whether_the_account_exists(student):
    for username in ("student", "nobody-by-this-name"):
        for _ in range(LIMIT):
            api_login(None, username, "wrong")
    real = api_login(None, "student", PASSWORD)
    made_up = api_login(None, "nobody-by-this-name", PASSWORD)
    assert real.json() == made_up.json() == {"detail": lockout_message(), "code": "locked_out"}
    assert real["Retry-After"] == made_up["Retry-After"]


def test_the_site_refusal_keeps_the_typed_username_and_says_why(client, student):
    for _ in range(LIMIT):
        response = site_login(client, "student", "wrong")
    assert response.status_code == 429
    form = response.context["form"]
    assert isinstance(form, AuthenticationForm)
    assert form["username"].value() == "student"
    html = response.content.decode()
    assert 'role="alert"' in html
    assert "Too many failed logins" in html
    assert "15 minutes" in html  # the default cool-off


def test_the_admin_refusal_is_the_admins_login_page(client, student):
    for _ in range(LIMIT):
        response = admin_login(client, "student", "wrong")
    assert response.status_code == 429
    assert "admin/login.html" in [t.name for t in response.templates]
    assert "Too many failed logins" in response.content.decode()


def test_a_teacher_unlocks_an_account_in_the_admin(client, student):
    for _ in range(LIMIT - 1):
        site_login(client, "student", "wrong", REMOTE_ADDR="10.0.0.1")
    site_login(client, "student", "wrong", REMOTE_ADDR="10.0.0.2")
    site_login(client, "someone-else", "wrong", REMOTE_ADDR="10.0.0.3")
    assert refused_for_lockout(site_login(client, "student", PASSWORD, REMOTE_ADDR="10.0.0.1"))
    admin = Client()
    admin.force_login(TeacherFactory(username="tess"))
    listing = admin.get(reverse("admin:axes_accessattempt_changelist"))
    assert listing.status_code == 200
    assert "3 of 3" in listing.content.decode()  # the account's failures over both addresses
    row = AccessAttempt.objects.filter(username="student").first()
    response = admin.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "unlock_selected", "_selected_action": [row.pk]},
        follow=True,
    )
    assert "Unlocked student, 10.0.0.1" in response.content.decode()
    assert not AccessAttempt.objects.filter(username="student").exists()
    assert AccessAttempt.objects.filter(username="someone-else").exists()
    assert succeeded("site", site_login(client, "student", PASSWORD, REMOTE_ADDR="10.0.0.1"))


def test_only_holders_of_the_permission_can_unlock(client, student):
    for _ in range(LIMIT):
        site_login(client, "student", "wrong")
    admin = Client()
    admin.force_login(UserFactory(username="bare", is_staff=True))
    assert admin.get(reverse("admin:axes_accessattempt_changelist")).status_code == 403
    row = AccessAttempt.objects.get()
    admin.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "unlock_selected", "_selected_action": [row.pk]},
    )
    assert AccessAttempt.objects.exists()


def test_a_refused_login_records_no_password(client, student):
    site_login(client, "student", "my-secret-guess")
    attempt = AccessAttempt.objects.get()
    assert "my-secret-guess" not in attempt.post_data
    assert attempt.username == "student"


@pytest.mark.parametrize("login", LOGINS)
def test_odd_usernames_are_counted_not_a_500(client, login):
    for username in ("x" * 5000, "tab\there", "ünïcødé", "nul\x00"):
        response = LOGINS[login](client, username, "wrong")
        assert response.status_code in (200, 400, 429)


def test_a_lone_surrogate_in_the_api_login_is_a_field_error():
    body = '{"username": "a\\ud800b", "password": "x"}'  # JSON's own escape: what a client sends
    response = APIClient().post("/api/auth/token/", body, content_type="application/json")
    assert response.status_code == 400
    assert list(response.json()) == ["username"]


def test_behind_a_proxy_the_forwarded_address_is_counted(client, settings, student):
    settings.BEHIND_PROXY = True
    settings.LOGIN_FAILURES_PER_ADDRESS = 2
    forwarded = {"HTTP_X_FORWARDED_FOR": "203.0.113.9, 10.0.0.1"}  # the proxy appended 10.0.0.1
    for n in range(2):
        site_login(client, f"guess-{n}", "wrong", **forwarded)
    assert refused_for_lockout(site_login(client, "student", PASSWORD, **forwarded))
    # Spoofing the first entry does not help: the proxy's entry is the one counted.
    spoofed = {"HTTP_X_FORWARDED_FOR": "198.51.100.1, 10.0.0.1"}
    assert refused_for_lockout(site_login(client, "student", PASSWORD, **spoofed))
    other = {"HTTP_X_FORWARDED_FOR": "10.0.0.2"}
    assert succeeded("site", site_login(client, "student", PASSWORD, **other))


def test_without_a_proxy_the_forwarded_header_is_ignored(client, settings, student):
    settings.LOGIN_FAILURES_PER_ADDRESS = 2
    for n in range(2):
        site_login(client, f"guess-{n}", "wrong", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")
    assert refused_for_lockout(site_login(client, "student", PASSWORD))

"""The login lockout against a real gunicorn with three workers, over HTTP.

The server is started here on a free port, on a throwaway database: a temporary SQLite file, or,
when DATABASE_URL names a PostgreSQL server, a `test_<name>_lockout` database next to it. There
is no CACHE_URL, so nothing is shared between the workers but the database. Each request is a new
connection, which any of the three workers may accept.

For every login (the site's, the admin's, the API's): 150 wrong passwords for one account. At
most LOGIN_FAILURES_PER_ACCOUNT of them may be checked; the rest are refused (429) without a
check, and so is the right password, until the cool-off (a few seconds here) has passed.

Only the standard library talks to the server, so this file runs unchanged against a checkout
from before the lockout (that is how the note's "before" figures were taken):
    .venv/bin/python -m pytest tests/test_login_lockout_gunicorn.py -s
"""

from __future__ import annotations

import http.client
import http.cookies
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 3
LIMIT = 5  # LOGIN_FAILURES_PER_ACCOUNT for this server
ADDRESS_LIMIT = 20  # LOGIN_FAILURES_PER_ADDRESS
# LOGIN_COOLOFF_SECONDS: longer than 150 refused logins take here, so that the lockout that the
# limit set is still on at the end (the lockout limits checks to LIMIT per cool-off).
COOLOFF = 25
WRONG_TRIES = 150
PASSWORD = "right-pass-word-2009"
USERS = ["site-user", "admin-user", "api-user", "cool-user", "bystander"]


# --- the server -----------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ThrowawayDatabase:
    """A temporary SQLite file, or a fresh PostgreSQL database beside DATABASE_URL's."""

    def __init__(self):
        base = os.environ.get("DATABASE_URL", "")
        self.postgres = base.startswith(("postgres://", "postgresql://"))
        if self.postgres:
            parts = urllib.parse.urlsplit(base)
            self.name = f"test_{parts.path.lstrip('/') or 'postgres'}_lockout"
            self.admin_url = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
            self.url = urllib.parse.urlunsplit(parts._replace(path=f"/{self.name}"))
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}"')
            self._admin(f'CREATE DATABASE "{self.name}"')
        else:
            self.folder = tempfile.TemporaryDirectory()
            self.url = f"sqlite:///{Path(self.folder.name) / 'lockout.sqlite3'}"

    def _admin(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as connection:
            connection.execute(statement)

    def drop(self) -> None:
        if self.postgres:
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        else:
            self.folder.cleanup()


def plain_http_environment(database_url: str, **settings: str) -> dict:
    """The environment of a production-like server (DEBUG off, its own secret) on
    `database_url`, over plain HTTP on 127.0.0.1, with no cache unless `settings` give one;
    `settings` go on top."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"CACHE_URL", "DJANGO_SETTINGS_MODULE", "PYTEST_CURRENT_TEST"}
    }
    environment.update(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL=database_url,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        SECURE_HSTS_SECONDS="0",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        STATICFILES_MANIFEST="false",
    )
    environment.update(settings)
    return environment


def _server_environment(database_url: str) -> dict:
    return plain_http_environment(
        database_url,
        LOGIN_FAILURES_PER_ACCOUNT=str(LIMIT),
        LOGIN_FAILURES_PER_ADDRESS=str(ADDRESS_LIMIT),
        LOGIN_COOLOFF_SECONDS=str(COOLOFF),
        # The API's own rate limit would refuse most of the 150 first; this test is about the
        # lockout (tests/test_api_auth.py pins the rate limit).
        API_THROTTLE_LOGIN="100000/min",
        API_THROTTLE_ANON="100000/min",
    )


CREATE_USERS = f"""
from django.contrib.auth import get_user_model
for name in {USERS!r}:
    get_user_model().objects.create_user(name, password={PASSWORD!r}, is_staff=True)
"""


@dataclass
class Server:
    port: int
    process: subprocess.Popen

    def request(self, method, path, *, body=None, headers=None, source="127.0.0.1"):
        connection = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=60, source_address=(source, 0)
        )
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read().decode()
        finally:
            connection.close()


@pytest.fixture(scope="module")
def server():
    database = ThrowawayDatabase()
    environment = _server_environment(database.url)
    manage = [sys.executable, "manage.py"]
    process = None
    try:
        for command in (["migrate", "--noinput", "-v0"], ["shell", "-c", CREATE_USERS]):
            subprocess.run([*manage, *command], cwd=ROOT, env=environment, check=True)
        port = _free_port()
        process = subprocess.Popen(  # our own gunicorn, on the loopback
            [
                sys.executable,
                "-m",
                "gunicorn",
                "quizsite.wsgi",
                f"--bind=127.0.0.1:{port}",
                f"--workers={WORKERS}",
                "--timeout=60",
            ],
            cwd=ROOT,
            env=environment,
        )
        running = Server(port, process)
        deadline = time.monotonic() + 60
        while True:
            try:
                if running.request("GET", "/accounts/login/")[0] == 200:
                    break
            except OSError:
                pass
            assert process.poll() is None, "gunicorn exited"
            assert time.monotonic() < deadline, "gunicorn did not answer in 60 s"
            time.sleep(0.3)
        yield running
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=30)
        database.drop()


# --- the three logins, as a client sends them -------------------------------------------------


def _form_login(server: Server, path: str, username: str, password: str, source: str) -> str:
    status, headers, html = server.request("GET", path, source=source)
    assert status == 200, (path, status)
    cookie = http.cookies.SimpleCookie(headers.get("Set-Cookie", ""))["csrftoken"].value
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    body = urllib.parse.urlencode(
        {"username": username, "password": password, "csrfmiddlewaretoken": token}
    )
    status, _, html = server.request(
        "POST",
        path,
        body=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={cookie}",
        },
        source=source,
    )
    if status == 302:
        return "in"
    if status == 429:
        return "refused"
    assert status == 200, (path, status, html[:500])
    assert "correct username and password" in html
    return "wrong"


def site(server, username, password, source="127.0.0.1") -> str:
    return _form_login(server, "/accounts/login/", username, password, source)


def admin(server, username, password, source="127.0.0.1") -> str:
    return _form_login(server, "/admin/login/", username, password, source)


def api(server, username, password, source="127.0.0.1") -> str:
    status, _, body = server.request(
        "POST",
        "/api/auth/token/",
        body=json.dumps({"username": username, "password": password}),
        headers={"Content-Type": "application/json"},
        source=source,
    )
    if status == 200:
        return "in"
    if status == 429:
        return "refused"
    assert status == 400, (status, body)
    return "wrong"


LOGINS = {"site": (site, "site-user"), "admin": (admin, "admin-user"), "api": (api, "api-user")}


@dataclass
class Tally:
    outcomes: list[str] = field(default_factory=list)

    @property
    def checked(self) -> int:
        # Every "wrong" answer was a password check; so was the failure that reached the limit,
        # which is already answered with the lockout (django-axes locks on it).
        return self.outcomes.count("wrong") + (1 if self.refused else 0)

    @property
    def refused(self) -> int:
        return self.outcomes.count("refused")


@pytest.mark.parametrize("login", LOGINS)
def test_150_wrong_passwords_check_at_most_the_limit(server, login):
    attempt, username = LOGINS[login]
    started = time.monotonic()
    tally = Tally([attempt(server, username, "wrong-guess") for _ in range(WRONG_TRIES)])
    elapsed = time.monotonic() - started
    right_too_soon = attempt(server, username, PASSWORD)
    from_elsewhere = attempt(server, username, PASSWORD, source="127.0.0.2")
    print(  # the note's figures (pytest -s)
        f"\n{login} login, {WORKERS} gunicorn workers: {WRONG_TRIES} wrong passwords in "
        f"{elapsed:.1f} s -> {tally.outcomes.count('wrong')} answered 'wrong password', "
        f"{tally.refused} refused ({tally.checked} checked); the right password next: "
        f"{right_too_soon}, from another address: {from_elsewhere}"
    )
    assert elapsed < COOLOFF, "the run outlasted the cool-off: raise COOLOFF"
    assert tally.checked <= LIMIT
    assert tally.refused == WRONG_TRIES - tally.outcomes.count("wrong")
    assert tally.refused >= WRONG_TRIES - LIMIT
    assert right_too_soon == "refused"
    assert from_elsewhere == "refused"  # per account, whatever the address
    assert attempt(server, "bystander", PASSWORD) == "in"  # the address is not locked


def test_the_right_password_works_once_the_cool_off_has_passed(server):
    outcomes = [site(server, "cool-user", "wrong-guess") for _ in range(LIMIT)]
    assert outcomes == ["wrong"] * (LIMIT - 1) + ["refused"]
    locked_at = time.monotonic()
    assert api(server, "cool-user", PASSWORD) == "refused"
    # A refusal during the lockout does not extend it: it ends COOLOFF seconds after the limit.
    time.sleep(max(0.0, locked_at + COOLOFF - 1.5 - time.monotonic()))
    assert admin(server, "cool-user", PASSWORD) == "refused"
    time.sleep(max(0.0, locked_at + COOLOFF + 1 - time.monotonic()))
    assert [login(server, "cool-user", PASSWORD) for login in (site, admin, api)] == ["in"] * 3


def test_one_address_trying_many_accounts_is_locked_out_by_address(server):
    source = "127.0.0.3"
    outcomes = [api(server, f"nobody-{n}", "guess", source=source) for n in range(40)]
    print(
        f"\none address, 40 accounts: {outcomes.count('wrong')} answered, "
        f"{outcomes.count('refused')} refused"
    )
    assert outcomes.count("wrong") == ADDRESS_LIMIT - 1
    assert set(outcomes[ADDRESS_LIMIT - 1 :]) == {"refused"}
    assert api(server, "bystander", PASSWORD, source=source) == "refused"
    assert api(server, "bystander", PASSWORD, source="127.0.0.4") == "in"

"""Two app servers behind one database and one Redis behave as one (README, "Production").

Two gunicorn processes on two ports share a throwaway PostgreSQL database (beside
DATABASE_URL's) and the Redis at REDIS_URL (redis://127.0.0.1:6379/0, under a key prefix of this
run's own). A session made on one is signed in on the other and ends on both at a logout; the
API throttle counts a user's calls on both together; a login lockout reached through both holds
on both; two starts of one attempt, one on each, make one attempt; two finishes, one on each,
finish it once with the same score.

PostgreSQL only (the `postgres_only` lane: CI's PostgreSQL run), as a shared SQLite file is not
what several servers run on; Redis must be there (the test fails, never skips, without it).
"""

from __future__ import annotations

import http.cookies
import json
import os
import re
import secrets
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import pytest
from django.db import connection

from tests.test_login_lockout_gunicorn import (
    Server,
    ThrowawayDatabase,
    _free_port,
    plain_http_environment,
)

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="two app servers share PostgreSQL: runs on PostgreSQL "
        "(DATABASE_URL=postgres://...), "
        "CI runs it there",
    ),
]

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
PASSWORD = "two-servers-pass-2009"
USER_RATE = 10  # API calls per minute per user, on both servers together
LOCKOUT = 3  # failed logins per account

SET_UP = f"""
from django.contrib.auth import get_user_model
from quizzes.models import Choice, Question, Quiz, QuizQuestion
User = get_user_model()
for name in ("browser", "caller", "guesser", "examinee"):
    User.objects.create_user(name, password={PASSWORD!r})
quiz = Quiz.objects.create(slug="exam", title="Exam", published=True, attempts_allowed=1)
for order in (1, 2):
    question = Question.objects.create(kind="single_choice", text=f"Question {{order}}?")
    Choice.objects.create(question=question, text="Right", fraction=1, order=1)
    Choice.objects.create(question=question, text="Wrong", fraction=0, order=2)
    QuizQuestion.objects.create(quiz=quiz, question=question, order=order, marks=1)
"""


class ThrowawayDatabaseForTwo(ThrowawayDatabase):
    def __init__(self):
        base = os.environ["DATABASE_URL"]
        parts = urllib.parse.urlsplit(base)
        self.postgres = True
        self.name = f"test_{parts.path.lstrip('/') or 'postgres'}_two_servers"
        self.admin_url = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
        self.url = urllib.parse.urlunsplit(parts._replace(path=f"/{self.name}"))
        self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        self._admin(f'CREATE DATABASE "{self.name}"')


@pytest.fixture(scope="module")
def servers():
    import redis

    redis.Redis.from_url(REDIS_URL).ping()  # no Redis: fail here, with redis-py's reason
    database = ThrowawayDatabaseForTwo()
    # One secret for both (the environment is built once), as behind one proxy.
    environment = plain_http_environment(
        database.url,
        CACHE_URL=REDIS_URL,
        CACHE_KEY_PREFIX=f"two-servers-{secrets.token_hex(8)}",
        API_THROTTLE_USER=f"{USER_RATE}/min",
        API_THROTTLE_LOGIN="1000/min",
        API_THROTTLE_ANON="1000/min",
        LOGIN_FAILURES_PER_ACCOUNT=str(LOCKOUT),
        WEB_CONCURRENCY="1",
        GUNICORN_THREADS="4",
    )
    manage = [sys.executable, "manage.py"]
    processes = []
    try:
        for command in (["migrate", "--noinput", "-v0"], ["shell", "-c", SET_UP]):
            subprocess.run([*manage, *command], cwd=ROOT, env=environment, check=True)
        running = []
        for _ in range(2):
            port = _free_port()
            process = subprocess.Popen(  # gunicorn.conf.py's settings, one worker each
                [sys.executable, "-m", "gunicorn", "quizsite.wsgi", f"--bind=127.0.0.1:{port}"],
                cwd=ROOT,
                env=environment,
            )
            processes.append(process)
            running.append(Server(port, process))
        deadline = time.monotonic() + 60
        for server in running:
            while True:
                try:
                    if server.request("GET", "/accounts/login/")[0] == 200:
                        break
                except OSError:
                    pass
                assert server.process.poll() is None, "gunicorn exited"
                assert time.monotonic() < deadline, "gunicorn did not answer in 60 s"
                time.sleep(0.3)
        yield running
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
        database.drop()


def cookies_of(headers) -> dict[str, str]:
    jar = http.cookies.SimpleCookie()
    for name, value in headers:
        if name.lower() == "set-cookie":
            jar.load(value)
    return {key: morsel.value for key, morsel in jar.items()}


def raw(server, method, path, *, body=None, headers=None):
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        reply = conn.getresponse()
        return reply.status, reply.getheaders(), reply.read().decode()
    finally:
        conn.close()


def form_post(server, path, fields, cookies):
    status, headers, html = raw(server, "GET", path, headers=_cookie_header(cookies))
    cookies = {**cookies, **cookies_of(headers)}
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    status, headers, _ = raw(
        server,
        "POST",
        path,
        body=urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": token}),
        headers={"Content-Type": "application/x-www-form-urlencoded", **_cookie_header(cookies)},
    )
    return status, {**cookies, **cookies_of(headers)}


def _cookie_header(cookies):
    return {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())} if cookies else {}


def call(server, method, path, token, payload=None):
    status, _, body = raw(
        server,
        method,
        path,
        body=json.dumps(payload) if payload is not None else None,
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
    )
    return status, (json.loads(body) if body else None)


def token_for(server, username):
    status, _, body = raw(
        server,
        "POST",
        "/api/auth/token/",
        body=json.dumps({"username": username, "password": PASSWORD}),
        headers={"Content-Type": "application/json"},
    )
    assert status == 200, body
    return json.loads(body)["token"]


def together(*calls):
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, target):
        barrier.wait()
        results[index] = target()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_a_session_made_on_one_server_is_signed_in_on_the_other_and_ends_on_both(servers):
    one, two = servers
    status, cookies = form_post(
        one, "/accounts/login/", {"username": "browser", "password": PASSWORD}, {}
    )
    assert status == 302 and "sessionid" in cookies
    assert raw(two, "GET", "/attempts/", headers=_cookie_header(cookies))[0] == 200
    # Log out on the second server; the first no longer knows the session either.
    status, _, html = raw(two, "GET", "/attempts/", headers=_cookie_header(cookies))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    status, _, _ = raw(
        two,
        "POST",
        "/accounts/logout/",
        body=urllib.parse.urlencode({"csrfmiddlewaretoken": token}),
        headers={"Content-Type": "application/x-www-form-urlencoded", **_cookie_header(cookies)},
    )
    assert status == 302
    status, headers, _ = raw(one, "GET", "/attempts/", headers=_cookie_header(cookies))
    assert status == 302 and "/accounts/login/" in dict(headers)["Location"]


def test_the_api_throttle_counts_a_users_calls_on_both_servers_together(servers):
    one, two = servers
    token = token_for(one, "caller")
    if time.time() % 60 > 55:  # the calls below must fall in one minute's window
        time.sleep(60 - time.time() % 60)
    codes = [call(server, "GET", "/api/attempts/", token)[0] for server in (one, two) * USER_RATE]
    assert codes == [200] * USER_RATE + [429] * USER_RATE


def test_a_lockout_reached_through_both_servers_holds_on_both(servers):
    one, two = servers

    def wrong(server):
        return raw(
            server,
            "POST",
            "/api/auth/token/",
            body=json.dumps({"username": "guesser", "password": "not-it"}),
            headers={"Content-Type": "application/json"},
        )[0]

    assert [wrong(server) for server in (one, two, one)] == [400, 400, 429]
    for server in (one, two):  # the right password too, on either
        status, _, body = raw(
            server,
            "POST",
            "/api/auth/token/",
            body=json.dumps({"username": "guesser", "password": PASSWORD}),
            headers={"Content-Type": "application/json"},
        )
        assert status == 429 and json.loads(body)["code"] == "locked_out"


def test_an_attempt_started_and_finished_on_both_at_once_is_one_attempt_finished_once(servers):
    one, two = servers
    token = token_for(one, "examinee")
    starts = together(
        lambda: call(one, "POST", "/api/quizzes/exam/attempts/", token),
        lambda: call(two, "POST", "/api/quizzes/exam/attempts/", token),
    )
    assert sorted(status for status, _ in starts) == [200, 201]
    (attempt_id,) = {body["id"] for _, body in starts}
    attempt = starts[0][1]
    for item, server in zip(attempt["questions"], (one, two), strict=True):
        right = next(c["id"] for c in item["question"]["choices"] if c["text"] == "Right")
        path = f"/api/attempts/{attempt_id}/answers/{item['question']['id']}/"
        assert call(server, "PUT", path, token, {"answer": right})[0] == 200
    finishes = together(
        lambda: call(one, "POST", f"/api/attempts/{attempt_id}/finish/", token),
        lambda: call(two, "POST", f"/api/attempts/{attempt_id}/finish/", token),
    )
    assert [status for status, _ in finishes] == [200, 200]
    assert finishes[0][1] == finishes[1][1]
    assert float(finishes[0][1]["score"]) == 2.0
    # One attempt, finished; the one allowed is used up on both servers.
    for server in (one, two):
        _, body = call(server, "GET", "/api/attempts/", token)
        assert [(a["id"], a["state"]) for a in body["results"]] == [(attempt_id, "finished")]
    assert call(two, "POST", "/api/quizzes/exam/attempts/", token)[0] == 403

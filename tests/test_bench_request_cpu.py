"""The requests bench/request_cpu.py times, served through Django's WSGI handler as it serves
them: each endpoint answers with the status the bench expects, with the seeded credentials.
Untimed; the harness itself (a worker process per checkout, PostgreSQL, Redis) is run by hand.
"""

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from bench import load_seed
from bench.request_cpu import ENDPOINTS, Requests, _server
from quizzes.models import Attempt, AttemptState, Response

pytestmark = pytest.mark.django_db

SMALL = load_seed.SMALLEST


@pytest.fixture
def serve(settings):
    """The bench's serve(endpoint, environs), on the test's transaction: like Django's test
    client, it keeps the handler from closing the connection at the end of each request."""
    settings.ROOT_URLCONF = "bench.urls"
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield _server(WSGIHandler())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def requests(settings):
    return Requests(load_seed.seed(**SMALL), session_cookie=settings.SESSION_COOKIE_NAME)


def test_every_endpoint_answers_as_the_bench_expects(serve, requests):
    for endpoint in ENDPOINTS:
        for _ in range(2):  # the second block goes on where the first stopped (a start: resets)
            assert serve(endpoint, requests.environs(endpoint, 4)) > 0


def test_saves_go_round_the_students_and_their_questions(serve, requests):
    serve("save", requests.environs("save", 2 * SMALL["sitting_size"]))
    assert Response.objects.filter(answer__isnull=False).count() == 2 * SMALL["sitting_size"]


def test_a_start_block_begins_with_every_pair_free_and_never_starts_one_twice(serve, requests):
    serve("start", requests.environs("start", 4))
    serve("start", requests.environs("start", 4))
    assert Attempt.objects.filter(state=AttemptState.ABANDONED).count() == 4
    with pytest.raises(RuntimeError, match="5 starts asked for, 4"):
        requests.environs("start", 5)


def test_an_unexpected_status_stops_the_run(serve, requests):
    environs = requests.environs("page", 1)
    environs[0]["HTTP_COOKIE"] = ""  # no session: the page sends the visitor to sign in
    with pytest.raises(RuntimeError, match="page: HTTP"):
        serve("page", environs)

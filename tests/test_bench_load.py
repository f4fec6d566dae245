"""The pieces of the load bench (bench/load.py) that run without a server: cheap, untimed.

The harness itself (gunicorn, Redis, locust) is run by hand; here its Django side is checked:
the hello view, the seeding the rounds rely on, and the checks it makes after a burst.
"""

import json

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bench import load_seed
from flashcards.models import CardState
from quizzes.models import Attempt, AttemptState, Quiz
from quizzes.services.attempts import attempt_start

pytestmark = pytest.mark.django_db

SMALL = load_seed.SMALLEST


def token_client(token: str) -> Client:
    return Client(headers={"Authorization": f"Token {token}"})


def test_hello_view_answers_without_the_database(settings, django_assert_num_queries):
    settings.ROOT_URLCONF = "bench.urls"
    with django_assert_num_queries(0):
        reply = Client().get("/bench/hello/")
    assert reply.status_code == 200
    assert reply.json() == {"hello": "world"}


def test_the_site_itself_has_no_hello_view(client):
    assert client.get("/bench/hello/").status_code == 404


def test_bench_urls_keep_the_site(settings, client):
    settings.ROOT_URLCONF = "bench.urls"
    assert client.get(reverse("quiz-list")).status_code == 200


def test_seeded_students_can_save_open_their_page_and_review():
    plan = load_seed.seed(**SMALL)

    row = plan["saves"][0]
    question, choices = row["questions"][0]
    reply = token_client(row["token"]).put(
        f"/api/attempts/{row['attempt']}/answers/{question}/",
        json.dumps({"answer": choices[-1]}),
        content_type="application/json",
    )
    assert reply.status_code == 200, reply.content
    assert reply.json()["answer"] == choices[-1]
    assert len(row["questions"]) == SMALL["sitting_size"]

    page = plan["pages"][0]
    visitor = Client()
    visitor.cookies["sessionid"] = page["session"]
    reply = visitor.get(f"/attempts/{page['attempt']}/?q=2")
    assert reply.status_code == 200
    assert b"Question 2 of 4" in reply.content

    reviewer = plan["reviews"][0]
    assert (
        CardState.objects.filter(card_id__in=reviewer["cards"], due__lte=timezone.now()).count()
        == SMALL["cards"] * SMALL["reviewers"]
    )
    reply = token_client(reviewer["token"]).post(
        f"/api/cards/{reviewer['cards'][0]}/review/",
        json.dumps({"rating": "good"}),
        content_type="application/json",
    )
    assert reply.status_code == 201, reply.content


def test_every_student_and_start_quiz_pair_is_a_real_start_again_after_a_reset():
    plan = load_seed.seed(**SMALL)
    starts = plan["starts"]
    assert len(starts["quizzes"]) == 2 and len(starts["tokens"]) == 2
    for _ in range(2):
        for quiz in starts["quizzes"]:
            for token in starts["tokens"]:
                reply = token_client(token).post(f"/api/quizzes/{quiz}/attempts/")
                assert reply.status_code == 201, reply.content
        assert load_seed.reset_starts(plan=plan) == 4
    assert Attempt.objects.filter(state=AttemptState.ABANDONED).count() == 8


def test_start_query_count_does_not_grow_with_the_quiz():
    counts = load_seed.start_query_counts(sizes=(2, 6))
    assert counts[2] == counts[6] > 0


def test_burst_check_finds_a_lost_save_and_counts_attempts_nobody_was_told_of():
    plan = load_seed.seed(**{**SMALL, "burst": 3, "burst_size": 2})
    exam = plan["burst"]
    assert len(exam["tokens"]) == 3
    users = [get_user_model().objects.get(pk=pk) for pk in exam["users"]]
    quiz = Quiz.objects.get(slug=exam["quiz"])
    assert quiz.attempts_allowed == 1
    now = timezone.now()
    told, _ = attempt_start(quiz=quiz, user=users[0], now=now)
    attempt_start(quiz=quiz, user=users[1], now=now)  # the client gave up before the answer
    saved_item = told.layout[0]
    reply = token_client(exam["tokens"][0]).put(
        f"/api/attempts/{told.pk}/answers/{saved_item['question']}/",
        json.dumps({"answer": saved_item["choices"][0]}),
        content_type="application/json",
    )
    assert reply.status_code == 200
    never = told.layout[1]
    acks = {
        "starts": [told.pk],
        "saves": [
            [told.pk, saved_item["question"], saved_item["choices"][0]],
            [told.pk, never["question"], never["choices"][0]],  # acknowledged, yet not stored
        ],
        "finishes": [],
    }

    result = load_seed.check_burst(plan=plan, acks=acks)

    assert result["attempts"] == 2
    assert result["attempts_nobody_was_told_of"] == 1
    assert result["saves_acknowledged"] == 2
    assert result["saves_lost"] == 1
    assert result["saves_lost_examples"] == [[told.pk, never["question"], never["choices"][0]]]
    assert result["students_with_two_in_progress"] == 0

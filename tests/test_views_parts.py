"""Matching and ordering on the attempt page without JavaScript, and in the review."""

import re

import pytest
from django.urls import reverse

from quizzes.models import Attempt, AttemptState, Response
from tests.factories import QuestionFactory, QuizFactory
from tests.review_leaks import element_texts, visible_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def attempt(student_client):
    quiz = QuizFactory(questions=[QuestionFactory(matching=True), QuestionFactory(ordering=True)])
    assert student_client.post(reverse("quiz-start", kwargs={"slug": quiz.slug})).status_code == 302
    return Attempt.objects.get(quiz=quiz, state=AttemptState.IN_PROGRESS)


def post(client, attempt, response, fields, nav="stay"):
    data = {
        "question": response.question_id,
        "slot": response.slot,
        "kind": response.snapshot["kind"],
        "answer_field": "1",
        "nav": nav,
        **fields,
    }
    return client.post(reverse("attempt-save", kwargs={"pk": attempt.pk}), data)


def page(client, attempt, slot) -> str:
    return client.get(f"{attempt.get_absolute_url()}?q={slot}").content.decode()


def test_matching_is_a_select_per_stem_labelled_by_the_stem(student_client, attempt):
    matching = attempt.responses.get(slot=1)
    html = page(student_client, attempt, 1)
    for pair in matching.snapshot["pairs"]:
        label = re.search(rf'<label for="match-{pair["id"]}">([^<]*)</label>', html)
        assert label and label.group(1) == pair["stem"]
        assert f'<select name="match-{pair["id"]}" id="match-{pair["id"]}"' in html
    # The options are the shuffled answers; nothing in the markup pairs a stem with its own.
    shown = re.findall(r'<option value="(a[0-9a-f]{10})">([^<]*)</option>', html)
    assert [text for _, text in shown][:4] == [a["text"] for a in matching.snapshot["answers"]]
    assert "answer_id" not in html


def test_a_student_matches_and_orders_without_javascript(student_client, attempt):
    matching, ordering = attempt.responses.order_by("slot")
    right = {f"match-{p['id']}": p["answer_id"] for p in matching.snapshot["pairs"]}
    assert post(student_client, attempt, matching, right, nav="next").status_code == 302
    html = page(student_client, attempt, 1)
    for stem, answer in right.items():
        assert re.search(rf'id="{stem}"[^>]*>.*?<option value="{answer}" selected>', html, re.S)
    places = {f"place-{item}": str(n) for n, item in enumerate(ordering.snapshot["item_ids"], 1)}
    post(student_client, attempt, ordering, places)
    saved = Response.objects.get(pk=ordering.pk)
    assert saved.answer == ordering.snapshot["item_ids"]
    # The list now shows the saved order with its numbers.
    text = visible_text(page(student_client, attempt, 2))
    assert text.index("The talks opened") < text.index("The button was pressed")
    student_client.post(reverse("attempt-finish", kwargs={"pk": attempt.pk}))
    review = element_texts(
        student_client.get(reverse("attempt-review", kwargs={"pk": attempt.pk})).content.decode()
    )
    assert "Hillary Clinton met Lavrov in Geneva ✓ right met Lavrov in Geneva" in review["q1"]
    assert "Your order The talks opened ✓ right next item" in review["q2"]
    assert (
        "Correct order The talks opened The button was pressed The ministers dined" in review["q2"]
    )


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (["1", "1", "2"], "its own place"),
        (["1", "2", ""], "from 1 to 3"),
        (["1", "2", "9"], "from 1 to 3"),
    ],
)
def test_a_bad_set_of_places_comes_back_as_typed_with_the_error(
    student_client, attempt, typed, message
):
    ordering = attempt.responses.get(slot=2)
    ids = [i["id"] for i in ordering.snapshot["shown_items"]]
    reply = post(
        student_client,
        attempt,
        ordering,
        {f"place-{i}": t for i, t in zip(ids, typed, strict=True)},
    )
    assert reply["Location"].endswith("?q=2")
    html = page(student_client, attempt, 2)
    assert message in element_texts(html)["answer-error"]
    for item, value in zip(ids, typed, strict=True):
        assert re.search(rf'id="place-{item}"[^>]*value="{value}"', html)
    assert Response.objects.get(pk=ordering.pk).answer is None


def test_unanswered_ordering_shows_the_shuffled_items_without_numbers(student_client, attempt):
    ordering = attempt.responses.get(slot=2)
    html = page(student_client, attempt, 2)
    shown = re.findall(r'class="order-text">([^<]*)</label>', html)
    assert shown == [i["text"] for i in ordering.snapshot["shown_items"]]
    assert shown != ordering.snapshot["items"]
    assert not re.search(r'class="order-place"[^>]*value="\d', html)
    # Posting the numbers left blank saves nothing.
    post(
        student_client, attempt, ordering, {f"place-{i}": "" for i in ordering.snapshot["item_ids"]}
    )
    assert Response.objects.get(pk=ordering.pk).answer is None

"""The flashcard API: decks, the due queue, reviews (idempotent, validated), query counts."""

from datetime import timedelta

import pytest
from django.db.models import Model
from django.db.models.signals import post_save, pre_save
from django.utils import timezone
from rest_framework.test import APIClient

from flashcards.models import CardState, Rating, ReviewLog
from flashcards.services.scheduling import review_card
from tests.factories import CardFactory, DeckFactory


@pytest.fixture
def api(api_client_for, student):
    return api_client_for(student)


@pytest.fixture
def deck(db):
    deck = DeckFactory(slug="geneva", title="Geneva", new_cards_per_day=3)
    for position in range(1, 6):
        CardFactory(deck=deck, position=position, front=f"Card {position}")
    return deck


def test_the_api_needs_authentication(deck):
    client = APIClient()
    assert client.get("/api/decks/").status_code in (401, 403)
    card = deck.cards.first()
    assert client.post(f"/api/cards/{card.pk}/review/", {"rating": "good"}).status_code in (
        401,
        403,
    )


def test_token_authentication_works(student, deck):
    from quizzes.api.tokens import token_create

    _, token = token_create(user=student)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/decks/").status_code == 200


def test_decks_lists_published_decks_with_counts(midday, api, student, deck):
    DeckFactory(slug="draft", published=False)
    review_card(
        user=student,
        card=deck.cards.first(),
        rating="again",
        now=midday - timedelta(hours=1),
    )

    body = api.get("/api/decks/").json()

    assert [d["slug"] for d in body["results"]] == ["geneva"]
    assert body["results"][0]["counts"] == {"due": 1, "new": 2, "total": 5}
    assert api.get("/api/decks/draft/").status_code == 404
    assert api.get("/api/decks/geneva/").json()["counts"]["total"] == 5


def test_due_serves_reviews_first_then_new_cards_within_the_limit(midday, api, student, deck):
    first = deck.cards.get(position=4)
    review_card(user=student, card=first, rating="again", now=midday - timedelta(hours=1))

    body = api.get("/api/decks/geneva/due/?limit=10").json()

    assert [c["front"] for c in body["cards"]] == ["Card 4", "Card 1", "Card 2"]
    assert body["cards"][0]["state"] == "learning"
    assert body["cards"][1]["is_new"] is True
    assert body["cards"][1]["intervals"] == {
        "again": "1m",
        "hard": "6m",
        "good": "10m",
        "easy": body["cards"][1]["intervals"]["easy"],
    }
    assert body["due_count"] == 1
    assert body["new_available"] == 2


def test_listing_due_cards_is_not_a_look_and_writes_nothing(api, student, deck):
    # A client may fetch cards it never shows: only a review creates a state through the API.
    assert api.get("/api/decks/geneva/due/?limit=5").status_code == 200
    assert not CardState.objects.filter(user=student).exists()


def test_a_card_looked_at_in_the_browser_is_still_new_in_the_api(api, client, student, deck):
    client.force_login(student)
    client.get("/flashcards/geneva/study/")

    first = api.get("/api/decks/geneva/due/?limit=1").json()["cards"][0]

    assert first["front"] == "Card 1"
    assert first["is_new"] is True and first["state"] == "new"


def test_due_limit_is_validated(api, deck):
    for bad in ["0", "101", "x", "-1"]:
        response = api.get(f"/api/decks/geneva/due/?limit={bad}")
        assert response.status_code == 400
        assert "limit" in response.json()
    assert len(api.get("/api/decks/geneva/due/?limit=1").json()["cards"]) == 1


def test_review_returns_the_new_due_time_and_interval(api, student, deck):
    card = deck.cards.get(position=1)
    response = api.post(
        f"/api/cards/{card.pk}/review/", {"rating": "good", "duration_ms": 2500}, format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert body["interval"] == "10m"
    assert body["interval_seconds"] == 600
    assert body["state"] == "learning"
    assert body["duplicate"] is False
    state = CardState.objects.get(user=student, card=card)
    assert body["due"].startswith(state.due.strftime("%Y-%m-%dT%H:%M"))
    assert ReviewLog.objects.get().duration_ms == 2500


def test_the_review_log_written_is_the_row_create_would_write(api, student, deck):
    card = deck.cards.get(position=1)
    first = api.post(
        f"/api/cards/{card.pk}/review/",
        {"rating": "hard", "duration_ms": 900, "client_review_id": "r-1"},
        format="json",
    )
    assert first.status_code == 201
    log = ReviewLog.objects.get()
    assert (log.user, log.card, log.deck, log.rating) == (student, card, deck, Rating.HARD)
    assert (log.duration_ms, log.client_review_id) == (900, "r-1")
    state = CardState.objects.get(user=student, card=card)
    assert log.state_after["due"] == state.due.isoformat()
    assert log.state_before["stability"] is None  # a new card's first review
    assert log.pk is not None and log.reviewed_at == state.last_review
    second = api.post(f"/api/cards/{card.pk}/review/", {"rating": "good"}, format="json")
    assert second.status_code == 201
    assert ReviewLog.objects.filter(client_review_id="").count() == 1
    assert ReviewLog.objects.count() == 2


def test_review_rows_have_no_save_or_signals_for_the_prepared_writes_to_skip():
    # The review writes CardState and ReviewLog through quizzes/prepared.py, which, like
    # bulk_create and update(), calls no save() and sends no signal: a receiver added for
    # either would silently miss every review, so it must come with a change to the review.
    for model in (CardState, ReviewLog):
        assert model.save is Model.save, model
        for signal in (pre_save, post_save):
            assert not signal.has_listeners(model), (model, signal)


def test_the_same_client_review_id_is_recorded_once(api, student, deck):
    card = deck.cards.get(position=1)
    payload = {"rating": "good", "client_review_id": "5b7c8a1e-retry"}
    first = api.post(f"/api/cards/{card.pk}/review/", payload, format="json")
    retry = api.post(f"/api/cards/{card.pk}/review/", payload, format="json")

    assert first.status_code == 201
    assert retry.status_code == 200
    assert retry.json()["duplicate"] is True
    assert retry.json()["due"] == first.json()["due"]
    assert ReviewLog.objects.filter(user=student).count() == 1
    other = deck.cards.get(position=2)
    reused = api.post(f"/api/cards/{other.pk}/review/", payload, format="json")
    assert reused.status_code == 400
    assert "client_review_id" in reused.json()
    assert ReviewLog.objects.filter(user=student).count() == 1


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"rating": "perfect"}, "rating"),
        ({}, "rating"),
        ({"rating": "good", "duration_ms": -5}, "duration_ms"),
        ({"rating": "good", "client_review_id": "x" * 65}, "client_review_id"),
    ],
)
def test_bad_input_is_a_400_with_a_field_message_and_changes_nothing(api, deck, payload, field):
    card = deck.cards.first()
    response = api.post(f"/api/cards/{card.pk}/review/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not ReviewLog.objects.exists()
    assert not CardState.objects.exists()


def test_cards_of_unpublished_decks_are_not_found(api):
    card = CardFactory(deck=DeckFactory(published=False))
    response = api.post(f"/api/cards/{card.pk}/review/", {"rating": "good"}, format="json")
    assert response.status_code == 404


def test_students_do_not_see_each_others_progress(api, other_student, deck):
    card = deck.cards.get(position=1)
    review_card(
        user=other_student, card=card, rating="again", now=timezone.now() - timedelta(hours=1)
    )
    body = api.get("/api/decks/geneva/due/?limit=10").json()
    assert body["due_count"] == 0
    assert [c["front"] for c in body["cards"]] == ["Card 1", "Card 2", "Card 3"]


def test_query_counts_are_constant(
    api, student, deck, django_assert_num_queries, django_assert_max_num_queries
):
    def many_states():
        CardFactory.create_batch(40, deck=deck)
        deck.new_cards_per_day = 100
        deck.save()
        past = timezone.now() - timedelta(hours=2)
        for card in deck.cards.all()[:30]:
            review_card(user=student, card=card, rating="again", now=past)

    # Decks list: the user's permissions (may they see unpublished decks?), page count, page,
    # then due, introduced today, seen and card counts.
    with django_assert_num_queries(7):
        api.get("/api/decks/")
    # Due queue: deck, due states with cards, due count, introduced today, cards and seen
    # counts, new cards.
    with django_assert_num_queries(7):
        api.get("/api/decks/geneva/due/?limit=50")
    card = deck.cards.first()
    # A first review: the state (none) with its card, the card, the first look's insert, the
    # state locked, update, log, and the savepoint around them.
    with django_assert_max_num_queries(8):
        api.post(f"/api/cards/{card.pk}/review/", {"rating": "good"}, format="json")

    many_states()
    DeckFactory.create_batch(3)
    # A real request loads its user afresh; the test client's forced user keeps its permissions.
    student.__dict__.pop("_perm_cache", None)
    with django_assert_num_queries(7):
        api.get("/api/decks/")
    with django_assert_num_queries(7):
        body = api.get("/api/decks/geneva/due/?limit=50").json()
    assert len(body["cards"]) == 45  # all of them: 30 due, 15 new
    # A later review: the state locked with its card and deck, update, log, and the savepoint.
    with django_assert_max_num_queries(5):
        api.post(f"/api/cards/{card.pk}/review/", {"rating": "good"}, format="json")


def test_schema_documents_the_review_request_and_response(api):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    review = schema["paths"]["/api/cards/{id}/review/"]["post"]
    assert review["requestBody"]["content"]["application/json"]["schema"]["$ref"].startswith(
        "#/components/schemas/ReviewInput"
    )
    assert "201" in review["responses"]
    assert "ReviewOutput" in schema["components"]["schemas"]
    assert "/api/decks/{slug}/due/" in schema["paths"]
    rating = schema["components"]["schemas"]["ReviewInputRequest"]["properties"]["rating"]
    enum = schema["components"]["schemas"][rating["$ref"].rsplit("/", 1)[1]]["enum"]
    assert enum == ["again", "hard", "good", "easy"]


def test_a_due_limit_in_digits_int_cannot_read_is_a_field_error(api, deck):
    for bad in ["²", "１", "1" * 5000]:
        response = api.get("/api/decks/geneva/due/", {"limit": bad})
        assert response.status_code == 400
        assert "limit" in response.json()

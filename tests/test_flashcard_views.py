"""The flashcard pages: deck list, a study session without JavaScript, statistics."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from flashcards import selectors
from flashcards.models import CardState, LearningState, Rating, ReviewLog
from flashcards.services import scheduling
from flashcards.services.scheduling import review_card
from flashcards.views import FRAGMENT_HEADER, bar_chart
from tests.factories import CardFactory, DeckFactory


@pytest.fixture
def deck(db):
    deck = DeckFactory(slug="geneva", title="Geneva", new_cards_per_day=2)
    CardFactory(
        deck=deck, front="Whom did Clinton meet?", back="Lavrov\n\nThe sentence.", position=1
    )
    CardFactory(deck=deck, front="Where did they meet?", back="Geneva\n\nAnother.", position=2)
    CardFactory(deck=deck, front="What did the button say?", back="Peregruzka", position=3)
    return deck


def study_url(deck):
    return f"/flashcards/{deck.slug}/study/"


def test_pages_need_a_login(client, deck):
    for url in ["/flashcards/", study_url(deck), "/flashcards/geneva/stats/"]:
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_deck_list_shows_published_decks_with_due_and_new_counts(
    midday, student_client, student, deck
):
    DeckFactory(title="Hidden draft", published=False)
    card = deck.cards.first()
    review_card(user=student, card=card, rating="again", now=midday - timedelta(minutes=5))

    response = student_client.get("/flashcards/")

    html = response.content.decode()
    assert "Geneva" in html
    assert "Hidden draft" not in html
    assert re.search(r'class="count-due">1<', html)
    assert re.search(r'class="count-new">1<', html)  # the daily limit of 2, one used


def test_unpublished_decks_are_not_found_for_students(student_client):
    draft = DeckFactory(published=False)
    assert student_client.get(study_url(draft)).status_code == 404


def test_study_shows_the_front_but_not_the_back_until_revealed(student_client, deck):
    card = deck.cards.get(position=1)
    response = student_client.get(study_url(deck))
    html = response.content.decode()
    assert "Whom did Clinton meet?" in html
    assert "Lavrov" not in html
    assert f'href="?reveal={card.pk}#card-front"' in html

    other = deck.cards.get(position=2)
    assert (
        "Geneva\n"
        not in student_client.get(study_url(deck) + f"?reveal={other.pk}").content.decode()
    )

    revealed = student_client.get(study_url(deck) + f"?reveal={card.pk}").content.decode()
    assert "Lavrov" in revealed
    for label, interval in [("Again", "1m"), ("Hard", "6m"), ("Good", "10m")]:
        assert re.search(
            rf"{label}</span>\s*<span class=\"rating-interval\">.*{interval}</span>", revealed
        )


def test_the_first_look_at_a_new_card_creates_its_state_once(
    student_client, student, deck, django_assert_max_num_queries
):
    card = deck.cards.get(position=1)
    before = timezone.now()
    # The page's reads (10), one INSERT for the look, and the session's first write (3).
    with django_assert_max_num_queries(14):
        html = student_client.get(study_url(deck)).content.decode()
    assert "New card" in html

    state = CardState.objects.get(user=student)
    assert state.card == card and state.reps == 0 and state.step == 0
    assert state.stability is None and state.last_review is None
    assert before <= state.created_at <= timezone.now() and state.due <= timezone.now()

    html = student_client.get(study_url(deck)).content.decode()  # a reload: the same card
    assert "Whom did Clinton meet?" in html and "New card" in html
    assert CardState.objects.filter(user=student).count() == 1


def test_a_looked_card_is_scheduled_as_a_card_never_seen(student_client, student, deck):
    looked, unseen = deck.cards.get(position=1), deck.cards.get(position=2)
    student_client.get(study_url(deck))
    now = timezone.now()

    first = review_card(user=student, card=looked, rating="good", now=now)
    second = review_card(user=student, card=unseen, rating="good", now=now)

    assert first.interval == second.interval
    assert first.log.state_before == {
        **second.log.state_before,
        "due": first.log.state_before["due"],
    }
    assert first.state.reps == 1


def test_a_card_looked_at_and_not_rated_uses_its_place_in_the_days_new_cards(
    student_client, student, deck
):
    deck.new_cards_per_day = 1
    deck.save()
    student_client.get(study_url(deck))  # looks at card 1 and walks away

    queue = selectors.study_queue(user=student, deck=deck, now=timezone.now(), limit=5)

    assert [card.front for card in queue.cards()] == ["Whom did Clinton meet?"]
    assert queue.new_available == 0
    assert scheduling.is_new(queue.state_for(queue.cards()[0]))
    # The deck list still calls it new (not due), and offers no other new card today.
    html = student_client.get("/flashcards/").content.decode()
    assert re.search(r'class="count-due">0<', html)
    assert re.search(r'class="count-new">1<', html)


def test_rating_without_javascript_posts_and_redirects_to_the_next_card(
    student_client, student, deck
):
    card = deck.cards.get(position=1)
    page = student_client.get(study_url(deck) + f"?reveal={card.pk}").content.decode()
    review_id = re.search(r'name="client_review_id" value="(\w+)"', page).group(1)

    response = student_client.post(
        study_url(deck), {"card": card.pk, "rating": "good", "client_review_id": review_id}
    )

    assert response.status_code == 302
    assert response["Location"] == study_url(deck)
    state = CardState.objects.get(user=student, card=card)
    assert state.reps == 1
    page = student_client.get(study_url(deck)).content.decode()
    assert "Where did they meet?" in page
    assert "1 reviewed" in page

    # The same form submitted twice (a double click, a retry) is recorded once.
    student_client.post(
        study_url(deck), {"card": card.pk, "rating": "good", "client_review_id": review_id}
    )
    assert ReviewLog.objects.filter(user=student).count() == 1


def test_a_bad_rating_is_a_form_error_and_changes_nothing(student_client, deck):
    card = deck.cards.get(position=1)
    response = student_client.post(study_url(deck), {"card": card.pk, "rating": "brilliant"})
    assert response.status_code == 400
    assert "is not a rating" in response.content.decode()
    assert not ReviewLog.objects.exists()
    assert not CardState.objects.exists()  # the page shown again records no first look


def test_a_card_of_another_deck_is_refused(student_client, deck):
    stranger = CardFactory(deck=DeckFactory())
    response = student_client.post(study_url(deck), {"card": stranger.pk, "rating": "good"})
    assert response.status_code == 400
    assert not ReviewLog.objects.exists()


@pytest.mark.parametrize("card_field", ["²", "9" * 40, "1\x00", "-1"])
def test_a_card_field_that_is_not_a_card_id_is_a_form_error(student_client, deck, card_field):
    response = student_client.post(study_url(deck), {"card": card_field, "rating": "good"})
    assert response.status_code == 400
    assert "not in this deck" in response.content.decode()
    assert not ReviewLog.objects.exists()


def test_odd_durations_and_review_ids_are_tolerated_not_stored_raw(student_client, deck):
    card = deck.cards.get(position=1)
    fields = {"card": card.pk, "rating": "good", "duration_ms": "²", "client_review_id": "a\x00b"}
    assert student_client.post(study_url(deck), fields).status_code == 302
    log = ReviewLog.objects.get()
    assert log.duration_ms is None
    assert log.client_review_id == "ab"


def test_the_fragment_answers_with_the_next_card_only(student_client, deck):
    card = deck.cards.get(position=1)
    response = student_client.post(
        study_url(deck), {"card": card.pk, "rating": "easy"}, headers={FRAGMENT_HEADER: "1"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="study-card"')
    assert "Where did they meet?" in html


def _card_kind(html: str) -> str:
    match = re.search(r'<span class="card-state">([^<]*)</span>', html)
    return match.group(1) if match else ""


def test_each_card_is_labelled_by_its_real_state(student_client, student, deck):
    card = deck.cards.get(position=1)
    assert _card_kind(student_client.get(study_url(deck)).content.decode()) == "New card"
    past = timezone.now() - timedelta(days=30)
    review_card(user=student, card=card, rating="again", now=past)
    assert _card_kind(student_client.get(study_url(deck)).content.decode()) == "Learning"
    review_card(user=student, card=card, rating="easy", now=past + timedelta(minutes=2))
    assert _card_kind(student_client.get(study_url(deck)).content.decode()) == "Review"
    review_card(user=student, card=card, rating="again", now=timezone.now() - timedelta(hours=1))
    assert _card_kind(student_client.get(study_url(deck)).content.decode()) == "Relearning"


def test_learning_cards_due_within_the_learn_ahead_limit_keep_the_session_going(
    student_client, student, deck
):
    first, second = deck.cards.get(position=1), deck.cards.get(position=2)
    student_client.post(study_url(deck), {"card": first.pk, "rating": "again"})  # due in 1 min
    student_client.post(study_url(deck), {"card": second.pk, "rating": "good"})  # in 10 min

    html = student_client.get(study_url(deck)).content.decode()

    assert "Session complete." not in html
    assert "Whom did Clinton meet?" in html  # the soonest, shown early
    assert _card_kind(html) == "Learning"
    assert re.search(r"due in \d+\xa0seconds?, shown early", html) or "due in 0\xa0minutes" in html
    assert "2 reviewed, 2 to go" in html


def test_the_summary_says_when_the_next_card_is_due(student_client, student, deck):
    for position in (1, 2):
        card = deck.cards.get(position=position)
        student_client.post(study_url(deck), {"card": card.pk, "rating": "easy"})
    html = student_client.get(study_url(deck)).content.decode()
    assert "Session complete." in html
    assert re.search(r"Your next card is due in \d+\xa0\w+(, \d+\xa0\w+)?, on <time", html)


def test_the_session_ends_with_a_summary(student_client, student, deck):
    for position in (1, 2):
        card = deck.cards.get(position=position)
        student_client.post(study_url(deck), {"card": card.pk, "rating": "easy"})

    html = student_client.get(study_url(deck)).content.decode()

    assert "Session complete." in html
    assert "You reviewed 2 cards." in html
    assert "Easy: 2" in html
    assert "What did the button say?" not in html  # the daily new-card limit is 2


def test_study_page_uses_a_constant_number_of_queries(
    student_client, student, deck, django_assert_max_num_queries
):
    student_client.get(study_url(deck))
    card = deck.cards.get(position=1)
    with django_assert_max_num_queries(12):
        student_client.get(study_url(deck) + f"?reveal={card.pk}")
    CardFactory.create_batch(30, deck=deck)
    for extra in deck.cards.all()[:10]:
        review_card(
            user=student, card=extra, rating="again", now=timezone.now() - timedelta(hours=1)
        )
    with django_assert_max_num_queries(12):
        student_client.get(study_url(deck) + f"?reveal={card.pk}")


def test_stats_page_shows_retention_and_charts(student_client, student, deck):
    card = deck.cards.get(position=1)
    now = timezone.now() - timedelta(days=20)
    result = review_card(user=student, card=card, rating="good", now=now)
    result = review_card(user=student, card=card, rating="good", now=result.state.due)
    result = review_card(user=student, card=card, rating="good", now=result.state.due)
    review_card(user=student, card=card, rating="again", now=result.state.due)

    html = student_client.get("/flashcards/geneva/stats/").content.decode()

    assert "50%" in html  # two reviews in the Review state, one of them Again
    assert html.count("<svg") == 3  # retention per week, reviews per day, the forecast
    assert "Reviews per day, last 30 days as a table" in html
    assert "Cards due per day, next 30 days" in html


def test_stats_chart_retention_per_week_against_the_decks_aim(student_client, student, deck):
    card = deck.cards.get(position=1)
    this_monday = scheduling.start_of_day(timezone.now()) - timedelta(
        days=timezone.localdate().weekday()
    )

    def reviewed(at, rating, state=LearningState.REVIEW):
        ReviewLog.objects.create(
            user=student,
            card=card,
            deck=deck,
            rating=rating,
            reviewed_at=at,
            state_before={"state": int(state)},
            state_after={},
        )

    last_week = this_monday - timedelta(days=3)
    for rating in (Rating.GOOD, Rating.GOOD, Rating.AGAIN):
        reviewed(last_week, rating)
    reviewed(this_monday + timedelta(minutes=1), Rating.EASY)
    reviewed(this_monday + timedelta(minutes=2), Rating.AGAIN, state=LearningState.LEARNING)
    reviewed(this_monday - timedelta(weeks=13), Rating.AGAIN)  # older than the chart's 12 weeks

    html = student_client.get("/flashcards/geneva/stats/").content.decode()

    table = html[html.index("True retention per week, last 12 weeks as a table") :]
    rows = re.findall(r'<th scope="row">([^<]+)</th><td>(\d+)</td>', table)[:2]
    monday_label = f"{this_monday - timedelta(weeks=1):%b} {(this_monday - timedelta(weeks=1)).day}"
    assert rows == [(monday_label, "67"), (f"{this_monday:%b} {this_monday.day}", "100")]
    # The dashed line at the deck's 90% aim: 10% of the 136-unit plot below the top.
    assert 'y1="13.6"' in html and 'class="target-line"' in html


def test_stats_without_reviews_of_learnt_cards_draw_no_retention_chart(student_client, deck):
    html = student_client.get("/flashcards/geneva/stats/").content.decode()
    assert "True retention per week" not in html
    assert html.count("<svg") == 2


def test_stats_do_not_mix_students(student_client, other_student, deck):
    card = deck.cards.get(position=1)
    review_card(user=other_student, card=card, rating="good", now=timezone.now())
    html = student_client.get("/flashcards/geneva/stats/").content.decode()
    assert "0 reviews in the last 30 days" in html


def test_bar_chart_scales_to_the_largest_value():
    chart = bar_chart([("a", 0), ("b", 5), ("c", 10)], width=124, height=124, pad=24)
    heights = [bar.height for bar in chart["bars"]]
    assert heights == [0, 50, 100]
    assert chart["bars"][2].y == 0


@pytest.mark.parametrize(
    ("field", "value"), [("rating", "²"), ("rating", "1" * 5000), ("card", "1" * 5000)]
)
def test_a_rating_or_card_int_cannot_read_is_a_form_error_not_a_crash(
    student_client, deck, field, value
):
    fields = {"card": deck.cards.get(position=1).pk, "rating": "good", field: value}
    response = student_client.post(study_url(deck), fields)
    assert response.status_code == 400
    assert not ReviewLog.objects.exists()


def test_a_duration_past_the_digit_limit_is_tolerated_not_stored(student_client, deck):
    card = deck.cards.get(position=1)
    fields = {"card": card.pk, "rating": "good", "duration_ms": "1" * 5000}
    assert student_client.post(study_url(deck), fields).status_code == 302
    assert ReviewLog.objects.get().duration_ms is None


@pytest.mark.parametrize("cards", [2, 20])
def test_stats_page_runs_constant_queries(
    student_client, student, deck, cards, django_assert_max_num_queries
):
    start = timezone.now() - timedelta(days=25)
    for position in range(10, 10 + cards):
        card = CardFactory(deck=deck, position=position)
        result = review_card(user=student, card=card, rating="good", now=start)
        review_card(user=student, card=card, rating="again", now=result.state.due)
    # session, user, the deck, then the figures: reviews per day, retention, weeks, forecast
    with django_assert_max_num_queries(8):
        response = student_client.get("/flashcards/geneva/stats/")
    assert response.status_code == 200
    assert response.context["review_total"] == 2 * cards

"""Flashcard pages: the decks, a study session and a deck's statistics.

The study page works without JavaScript (GET shows the front; "Show answer" is a link that
reveals the back of the card at the head of the queue; rating POSTs and redirects to the next
card). With JavaScript (static/js/flashcards.js) the same URLs answer a `fetch` with just the
card's HTML fragment, so studying needs no reloads.

A session is the run of reviews since the student opened the deck's study page (kept in the
Django session; it restarts after six hours); its progress bar counts those reviews against the
cards still waiting, and it ends with a summary saying when the next card is due. Cards in
their learning steps that fall due within Anki's learn-ahead limit (20 minutes) stay in the
session: once nothing else is waiting they are shown early, rather than ending it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from flashcards import selectors
from flashcards.models import Card, Deck, Rating
from flashcards.services import scheduling
from flashcards.services.decks import card_answer
from flashcards.services.scheduling import ReviewError
from quizzes.charts import bar_chart
from quizzes.parsing import MAX_ID, whole_number

SESSION_KEY = "flashcard_sessions"
SESSION_HOURS = 6
FRAGMENT_HEADER = "X-Factcards-Fragment"


@require_GET
@login_required
def deck_list(request: HttpRequest) -> HttpResponse:
    # The published decks the student may see: the public ones and those assigned to their
    # classes (teachers try drafts from the admin); a student's list costs no permission query.
    decks = list(Deck.objects.visible_to(request.user).order_by("title"))
    counts = selectors.deck_counts(user=request.user, decks=decks, now=timezone.now())
    rows = [(deck, counts[deck.pk]) for deck in decks]
    return render(request, "flashcards/deck_list.html", {"rows": rows})


# --- study --------------------------------------------------------------------------------


def _session_start(request: HttpRequest, deck: Deck, now: datetime, restart: bool) -> datetime:
    sessions = request.session.get(SESSION_KEY, {})
    started = sessions.get(deck.slug)
    start = datetime.fromisoformat(started) if started else None
    if restart or start is None or now - start > timedelta(hours=SESSION_HOURS):
        start = now
        sessions[deck.slug] = now.isoformat()
        request.session[SESSION_KEY] = sessions
    return start


@dataclass
class SessionProgress:
    done: int
    remaining: int
    ratings: dict[str, int]

    @property
    def total(self) -> int:
        return self.done + self.remaining

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 100


def _study_context(
    request: HttpRequest, deck: Deck, *, reveal: str | None, restart=False, look=True
):
    """The page's context; `look=False` (a refused rating shown again) records no first look, so
    that a refused POST changes nothing: the card on it is the one the student already saw."""
    now = timezone.now()
    start = _session_start(request, deck, now, restart)
    queue = selectors.study_queue(user=request.user, deck=deck, now=now, limit=1)
    ratings = selectors.session_ratings(user=request.user, deck=deck, since=start)
    done = sum(ratings.values())
    progress = SessionProgress(
        done=done,
        remaining=queue.remaining,
        ratings={Rating(r).label: ratings.get(r, 0) for r in Rating},
    )
    context = {"deck": deck, "progress": progress, "card": None}
    cards = queue.cards()
    if cards:
        card = cards[0]
        state = queue.state_for(card)
        if state is None and look:
            scheduling.first_look(user=request.user, card=card, now=now)
        revealed = reveal == str(card.pk)
        context.update(
            card=card,
            state=state,
            is_new=scheduling.is_new(state),
            card_kind=scheduling.state_label(state),
            # Shown before it is due, under the learn-ahead limit: say when it would have been.
            early=state is not None and state.due > now,
            revealed=revealed,
            client_review_id=uuid.uuid4().hex,
            answer=card_answer(card.back) if revealed else "",
            source=card.back.partition("\n\n")[2].strip() if revealed else "",
            buttons=_rating_buttons(deck, state, request.user, card, now) if revealed else [],
        )
    else:
        context["next_due"] = selectors.next_due(user=request.user, deck=deck)
    return context


def _rating_buttons(deck, state, user, card: Card, now) -> list[dict]:
    labels = scheduling.preview_labels(
        deck=deck, state=state, user_id=user.pk, card_id=card.pk, now=now
    )
    return [
        {
            "value": rating.name.lower(),
            "label": rating.label,
            "key": int(rating),
            "interval": labels[rating.name.lower()],
        }
        for rating in Rating
    ]


def _render_study(request, context, status=200):
    fragment = request.headers.get(FRAGMENT_HEADER) == "1"
    template = "flashcards/_study_card.html" if fragment else "flashcards/study.html"
    return render(request, template, context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def study(request: HttpRequest, slug: str) -> HttpResponse:
    deck = selectors.studyable_deck(user=request.user, slug=slug)
    if request.method == "GET":
        context = _study_context(
            request, deck, reveal=request.GET.get("reveal"), restart="restart" in request.GET
        )
        return _render_study(request, context)

    _session_start(request, deck, timezone.now(), restart=False)
    card_id = whole_number(request.POST.get("card"), limit=MAX_ID)
    card = selectors.card_in_deck(deck=deck, pk=card_id)
    error = None
    if card is None:
        error = "That card is not in this deck."
    else:
        try:
            scheduling.review_card(
                user=request.user,
                card=card,
                rating=request.POST.get("rating", ""),
                now=timezone.now(),
                duration_ms=whole_number(request.POST.get("duration_ms")),
                client_review_id=request.POST.get("client_review_id", "")[:64].replace("\x00", ""),
            )
        except ReviewError as exc:
            error = str(exc)
    if error:
        context = _study_context(request, deck, reveal=request.POST.get("card"), look=False)
        context["error"] = error
        return _render_study(request, context, status=400)
    if request.headers.get(FRAGMENT_HEADER) == "1":
        return _render_study(request, _study_context(request, deck, reveal=None))
    return redirect(reverse("flashcards-study", kwargs={"slug": deck.slug}))


# --- statistics ---------------------------------------------------------------------------


def _day_label(day) -> str:
    return f"{day:%b} {day.day}"


@require_GET
@login_required
def stats(request: HttpRequest, slug: str) -> HttpResponse:
    deck = selectors.studyable_deck(user=request.user, slug=slug)
    figures = selectors.deck_statistics(user=request.user, deck=deck, now=timezone.now())
    reviews = [(_day_label(day), n) for day, n in figures.reviews]
    forecast = [(_day_label(day), n) for day, n in figures.forecast]
    context = {
        "deck": deck,
        "reviews_chart": bar_chart(reviews),
        "forecast_chart": bar_chart(forecast),
        "review_total": sum(n for _, n in reviews),
        "forecast_total": sum(n for _, n in forecast),
        "retention": figures.retention,
        "retention_chart": bar_chart(
            [(_day_label(week), percent) for week, percent in figures.weekly_retention],
            label_all=True,
            top=100,
            target=round(deck.desired_retention * 100),
        ),
        "retention_weeks": figures.weekly_retention,
        "retention_total": figures.retention_total,
        "desired_retention": deck.desired_retention,
    }
    return render(request, "flashcards/stats.html", context)

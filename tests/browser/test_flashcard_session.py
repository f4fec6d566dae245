"""A flashcard session in Chromium with learning steps of 1 and 10 minutes: it keeps its cards
until none falls due within the 20-minute learn-ahead limit, then says when the next one is due.

Time passes on Playwright's clock in the page and, in step, on the server's clock (the live
server runs in this process, so `timezone.now` is patched): no real waiting.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from flashcards.models import LearningState, ReviewLog
from flashcards.services import scheduling
from tests.browser.demo_world import browser_context
from tests.factories import CardFactory, DeckFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


class Clock:
    """The server's time: starts now and moves only when told, with the page's clock."""

    def __init__(self, page, start):
        self.page, self.now = page, start
        page.clock.install(time=start - timedelta(seconds=1))
        page.clock.pause_at(start)  # the page's time stands still between the test's steps

    def __call__(self):
        return self.now

    def advance(self, seconds: int):
        self.now += timedelta(seconds=seconds)
        self.page.clock.fast_forward(seconds * 1000)


def test_learning_cards_stay_in_the_session_until_none_falls_due_within_the_limit(
    browser, live_server, monkeypatch
):
    learner = UserFactory(username="learner")
    deck = DeckFactory(slug="geneva", title="Geneva", new_cards_per_day=2)
    CardFactory(deck=deck, position=1, front="Whom did Clinton meet?", back="Lavrov")
    CardFactory(deck=deck, position=2, front="What did the button say?", back="Peregruzka")
    steps = scheduling.scheduler_for(deck).learning_steps
    assert tuple(steps) == (timedelta(minutes=1), timedelta(minutes=10))

    context = browser_context(browser, live_server, learner)
    page = context.new_page()
    clock = Clock(page, timezone.now())
    monkeypatch.setattr(timezone, "now", clock)
    front, kind = page.locator("#card-front"), page.locator(".card-kind")

    def rate(expected_front, key, *, think=20):
        expect(front).to_have_text(expected_front)
        clock.advance(think)
        page.keyboard.press("Space")
        expect(page.locator("#card-answer .answer")).to_be_visible()
        page.keyboard.press(key)

    try:
        page.goto("/flashcards/geneva/study/")
        expect(page.locator("html[data-flashcards=ready]")).to_have_count(1)
        rate("Whom did Clinton meet?", "1")  # Again: due in 1 minute
        rate("What did the button say?", "3")  # Good: due in 10 minutes

        # Nothing is due and no new card is left, yet the session goes on with the card due
        # soonest, shown early and labelled by its state.
        expect(front).to_have_text("Whom did Clinton meet?")
        expect(kind).to_contain_text("Learning")
        expect(kind).to_contain_text(re.compile(r"due in \d+\s+minutes?, shown early"))
        expect(page.get_by_text("Session complete.")).to_have_count(0)
        expect(page.locator("#progress-label")).to_have_text("2 reviewed, 2 to go")

        rate("Whom did Clinton meet?", "3", think=40)  # Good: the 10-minute step
        rate("What did the button say?", "3")  # Good again: it graduates (days away)
        expect(kind).to_contain_text(re.compile(r"due in \d+\s+minutes?, shown early"))
        rate("Whom did Clinton meet?", "3")  # graduates too

        expect(page.get_by_text("Session complete.")).to_be_visible()
        expect(page.get_by_text("You reviewed 5 cards.")).to_be_visible()
        expect(page.locator(".next-due")).to_contain_text(re.compile(r"due in \d+\s+days?"))
    finally:
        context.close()

    logs = list(ReviewLog.objects.filter(user=learner).order_by("reviewed_at", "pk"))
    assert [log.rating for log in logs] == [1, 3, 3, 3, 3]
    assert {log.state_after["state"] for log in logs[-2:]} == {int(LearningState.REVIEW)}
    # The page's clock measured the thinking time the test gave it, no more.
    assert [log.duration_ms for log in logs] == [20_000, 20_000, 40_000, 20_000, 20_000]
    span = logs[-1].reviewed_at - logs[0].reviewed_at
    assert span == timedelta(seconds=100)  # the whole session took no real waiting

"""Studying flashcards in Chromium: keyboard only, no reloads, and on a phone."""

import re

import pytest
from playwright.sync_api import expect

from flashcards.models import ReviewLog
from tests.factories import CardFactory, DeckFactory, UserFactory


@pytest.fixture
def deck(transactional_db):
    deck = DeckFactory(slug="geneva", title="Geneva", new_cards_per_day=2)
    CardFactory(
        deck=deck,
        position=1,
        front="Whom did Clinton meet in Geneva?",
        back="Sergei Lavrov\n\nClinton met Sergei Lavrov in Geneva.",
    )
    CardFactory(deck=deck, position=2, front="What did the button say?", back="Peregruzka")
    CardFactory(deck=deck, position=3, front="Beyond today's limit", back="Hidden")
    return deck


@pytest.fixture
def learner(transactional_db):
    return UserFactory(username="learner")


def test_study_a_deck_with_the_keyboard_without_reloads(page, login, learner, deck):
    login("learner")
    page.goto("/flashcards/")
    page.get_by_role("link", name="Study Geneva").click()

    front = page.locator("#card-front")
    expect(front).to_have_text("Whom did Clinton meet in Geneva?")
    expect(page.locator("#card-answer")).to_have_attribute("aria-live", "polite")
    expect(page.locator("#card-answer")).to_be_empty()
    expect(page.locator("html[data-flashcards=ready]")).to_have_count(1)  # the script is on
    page.evaluate("window.__sameDocument = true")

    page.keyboard.press("Space")
    expect(page.locator("#card-answer .answer")).to_contain_text("Sergei Lavrov")
    good = page.get_by_role("button", name=re.compile("^Good"))
    expect(good).to_be_focused()
    expect(good).to_contain_text("10m")
    expect(page.get_by_role("button", name=re.compile("^Again"))).to_contain_text("1m")

    page.keyboard.press("4")  # Easy
    expect(front).to_have_text("What did the button say?")
    expect(page.locator("#card-front")).to_be_focused()
    expect(page.locator("#progress-label")).to_contain_text("1 reviewed")

    page.keyboard.press("Space")
    expect(page.locator("#card-answer .answer")).to_have_text(re.compile("Peregruzka"))
    page.keyboard.press("4")

    expect(page.get_by_text("Session complete.")).to_be_visible()
    expect(page.get_by_text("You reviewed 2 cards.")).to_be_visible()
    assert page.evaluate("window.__sameDocument") is True  # no reload happened
    assert ReviewLog.objects.filter(user=learner).count() == 2
    assert all(log.duration_ms is not None for log in ReviewLog.objects.all())


def test_study_works_without_javascript(browser, live_server, learner, deck):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("learner")
    page.get_by_label("Password").fill("pass-word-123")
    page.get_by_role("button", name="Log in").click()
    page.goto("/flashcards/geneva/study/")

    page.get_by_role("link", name="Show answer").click()
    expect(page.locator("#card-answer")).to_contain_text("Sergei Lavrov")
    page.get_by_role("button", name=re.compile("^Good")).click()

    expect(page.locator("#card-front")).to_have_text("What did the button say?")
    assert ReviewLog.objects.filter(user=learner).count() == 1
    context.close()


def test_study_page_fits_a_phone(phone_page, login, learner, deck):
    login("learner", target_page=phone_page)
    phone_page.goto("/flashcards/geneva/study/")
    phone_page.get_by_role("link", name="Show answer").tap()
    buttons = phone_page.locator(".rating-form button[name=rating]")
    expect(buttons).to_have_count(4)
    for index in range(4):
        box = buttons.nth(index).bounding_box()
        assert box["height"] >= 44
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390


def test_space_on_another_focused_button_presses_that_button(page, login, learner, deck):
    login("learner")
    page.goto("/flashcards/geneva/study/")
    expect(page.locator("html[data-flashcards=ready]")).to_have_count(1)
    page.get_by_role("button", name=re.compile("^Log out")).focus()
    page.keyboard.press("Space")
    expect(page.get_by_role("link", name="Log in")).to_be_visible()  # it logged out
    assert ReviewLog.objects.count() == 0

"""Playwright driving Debian's Chromium against pytest-django's live server.

These tests fail (never skip) when Chromium is missing: `.ci/run` installs it with apt-get.
"""

import os

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Assertions wait as long as actions do (the contexts below): on a loaded 2-core machine an
# autosave's round trip to the live server once took longer than Playwright's 5 s default.
TIMEOUT_MS = 10_000
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_configure(config):
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: install it with `apt-get install -y chromium` "
            "(browser tests never skip)."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1200, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone_page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def login(page):
    """Log a user in through the real login form: `login("student", "pass-word-123")`."""

    def _login(username, password="pass-word-123", target_page=None):
        p = target_page or page
        p.goto("/accounts/login/")
        p.get_by_label("Username").fill(username)
        p.get_by_label("Password").fill(password)
        p.get_by_role("button", name="Log in").click()
        p.wait_for_url(lambda url: "/accounts/login/" not in url)
        return p

    return _login

"""Every page a student and a teacher open, read as a person reads it: the visible text
(`innerText`) of each must hold no markup or template debris. The suite once passed while every
article page printed its paragraphs as escaped `<p>` tags, because tests looked at the HTML.

The pages come from the demo fixtures with demo activity (`demo_world`), so they are as full as
a new user finds them; the admin pages are the demo teacher's, with the fixture's permissions.
"""

import re

import pytest

from tests.browser.demo_world import (
    ANONYMOUS_PAGES,
    browser_context,
    build_demo_world,
    student_pages,
    teacher_pages,
)

pytestmark = pytest.mark.django_db(transaction=True)

# Markup shown as text, template tags left in, Python's None and NaN, and a whole number
# printed as a float ("4400.0", "4,400.0").
DEBRIS = re.compile(
    r"<p>|</|&lt;|&gt;|&amp;|&quot;|&#\d+;|\{\{|\}\}|\{%|%\}|\bNone\b|\bnan\b|\bNaN\b"
    r"|(?<![\d.,])\d+(?:,\d{3})*\.0(?!\d)"
)


# Django's own words for an empty "Recent actions" box on the admin's index.
ALLOWED = ("None available",)


def debris_in(text: str) -> list[str]:
    for words in ALLOWED:
        text = text.replace(words, "")
    return [text[max(0, m.start() - 40) : m.end() + 40] for m in DEBRIS.finditer(text)]


def test_the_debris_pattern_catches_what_it_should_and_nothing_else():
    for bad in ["<p>No major", "a</p>", "&lt;p&gt;", "Q &amp; A", "{{ grade }}", "{% if %}"]:
        assert debris_in(bad), bad
    for bad in ["Your grade: None", "nan%", "Answer: 4,400.0", "4400.0 people", "score 2.0"]:
        assert debris_in(bad), bad
    for fine in ["25 / 100", "33.33", "2.5", "0.9", "Nonetheless", "financial", "10.05 s"]:
        assert not debris_in(fine), fine


def _read(context, url):
    page = context.new_page()
    try:
        response = page.goto(url)
        text = page.evaluate("document.body.innerText")
        return response.status, text
    finally:
        page.close()


def test_no_student_or_teacher_page_shows_markup_or_template_debris(browser, live_server):
    world = build_demo_world()
    problems, visited = [], 0
    for user, urls in (
        (None, ANONYMOUS_PAGES),
        (world.student, student_pages(world)),
        (world.teacher, teacher_pages(world)),
    ):
        context = browser_context(browser, live_server, user)
        try:
            for url in urls:
                status, text = _read(context, url)
                visited += 1
                if status != 200:
                    problems.append(f"{url}: HTTP {status}")
                problems += [f"{url}: …{found}…" for found in debris_in(text)]
        finally:
            context.close()
    assert visited > 60  # the crawl really went round
    assert not problems, "\n".join(problems)

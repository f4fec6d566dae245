"""Issue 15's "done when", in Chromium, on the demo data of a fresh `make run`.

The demo teacher creates a class in the admin; the demo student joins it with its code on the
site; the teacher assigns the timed quiz with a due date and gives the student 50 % extra time;
the student starts the quiz (15 minutes on the timer) and hands it in; the teacher finds the
attempt in the class's gradebook and downloads it as CSV. Every step is a click or a keystroke.
"""

import csv
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from quizzes.models import QuizOverride
from tests.browser.conftest import TIMEOUT_MS

pytestmark = pytest.mark.django_db(transaction=True)

FIXTURES = ("articles", "questions", "quizzes", "flashcards", "demo_users", "classes")
PASSWORD = "reset-2009"
QUIZ_TITLE = "Geneva timed challenge"
QUIZ = "geneva-timed-challenge"


@pytest.fixture
def demo(db):
    call_command("loaddata", *FIXTURES, verbosity=0)
    # The demo class gives the demo student this very accommodation already: taken away here,
    # so that the teacher's form below is what gives it.
    QuizOverride.objects.filter(
        quiz__slug="geneva-timed-challenge", user__username="student"
    ).delete()


@pytest.fixture
def student_page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1200, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


def choose_autocomplete(page, container, typed: str, option: str) -> None:
    """Pick `option` in one of the admin's autocomplete (select2) fields, by typing."""
    container.locator(".select2-selection").click()
    page.locator(".select2-search__field").fill(typed)
    page.locator(".select2-results__option", has_text=option).first.click()


def test_a_teacher_runs_a_class_in_the_browser_from_creation_to_the_gradebook_csv(
    demo, page, student_page, login
):
    teacher = login("teacher", PASSWORD)
    teacher.goto("/admin/quizzes/classroom/add/")
    teacher.get_by_label("Name:").fill("Period 3 history")
    teacher.get_by_role("button", name="Save and continue editing").click()
    expect(teacher.get_by_text("was added successfully")).to_be_visible()
    code = teacher.locator(".field-join_code .readonly").inner_text().strip()
    assert len(code) == 8

    login("student", PASSWORD, target_page=student_page)
    student_page.goto("/classes/join/")
    student_page.get_by_label("Join code").fill(code.lower())
    student_page.get_by_role("button", name="Join the class").click()
    expect(student_page.get_by_text("You joined Period 3 history.")).to_be_visible()

    # The due date: a week from now, at 17:00 (the admin's fields are in the server's time).
    due = (datetime.now(UTC) + timedelta(days=7)).replace(hour=17, minute=0, second=0)
    teacher.reload()
    expect(teacher.get_by_text("student@")).to_be_visible()  # in the students inline now
    teacher.locator("#quiz_assignments-group .add-row a").click()
    row = teacher.locator("#quiz_assignments-group tr.form-row:not(.empty-form)").last
    choose_autocomplete(teacher, row, "timed", QUIZ_TITLE)
    row.locator("input[name$='-closes_0']").fill(due.strftime("%Y-%m-%d"))
    row.locator("input[name$='-closes_1']").fill("17:00:00")
    teacher.get_by_role("button", name="Save and continue editing").click()
    expect(teacher.get_by_text("was changed successfully")).to_be_visible()

    teacher.goto("/admin/quizzes/quizoverride/add/")
    choose_autocomplete(teacher, teacher.locator(".field-quiz"), "timed", QUIZ_TITLE)
    teacher.get_by_label("User:").select_option(label="student")
    teacher.get_by_label("Time multiplier:").fill("1.5")
    teacher.get_by_role("button", name="Save", exact=True).click()
    expect(teacher.get_by_text("was added successfully")).to_be_visible()

    student_page.goto("/")
    student_page.get_by_role("link", name=QUIZ_TITLE).first.click()
    expect(student_page.get_by_text("with your extra time")).to_be_visible()
    student_page.get_by_role("button", name="Start the quiz").click()
    remaining = int(student_page.locator("#timer").get_attribute("data-remaining"))
    assert 14 * 60 < remaining <= 15 * 60  # 10 minutes × 1.5
    student_page.get_by_role("button", name="Finish attempt…").first.click()
    student_page.get_by_role("button", name="Finish and submit").click()
    expect(student_page.get_by_role("heading", name=f"Review: {QUIZ_TITLE}")).to_be_visible()

    teacher.goto("/admin/quizzes/classroom/")
    teacher.get_by_role("link", name="Period 3 history").click()
    teacher.get_by_role("link", name="Gradebook").click()
    expect(teacher.get_by_role("heading", name="Gradebook: Period 3 history")).to_be_visible()
    grid = teacher.locator("table.gradebook-grid")
    expect(grid.get_by_role("link", name="Sam Student")).to_be_visible()
    expect(grid.locator("tfoot")).to_contain_text("1 of 1")

    grid.get_by_role("link", name=QUIZ_TITLE).click()
    table = teacher.locator("table.quiz-gradebook")
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table.locator("tbody tr")).to_contain_text("Finished")
    expect(table.locator("tbody tr")).to_contain_text("time ×1.5 (own)")
    with teacher.expect_download() as download_info:
        teacher.get_by_role("link", name="Download as CSV").click()
    download = download_info.value
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    assert rows[0][:6] == ["class", "username", "name", "quiz", "quiz title", "state"]
    assert rows[1][:6] == [
        "Period 3 history",
        "student",
        "Sam Student",
        QUIZ,
        QUIZ_TITLE,
        "Finished",
    ]
    assert rows[1][10] == "time ×1.5 (own)"

"""The strict Content-Security-Policy in Chromium: the admin, Swagger UI and the student pages work
under it, and the browser reports no violation (no inline script, style or handler anywhere).

Violations are collected twice: from the page's `securitypolicyviolation` events (a script that
Playwright injects, which the policy does not govern) and from the console, where Chromium writes
"Refused to …" for each one.
"""

import pytest
from django.utils import timezone

from quizzes.services.attempts import attempt_finish, attempt_save_answer, attempt_start
from tests.factories import (
    ArticleFactory,
    CardFactory,
    DeckFactory,
    FactFactory,
    QuestionFactory,
    QuizFactory,
    TeacherFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

RECORD_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  (window.__violations = window.__violations || []).push(
    `${event.violatedDirective} ${event.blockedURI} at ${event.sourceFile}:${event.lineNumber}`
  );
});
"""


@pytest.fixture
def watched(page):
    """The page, recording every CSP violation; `watched.violations()` lists them so far."""
    console = []
    page.context.add_init_script(RECORD_VIOLATIONS)
    page.on("console", lambda message: console.append(message.text))

    def violations():
        reported = page.evaluate("window.__violations || []")
        refused = [text for text in console if "Content Security Policy" in text]
        return reported + refused

    page.violations = violations
    return page


@pytest.fixture
def content(db):
    TeacherFactory(username="tess")  # first: the content below is hers (tests/factories.py)
    article = ArticleFactory(slug="geneva")
    FactFactory(article=article, sentence=article.body.split(". ")[0] + ".", answer="Lavrov")
    quiz = QuizFactory(slug="reset", questions=[QuestionFactory(), QuestionFactory(numeric=True)])
    student = UserFactory(username="student")
    attempt, _ = attempt_start(quiz=quiz, user=student, now=timezone.now())
    first = attempt.responses.order_by("slot").first()
    attempt_save_answer(
        attempt=attempt,
        question_id=first.question_id,
        answer=first.snapshot["choices"][0]["id"],
        now=timezone.now(),
    )
    attempt_finish(attempt=attempt, now=timezone.now())
    CardFactory.create_batch(2, deck=DeckFactory(slug="geneva-deck"))
    return {"quiz": quiz, "article": article}


def test_the_header_allows_only_this_sites_own_files(client):
    policy = client.get("/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy


def admin_login(page):
    page.goto("/admin/login/")
    page.get_by_label("Username").fill("tess")
    page.get_by_label("Password").fill("pass-word-123")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")


def test_the_admin_works_under_the_policy(watched, content):
    admin_login(watched)
    quiz, article = content["quiz"], content["article"]
    assert watched.get_by_role(
        "heading", name="Articles, question banks, quizzes and decks"
    ).is_visible()

    watched.goto("/admin/quizzes/question/add/")
    rows = watched.locator("#choices-group .dynamic-choices")
    before = rows.count()
    watched.locator("#choices-group .add-row a").click()  # the inlines' script adds a row
    assert rows.count() == before + 1

    watched.goto(f"/admin/quizzes/quiz/{quiz.pk}/change/")
    watched.locator(".datetimeshortcuts a", has_text="Today").first.click()  # the date widgets
    assert watched.locator("#id_opens_at_0").input_value() != ""

    watched.goto(f"/admin/quizzes/article/{article.pk}/change/")
    watched.goto(f"/admin/quizzes/quiz/{quiz.pk}/results/")
    assert watched.locator("svg.bar-chart").count() >= 1  # the grade chart, styled by admin.css
    watched.goto("/admin/axes/accessattempt/")
    watched.goto("/admin/quizzes/attempt/")
    assert watched.violations() == []


def test_swagger_ui_works_under_the_policy(watched, content):
    admin_login(watched)  # a session, so that "Try it out" can call the API
    watched.goto("/api/docs/")
    watched.wait_for_selector(".opblock", timeout=20_000)
    assert watched.get_by_role("heading", name="Factcards API").is_visible()
    operation = watched.locator(".opblock", has_text="/api/quizzes/").first
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    operation.get_by_role("button", name="Execute").click()
    status = operation.locator(".live-responses-table tbody .response-col_status").first
    status.wait_for(timeout=20_000)  # the API answered Swagger UI's own request (connect-src)
    assert status.inner_text().strip() == "200"
    assert watched.violations() == []


def test_the_student_pages_work_under_the_policy(watched, login, content):
    login("student")
    quiz = content["quiz"]
    finished = quiz.attempts.get()
    for url in ["/", "/quizzes/", "/attempts/", "/flashcards/", f"/attempts/{finished.pk}/review/"]:
        watched.goto(url)
    watched.goto(f"/quizzes/{quiz.slug}/")
    watched.get_by_role("button", name="Start the quiz").click()  # a second attempt
    watched.wait_for_url("**/attempts/*/**")
    watched.get_by_label("Option 1").or_(watched.locator("input[name=answer]")).first.check()
    watched.goto("/flashcards/geneva-deck/study/")
    watched.get_by_role("link", name="Show answer").click()  # flashcards.js swaps the card
    watched.get_by_role("button", name="Good").wait_for()
    watched.goto(f"/articles/{content['article'].slug}/")
    assert watched.violations() == []

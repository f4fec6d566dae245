"""Take the README's screenshots of the quiz pages from the demo fixtures.

    .venv/bin/python docs/take_screenshots.py

Loads the demo fixtures into a temporary SQLite database, serves the site on a free local port,
logs in as the demo student with Chromium (the same Playwright set-up as the browser tests),
takes "Reset button basics" (answering some questions right and one wrong) and saves
docs/screenshots/quiz-list.png, attempt.png and review.png; article.png (a source article with
the quoted sentence highlighted); attempt-phone.png (the timed quiz on a 390 px phone, scrolled
down a long question: the time left stays at the top); then, after ten weeks of simulated study
of the demo deck (seeded, through the scheduling service), flashcards-stats.png; and, as the
demo teacher with `load_demo_activity`'s students, quiz-results.png.

    .venv/bin/python docs/take_screenshots.py --gradebook

takes only gradebook.png: the demo class's gradebook (fixtures/classes.json) once the demo
teacher has enrolled `load_demo_activity`'s students in it and assigned them the two quizzes
they took (through the classes services, as the admin would), next to the demo student and the
timed quiz the fixture assigns.
"""

import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
QUIZ = "reset-button-basics"
DECK = "reset-button-deck"
TIMED_QUIZ = "geneva-timed-challenge"
ARTICLE, FACT = "reuters-clinton-lavrov-hail-new-approach", "reuters-marked-peregruzka"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main(*, gradebook_only: bool = False) -> int:
    tmp = tempfile.TemporaryDirectory(prefix="factcards-shots-")
    env = {
        **os.environ,
        "DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{tmp.name}/shots.sqlite3",
        "STATICFILES_MANIFEST": "false",
    }
    python = sys.executable
    run = {"cwd": ROOT, "env": env, "check": True}
    subprocess.run([python, "manage.py", "migrate", "--noinput", "-v", "0"], **run)  # noqa: S603
    fixtures = ["articles", "questions", "quizzes", "flashcards", "demo_users"]
    if gradebook_only:
        fixtures.append("classes")
    subprocess.run([python, "manage.py", "loaddata", *fixtures], **run)  # noqa: S603
    subprocess.run([python, "manage.py", "load_demo_activity"], **run)  # noqa: S603
    if gradebook_only:
        subprocess.run([python, __file__, "--class-story"], **run)  # noqa: S603
    else:
        subprocess.run([python, __file__, "--simulate-study"], **run)  # noqa: S603
    port = free_port()
    server = subprocess.Popen(  # noqa: S603
        [python, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/", timeout=1)  # noqa: S310 - our own server
                break
            except OSError:
                time.sleep(0.2)
        shoot_gradebook(base) if gradebook_only else shoot(base)
    finally:
        server.terminate()
        server.wait(timeout=10)
    names = ["gradebook.png"] if gradebook_only else [p.name for p in sorted(OUT.glob("*.png"))]
    print(f"Saved {', '.join(names)} in {OUT}")
    return 0


def shoot(base: str) -> None:
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(base_url=base, viewport={"width": 1100, "height": 820})
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill("student")
        page.get_by_label("Password").fill("reset-2009")
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(lambda url: "/accounts/login/" not in url)

        page.goto(f"/quizzes/{QUIZ}/")
        page.get_by_role("button", name="Start the quiz").click()
        page.wait_for_selector("#answer-form")
        # Answer the first questions: the first choice (right or wrong) or a typed answer.
        for _ in range(3):
            answer_current(page, "Lavrov")
            page.get_by_role("button", name="Next").click()
            page.wait_for_selector("#answer-form")
        page.locator("#flagged").check()
        page.wait_for_timeout(400)
        attempt_url = page.url.split("?")[0]
        page.goto("/quizzes/")
        page.screenshot(path=str(OUT / "quiz-list.png"), full_page=True)

        page.goto(attempt_url + "?q=1")
        page.wait_for_selector("#answer-form")
        page.screenshot(path=str(OUT / "attempt.png"), full_page=True)

        page.get_by_role("button", name="Finish attempt…").first.click()
        page.get_by_role("button", name="Finish and submit").click()
        page.wait_for_selector(".review-list")
        page.screenshot(path=str(OUT / "review.png"), full_page=False)

        page.goto(f"/flashcards/{DECK}/stats/")
        page.screenshot(path=str(OUT / "flashcards-stats.png"), full_page=True)

        page.goto(f"/articles/{ARTICLE}/?fact={FACT}")
        page.wait_for_selector("mark#fact")
        page.screenshot(path=str(OUT / "article.png"), full_page=False)

        phone = browser.new_context(
            base_url=base, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
        )
        phone.add_cookies(page.context.cookies())
        mobile = phone.new_page()
        mobile.goto(f"/quizzes/{TIMED_QUIZ}/")
        mobile.get_by_role("button", name="Start the quiz").click()
        mobile.wait_for_selector("#timer")
        numeric = mobile.locator("#answer[inputmode=decimal]").count()
        answer_current(mobile, "4" if numeric else "Lavrov")
        mobile.mouse.wheel(0, 400)
        mobile.wait_for_timeout(1500)
        mobile.screenshot(path=str(OUT / "attempt-phone.png"), full_page=False)
        phone.close()

        page.context.clear_cookies()
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill("teacher")
        page.get_by_label("Password").fill("reset-2009")
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        page.goto("/admin/quizzes/quiz/")
        page.get_by_role("link", name="The reset button: basics").click()
        page.get_by_role("link", name="Results").first.click()
        page.wait_for_selector(".results-figures")
        page.screenshot(path=str(OUT / "quiz-results.png"), full_page=True)
        browser.close()


def shoot_gradebook(base: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(base_url=base, viewport={"width": 1100, "height": 800})
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill("teacher")
        page.get_by_label("Password").fill("reset-2009")
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        page.goto("/admin/quizzes/classroom/")
        page.get_by_role("link", name="Demo class").click()
        page.get_by_role("link", name="Gradebook").click()
        page.wait_for_selector("table.gradebook-grid")
        page.locator("#toggle-nav-sidebar").click()  # the grid, not the admin's menu
        page.wait_for_timeout(300)
        page.screenshot(path=str(OUT / "gradebook.png"), full_page=True)
        browser.close()


def class_story() -> None:
    """The demo teacher enrols the demo activity's students in the demo class and assigns the
    two quizzes they took, due in a week and a fortnight."""
    from datetime import timedelta

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from quizzes.models import Classroom, Quiz
    from quizzes.services.classes import assign_quiz, enrol
    from quizzes.services.demo_activity import DEMO_STUDENTS

    classroom = Classroom.objects.get(join_code="FACTCARD")
    users = get_user_model().objects.filter(username__in=[row[0] for row in DEMO_STUDENTS])
    for student in users:
        enrol(classroom=classroom, student=student)
    now = timezone.now().replace(hour=17, minute=0, second=0, microsecond=0)
    for weeks, slug in enumerate(("reset-button-basics", "practice-with-feedback"), start=1):
        assign_quiz(
            classroom=classroom,
            quiz=Quiz.objects.get(slug=slug),
            closes=now + timedelta(weeks=weeks),
        )


def simulate_study(days: int = 70, new_per_day: int = 6) -> None:
    """The demo student studies the demo deck every day or so for `days` days (seeded)."""
    from datetime import timedelta

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from flashcards import selectors
    from flashcards.models import Deck
    from flashcards.services import scheduling

    rng = random.Random(2009)
    student = get_user_model().objects.get(username="student")
    deck = Deck.objects.get(slug=DECK)
    deck.new_cards_per_day = new_per_day
    deck.save()
    start = timezone.now() - timedelta(days=days)
    for day in range(days):
        if rng.random() < 0.2:
            continue  # a day off
        now = start + timedelta(days=day, hours=rng.uniform(7, 21))
        for _ in range(60):
            queue = selectors.study_queue(user=student, deck=deck, now=now)
            if not queue.cards():
                break
            rating = rng.choices(["again", "hard", "good", "easy"], weights=[14, 10, 66, 10])[0]
            scheduling.review_card(user=student, card=queue.cards()[0], rating=rating, now=now)
            now += timedelta(seconds=rng.uniform(5, 40))


def answer_current(page, text: str) -> None:
    choice = page.locator(".choices input").first
    if choice.count():
        choice.check()
    else:
        page.locator("#answer").fill(text)
    page.wait_for_timeout(300)


if __name__ == "__main__":
    if sys.argv[1:] in (["--simulate-study"], ["--class-story"]):
        sys.path.insert(0, str(ROOT))
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quizsite.settings")
        simulate_study() if sys.argv[1] == "--simulate-study" else class_story()
        sys.exit(0)
    sys.exit(main(gradebook_only=sys.argv[1:] == ["--gradebook"]))

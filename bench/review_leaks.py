"""Measure: what a quiz that hides the answers still gives away, on the demo content.

    .venv/bin/python bench/review_leaks.py

Loads the demo fixtures into a temporary SQLite file, sets "The reset button: basics" (11
questions, one of every kind) to immediate feedback with the answers hidden (the old "review
shows correct answers: never"; with review options, no specific feedback, general feedback,
right answer or source sentence at any moment), and has a student answer every question wrongly:
Check on each question (the page and `POST /api/attempts/<id>/answers/<q>/check/`), then finish
and open the review (the page and `GET /api/attempts/<id>/review/`). The demo quiz that says so
itself, "Geneva timed challenge" (10 questions, deferred feedback), is reviewed the same way.

For each surface it counts the questions that show
- any text the setting hides: the right choices' texts, accepted answers and numeric values
  (outside the question's own wording and options), the feedback, the explanation, the source
  sentence;
- the right answer itself, wherever it appears (in feedback or an explanation that quotes it).

It runs on this tree as it is, before or after review options (it reads whichever the quiz
model has), so the same command gives the before and after figures.
"""

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
_tmp = tempfile.TemporaryDirectory(prefix="factcards-leaks-")
os.environ["DJANGO_SETTINGS_MODULE"] = "quizsite.settings"
os.environ["DEBUG"] = "true"
os.environ["DATABASE_URL"] = f"sqlite:///{_tmp.name}/leaks.sqlite3"
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("STATICFILES_MANIFEST", "false")
os.environ.setdefault("LOG_LEVEL", "ERROR")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from quizzes.models import Attempt, Quiz  # noqa: E402
from tests.review_leaks import (  # noqa: E402
    PAGE_MARKERS,
    TEXT_OPTIONS,
    element_texts,
    item_leaks,
    item_text,
    text_leaks,
    visible_text,
)

HIDDEN = set(TEXT_OPTIONS)  # right answer, specific and general feedback, source sentence


def hide_answers(quiz: Quiz) -> None:
    fields = {f.name for f in Quiz._meta.get_fields()}
    if "review_correct_answers" in fields:  # before review options
        quiz.review_correct_answers = "never"
    else:
        for option in HIDDEN:
            setattr(quiz, f"review_{option}", 0)
    quiz.save()


def wrong_answer(snapshot: dict):
    kind, choices = snapshot["kind"], snapshot.get("choices") or []
    if kind in {"single_choice", "true_false"}:
        return min(choices, key=lambda c: float(c["fraction"]))["id"]
    if kind == "multiple_response":
        return [c["id"] for c in choices if float(c["fraction"]) <= 0][:2]
    if kind == "numeric":
        return float(snapshot["numeric"]["value"]) + 1000
    return "not the answer"


def _save_form(attempt, response, nav: str) -> dict:
    data = {
        "question": response.question_id,
        "slot": response.slot,
        "kind": response.snapshot["kind"],
        "flag_field": "1",
        "nav": nav,
    }
    answer = wrong_answer(response.snapshot)
    if answer is not None:
        data["answer_field"] = "1"
        data["answer"] = [str(a) for a in answer] if isinstance(answer, list) else str(answer)
    return data


class Tally:
    def __init__(self, total: int):
        self.total = total
        self.hidden: set[int] = set()
        self.answer: set[int] = set()

    def add(self, slot: int, hidden_found, answer_found) -> None:
        if hidden_found:
            self.hidden.add(slot)
        if answer_found:
            self.answer.add(slot)


def sit(quiz: Quiz, user, *, check: bool) -> dict[str, Tally]:
    page, api = Client(), APIClient()
    page.force_login(user)
    api.force_authenticate(user)
    page.post(reverse("quiz-start", kwargs={"slug": quiz.slug}))
    attempt = Attempt.objects.filter(quiz=quiz, user=user).latest("pk")
    responses = list(attempt.responses.order_by("slot"))
    tallies = {name: Tally(len(responses)) for name in ("check page", "check API")}
    for response in responses:
        nav = "check" if check else "stay"
        page.post(
            reverse("attempt-save", kwargs={"pk": attempt.pk}), _save_form(attempt, response, nav)
        )
        if not check:
            continue
        snapshot = response.snapshot
        shown = page.get(f"{attempt.get_absolute_url()}?q={response.slot}").content.decode()
        # The feedback Check adds (the rest of the page is the question as the student saw it).
        text = element_texts(shown).get("feedback", "")
        marked = PAGE_MARKERS["right_answer"].search(visible_text(shown))  # "Correct answer"
        tallies["check page"].add(
            response.slot,
            text_leaks(text, snapshot, HIDDEN) or marked,
            text_leaks(text, snapshot, ["right_answer"]) or marked,
        )
        url = f"/api/attempts/{attempt.pk}/answers/{response.question_id}/check/"
        result = api.post(url).json().get("result") or {}
        tallies["check API"].add(
            response.slot,
            item_leaks(result, snapshot, HIDDEN),
            text_leaks(item_text(result), snapshot, ["right_answer"]),
        )
    page.post(reverse("attempt-finish", kwargs={"pk": attempt.pk}))
    snapshots = {r.slot: r.snapshot for r in responses}
    items = element_texts(
        page.get(reverse("attempt-review", kwargs={"pk": attempt.pk})).content.decode()
    )
    tallies["review page"] = Tally(len(responses))
    for slot, snapshot in snapshots.items():
        text = items.get(f"q{slot}", "")
        tallies["review page"].add(
            slot, text_leaks(text, snapshot, HIDDEN), text_leaks(text, snapshot, ["right_answer"])
        )
    body = api.get(f"/api/attempts/{attempt.pk}/review/").json()
    tallies["review API"] = Tally(len(responses))
    for item in body.get("questions", []):
        snapshot = snapshots[item["slot"]]
        tallies["review API"].add(
            item["slot"],
            item_leaks(item, snapshot, HIDDEN),
            text_leaks(item_text(item), snapshot, ["right_answer"]),
        )
    if not check:
        del tallies["check page"], tallies["check API"]
    return tallies


def report(title: str, tallies: dict[str, Tally]) -> None:
    print(title)
    for name, tally in tallies.items():
        print(
            f"  {name:<12} questions showing what is hidden: {len(tally.hidden):>2} of "
            f"{tally.total}   naming the right answer: {len(tally.answer):>2} of {tally.total}"
        )


def main() -> None:
    call_command("migrate", verbosity=0)
    call_command("loaddata", "articles", "questions", "quizzes", "demo_users", verbosity=0)
    user = get_user_model().objects.create_user("leak-hunter", password="not-used-here-9")
    basics = Quiz.objects.get(slug="reset-button-basics")
    basics.feedback_mode = "immediate"
    basics.save()
    hide_answers(basics)
    model = "review options" if not hasattr(basics, "review_correct_answers") else "old switch"
    print(f"Review leaks on the demo content ({model}), every answer wrong")
    report(
        f"{basics.title}: immediate feedback, answers hidden "
        f"({basics.quiz_questions.count()} questions)",
        sit(basics, user, check=True),
    )
    timed = Quiz.objects.get(slug="geneva-timed-challenge")
    report(f"{timed.title}: as the demo ships it", sit(timed, user, check=False))


if __name__ == "__main__":
    main()

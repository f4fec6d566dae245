"""Demo activity: a few students who took the published quizzes and studied the published
decks over the past weeks, so that a teacher's pages show something on a fresh `make run`.

Everything goes through the real services (`attempt_start`, `attempt_save_answer`,
`attempt_check_answer`, `attempt_finish`, `scheduling.review_card`) with `now` set in the past,
so the rows are the ones real students would leave. Answers are read from each response's
snapshot, whatever the bank holds: a choice question gets its best option or a wrong one, a
typed answer its first accepted answer or another question's answer, a number its value or a
near miss. Which answers are right follows a seeded generator (each student has an ability,
each question a difficulty), so the same seed tells the same story; the shuffling of an
attempt's layout is the service's own.

For local demos only: the students have no usable password (nobody can log in as them), and
loading is idempotent: a student who already has activity is left as they are unless `reset`
deletes their attempts and reviews first.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction

from flashcards import selectors
from flashcards.models import CardState, Deck, ReviewLog
from flashcards.services import scheduling
from quizzes.models import Attempt, FeedbackMode, Quiz
from quizzes.services.attempts import (
    attempt_check_answer,
    attempt_finish,
    attempt_save_answer,
    attempt_start,
)
from quizzes.services.exceptions import QuizError

# (username, first name, last name, ability: the chance of knowing an average question)
DEMO_STUDENTS = [
    ("demo-amira", "Amira", "Haddad", 0.88),
    ("demo-ben", "Ben", "Okafor", 0.74),
    ("demo-chloe", "Chloé", "Martin", 0.66),
    ("demo-dmitri", "Dmitri", "Volkov", 0.81),
    ("demo-esther", "Esther", "Mensah", 0.55),
    ("demo-farid", "Farid", "Rahimi", 0.47),
    ("demo-grace", "Grace", "Liu", 0.93),
    ("demo-hugo", "Hugo", "Schmidt", 0.38),
    ("demo-ines", "Inês", "Costa", 0.70),
    ("demo-jonas", "Jonas", "Berg", 0.60),
]
DEMO_PREFIX = "demo-"


@dataclass
class DemoActivityReport:
    students_created: int = 0
    students_loaded: list[str] = field(default_factory=list)
    students_skipped: list[str] = field(default_factory=list)  # already had activity
    attempts: int = 0
    reviews: int = 0
    quizzes: int = 0
    decks: int = 0

    def summary(self) -> str:
        text = (
            f"Demo activity: {len(self.students_loaded)} student(s) loaded "
            f"({self.students_created} new), {self.attempts} finished attempt(s) on "
            f"{self.quizzes} quiz(zes), {self.reviews} flashcard review(s) in {self.decks} deck(s)."
        )
        if self.students_skipped:
            text += (
                f" {len(self.students_skipped)} student(s) already had activity and were left "
                "as they are (--reset loads them again)."
            )
        return text


def _unit(*parts: object) -> float:
    """A number in [0, 1) fixed by `parts` (a question's difficulty, whatever the run)."""
    digest = hashlib.sha256(":".join(str(p) for p in parts).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def demo_answer(
    snapshot: dict, *, right: bool, rng: random.Random, wrong_texts: list[str]
) -> object:
    """An answer of the snapshot's kind: a correct one when `right`, else a plausible wrong one.
    None when the question gives nothing to build it from."""
    kind = snapshot.get("kind")
    choices = snapshot.get("choices") or []
    if kind in ("single_choice", "true_false"):
        if not choices:
            return None
        best = max(choices, key=lambda c: float(c["fraction"]))
        wrong = [c for c in choices if float(c["fraction"]) < float(best["fraction"])]
        return best["id"] if right or not wrong else rng.choice(wrong)["id"]
    if kind == "multiple_response":
        good = [c["id"] for c in choices if float(c["fraction"]) > 0]
        bad = [c["id"] for c in choices if float(c["fraction"]) <= 0]
        if right or not bad:
            return good or None
        # A half-known answer: some of the right options and one wrong one.
        return sorted([*rng.sample(good, k=max(0, len(good) - 1)), rng.choice(bad)])
    if kind in ("short_answer", "cloze"):
        accepted = [a["text"] for a in snapshot.get("accepted_answers") or [] if a["fraction"] >= 1]
        if not accepted:
            return None
        if right:
            text = accepted[0]
            return text.lower() if rng.random() < 0.3 else text
        others = [t for t in wrong_texts if t not in accepted]
        return rng.choice(others) if others else "I don't know"
    if kind == "numeric":
        numeric = snapshot.get("numeric")
        if not numeric or numeric.get("value") is None:
            return None
        value = float(numeric["value"])
        if right:
            return int(value) if value.is_integer() else value
        miss = value + rng.choice([-10, -2, -1, 1, 2, 10]) * max(1.0, abs(value) / 100)
        miss += float(numeric.get("tolerance") or 0) * (1 if miss > value else -1)
        return int(miss) if float(miss).is_integer() else round(miss, 2)
    if kind == "matching":
        pairs = snapshot.get("pairs") or []
        answer = {p["id"]: p["answer_id"] for p in pairs}
        if not right and len(pairs) >= 2:  # two stems swapped: a half-known answer
            first, second = rng.sample(pairs, 2)
            answer[first["id"]], answer[second["id"]] = second["answer_id"], first["answer_id"]
        return answer or None
    if kind == "ordering":
        order = list(snapshot.get("item_ids") or [])
        if not right and len(order) >= 2:  # two neighbours swapped
            at = rng.randrange(len(order) - 1)
            order[at], order[at + 1] = order[at + 1], order[at]
        return order or None
    return None


def _quiz_window(quiz: Quiz, *, start: datetime, now: datetime) -> tuple[datetime, datetime]:
    earliest = max(start, quiz.opens_at) if quiz.opens_at else start
    latest = min(now, quiz.closes_at - timedelta(hours=1)) if quiz.closes_at else now
    return earliest, latest


def _take_quiz(
    *,
    quiz: Quiz,
    user: User,
    ability: float,
    began: datetime,
    rng: random.Random,
    wrong_texts: list[str],
) -> Attempt | None:
    """One sitting: answer every question (a few left blank), check them on an
    immediate-feedback quiz, hand in within the time limit."""
    try:
        attempt, _ = attempt_start(quiz=quiz, user=user, now=began)
    except QuizError:
        return None  # not open then, or no attempts left
    responses = list(attempt.responses.order_by("slot"))
    limit = quiz.time_limit.total_seconds() if quiz.time_limit else None
    pace = min(rng.uniform(12, 45), limit / (len(responses) + 2)) if limit else rng.uniform(12, 45)
    moment = began
    for response in responses:
        moment += timedelta(seconds=pace * rng.uniform(0.6, 1.4))
        if rng.random() < 0.04:
            continue  # left blank
        difficulty = _unit("difficulty", response.snapshot.get("key")) * 0.5 - 0.25
        right = rng.random() < min(max(ability - difficulty, 0.05), 0.97)
        answer = demo_answer(response.snapshot, right=right, rng=rng, wrong_texts=wrong_texts)
        if answer is None or response.question_id is None:
            continue
        try:
            attempt_save_answer(
                attempt=attempt, question_id=response.question_id, answer=answer, now=moment
            )
            if quiz.feedback_mode == FeedbackMode.IMMEDIATE:
                attempt_check_answer(attempt=attempt, question_id=response.question_id, now=moment)
        except QuizError:
            continue  # an answer this question refuses: leave it blank
    return attempt_finish(attempt=attempt, now=moment + timedelta(seconds=rng.uniform(5, 30)))


def _typed_answers(quiz: Quiz) -> list[str]:
    """Every accepted answer in the quiz: a wrong typed answer is often another question's."""
    texts = []
    for qq in quiz.quiz_questions.select_related("question").prefetch_related(
        "question__accepted_answers"
    ):
        texts += [a.text for a in qq.question.accepted_answers.all()]
    return texts


def _study(
    *,
    deck: Deck,
    user: User,
    ability: float,
    start: datetime,
    now: datetime,
    rng: random.Random,
) -> int:
    """Short study sessions every few days since `start`: the study page's queue, one card at a
    time, rated as a student of `ability` would."""
    reviews = 0
    day = start
    while day < now - timedelta(hours=2):
        day += timedelta(days=rng.choice([2, 3, 4, 5, 7]))
        moment = day.replace(hour=rng.randint(7, 21), minute=rng.randint(0, 59))
        if moment >= now:
            break
        for _ in range(rng.randint(4, 12)):
            cards = selectors.study_queue(user=user, deck=deck, now=moment).cards()
            if not cards:
                break
            weights = [1.4 - ability, 0.15, 0.4 + ability, 0.25 * ability]
            rating = rng.choices(["again", "hard", "good", "easy"], weights=weights)[0]
            scheduling.review_card(
                user=user,
                card=cards[0],
                rating=rating,
                now=moment,
                duration_ms=rng.randint(2500, 14000),
            )
            reviews += 1
            moment += timedelta(seconds=rng.uniform(6, 40))
    return reviews


def _has_activity(user: User) -> bool:
    return (
        Attempt.objects.filter(user=user).exists() or ReviewLog.objects.filter(user=user).exists()
    )


def load_demo_activity(
    *,
    now: datetime,
    seed: int = 2009,
    students: int = len(DEMO_STUDENTS),
    weeks: int = 6,
    reset: bool = False,
    progress: Callable[[str], None] | None = None,
) -> DemoActivityReport:
    """Create (or complete) the demo students' activity; all of it or nothing (one transaction)."""
    if not 1 <= students <= len(DEMO_STUDENTS):
        raise ValueError(f"students must be between 1 and {len(DEMO_STUDENTS)}, got {students}.")
    if weeks < 1:
        raise ValueError(f"weeks must be 1 or more, got {weeks}.")
    report = DemoActivityReport()
    quizzes = [q for q in Quiz.objects.published().order_by("slug") if q.quiz_questions.exists()]
    decks = [d for d in Deck.objects.published().order_by("slug") if d.cards.exists()]
    report.quizzes, report.decks = len(quizzes), len(decks)
    typed = {quiz.pk: _typed_answers(quiz) for quiz in quizzes}
    start = now - timedelta(weeks=weeks)
    User = get_user_model()
    with transaction.atomic():
        for index, (username, first, last, ability) in enumerate(DEMO_STUDENTS[:students]):
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@demo.invalid",
                },
            )
            if created:
                user.set_unusable_password()
                user.save(update_fields=["password"])
                report.students_created += 1
            if reset:
                Attempt.objects.filter(user=user).delete()
                ReviewLog.objects.filter(user=user).delete()
                CardState.objects.filter(user=user).delete()
            elif _has_activity(user):
                report.students_skipped.append(username)
                continue
            rng = random.Random(f"{seed}:{username}")
            for quiz in quizzes:
                if rng.random() < 0.15 and index:  # not everyone takes every quiz
                    continue
                earliest, latest = _quiz_window(quiz, start=start, now=now)
                if earliest >= latest:
                    continue
                sittings = 2 if rng.random() < 0.45 else 1
                if quiz.attempts_allowed is not None:
                    sittings = min(sittings, quiz.attempts_allowed)
                span = (latest - earliest).total_seconds()
                began = earliest + timedelta(seconds=rng.uniform(0, span * 0.6))
                for sitting in range(sittings):
                    skill = min(ability + 0.08 * sitting, 0.97)
                    attempt = _take_quiz(
                        quiz=quiz,
                        user=user,
                        ability=skill,
                        began=began,
                        rng=rng,
                        wrong_texts=typed[quiz.pk],
                    )
                    if attempt is not None:
                        report.attempts += 1
                    began += timedelta(days=rng.uniform(1, 6))
                    if began >= latest:
                        break
            for deck in decks if index % 3 != 2 else []:  # two students in three study
                report.reviews += _study(
                    deck=deck, user=user, ability=ability, start=start, now=now, rng=rng
                )
            report.students_loaded.append(username)
            if progress:
                progress(f"{username}: done ({index + 1} of {students})")
    return report

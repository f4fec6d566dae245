"""What a student does with a quiz: start, answer, check, finish; and a teacher's re-grade.

Every function takes `now` so that timing rules are testable and the caller (a page, the API, a
cron command) decides what time it is. Writes run in transactions; the attempt row is locked
(`select_for_update`) wherever two requests may race on it: two tabs finishing, a save arriving
while the attempt is being finished, two starts at once.
"""

import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from quizzes.models import (
    Attempt,
    AttemptState,
    FeedbackMode,
    Question,
    QuestionKind,
    Quiz,
    QuizQuestion,
    QuizRandomSlot,
    Response,
    ReviewMoment,
)
from quizzes.permissions import SEE_ALL_QUIZZES, can
from quizzes.prepared import PreparedInsert, PreparedQuery, PreparedUpdate
from quizzes.services import grading, random_slots, review
from quizzes.services.classes import (
    EffectiveRules,
    compose_rules,
    effective_rules,
    effective_rules_for,
)
from quizzes.services.exceptions import (
    AnswerLocked,
    AttemptClosed,
    FeedbackNotAvailable,
    InvalidAnswer,
    NoAttemptsLeft,
    NotEnoughQuestions,
    QuizNotOpen,
)
from quizzes.services.snapshots import (
    current_versions,
    regraded_snapshot,
    shuffled_parts,
    snapshot_part_ids,
    snapshot_stem_ids,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

# Pass as `answer` to change only the flag (a form whose answer inputs are locked).
UNCHANGED = object()


def grace() -> timedelta:
    return timedelta(seconds=settings.ATTEMPT_GRACE_SECONDS)


def past_deadline(attempt: Attempt, now: datetime) -> bool:
    """The one deadline rule: past the deadline and the grace period for answers still on
    their way (an attempt without a deadline never is)."""
    return attempt.deadline is not None and now > attempt.deadline + grace()


def _refuse_when_time_is_up(attempt: Attempt, now: datetime) -> None:
    if past_deadline(attempt, now):
        raise AttemptClosed("Time is up: the attempt is being submitted.")


def is_overdue(attempt: Attempt, now: datetime) -> bool:
    """In progress and past its deadline: finished on its next access (or by cron)."""
    return attempt.state == AttemptState.IN_PROGRESS and past_deadline(attempt, now)


# --- starting ---------------------------------------------------------------------------------


def _deadline(rules: EffectiveRules, started_at: datetime) -> datetime | None:
    """The student's time limit from the start, or their closing date if that comes first: the
    rules with their overrides (`effective_rules`), not the quiz's own settings."""
    return rules.deadline(started_at)


def _refuse_unless_allowed(quiz: Quiz, user: "User", rules: EffectiveRules, now: datetime) -> None:
    """The window and the quiz's visibility, for this student: a quiz that is not public is
    for the classes it is assigned to (and teachers)."""
    if not quiz.published or not rules.window_open(now):
        raise QuizNotOpen()
    if not quiz.public and not rules.assigned and not can(user, SEE_ALL_QUIZZES):
        raise QuizNotOpen("This quiz is for the classes it is assigned to.")


@dataclass(frozen=True)
class _Place:
    """A question of the attempt, before its layout: fixed in the quiz, or drawn by a slot."""

    question: Question
    marks: Decimal
    drawn_by: int | None = None  # the random slot that drew it


_PLACE_FIELDS = (
    "order",
    "marks",
    "question__edition",
    "question__current_version__snapshot",
    "question__current_version__question_id",
)


# Of each question only what the layout reads (its version; its edition for a version to make):
# a start reads a whole quiz's rows, and the rest of the columns cost their decoding. This and
# the slots' read are compiled once (quizzes/prepared.py), as are the start's other fixed reads.
_FIXED_PLACES: PreparedQuery[QuizQuestion] = PreparedQuery(
    lambda quiz_id: (
        QuizQuestion.objects.filter(quiz_id=quiz_id)
        .select_related("question__current_version")
        .only(*_PLACE_FIELDS)
        .order_by("order", "pk")
    ),
    "quiz_id",
)
_SLOTS: PreparedQuery[QuizRandomSlot] = PreparedQuery(
    lambda quiz_id: (
        QuizRandomSlot.objects.filter(quiz_id=quiz_id)
        .select_related("tag", "article")
        .order_by("order", "pk")
    ),
    "quiz_id",
)


def _places(quiz: Quiz, rng: random.Random) -> list[_Place]:
    """The quiz's questions in the quiz's order, with this attempt's draws in their slots' places.

    Three queries (the questions, the slots, and with slots, their pools and the questions
    drawn: two more), whatever the number of questions or slots.
    """
    fixed = _FIXED_PLACES.all(quiz_id=quiz.pk)
    slots = _SLOTS.all(quiz_id=quiz.pk)
    keyed: list[tuple[tuple, _Place]] = [
        ((qq.order, 0, qq.pk, 0), _Place(question=qq.question, marks=qq.marks)) for qq in fixed
    ]
    if slots:
        specs = [random_slots.slot_spec(slot) for slot in slots]
        pools = random_slots.source_pools(
            sources={spec.source for spec in specs}, owner_id=quiz.owner_id
        )
        draws = random_slots.draw(
            slots=specs, pools=pools, exclude={qq.question_id for qq in fixed}, rng=rng
        )
        drawn = Question.objects.select_related("current_version").in_bulk(
            [pk for ids in draws for pk in ids]
        )
        for slot, ids in zip(slots, draws, strict=True):
            if any(pk not in drawn for pk in ids):  # deleted since the pool was read
                raise NotEnoughQuestions()
            keyed.extend(
                ((slot.order, 1, slot.pk, index), _Place(drawn[pk], slot.marks, slot.pk))
                for index, pk in enumerate(ids)
            )
    keyed.sort(key=lambda pair: pair[0])
    return [place for _key, place in keyed]


def _build_layout(quiz: Quiz, rng: random.Random) -> tuple[list[_Place], dict, list[dict]]:
    """The attempt's questions in its order, their current versions, and the layout (which keeps
    the draw: the attempt shows the same questions whenever it is opened)."""
    places = _places(quiz, rng)
    versions = current_versions(questions=[place.question for place in places])
    if quiz.shuffle_questions:
        rng.shuffle(places)
    layout = []
    for place in places:
        snapshot = versions[place.question.pk].snapshot
        choice_ids = [c["id"] for c in snapshot.get("choices") or []]
        # True/false keeps its conventional order; the other choice kinds shuffle when asked.
        if quiz.shuffle_choices and snapshot["kind"] != QuestionKind.TRUE_FALSE:
            rng.shuffle(choice_ids)
        entry = {"question": place.question.pk, "kind": snapshot["kind"], "choices": choice_ids}
        if place.drawn_by is not None:
            entry["drawn_by"] = place.drawn_by
        if snapshot["kind"] in QuestionKind.part_kinds():
            # Always shuffled, whatever the quiz says: the bank's order would give the answer.
            entry["parts"] = shuffled_parts(snapshot_part_ids(snapshot), rng)
            entry["stems"] = snapshot_stem_ids(snapshot)
        layout.append(entry)
    return places, versions, layout


def attempt_start(
    *, quiz: Quiz, user: "User", now: datetime, rng: random.Random | None = None
) -> tuple[Attempt, bool]:
    """Start an attempt, or resume the one in progress. Returns (attempt, created).

    `rng` shuffles and draws this attempt's questions (a fresh generator when None; tests seed
    one). Raises `NotEnoughQuestions` when a random slot's pool no longer holds enough.
    """
    try:
        with transaction.atomic():
            return _start(quiz=quiz, user=user, now=now, rng=rng or random.Random())
    except IntegrityError:
        # Lost a race with a simultaneous start (the unique constraints caught it): resume the
        # attempt the other request made.
        current = Attempt.objects.in_progress().filter(quiz=quiz, user=user).first()
        if current is None:
            raise
        return current, False


# The responses' one INSERT, compiled once per number of questions (`bulk_create` otherwise).
_NEW_RESPONSES: PreparedInsert[Response] = PreparedInsert(Response)

# The start's fixed reads, compiled once (quizzes/prepared.py). The lock reads only the id, as a
# tuple: the row is locked whatever the columns read, and no user instance is made.
_LOCK_USER: PreparedQuery = PreparedQuery(
    lambda user_id: (
        get_user_model().objects.select_for_update().filter(pk=user_id).values_list("pk")
    ),
    "user_id",
)
_LATEST_ATTEMPT: PreparedQuery[Attempt] = PreparedQuery(
    lambda quiz_id, user_id: Attempt.objects.filter(quiz_id=quiz_id, user_id=user_id).order_by(
        "-number"
    ),
    "quiz_id",
    "user_id",
)


def _start(*, quiz: Quiz, user: "User", now: datetime, rng: random.Random) -> tuple[Attempt, bool]:
    # Serialise this student's starts: lock their user row for the transaction.
    _LOCK_USER.one(user_id=user.pk)
    # The latest attempt says both whether one is in progress (only the latest can be: a start
    # needs none in progress) and how many were used (they are numbered 1, 2, …): one query.
    latest = _LATEST_ATTEMPT.one(quiz_id=quiz.pk, user_id=user.pk)
    current = latest if latest is not None and latest.state == AttemptState.IN_PROGRESS else None
    if current is not None:
        if not is_overdue(current, now):
            return current, False
        attempt_finish(attempt=current, now=now)
    used = latest.number if latest is not None else 0

    # Read once, after the lock (which `override_set` takes too for a student's override): the
    # window, the deadline and the attempts allowed all come from this one read.
    rules = effective_rules(quiz=quiz, user=user)
    _refuse_unless_allowed(quiz, user, rules, now)
    if rules.attempts_allowed is not None and used >= rules.attempts_allowed:
        raise NoAttemptsLeft()

    places, versions, layout = _build_layout(quiz, rng)
    attempt = Attempt.objects.create(
        quiz=quiz,
        user=user,
        number=used + 1,
        state=AttemptState.IN_PROGRESS,
        started_at=now,
        deadline=_deadline(rules, now),
        max_score=sum((place.marks for place in places), Decimal(0)),
        layout=layout,
    )
    marks = {place.question.pk: place.marks for place in places}
    responses = _NEW_RESPONSES.create(
        [
            Response(
                attempt=attempt,
                question_id=item["question"],
                slot=slot,
                version=versions[item["question"]],
                # A matching or ordering question has no choices: its shuffled answers or items
                # take their place (see `shown_snapshot`).
                choice_order=item.get("parts") or item["choices"],
                marks=marks[item["question"]],
            )
            for slot, item in enumerate(layout, start=1)
        ]
    )
    # The rows just written, for whoever shows the new attempt (the API's answer to a start),
    # so that it reads none of them back: in slot order, with their attempt, quiz and version.
    attempt.new_responses = responses
    return attempt, True


# --- answering --------------------------------------------------------------------------------


def _locked_response(*, attempt: Attempt, question_id: int, now: datetime) -> Response:
    """The response to `question_id`, with it and its attempt locked; refuses a closed attempt."""
    try:
        response = (
            Response.objects.select_for_update(of=("self", "attempt"))
            .select_related("attempt")
            .get(attempt_id=attempt.pk, question_id=question_id)
        )
    except (Response.DoesNotExist, ValueError, TypeError):
        raise InvalidAnswer("That question is not part of this attempt.") from None
    locked = response.attempt
    if locked.state != AttemptState.IN_PROGRESS:
        raise AttemptClosed()
    _refuse_when_time_is_up(locked, now)
    return response


def attempt_save_answer(
    *,
    attempt: Attempt,
    question_id: int,
    answer: object,
    now: datetime,
    flagged: bool | None = None,
    current: Response | None = None,
) -> Response:
    """Save the answer to the question named (never "the current one"). Idempotent.

    `answer=UNCHANGED` leaves the answer as it is (to flag or unflag only).

    The common case is one conditional UPDATE: the answer is checked against the attempt's
    layout (kind and choice ids), and the row is written only while the response is unchecked
    and ungraded (`fraction IS NULL`). Finishing grades every response under a row lock and sets
    its fraction, so a save that loses the race to a finish matches no row (the condition is on
    the row itself, no join, so PostgreSQL re-checks it after waiting for the lock). Anything
    else (a checked answer, a finished attempt, an old layout) takes the locked path.
    """
    _refuse_when_time_is_up(attempt, now)
    item = next((i for i in attempt.layout if i.get("question") == question_id), None)
    if item is None:
        raise InvalidAnswer("That question is not part of this attempt.")
    if "kind" in item and attempt.state == AttemptState.IN_PROGRESS:
        updates: dict = {}
        if answer is not UNCHANGED:
            shape = {
                "kind": item["kind"],
                "choices": [{"id": c} for c in item["choices"]],
                # What the answer of a matching or an ordering question may name.
                "pairs": [{"id": s} for s in item.get("stems", [])],
                "answers": [{"id": a} for a in item.get("parts", [])],
                "item_ids": item.get("parts", []),
            }
            cleaned = grading.validate_answer(snapshot=shape, answer=answer)
            updates.update(answer=cleaned, answered_at=now if cleaned is not None else None)
        if flagged is not None:
            updates["flagged"] = flagged
        written = (
            _SAVE_UNCHECKED.run(values=updates, attempt_id=attempt.pk, question_id=question_id)
            if updates
            else 0
        )
        if written:
            if current is None:
                return Response.objects.get(attempt_id=attempt.pk, question_id=question_id)
            for field, value in updates.items():
                setattr(current, field, value)
            return current
    return _save_locked(
        attempt=attempt, question_id=question_id, answer=answer, now=now, flagged=flagged
    )


# The save's one UPDATE, compiled once per set of columns (quizzes/prepared.py).
_SAVE_UNCHECKED = PreparedUpdate(
    lambda attempt_id, question_id: Response.objects.filter(
        attempt_id=attempt_id, question_id=question_id, checked=False, fraction__isnull=True
    ),
    "attempt_id",
    "question_id",
)


def _save_locked(
    *, attempt: Attempt, question_id: int, answer: object, now: datetime, flagged: bool | None
) -> Response:
    with transaction.atomic():
        response = _locked_response(attempt=attempt, question_id=question_id, now=now)
        fields = []
        if answer is UNCHANGED:
            cleaned = response.answer
        else:
            cleaned = grading.validate_answer(snapshot=response.snapshot, answer=answer)
        if cleaned != response.answer:
            if response.checked:
                raise AnswerLocked()
            response.answer = cleaned
            response.answered_at = now if cleaned is not None else None
            fields += ["answer", "answered_at"]
        if flagged is not None and flagged != response.flagged:
            response.flagged = flagged
            fields.append("flagged")
        if fields:
            response.save(update_fields=fields)
        return response


def attempt_check_answer(*, attempt: Attempt, question_id: int, now: datetime) -> Response:
    """Immediate feedback: grade this response now and lock its answer."""
    if attempt.quiz.feedback_mode != FeedbackMode.IMMEDIATE:
        raise FeedbackNotAvailable()
    with transaction.atomic():
        response = _locked_response(attempt=attempt, question_id=question_id, now=now)
        if response.checked:
            return response
        if response.answer is None:
            raise InvalidAnswer("Answer the question before checking it.")
        _grade(response)
        response.checked = True
        response.save(update_fields=["fraction", "score", "checked"])
        return response


# --- finishing --------------------------------------------------------------------------------


def _grade(response: Response) -> None:
    response.fraction = grading.grade_answer(snapshot=response.snapshot, answer=response.answer)
    response.score = grading.response_score(fraction=response.fraction, marks=response.marks)


def _set_totals(attempt: Attempt, responses: list[Response]) -> None:
    """Set the attempt's score and grade from its responses' scores (not saved)."""
    attempt.score, attempt.grade = grading.attempt_totals(
        scores=[r.score for r in responses if r.score is not None],
        max_score=attempt.max_score,
        maximum_grade=attempt.quiz.maximum_grade,
    )


def attempt_finish(*, attempt: Attempt, now: datetime) -> Attempt:
    """Grade every response from its snapshot and close the attempt, once.

    Idempotent: a second call (another tab, a replayed POST) waits for the first and returns the
    same result without grading again.
    """
    with transaction.atomic():
        locked = (
            Attempt.objects.select_for_update(of=("self",))
            .select_related("quiz")
            .get(pk=attempt.pk)
        )
        if locked.state != AttemptState.IN_PROGRESS:
            return locked
        # Lock the responses too: a save racing this finish either lands before (and is graded)
        # or waits and then finds the response graded (and is refused).
        responses = list(
            Response.objects.select_for_update(of=("self",)).filter(attempt=locked).order_by("slot")
        )
        for response in responses:
            _grade(response)
        Response.objects.bulk_update(responses, ["fraction", "score"])
        _set_totals(locked, responses)
        locked.state = AttemptState.FINISHED
        # An overdue attempt counts as handed in at its deadline.
        locked.finished_at = min(now, locked.deadline) if locked.deadline else now
        locked.save(update_fields=["state", "finished_at", "score", "grade"])
        return locked


def attempt_expire_if_overdue(*, attempt: Attempt, now: datetime) -> Attempt:
    """Finish the attempt if its time (and grace) has run out; otherwise return it unchanged."""
    if is_overdue(attempt, now):
        return attempt_finish(attempt=attempt, now=now)
    return attempt


def close_overdue_attempts(*, now: datetime) -> int:
    """Finish every attempt past its deadline and grace (for cron). Returns how many."""
    closed = 0
    for attempt in Attempt.objects.overdue(now - grace()).only("pk").iterator():
        if attempt_finish(attempt=attempt, now=now).finished_at is not None:
            closed += 1
    return closed


# --- re-grading -------------------------------------------------------------------------------


def attempt_regrade(*, attempt: Attempt) -> list[dict]:
    """Re-read each current question into its snapshot's grading data and grade again.

    Returns one entry per response whose score changed: slot, question, old and new score.
    Responses whose question was deleted keep their snapshot. Only finished attempts are
    re-graded (an attempt in progress is graded when it finishes).
    """
    with transaction.atomic():
        locked = (
            Attempt.objects.select_for_update(of=("self",))
            .select_related("quiz")
            .get(pk=attempt.pk)
        )
        if locked.state != AttemptState.FINISHED:
            return []
        responses = list(Response.objects.filter(attempt=locked).order_by("slot"))
        live = Question.objects.with_parts().in_bulk(
            [r.question_id for r in responses if r.question_id is not None]
        )
        changes = []
        for response in responses:
            if response.question_id in live:
                response.snapshot = regraded_snapshot(response.snapshot, live[response.question_id])
            old = response.score
            _grade(response)
            if old != response.score:
                changes.append(
                    {
                        "slot": response.slot,
                        "question": response.snapshot["key"],
                        "old_score": old,
                        "new_score": response.score,
                    }
                )
        Response.objects.bulk_update(responses, ["regraded_snapshot", "fraction", "score"])
        _set_totals(locked, responses)
        locked.save(update_fields=["score", "grade"])
        attempt.score, attempt.grade = locked.score, locked.grade
        return changes


# --- what a student may see -------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewAccess:
    """Whether the review of an attempt opens now, and what the quiz's review options allow."""

    allowed: bool
    options: review.ReviewOptions  # in force now, even when the review itself is closed
    moment: ReviewMoment | None = None
    reason: str = ""  # why the review is closed, when it is
    note: str = ""  # what the review leaves out now, and when it will show it


# "After the quiz closes" is after the quiz closes *for the attempt's student*: their effective
# closing date (their class's due date, their own or their class's override), as Moodle reads it
# with overrides. A student with a later close does not get the after-close options while their
# window is open; a classmate whose window closed earlier does (README "Classes": the risk).
_CLOSES = "_student_closes"


def student_closes(attempt: Attempt, *, quiz: Quiz | None = None) -> datetime | None:
    """When the attempt's quiz closes for its student (`effective_rules(...).closes`): one
    query, cached on the attempt; `load_student_closes` fills a list of attempts at once."""
    if not hasattr(attempt, _CLOSES):
        load_student_closes([attempt], quiz=quiz)
    return getattr(attempt, _CLOSES)


def load_student_closes(attempts: Iterable[Attempt], *, quiz: Quiz | None = None) -> None:
    """Cache each attempt's `student_closes`: one query per student among them (the lists are
    one student's, so one query)."""
    by_user: dict[int, list[Attempt]] = {}
    for attempt in attempts:
        if not hasattr(attempt, _CLOSES):
            by_user.setdefault(attempt.user_id, []).append(attempt)
    for user_id, group in by_user.items():
        quizzes = {a.quiz_id: quiz if quiz is not None else a.quiz for a in group}
        rules = effective_rules_for(quizzes=quizzes.values(), user=get_user_model()(pk=user_id))
        for attempt in group:
            setattr(attempt, _CLOSES, rules[attempt.quiz_id].closes)


def set_student_closes(attempts: Iterable[Attempt], *, closes: datetime | None) -> None:
    """Cache a known closing date (the caller has the student's rules for the quiz)."""
    for attempt in attempts:
        setattr(attempt, _CLOSES, closes)


def review_access(*, attempt: Attempt, now: datetime) -> ReviewAccess:
    """The review opens once the attempt is finished, at the moments the quiz allows."""
    if attempt.state != AttemptState.FINISHED:
        return ReviewAccess(
            False, review.ReviewOptions(), reason="The review opens once the attempt is finished."
        )
    quiz = attempt.quiz
    closes = student_closes(attempt)
    moment = review.review_moment(finished_at=attempt.finished_at, closes_at=closes, now=now)
    review_settings = quiz.review_settings()
    options = review.options_at(settings=review_settings, moment=moment)
    when = {"finished_at": attempt.finished_at, "closes_at": closes}
    if not options.attempt:
        reason = review.closed_reason(settings=review_settings, moment=moment, **when)
        return ReviewAccess(False, options, moment, reason=reason)
    note = review.hidden_note(settings=review_settings, moment=moment, **when)
    return ReviewAccess(True, options, moment, note=note)


def marks_shown(*, attempt: Attempt, now: datetime, quiz: Quiz | None = None) -> bool:
    """Whether the student may see this attempt's score and grade now (the "marks" option).

    As in Moodle, this holds wherever the grade appears (lists, the quiz page, the API), not
    only in the review; an attempt not finished has nothing to hide. Pass `quiz` when the
    attempt's own is not loaded.
    """
    if attempt.state != AttemptState.FINISHED:
        return True
    quiz = quiz or attempt.quiz
    closes = student_closes(attempt, quiz=quiz)
    moment = review.review_moment(finished_at=attempt.finished_at, closes_at=closes, now=now)
    return bool(quiz.review_marks & moment)


def response_review_items(
    *, responses: Iterable[Response], options: review.ReviewOptions
) -> list[dict]:
    """The review item of each response, in slot order as given."""
    return [
        review.review_item(
            snapshot=response.snapshot,
            answer=response.answer,
            fraction=response.fraction,
            score=response.score,
            marks=response.marks,
            options=options,
            slot=response.slot,
        )
        for response in responses
    ]


def checked_review_item(*, response: Response, quiz: Quiz) -> dict | None:
    """Immediate feedback on a checked response: what the options allow during the attempt."""
    if not response.checked or response.fraction is None:
        return None
    options = review.options_at(settings=quiz.review_settings(), moment=ReviewMoment.DURING)
    return response_review_items(responses=[response], options=options)[0]


@dataclass(frozen=True)
class QuizStanding:
    """A student's standing on a quiz (a class's figures are `analytics.quiz_summary`)."""

    state: str  # "not_started", "in_progress" or "finished"
    attempts_used: int
    attempts_left: int | None  # None: unlimited
    final_grade: Decimal | None
    in_progress: Attempt | None
    is_open: bool
    grade_hidden: bool = False  # the quiz's review options do not show the marks yet
    # The student's own rules (their class's window, their extra time and attempts).
    rules: EffectiveRules | None = None

    @property
    def time_limit(self) -> timedelta | None:
        return self.rules.time_limit if self.rules else None

    @property
    def attempts_allowed(self) -> int | None:
        return self.rules.attempts_allowed if self.rules else None

    @property
    def closes(self) -> datetime | None:
        return self.rules.closes if self.rules else None

    @property
    def can_start(self) -> bool:
        return self.in_progress is not None or (
            self.is_open and (self.attempts_left is None or self.attempts_left > 0)
        )


def quiz_standing(
    *,
    quiz: Quiz,
    attempts: list[Attempt],
    now: datetime,
    rules: EffectiveRules | None = None,
) -> QuizStanding:
    """A student's standing on a quiz from their attempts at it and their rules (pure: no
    database). `rules` None: the quiz's own (`compose_rules(quiz=quiz)`)."""
    if rules is not None:
        set_student_closes(attempts, closes=rules.closes)
    rules = rules or compose_rules(quiz=quiz)
    attempts = sorted(attempts, key=lambda a: a.number)
    current = next((a for a in attempts if a.state == AttemptState.IN_PROGRESS), None)
    if current is not None and is_overdue(current, now):
        current = None  # finished on its next access; it no longer counts as in progress
    finished = [a for a in attempts if a.state == AttemptState.FINISHED and a.grade is not None]
    # The quiz grade comes from every finished attempt: hidden while any of their marks is.
    grade_hidden = not all(marks_shown(attempt=a, now=now, quiz=quiz) for a in finished)
    grades = [a.grade for a in finished if a.grade is not None]
    used = len(attempts)
    if current is not None:
        state = "in_progress"
    elif attempts:
        state = "finished"
    else:
        state = "not_started"
    return QuizStanding(
        state=state,
        attempts_used=used,
        attempts_left=None
        if rules.attempts_allowed is None
        else max(rules.attempts_allowed - used, 0),
        final_grade=None
        if grade_hidden
        else grading.final_grade(method=quiz.grading_method, grades=grades),
        grade_hidden=grade_hidden,
        in_progress=current,
        is_open=quiz.published and rules.window_open(now),
        rules=rules,
    )


def quiz_standing_for_student(
    *, quiz: Quiz, user: "User | AnonymousUser", now: datetime
) -> QuizStanding:
    """State, attempts used and left, and final grade of one student on one quiz, under their
    own rules (two queries: the attempts and the rules)."""
    if not user.is_authenticated:
        return quiz_standing(quiz=quiz, attempts=[], now=now)
    attempts = list(Attempt.objects.filter(quiz=quiz, user=user))
    rules = effective_rules(quiz=quiz, user=user)
    return quiz_standing(quiz=quiz, attempts=attempts, now=now, rules=rules)

"""What a review shows, decided in one place (pure: no database).

A quiz's review options say, per option, at which moments the review shows it (Moodle's review
options: during the attempt, immediately after it, later while the quiz is open, after it closes).
`review_moment` tells which moment it is, `options_at` what the options allow then, and
`review_item` turns a response's snapshot into what the student may see: the review page, the
immediate-feedback Check (page and JSON) and the API's review all call it, so no surface can show
more than another. Whatever a text says, the option that governs its kind decides: a teacher's
feedback on an option follows "specific feedback" even when it names the answer, the explanation
follows "general feedback", the article sentence follows "source".
"""

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone
from django.utils.dateformat import format as format_date

from quizzes.models.quizzes import REVIEW_OPTIONS, ReviewMoment
from quizzes.services import grading
from quizzes.services.snapshots import public_question

# Moodle's "immediately after the attempt" lasts two minutes after it is finished.
IMMEDIATELY_AFTER_PERIOD = timedelta(minutes=2)

MOMENT_ORDER = (
    ReviewMoment.DURING,
    ReviewMoment.IMMEDIATELY_AFTER,
    ReviewMoment.LATER_WHILE_OPEN,
    ReviewMoment.AFTER_CLOSE,
)
# How the API and the admin grid name the moments.
MOMENT_NAMES = {
    ReviewMoment.DURING: "during",
    ReviewMoment.IMMEDIATELY_AFTER: "immediately_after",
    ReviewMoment.LATER_WHILE_OPEN: "later_while_open",
    ReviewMoment.AFTER_CLOSE: "after_close",
}
OPTION_NAMES = tuple(option for option, _label, _governs in REVIEW_OPTIONS)

# What a student is told is hidden, in the order of the options.
_HIDDEN_PHRASES = {
    "correctness": "whether each answer was correct",
    "marks": "the marks",
    "specific_feedback": "the feedback on your answers",
    "general_feedback": "the explanations",
    "right_answer": "the right answers",
    "source": "the article sentences the questions came from",
}


@dataclass(frozen=True)
class ReviewOptions:
    """What the review may show at one moment."""

    attempt: bool = False
    correctness: bool = False
    marks: bool = False
    specific_feedback: bool = False
    general_feedback: bool = False
    right_answer: bool = False
    source: bool = False

    def as_dict(self) -> dict[str, bool]:
        return asdict(self)


def review_moment(
    *, finished_at: datetime | None, closes_at: datetime | None, now: datetime
) -> ReviewMoment:
    """The moment a review is looked at, as Moodle decides it (an unfinished attempt: during).

    >>> from datetime import datetime, UTC
    >>> done = datetime(2009, 3, 6, 12, 0, tzinfo=UTC)
    >>> review_moment(finished_at=done, closes_at=None, now=done + timedelta(minutes=1)).name
    'IMMEDIATELY_AFTER'
    >>> review_moment(finished_at=done, closes_at=None, now=done + timedelta(minutes=2)).name
    'LATER_WHILE_OPEN'
    >>> review_moment(finished_at=done, closes_at=done, now=done).name
    'AFTER_CLOSE'
    """
    if finished_at is None:
        return ReviewMoment.DURING
    if closes_at is not None and now >= closes_at:
        return ReviewMoment.AFTER_CLOSE
    if now < finished_at + IMMEDIATELY_AFTER_PERIOD:
        return ReviewMoment.IMMEDIATELY_AFTER
    return ReviewMoment.LATER_WHILE_OPEN


def options_at(*, settings: Mapping[str, int], moment: ReviewMoment) -> ReviewOptions:
    """The options in force at `moment`; `settings` maps each option to its bitmask of moments.

    While the attempt is being taken the student has it in front of them, so "the attempt" is
    always on during it.
    """
    allowed = {option: bool(settings.get(option, 0) & moment) for option in OPTION_NAMES}
    if moment == ReviewMoment.DURING:
        allowed["attempt"] = True
    return ReviewOptions(**allowed)


# --- the settings as a table (the admin grid and the API) ---------------------------------------


def moment_options(moment: ReviewMoment) -> tuple[str, ...]:
    """The options that can be set at `moment` ("the attempt" has no "during")."""
    if moment == ReviewMoment.DURING:
        return OPTION_NAMES[1:]
    return OPTION_NAMES


def settings_table(settings: Mapping[str, int]) -> dict[str, dict[str, bool]]:
    """{moment name: {option: shown}}, moment by moment (what the API returns)."""
    return {
        MOMENT_NAMES[moment]: {
            option: bool(settings.get(option, 0) & moment) for option in moment_options(moment)
        }
        for moment in MOMENT_ORDER
    }


def settings_from_table(
    table: Mapping[str, Mapping[str, bool]], *, base: Mapping[str, int]
) -> dict[str, int]:
    """`base` with the cells `table` names switched on or off (cells it leaves out stay)."""
    settings = {option: int(base.get(option, 0)) for option in OPTION_NAMES}
    for moment in MOMENT_ORDER:
        for option, shown in (table.get(MOMENT_NAMES[moment]) or {}).items():
            if option not in moment_options(moment):
                continue
            if shown:
                settings[option] |= moment
            else:
                settings[option] &= ~moment
    return settings


# --- one review item ----------------------------------------------------------------------------


def _correct_choice_ids(snapshot: dict) -> set[int]:
    choices = snapshot.get("choices") or []
    if snapshot["kind"] == grading.MULTIPLE_RESPONSE:
        return {c["id"] for c in choices if float(c["fraction"]) > 0}
    best = max((float(c["fraction"]) for c in choices), default=0.0)
    if best <= 0:
        return set()
    return {c["id"] for c in choices if float(c["fraction"]) == best}


def _picked(answer: object) -> set:
    if answer is None:
        return set()
    return set(answer) if isinstance(answer, list) else {answer}


def review_item(
    *,
    snapshot: dict,
    answer: object,
    fraction: float | None,
    score: Decimal | None,
    marks: Decimal,
    options: ReviewOptions,
    slot: int | None = None,
) -> dict:
    """What the student may see of one response, as plain data.

    `question` is the question as it was shown (text and options: nothing about correctness).
    Every other key that could give the answer away is None (or empty) unless `options` allow
    it: `verdict` (whether correct), `score` and `fraction` (marks), `feedback` (specific
    feedback), `explanation` (general feedback), `correct_answer` and each option's `correct`
    (right answer), `source` (the article sentence).
    """
    kind = snapshot["kind"]
    answered = answer is not None
    is_choice = kind in grading.ONE_CHOICE_KINDS | {grading.MULTIPLE_RESPONSE}
    picked = _picked(answer) if is_choice else set()
    correct_ids = _correct_choice_ids(snapshot) if is_choice and options.right_answer else set()
    fact = snapshot.get("fact") if options.source else None
    return {
        "slot": slot,
        "question": public_question(snapshot),
        "answer": answer,
        "answer_text": grading.describe_answer(snapshot=snapshot, answer=answer),
        "answered": answered,
        "choices": [
            {
                "id": choice["id"],
                "text": choice["text"],
                "selected": choice["id"] in picked,
                "correct": (choice["id"] in correct_ids) if options.right_answer else None,
            }
            for choice in snapshot.get("choices") or []
        ]
        if is_choice
        else [],
        "pairs": [
            {
                **row,
                "right": row["right"] if options.right_answer else None,
                "correct": row["correct"] if options.correctness else None,
            }
            for row in grading.matched_pairs(snapshot=snapshot, answer=answer)
        ]
        if kind == grading.MATCHING
        else [],
        "order": [
            {
                **row,
                "right": row["right"] if options.right_answer else None,
                "followed_right": row["followed_right"] if options.correctness else None,
            }
            for row in grading.ordered_items(snapshot=snapshot, answer=answer)
        ]
        if kind == grading.ORDERING
        else [],
        "right_order": list(snapshot.get("items") or [])
        if kind == grading.ORDERING and options.right_answer
        else None,
        "marks": marks,
        "score": score if options.marks else None,
        "fraction": fraction if options.marks else None,
        "verdict": (grading.verdict(fraction) if answered else "unanswered")
        if options.correctness
        else None,
        "feedback": grading.choice_feedback(snapshot=snapshot, answer=answer)
        if options.specific_feedback
        else [],
        "explanation": (snapshot.get("explanation") or None) if options.general_feedback else None,
        "correct_answer": (grading.describe_correct(snapshot=snapshot) or None)
        if options.right_answer
        else None,
        "source": {
            "sentence": fact["sentence"],
            "fact": fact["key"],
            "article": fact["article_slug"],
            "article_title": fact["article_title"],
        }
        if fact
        else None,
    }


# --- what the student is told -------------------------------------------------------------------


def _local(moment: datetime) -> str:
    return format_date(timezone.localtime(moment), "j F Y, H:i")


def _join(phrases: list[str]) -> str:
    if len(phrases) <= 1:
        return "".join(phrases)
    return ", ".join(phrases[:-1]) + " and " + phrases[-1]


def _first_later(
    bits: int, *, moment: ReviewMoment, closes_at: datetime | None
) -> ReviewMoment | None:
    """The first moment after `moment` at which `bits` shows the option, if it ever comes."""
    later = MOMENT_ORDER[MOMENT_ORDER.index(moment) + 1 :]
    for candidate in later:
        if candidate == ReviewMoment.AFTER_CLOSE and closes_at is None:
            continue  # a quiz that never closes never reaches "after it closes"
        if bits & candidate:
            return candidate
    return None


def _when(moment: ReviewMoment, *, finished_at: datetime | None, closes_at: datetime | None) -> str:
    if moment == ReviewMoment.AFTER_CLOSE and closes_at is not None:
        return f"once the quiz closes ({_local(closes_at)})"
    if moment == ReviewMoment.LATER_WHILE_OPEN and finished_at is not None:
        return f"later, from {_local(finished_at + IMMEDIATELY_AFTER_PERIOD)}"
    return "later"


def hidden_note(
    *,
    settings: Mapping[str, int],
    moment: ReviewMoment,
    finished_at: datetime | None,
    closes_at: datetime | None,
) -> str:
    """What the review leaves out at `moment` and when, if ever, it will show it ("" if nothing).

    >>> everything = {option: 15 for option in OPTION_NAMES}
    >>> hidden_note(settings={**everything, "right_answer": 0, "source": 8},
    ...             moment=ReviewMoment.IMMEDIATELY_AFTER, finished_at=None, closes_at=None)
    'This quiz does not show the right answers and the article sentences the questions came from.'
    """
    now = options_at(settings=settings, moment=moment)
    hidden = [option for option in OPTION_NAMES[1:] if not getattr(now, option)]
    groups: dict[ReviewMoment | None, list[str]] = {}
    for option in hidden:
        later = _first_later(settings.get(option, 0), moment=moment, closes_at=closes_at)
        groups.setdefault(later, []).append(_HIDDEN_PHRASES[option])
    sentences = []
    for later in (*MOMENT_ORDER, None):
        if later not in groups:
            continue
        phrases = _join(groups[later])
        if later is None:
            sentences.append(f"This quiz does not show {phrases}.")
        else:
            when = _when(later, finished_at=finished_at, closes_at=closes_at)
            sentences.append(f"The review shows {phrases} {when}.")
    return " ".join(sentences)


def closed_reason(
    *,
    settings: Mapping[str, int],
    moment: ReviewMoment,
    finished_at: datetime | None,
    closes_at: datetime | None,
) -> str:
    """Why the review cannot be opened at `moment`, and when it can."""
    later = _first_later(settings.get("attempt", 0), moment=moment, closes_at=closes_at)
    if later is None:
        return "This quiz does not let you review your attempts."
    when = _when(later, finished_at=finished_at, closes_at=closes_at)
    return f"The review of this attempt opens {when}."

"""Grading: a question snapshot and an answer in, a fraction out (pure: no database).

Answer shapes (the same JSON values in forms and in the API):

- single_choice, true_false: an int choice id
- multiple_response: a list of distinct int choice ids (may be empty)
- short_answer, cloze: a string of at most 300 characters
- numeric: a number (int or float)
- matching: {"<stem id>": "<answer id>", …} (stems left out are unanswered), or the same as a
  list of [stem id, answer id] pairs; stored as the dict
- ordering: the list of every item id, each once, in the student's order

Matching earns the share of stems matched right (Moodle's rule); ordering earns, of the n - 1
items that have a next item, the share whose next item in the answer is the right one
(Moodle's default, "relative to the next item, excluding the last"). A question that grades
all or nothing earns 1 when every stem or item is right, else 0.

`None` always means "not answered" and grades 0.
"""

import itertools
import math
import re
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import TypeGuard

from rapidfuzz.distance import OSA

from quizzes import gazetteer
from quizzes.cleaning import text_problem
from quizzes.numbers import (
    NUMBER_VOCABULARY,
    ReadNumber,
    canonical_unit,
    read_number,
    same_quantity,
)
from quizzes.services.exceptions import InvalidAnswer
from quizzes.text import american_spelling, normalise_answer

MAX_TEXT_ANSWER = 300
CENT = Decimal("0.01")

SINGLE_CHOICE = "single_choice"
MULTIPLE_RESPONSE = "multiple_response"
TRUE_FALSE = "true_false"
SHORT_ANSWER = "short_answer"
NUMERIC = "numeric"
CLOZE = "cloze"
MATCHING = "matching"
ORDERING = "ordering"
# Answered by picking one choice (multiple response, among `QuestionKind.choice_kinds()`, takes
# several).
ONE_CHOICE_KINDS = {SINGLE_CHOICE, TRUE_FALSE}
TEXT_KINDS = {SHORT_ANSWER, CLOZE}


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _choice_ids(snapshot: dict) -> set[int]:
    return {choice["id"] for choice in snapshot.get("choices") or []}


def validate_answer(*, snapshot: dict, answer: object) -> object:
    """The answer cleaned for storage, or `InvalidAnswer` when its shape does not fit the kind."""
    if answer is None:
        return None
    kind = snapshot["kind"]
    if kind in ONE_CHOICE_KINDS:
        if not _is_int(answer):
            raise InvalidAnswer("Choose one of the options.")
        if answer not in _choice_ids(snapshot):
            raise InvalidAnswer("That option does not belong to this question.")
        return answer
    if kind == MULTIPLE_RESPONSE:
        if not isinstance(answer, list | tuple) or not all(_is_int(item) for item in answer):
            raise InvalidAnswer("Choose any number of the options.")
        if len(set(answer)) != len(answer):
            raise InvalidAnswer("An option was chosen twice.")
        if not set(answer) <= _choice_ids(snapshot):
            raise InvalidAnswer("That option does not belong to this question.")
        # No option ticked is stored like any other unanswered question.
        return sorted(answer) or None
    if kind in TEXT_KINDS:
        if not isinstance(answer, str):
            raise InvalidAnswer("Type your answer as text.")
        if len(answer) > MAX_TEXT_ANSWER:
            raise InvalidAnswer(f"Answers are at most {MAX_TEXT_ANSWER} characters long.")
        if problem := text_problem(answer):  # NUL, lone surrogates: what no database stores
            raise InvalidAnswer(problem)
        cleaned = answer.strip()
        return cleaned or None
    if kind == NUMERIC:
        if not (_is_int(answer) or isinstance(answer, float)) or not math.isfinite(answer):
            raise InvalidAnswer("Type a number, such as 42 or 3.5.")
        return answer
    if kind == MATCHING:
        return _valid_matching(snapshot, answer)
    if kind == ORDERING:
        return _valid_ordering(snapshot, answer)
    raise InvalidAnswer(f"Unknown question kind “{kind}”.")


def _valid_matching(snapshot: dict, answer: object) -> dict | None:
    if isinstance(answer, list | tuple):
        if not all(isinstance(p, list | tuple) and len(p) == 2 for p in answer):
            raise InvalidAnswer("Give each stem's answer as a pair [stem id, answer id].")
        stems = [p[0] for p in answer]
        if len(set(map(str, stems))) != len(stems):
            raise InvalidAnswer("A stem was answered twice.")
        answer = dict(answer)
    if not isinstance(answer, dict):
        raise InvalidAnswer("Choose an answer for each stem: {stem id: answer id}.")
    stem_ids = {p["id"] for p in snapshot.get("pairs") or []}
    answer_ids = {a["id"] for a in snapshot.get("answers") or []}
    cleaned = {}
    for stem, chosen in answer.items():
        if stem not in stem_ids:
            raise InvalidAnswer("That stem does not belong to this question.")
        if chosen is None or chosen == "":
            continue  # this stem left unanswered
        if not isinstance(chosen, str) or chosen not in answer_ids:
            raise InvalidAnswer("That answer does not belong to this question.")
        cleaned[stem] = chosen
    return cleaned or None


def _valid_ordering(snapshot: dict, answer: object) -> list[str] | None:
    if not isinstance(answer, list | tuple) or not all(isinstance(i, str) for i in answer):
        raise InvalidAnswer("Give the item ids in your order.")
    if not answer:
        return None
    if len(set(answer)) != len(answer):
        raise InvalidAnswer("An item was placed twice.")
    if set(answer) != set(snapshot.get("item_ids") or []):
        raise InvalidAnswer("Put every item of this question in a place, and only those.")
    return list(answer)


FUZZY, NORMALISED_MATCH = 1, 2
# Words a student may put before an answer without changing it (“in Geneva”, “the BBC”).
_LEADING_ARTICLE = re.compile(r"^(the|a|an) (?=\S)")
_LEADING_PREPOSITION = re.compile(r"^(in|on|at|by|to|from|into|during|over|since|with|via) (?=\S)")
# What a student may put before the reason a why-question asks for.
_BECAUSE = re.compile(
    r"^(because of|because|due to|thanks to|owing to)( (its|their|his|her|the))? (?=\S)"
)
_FILLERS = {"about", "around", "approximately", "roughly", "some", "just", "the", "a", "an", "of"}
_FILLERS |= {"in", "on", "by", "at", "since", "during"}  # “in 2008”, “by 2050”


def fuzzy_tolerance(expected: str) -> int:
    """Edits forgiven for a fuzzy match: none for short words, one from 4 letters, two from 9."""
    length = len(expected.replace(" ", ""))
    if length < 4:
        return 0
    return 1 if length < 9 else 2


def _forms(normalised: str, *, given: bool, expected_first: str = "") -> set[str]:
    """A normalised answer and the forms it may equally take: without a leading article, (for
    what a student typed) without a leading preposition the expected answer does not have,
    in American spelling, and a list of items in any order."""
    forms = {normalised}
    if given and not expected_first.startswith(normalised.split(" ", 1)[0] + " "):
        forms.add(_LEADING_PREPOSITION.sub("", normalised))
    if given:
        forms |= {_BECAUSE.sub("", f) for f in forms}
    forms |= {_LEADING_ARTICLE.sub("", f) for f in forms}
    forms |= {american_spelling(f) for f in forms}
    forms |= {_as_set(f) for f in forms if " and " in f}
    return forms


def _as_set(normalised: str) -> str:
    items = [_LEADING_ARTICLE.sub("", i.strip()) for i in re.split(r" and |, ", normalised)]
    return "{" + "|".join(sorted(i for i in items if i)) + "}"


def _numbers_match(given: str, expected: str) -> bool | None:
    """None when the expected answer states no number; else whether the typed answer states the
    same quantity (digits or words, any currency form, unit or none) with no other words than
    the expected answer's own."""
    wanted = read_number(expected)
    if not isinstance(wanted, ReadNumber):
        return None
    typed = read_number(given)
    if not isinstance(typed, ReadNumber) or not same_quantity(typed, wanted):
        return False
    allowed = set(_number_words(expected)) | _FILLERS
    return set(_number_words(given)) <= allowed


def _number_words(text: str) -> list[str]:
    """The words of an answer besides its number (“4.7bn”, “two”, “million” are the number)."""
    text = american_spelling(normalise_answer(text.replace("%", " percent")))
    text = re.sub(r"\d[\d.]*[a-z]{0,3}\b", " ", text.replace("per cent", "percent"))
    words = re.findall(r"[a-z]+", text)
    return [canonical_unit(w) for w in words if w not in NUMBER_VOCABULARY]


def match_strength(*, given: str, expected: str, match: str) -> int:
    """0 when the answer does not match; `FUZZY` for a forgiven misspelling; `NORMALISED_MATCH`
    when it matches ignoring case, spacing, punctuation, accents, a leading article or
    preposition, British or American spelling and the order of a list (or exactly, in exact
    mode). Numbers are compared as numbers, never fuzzily, and a fuzzy match never turns one
    known place name into another (“Iraq” for “Iran”, “Austria” for “Australia”)."""
    if match == "exact":
        return NORMALISED_MATCH if given.strip() == expected.strip() else 0
    given_norm, expected_norm = normalise_answer(given), normalise_answer(expected)
    if not given_norm:
        return 0
    numbers = _numbers_match(given, expected)
    if numbers is not None:
        return NORMALISED_MATCH if numbers else 0
    if re.search(r"\d", given_norm) and not re.search(r"\d", expected_norm):
        return 0
    given_forms = _forms(given_norm, given=True, expected_first=expected_norm)
    expected_forms = _forms(expected_norm, given=False)
    if given_forms & expected_forms:
        return NORMALISED_MATCH
    if match != "fuzzy":
        return 0
    if gazetteer.same_place(given, expected):  # “Kyiv” for “Kiev”
        return NORMALISED_MATCH
    if gazetteer.is_known_name(given) and not gazetteer.same_place(given, expected):
        return 0
    for typed in given_forms:
        for wanted in expected_forms:
            tolerance = fuzzy_tolerance(wanted)
            if tolerance and OSA.distance(typed, wanted, score_cutoff=tolerance) <= tolerance:
                return FUZZY
    return 0


def text_matches(*, given: str, expected: str, match: str) -> bool:
    return match_strength(given=given, expected=expected, match=match) > 0


def _clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


def grade_answer(*, snapshot: dict, answer: object) -> float:
    """The fraction of the marks an answer earns. Unanswered (None) earns 0.0."""
    if answer is None:
        return 0.0
    kind = snapshot["kind"]
    fractions = {
        choice["id"]: float(choice["fraction"]) for choice in snapshot.get("choices") or []
    }
    if kind in ONE_CHOICE_KINDS:
        return _clamp(fractions.get(answer, 0.0), -1.0, 1.0)
    if kind == MULTIPLE_RESPONSE and isinstance(answer, list):
        return _clamp(sum(fractions.get(choice_id, 0.0) for choice_id in set(answer)), 0.0, 1.0)
    if kind in TEXT_KINDS:
        if not isinstance(answer, str):
            return 0.0
        # The strongest match decides: an answer that matches one accepted answer as written
        # (even one worth 0, such as a teacher's “Iraq” under “Iran”) is not rescued by a
        # fuzzy match with another.
        matches = [
            (strength, float(accepted["fraction"]))
            for accepted in snapshot.get("accepted_answers") or []
            if (
                strength := match_strength(
                    given=answer, expected=accepted["text"], match=accepted["match"]
                )
            )
        ]
        if not matches:
            return 0.0
        best = max(strength for strength, _ in matches)
        earned = max(fraction for strength, fraction in matches if strength == best)
        return _clamp(earned, 0.0, 1.0)
    if kind == NUMERIC:
        numeric = snapshot.get("numeric")
        if numeric is None or isinstance(answer, bool) or not isinstance(answer, int | float):
            return 0.0
        tolerance = abs(float(numeric.get("tolerance") or 0))
        # A hair of slack so that 0.1 + 0.2 counts as 0.3.
        slack = 1e-9 * max(1.0, abs(float(numeric["value"])))
        return 1.0 if abs(float(answer) - float(numeric["value"])) <= tolerance + slack else 0.0
    if kind == MATCHING and isinstance(answer, dict):
        pairs = snapshot.get("pairs") or []
        right = sum(1 for p in pairs if answer.get(p["id"]) == p["answer_id"])
        return _share(right, len(pairs), all_or_nothing=bool(snapshot.get("all_or_nothing")))
    if kind == ORDERING and isinstance(answer, list):
        return ordering_fraction(
            right=snapshot.get("item_ids") or [],
            given=answer,
            all_or_nothing=bool(snapshot.get("all_or_nothing")),
        )
    return 0.0


def _share(right: int, out_of: int, *, all_or_nothing: bool) -> float:
    if out_of <= 0:
        return 0.0
    if all_or_nothing:
        return 1.0 if right == out_of else 0.0
    return right / out_of


def ordering_fraction(*, right: list[str], given: list[str], all_or_nothing: bool) -> float:
    """Moodle's RELATIVE_NEXT_EXCLUDE_LAST: of the items that have a next item in the answer,
    the share whose next item is the one that follows it in the right order.

    >>> ordering_fraction(right=list("abcd"), given=list("abdc"), all_or_nothing=False)
    0.3333333333333333
    """
    if all_or_nothing:
        return 1.0 if list(given) == list(right) and right else 0.0
    following = dict(itertools.pairwise(right))
    links = list(itertools.pairwise(given))
    return _share(
        sum(1 for item, after in links if following.get(item) == after),
        len(right) - 1,
        all_or_nothing=False,
    )


def response_score(*, fraction: float, marks: Decimal) -> Decimal:
    """Marks earned by one response (negative when a penalising choice was picked)."""
    return (Decimal(str(fraction)) * Decimal(marks)).quantize(CENT, rounding=ROUND_HALF_UP)


def attempt_totals(
    *, scores: list[Decimal], max_score: Decimal, maximum_grade: Decimal
) -> tuple[Decimal, Decimal]:
    """(score, grade): the sum of the response scores kept within 0 and the marks on offer,
    and that score scaled to the quiz's maximum grade."""
    max_score = Decimal(max_score)
    score = min(max(sum(scores, Decimal(0)), Decimal(0)), max_score).quantize(CENT)
    if max_score <= 0:
        return score, Decimal(0).quantize(CENT)
    grade = (score / max_score * Decimal(maximum_grade)).quantize(CENT, rounding=ROUND_HALF_UP)
    return score, grade


def final_grade(*, method: str, grades: list[Decimal]) -> Decimal | None:
    """A student's grade on a quiz from their finished attempts' grades (oldest first)."""
    if not grades:
        return None
    if method == "highest":
        return max(grades)
    if method == "average":
        total = sum((Decimal(g) for g in grades), Decimal(0))
        return (total / len(grades)).quantize(CENT, rounding=ROUND_HALF_UP)
    if method == "first":
        return grades[0]
    if method == "last":
        return grades[-1]
    raise ValueError(f"Unknown grading method {method!r}")


def verdict(fraction: float | None) -> str:
    """ "correct", "partial" or "incorrect" for a graded fraction ("unanswered" for None)."""
    if fraction is None:
        return "unanswered"
    if math.isclose(fraction, 1.0, abs_tol=1e-6) or fraction > 1:
        return "correct"
    return "partial" if fraction > 0 else "incorrect"


def describe_answer(*, snapshot: dict, answer: object) -> str:
    """The answer as the student sees it in the review ("" when unanswered)."""
    if answer is None:
        return ""
    texts = {choice["id"]: choice["text"] for choice in snapshot.get("choices") or []}
    if snapshot["kind"] in ONE_CHOICE_KINDS:
        return texts.get(answer, "")
    if snapshot["kind"] == MULTIPLE_RESPONSE and isinstance(answer, list):
        return "; ".join(texts.get(i, "?") for i in _in_display_order(snapshot, answer))
    if snapshot["kind"] == NUMERIC:
        return f"{answer:g}" if isinstance(answer, float) else str(answer)
    if snapshot["kind"] == MATCHING and isinstance(answer, dict):
        answers = {a["id"]: a["text"] for a in snapshot.get("answers") or []}
        return "; ".join(
            f"{p['stem']}: {answers.get(answer.get(p['id']), '—')}"
            for p in snapshot.get("pairs") or []
        )
    if snapshot["kind"] == ORDERING and isinstance(answer, list):
        items = dict(zip(snapshot.get("item_ids") or [], snapshot.get("items") or [], strict=False))
        return "; ".join(f"{n}. {items.get(i, '?')}" for n, i in enumerate(answer, start=1))
    return str(answer)


def matched_pairs(*, snapshot: dict, answer: object) -> list[dict]:
    """A matching answer stem by stem: {"stem", "given" (text or ""), "right" (the answer's
    text), "correct" (bool)}, for the review and the immediate feedback."""
    answers = {a["id"]: a["text"] for a in snapshot.get("answers") or []}
    chosen = answer if isinstance(answer, dict) else {}
    return [
        {
            "stem": p["stem"],
            "given": answers.get(chosen.get(p["id"]), ""),
            "right": p["answer"],
            "correct": chosen.get(p["id"]) == p["answer_id"],
        }
        for p in snapshot.get("pairs") or []
    ]


def ordered_items(*, snapshot: dict, answer: object) -> list[dict]:
    """An ordering answer place by place: {"text", "right" (the right item's text at this
    place), "followed_right" (its next item is the right one; the last item: None)}."""
    texts = dict(zip(snapshot.get("item_ids") or [], snapshot.get("items") or [], strict=False))
    right = snapshot.get("item_ids") or []
    given = answer if isinstance(answer, list) else []
    following = dict(itertools.pairwise(right))
    rows = []
    for index, item in enumerate(given):
        after = given[index + 1] if index + 1 < len(given) else None
        rows.append(
            {
                "text": texts.get(item, "?"),
                "right": texts.get(right[index], "") if index < len(right) else "",
                "followed_right": None if after is None else following.get(item) == after,
            }
        )
    return rows


def _in_display_order(snapshot: dict, ids: Iterable[int]) -> list[int]:
    wanted = set(ids)
    return [c["id"] for c in snapshot.get("choices") or [] if c["id"] in wanted]


def describe_correct(*, snapshot: dict) -> str:
    """The correct answer as the review states it."""
    kind = snapshot["kind"]
    choices = snapshot.get("choices") or []
    if kind in ONE_CHOICE_KINDS:
        best = max(choices, key=lambda c: float(c["fraction"]), default=None)
        return best["text"] if best else ""
    if kind == MULTIPLE_RESPONSE:
        return "; ".join(c["text"] for c in choices if float(c["fraction"]) > 0)
    if kind in TEXT_KINDS:
        full = [a["text"] for a in snapshot.get("accepted_answers") or [] if a["fraction"] >= 1]
        return " or ".join(_distinct_answers(full))
    if kind == NUMERIC and snapshot.get("numeric"):
        value, tolerance = snapshot["numeric"]["value"], snapshot["numeric"]["tolerance"]
        text = f"{value:g}"
        return f"{text} (± {tolerance:g})" if tolerance else text
    if kind == MATCHING:
        return "; ".join(f"{p['stem']}: {p['answer']}" for p in snapshot.get("pairs") or [])
    if kind == ORDERING:
        return "; ".join(f"{n}. {t}" for n, t in enumerate(snapshot.get("items") or [], start=1))
    return ""


_ARTICLES = {"a", "an", "the"}


def _distinct_answers(texts: list[str]) -> list[str]:
    """The first answer, and each other one only when it is more than a variant of one already
    kept: the same words but for articles, case, spacing and punctuation, or those words with
    others around them ("the end of the year" next to "by the end of the year")."""
    kept: list[tuple[str, str]] = []
    for text in texts:
        words = " ".join(w for w in normalise_answer(text).split() if w not in _ARTICLES)
        padded = f" {words} "
        if any(padded in f" {other} " or f" {other} " in padded for _, other in kept):
            continue
        kept.append((text, words))
    return [text for text, _ in kept]


def choice_feedback(*, snapshot: dict, answer: object) -> list[str]:
    """The feedback texts of the choices picked (choice questions only)."""
    if answer is None or snapshot["kind"] not in ONE_CHOICE_KINDS | {MULTIPLE_RESPONSE}:
        return []
    picked = set(answer) if isinstance(answer, list) else {answer}
    return [
        c["feedback"] for c in snapshot.get("choices") or [] if c["id"] in picked and c["feedback"]
    ]

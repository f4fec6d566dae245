"""Facts -> question drafts (pure: plain data in, plain data out, no database).

Each generator takes one `FactData` and a pool of other facts (where distractors come from) and
returns a list of `QuestionDraft`s, or `Skip`s that say why it could not. A generator that does not
apply to a fact at all (a numeric question from a person) returns nothing rather than a skip, so a
report lists only what a teacher can act on.

Randomness comes only from `random.Random(f"{seed}:{fact.key}")`, so the same facts and seed give
the same bank, question for question. `bank_building.generate_questions` writes drafts to the
database; everything here can be tested exhaustively without one.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from quizzes.models.bank import MatchMode, QuestionKind
from quizzes.models.content import FactKind
from quizzes.services.questions import count_blanks, question_problems
from quizzes.text import BLANK, blank_answer, normalise_answer, squash_spaces

# How many wrong choices a single-choice question shows, and the fewest it may show.
DISTRACTORS_WANTED = 3
DISTRACTORS_NEEDED = 2

# Tag a generated question with the kind of its fact (slug, name).
KIND_TAGS: dict[str, tuple[str, str]] = {
    FactKind.PERSON: ("people", "People"),
    FactKind.PLACE: ("places", "Places"),
    FactKind.ORGANISATION: ("organisations", "Organisations"),
    FactKind.DATE: ("dates", "Dates"),
    FactKind.NUMBER: ("numbers", "Numbers"),
    FactKind.QUOTE: ("quotes", "Quotes and words"),
    FactKind.THING: ("things", "Things"),
    FactKind.EVENT: ("events", "Events"),
}
NAME_KINDS = {FactKind.PERSON, FactKind.PLACE, FactKind.ORGANISATION}
KIND_PLURALS: dict[str, str] = {
    FactKind.PERSON: "people",
    FactKind.PLACE: "places",
    FactKind.ORGANISATION: "organisations",
    FactKind.DATE: "dates",
    FactKind.NUMBER: "numbers",
    FactKind.QUOTE: "quotes",
    FactKind.THING: "things",
    FactKind.EVENT: "events",
}


@dataclass(frozen=True)
class FactData:
    """A fact as the generators see it. `source` names the publisher (or the article's title)."""

    key: str
    article_slug: str
    sentence: str
    answer: str
    kind: str
    prompt: str = ""
    distractors: tuple[str, ...] = ()
    source: str = ""


@dataclass(frozen=True)
class QuestionDraft:
    key: str
    kind: str
    text: str
    explanation: str
    fact_key: str
    generator: str
    choices: tuple[tuple[str, float], ...] = ()
    accepted_answers: tuple[tuple[str, float, str], ...] = ()
    numeric_answer: float | None = None
    numeric_tolerance: float = 0.0
    tags: tuple[str, ...] = ()

    def problems(self) -> dict[str, list[str]]:
        """What `question_problems` (shared with admin, API and loaddata) finds wrong."""
        return question_problems(
            kind=self.kind,
            text=self.text,
            choices=[{"text": t, "fraction": f} for t, f in self.choices],
            accepted_answers=[{"text": t, "fraction": f} for t, f, _ in self.accepted_answers],
            numeric_answer=self.numeric_answer,
        )

    def checksum(self) -> str:
        return content_checksum(
            kind=self.kind,
            text=self.text,
            explanation=self.explanation,
            choices=self.choices,
            accepted_answers=self.accepted_answers,
            numeric_answer=self.numeric_answer,
            numeric_tolerance=self.numeric_tolerance,
        )


@dataclass(frozen=True)
class Skip:
    """Why a generator made nothing from a fact: a short `reason` and the specifics."""

    fact_key: str
    generator: str
    reason: str
    detail: str = ""

    @property
    def message(self) -> str:
        return f"{self.reason}: {self.detail}" if self.detail else self.reason


Result = QuestionDraft | Skip


def content_checksum(
    *,
    kind: str,
    text: str,
    explanation: str,
    choices: Iterable[Sequence],
    accepted_answers: Iterable[Sequence],
    numeric_answer: float | None,
    numeric_tolerance: float,
) -> str:
    """A checksum of what a student sees and how it is graded (not tags, marks or bookkeeping).

    `choices` are (text, fraction) in order; `accepted_answers` (text, fraction, match).
    """
    payload = {
        "kind": str(kind),
        "text": text,
        "explanation": explanation,
        "choices": [[str(c[0]), round(float(c[1]), 6)] for c in choices],
        "accepted": [[str(a[0]), round(float(a[1]), 6), str(a[2])] for a in accepted_answers],
        "numeric": None if numeric_answer is None else round(float(numeric_answer), 6),
        "tolerance": round(float(numeric_tolerance or 0), 6),
    }
    encoded = json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()
    return hashlib.sha256(encoded).hexdigest()


# --- text helpers -------------------------------------------------------------------------------

_QUOTES = "\"'“”‘’«»„"
_LEADING_ARTICLE = re.compile(r"^(the|a|an)\s+", re.IGNORECASE)
_NAME_SUFFIXES = {"jr", "sr", "ii", "iii", "iv"}


def contains_words(haystack: str, needle: str) -> bool:
    """True when `needle` stands in `haystack` as whole words, both normalised."""
    needle, haystack = normalise_answer(needle), normalise_answer(haystack)
    return bool(needle) and f" {needle} " in f" {haystack} "


def forms(text: str, kind: str) -> set[str]:
    """The ways a text may be written or recognised: as given, without quotes, without a leading
    article, and for a person the surname alone."""
    unquoted = strip_quotes(text) or text
    found = {squash_spaces(text), unquoted, _LEADING_ARTICLE.sub("", unquoted)}
    if kind == FactKind.PERSON:
        words = [w for w in unquoted.split() if normalise_answer(w) not in _NAME_SUFFIXES]
        if len(words) >= 2:
            found.add(words[-1])
    return {f for f in found if normalise_answer(f)}


def mentions(haystack: str, text: str, kind: str) -> bool:
    """Whether any form of `text` (“Lavrov” for “Sergei Lavrov”) stands in `haystack`."""
    return any(contains_words(haystack, form) for form in forms(text, kind))


def overlaps(a: str, b: str, kind: str) -> bool:
    """Whether two answers are the same or one contains the other, in any of their forms."""
    return any(
        contains_words(x, y) or contains_words(y, x) for x in forms(a, kind) for y in forms(b, kind)
    )


def strip_quotes(text: str) -> str:
    text = text.strip()
    while len(text) >= 2 and text[0] in _QUOTES and text[-1] in _QUOTES:
        text = text[1:-1].strip()
    return text.strip(_QUOTES).strip()


def answer_variants(fact: FactData) -> tuple[tuple[str, float, str], ...]:
    """The answer and the forms a student may fairly give: without quotes, without a leading
    “the”, and for a person the surname alone. Duplicates after normalising are dropped."""
    match = MatchMode.FUZZY if fact.kind in NAME_KINDS else MatchMode.NORMALISED
    base = strip_quotes(squash_spaces(fact.answer)) or squash_spaces(fact.answer)
    candidates = [base, *sorted(forms(base, fact.kind) - {base}, key=lambda f: (-len(f), f))]
    variants, seen = [], set()
    for text in candidates:
        norm = normalise_answer(text)
        if norm and norm not in seen:
            seen.add(norm)
            variants.append((text, 1.0, str(match)))
    return tuple(variants)


# --- numbers --------------------------------------------------------------------------------------

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "a dozen": 12, "dozen": 12,
}  # fmt: skip
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
_ORDINALS = {
    "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
    "tenth", "eleventh", "twelfth", "twentieth", "hundredth",
}  # fmt: skip
_DIGITS = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(?!\w)")
_ORDINAL_DIGITS = re.compile(r"\b\d+(st|nd|rd|th)\b", re.IGNORECASE)
_WEEKDAYS = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
_MONTHS = {
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december",
}  # fmt: skip


@dataclass(frozen=True)
class ReadNumber:
    value: float
    decimals: int = 0  # digits after the point, as written
    is_year: bool = False


def read_number(text: str) -> ReadNumber | str | None:
    """The one number `text` states, in digits (“1,500”, “2009”, “2.5”) or words (“two”,
    “forty thousand”). Returns None when there is none, and a string saying why when there is
    no single cardinal number (an ordinal, or several numbers)."""
    plain = squash_spaces(text).casefold()
    words = re.findall(r"[a-z]+", plain)
    if _ORDINAL_DIGITS.search(plain) or any(w in _ORDINALS for w in words):
        return "an ordinal"
    digits = _DIGITS.findall(plain)
    if len(digits) > 1:
        return "more than one number"
    if digits:
        whole, fraction = digits[0]
        value = float(whole.replace(",", "") + (f".{fraction}" if fraction else ""))
        scale = next((_SCALES[w] for w in words if w in _SCALES), 1)
        year = not fraction and scale == 1 and 1000 <= value <= 2100 and "," not in whole
        return ReadNumber(value * scale, len(fraction), is_year=year)
    total, current, found = 0, 0, False
    for index, word in enumerate(words):
        if word in _UNITS:
            current += _UNITS[word]
            found = True
        elif word == "a" and index + 1 < len(words) and words[index + 1] in _SCALES:
            current += 1
            found = True
        elif word in _SCALES and found:
            total += max(current, 1) * _SCALES[word]
            current = 0
        elif found and word not in {"and"}:
            break
    return ReadNumber(float(total + current)) if found else None


def numeric_tolerance(number: ReadNumber) -> float:
    """Years and counts up to a hundred are exact; a decimal is good to half its last digit;
    a larger figure (a news report's “40,000 troops”) to within 5%."""
    if number.is_year or (number.value == int(number.value) and abs(number.value) <= 100):
        return 0.0
    if number.decimals:
        return 0.5 * 10 ** (-number.decimals)
    return round(abs(number.value) * 0.05, 6)


def _date_shape(text: str) -> str:
    words = set(re.findall(r"[a-z]+", text.casefold()))
    if words & _WEEKDAYS:
        return "weekday"
    read = read_number(text)
    has_month = bool(words & _MONTHS)
    if isinstance(read, ReadNumber) and read.is_year:
        return "month-year" if has_month else "year"
    if has_month:
        return "month"
    if re.search(r"\d", text):
        return "numeric-date"
    return "phrase"


def _looks_alike(answer: str, candidate: str, kind: str) -> bool:
    """Whether a candidate of the same fact kind is also the same *sort* of answer: a weekday
    for a weekday, a number near the number, a short lower-case phrase for one."""
    if kind == FactKind.DATE:
        return _date_shape(answer) == _date_shape(candidate)
    if kind == FactKind.NUMBER:
        a, c = read_number(answer), read_number(candidate)
        if isinstance(a, str) or isinstance(c, str):
            return isinstance(a, str) and isinstance(c, str)  # ordinal for ordinal
        if a is None or c is None:
            return a is None and c is None
        low, high = sorted((abs(a.value), abs(c.value)))
        return high - low <= 10 or (low > 0 and high / low <= 5)
    if kind in NAME_KINDS:
        return True
    # Quotes, things and events are loose kinds: ask for the same initial case and a similar
    # length, so that “a fresh start” is not offered “red” as an alternative.
    a_words, c_words = answer.split(), candidate.split()
    if _article_class(answer) != _article_class(candidate):
        return False
    same_case = strip_quotes(answer)[:1].isupper() == strip_quotes(candidate)[:1].isupper()
    return same_case and abs(len(a_words) - len(c_words)) <= max(1, len(a_words) // 2)


def _article_class(text: str) -> str:
    found = _LEADING_ARTICLE.match(strip_quotes(text) or text)
    if not found:
        return ""
    return "the" if found.group(1).casefold() == "the" else "a"


def _near_numbers(answer: str) -> list[str]:
    """For an answer written only in digits, neighbours of the same size (2009 -> 2008, 2010…)."""
    stripped = answer.strip()
    if not re.fullmatch(r"\d{1,3}(,\d{3})+|\d+", stripped):
        return []
    value = int(stripped.replace(",", ""))
    step = 1 if value < 100 or 1000 <= value <= 2100 else max(1, round(value * 0.1, -1))
    grouped = "," in stripped
    out = []
    for delta in (1, -1, 2, -2, 3, -3):
        n = value + delta * step
        if n > 0:
            out.append(f"{n:,}" if grouped else str(n))
    return out


def distractors_for(
    fact: FactData,
    pool: Sequence[FactData],
    *,
    stem: str,
    rng: random.Random,
    limit: int,
    extras_first: bool = False,
) -> list[str]:
    """Same-kind wrong answers: from the same article, then the rest of the pool, then the fact's
    own extra distractors (and, for a figure in digits, its neighbours). Never one that equals,
    contains or is contained in the answer or another distractor, or that stands in the stem.

    `extras_first` puts the teacher's own distractors first: a false statement reads best with
    one written to fit its sentence (“a green button”, not “a energy button”)."""
    same_article: list[str] = []
    elsewhere: list[str] = []
    for other in pool:
        if other.key == fact.key or other.kind != fact.kind:
            continue
        text = squash_spaces(other.answer)
        if not _looks_alike(fact.answer, text, fact.kind):
            continue
        (same_article if other.article_slug == fact.article_slug else elsewhere).append(text)
    tiers = [sorted(set(same_article)), sorted(set(elsewhere))]
    for tier in tiers:
        rng.shuffle(tier)
    extras = [squash_spaces(d) for d in fact.distractors]
    tiers = [extras, *tiers] if extras_first else [*tiers, extras]
    tiers.append(_near_numbers(fact.answer))
    chosen: list[str] = []
    for tier in tiers:
        for text in tier:
            if len(chosen) >= limit:
                return chosen
            text = strip_quotes(text) or text
            if not normalise_answer(text) or mentions(stem, text, fact.kind):
                continue
            if overlaps(text, fact.answer, fact.kind):
                continue
            if any(overlaps(text, c, fact.kind) for c in chosen):
                continue
            chosen.append(text)
    return chosen


def _explanation(fact: FactData) -> str:
    return f"According to {fact.source or 'the article'}: “{squash_spaces(fact.sentence)}”"


def _draft(fact: FactData, generator: str, kind: str, text: str, **parts: Any) -> QuestionDraft:
    tag = KIND_TAGS.get(fact.kind)
    return QuestionDraft(
        key=f"{fact.key}:{generator}",
        kind=str(kind),
        text=text,
        explanation=_explanation(fact),
        fact_key=fact.key,
        generator=generator,
        tags=(tag[0],) if tag else (),
        **parts,
    )


def _rng(seed: int, fact: FactData) -> random.Random:
    return random.Random(f"{seed}:{fact.key}")


def _cloze_text(fact: FactData) -> str | Skip:
    """The sentence with the answer gapped, or why that would not make a fair question."""
    try:
        text = blank_answer(fact.sentence, fact.answer)
    except ValueError:
        return Skip(fact.key, "", "the answer is not in the sentence", f"“{fact.answer}”")
    if count_blanks(text) != 1:
        return Skip(fact.key, "", "the sentence already has a gap-like run of underscores")
    if mentions(text.replace(BLANK, " "), fact.answer, fact.kind):
        return Skip(
            fact.key,
            "",
            "the answer appears twice in the sentence",
            f"“{fact.answer}” would still show after the gap",
        )
    return text


def _with_generator(skip: Skip, generator: str) -> Skip:
    return Skip(skip.fact_key, generator, skip.reason, skip.detail)


def _too_few(fact: FactData, found: list[str], needed: int, what: str) -> Skip:
    plural = KIND_PLURALS.get(fact.kind, fact.kind)
    listed = ", ".join(f"“{d}”" for d in found) or "none"
    return Skip(
        fact.key,
        "",
        "too few same-kind distractors",
        f"{what} needs at least {needed} other {plural} like “{fact.answer}”; "
        f"the pool and the fact's extra distractors give {len(found)} ({listed})",
    )


# --- generators ---------------------------------------------------------------------------------


def generate_cloze(fact: FactData, pool: Sequence[FactData], *, seed: int = 0) -> list[Result]:
    text = _cloze_text(fact)
    if isinstance(text, Skip):
        return [_with_generator(text, "cloze")]
    return [_draft(fact, "cloze", QuestionKind.CLOZE, text, accepted_answers=answer_variants(fact))]


def _choice_stem(fact: FactData) -> str | Skip:
    if fact.prompt.strip() and not mentions(fact.prompt, fact.answer, fact.kind):
        return squash_spaces(fact.prompt)
    return _cloze_text(fact)


def generate_single_choice(
    fact: FactData, pool: Sequence[FactData], *, seed: int = 0
) -> list[Result]:
    stem = _choice_stem(fact)
    if isinstance(stem, Skip):
        return [_with_generator(stem, "single")]
    rng = _rng(seed, fact)
    wrong = distractors_for(fact, pool, stem=stem, rng=rng, limit=DISTRACTORS_WANTED)
    if len(wrong) < DISTRACTORS_NEEDED:
        return [
            _with_generator(
                _too_few(fact, wrong, DISTRACTORS_NEEDED, "a single-choice question"), "single"
            )
        ]
    choices = [(strip_quotes(fact.answer) or fact.answer, 1.0)] + [(w, 0.0) for w in wrong]
    rng.shuffle(choices)
    return [_draft(fact, "single", QuestionKind.SINGLE_CHOICE, stem, choices=tuple(choices))]


TRUE_FALSE_CHOICES_TRUE = (("True", 1.0), ("False", 0.0))
TRUE_FALSE_CHOICES_FALSE = (("True", 0.0), ("False", 1.0))


def generate_true_false(fact: FactData, pool: Sequence[FactData], *, seed: int = 0) -> list[Result]:
    """Two statements: the sentence as written (true) and the sentence with only the answer
    span swapped for a same-kind distractor (false)."""
    true_text = squash_spaces(fact.sentence)
    gapped = _cloze_text(fact)
    results: list[Result] = [
        _draft(fact, "tf-true", QuestionKind.TRUE_FALSE, true_text, choices=TRUE_FALSE_CHOICES_TRUE)
    ]
    if isinstance(gapped, Skip):
        return [*results, _with_generator(gapped, "tf-false")]
    wrong = distractors_for(
        fact, pool, stem=gapped, rng=_rng(seed, fact), limit=1, extras_first=True
    )
    if not wrong:
        return [*results, _with_generator(_too_few(fact, [], 1, "a false statement"), "tf-false")]
    swapped = wrong[0]
    if gapped.startswith(BLANK):
        swapped = swapped[:1].upper() + swapped[1:]
    false_text = gapped.replace(BLANK, swapped, 1)
    results.append(
        _draft(
            fact, "tf-false", QuestionKind.TRUE_FALSE, false_text, choices=TRUE_FALSE_CHOICES_FALSE
        )
    )
    return results


def generate_short_answer(
    fact: FactData, pool: Sequence[FactData], *, seed: int = 0
) -> list[Result]:
    if not fact.prompt.strip():
        return [Skip(fact.key, "short", "no prompt", "a short-answer question asks the prompt")]
    if mentions(fact.prompt, fact.answer, fact.kind):
        return [Skip(fact.key, "short", "the prompt gives the answer away", f"“{fact.answer}”")]
    return [
        _draft(
            fact,
            "short",
            QuestionKind.SHORT_ANSWER,
            squash_spaces(fact.prompt),
            accepted_answers=answer_variants(fact),
        )
    ]


def generate_numeric(fact: FactData, pool: Sequence[FactData], *, seed: int = 0) -> list[Result]:
    if fact.kind not in (FactKind.NUMBER, FactKind.DATE):
        return []
    read = read_number(fact.answer)
    if read is None:
        return [Skip(fact.key, "numeric", "no number can be read", f"in “{fact.answer}”")]
    if isinstance(read, str):
        return [Skip(fact.key, "numeric", f"{read} is not a quantity", f"“{fact.answer}”")]
    text: str | Skip
    if fact.prompt.strip():
        text = squash_spaces(fact.prompt)
    else:
        text = _cloze_text(fact)
        if isinstance(text, Skip):
            return [_with_generator(text, "numeric")]
    return [
        _draft(
            fact,
            "numeric",
            QuestionKind.NUMERIC,
            text,
            numeric_answer=read.value,
            numeric_tolerance=numeric_tolerance(read),
        )
    ]


@dataclass(frozen=True)
class Generator:
    name: str
    kind: str
    make: Callable[..., list[Result]] = field(compare=False)


GENERATORS: tuple[Generator, ...] = (
    Generator("cloze", QuestionKind.CLOZE, generate_cloze),
    Generator("single", QuestionKind.SINGLE_CHOICE, generate_single_choice),
    Generator("true-false", QuestionKind.TRUE_FALSE, generate_true_false),
    Generator("short", QuestionKind.SHORT_ANSWER, generate_short_answer),
    Generator("numeric", QuestionKind.NUMERIC, generate_numeric),
)
GENERATED_KINDS: tuple[str, ...] = tuple(str(g.kind) for g in GENERATORS)


def check_kinds(kinds: Iterable[str] | None) -> tuple[str, ...]:
    """The question kinds asked for, validated; all generated kinds when None."""
    if kinds is None:
        return GENERATED_KINDS
    kinds = tuple(kinds)
    unknown = [k for k in kinds if k not in GENERATED_KINDS]
    if unknown:
        raise ValueError(
            f"Unknown question kind(s): {', '.join(unknown)}. "
            f"Valid kinds: {', '.join(GENERATED_KINDS)}."
        )
    return kinds


def generate_for_fact(
    fact: FactData,
    pool: Sequence[FactData],
    *,
    kinds: Iterable[str] | None = None,
    seed: int = 0,
) -> list[Result]:
    wanted = check_kinds(kinds)
    results: list[Result] = []
    for generator in GENERATORS:
        if generator.kind in wanted:
            results.extend(generator.make(fact, pool, seed=seed))
    return results


def generate_bank(
    facts: Sequence[FactData],
    pool: Sequence[FactData] | None = None,
    *,
    kinds: Iterable[str] | None = None,
    seed: int = 0,
) -> list[Result]:
    """Every generator over every fact, in order; a question whose text repeats an earlier one
    (two facts from one sentence give the same true statement) is skipped, not duplicated."""
    pool = facts if pool is None else pool
    seen: dict[tuple[str, str], str] = {}
    results: list[Result] = []
    for fact in facts:
        for result in generate_for_fact(fact, pool, kinds=kinds, seed=seed):
            if isinstance(result, QuestionDraft):
                text_key = (result.kind, normalise_answer(result.text))
                if text_key in seen:
                    result = Skip(
                        fact.key,
                        result.generator,
                        "same question as another fact's",
                        f"“{result.text[:60]}” is already {seen[text_key]}",
                    )
                else:
                    seen[text_key] = result.key
            results.append(result)
    return results

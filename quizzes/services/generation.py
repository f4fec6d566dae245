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
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from quizzes import gazetteer
from quizzes.models.bank import MatchMode, QuestionKind
from quizzes.models.content import FactKind
from quizzes.numbers import (
    ReadNumber,
    distinct_values,
    format_like,
    numeric_tolerance,
    read_number,
    rewrite_number,
)
from quizzes.services import quality
from quizzes.services.quality import _LEADING_ARTICLE, strip_quotes
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
    published: date | None = None  # the article's date, to resolve “last year”


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
    pairs: tuple[tuple[str, str], ...] = ()  # matching: (stem, answer)
    extra_answers: tuple[str, ...] = ()  # matching: answers that match no stem
    items: tuple[str, ...] = ()  # ordering: in the right order

    def problems(self) -> dict[str, list[str]]:
        """What `question_problems` (shared with admin, API and loaddata) finds wrong."""
        return question_problems(
            kind=self.kind,
            text=self.text,
            choices=[{"text": t, "fraction": f} for t, f in self.choices],
            accepted_answers=[{"text": t, "fraction": f} for t, f, _ in self.accepted_answers],
            numeric_answer=self.numeric_answer,
            pairs=[{"stem": s, "answer": a} for s, a in self.pairs],
            extra_answers=self.extra_answers,
            items=self.items,
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
            pairs=[*self.pairs, *(("", a) for a in self.extra_answers)],
            items=self.items,
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
    pairs: Iterable[Sequence] = (),
    items: Iterable[str] = (),
) -> str:
    """A checksum of what a student sees and how it is graded (not tags, marks or bookkeeping).

    `choices` are (text, fraction) in order; `accepted_answers` (text, fraction, match);
    `pairs` (stem, answer) with "" for an extra answer's stem; `items` in the right order.
    The last two count only when there are any, so older checksums stay as they were.
    """
    payload: dict[str, object] = {
        "kind": str(kind),
        "text": text,
        "explanation": explanation,
        "choices": [[str(c[0]), round(float(c[1]), 6)] for c in choices],
        "accepted": [[str(a[0]), round(float(a[1]), 6), str(a[2])] for a in accepted_answers],
        "numeric": None if numeric_answer is None else round(float(numeric_answer), 6),
        "tolerance": round(float(numeric_tolerance or 0), 6),
    }
    if pairs := [[str(p[0]), str(p[1])] for p in pairs]:
        payload["pairs"] = pairs
    if items := [str(i) for i in items]:
        payload["items"] = items
    encoded = json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()
    return hashlib.sha256(encoded).hexdigest()


# --- text helpers --------------------------------------------------------------------------------

_NAME_SUFFIXES = {"jr", "sr", "ii", "iii", "iv"}
_NAME_PARTICLES = {
    "de",
    "van",
    "von",
    "der",
    "den",
    "da",
    "di",
    "du",
    "la",
    "le",
    "ter",
    "ten",
    "al",
    "bin",
}
_CREDIT_LINE = re.compile(
    r"^\s*(?:\(?\s*)?(?:additional\s+)?(?:reporting|writing|editing|edited|compiled|written)\s+by\b",
    re.IGNORECASE,
)


def contains_words(haystack: str, needle: str) -> bool:
    """True when `needle` stands in `haystack` as whole words, both normalised (a possessive
    counts: “Kenya” stands in “Kenya's Daniel Mutai”)."""
    haystack = re.sub(r"['’]s\b", "", haystack)
    needle, haystack = normalise_answer(needle), normalise_answer(haystack)
    return bool(needle) and f" {needle} " in f" {haystack} "


def surname(name: str) -> str:
    """A person's surname with its particles (“de Vries”), "" for a one-word name."""
    words = [w for w in name.split() if normalise_answer(w) not in _NAME_SUFFIXES]
    if len(words) < 2:
        return ""
    start = len(words) - 1
    while start > 1 and words[start - 1].casefold() in _NAME_PARTICLES:
        start -= 1
    return " ".join(words[start:])


def forms(text: str, kind: str) -> set[str]:
    """The ways a text may be written or recognised: as given, without quotes, without a leading
    article, and for a person the surname alone."""
    unquoted = strip_quotes(text) or text
    found = {squash_spaces(text), unquoted, _LEADING_ARTICLE.sub("", unquoted)}
    if kind == FactKind.PERSON and surname(unquoted):
        found.add(surname(unquoted))
        found.add(unquoted.split()[-1])
    return {f for f in found if normalise_answer(f)}


def mentions(haystack: str, text: str, kind: str) -> bool:
    """Whether any form of `text` (“Lavrov” for “Sergei Lavrov”) stands in `haystack`."""
    return any(contains_words(haystack, form) for form in forms(text, kind))


def overlaps(a: str, b: str, kind: str) -> bool:
    """Whether two answers are the same or one contains the other, in any of their forms."""
    if kind == FactKind.PLACE and gazetteer.same_place(a, b):
        return True
    return any(
        contains_words(x, y) or contains_words(y, x) for x in forms(a, kind) for y in forms(b, kind)
    )


def is_credit_line(sentence: str) -> bool:
    """“Reporting by Sue Pleming, editing by Ralph Gowling”: the byline's, not the report's."""
    return bool(_CREDIT_LINE.match(squash_spaces(sentence)))


_RELATIVE_YEARS = {"last year": -1, "this year": 0, "next year": 1, "a year ago": -1}


def _resolved_year(text: str, published: date | None) -> int | None:
    """The calendar year a relative phrase means in an article of that date (“last year” in
    March 2009 is 2008), or None."""
    if published is None:
        return None
    offset = _RELATIVE_YEARS.get(normalise_answer(text))
    return None if offset is None else published.year + offset


_ARTICLES = {"a", "an", "the"}
# Bodies known by their initials (the European Investment Bank as the EIB); ministries are not.
_INSTITUTIONS = {
    "bank", "institute", "council", "agency", "organisation", "organization", "union", "fund",
    "association", "federation", "commission", "authority", "board", "foundation", "programme",
}  # fmt: skip


def _acronym(name: str) -> str:
    """The initials of a name made only of capitalised words and small joining words
    (“European Investment Bank” → “EIB”); "" when shorter than three letters or when another
    word stands in it."""
    words = re.findall(r"[A-Za-z]+", _LEADING_ARTICLE.sub("", name))
    capitalised = [w for w in words if w[0].isupper()]
    if len(capitalised) + sum(w in {"of", "and", "for"} for w in words) != len(words):
        return ""
    letters = "".join(w[0] for w in capitalised)
    return letters if len(letters) >= 3 else ""


def answer_variants(fact: FactData) -> tuple[tuple[str, float, str], ...]:
    """The answer and the forms a student may fairly type: without quotes or a leading “the”;
    a person's surname (with its particles: “de Vries”); another name of the place (“Kyiv”);
    a body's initials (“EIB”) and “X University” for “University of X”. The graders add the
    rest (articles, prepositions, spellings, numbers in any form). Duplicates are dropped."""
    match = MatchMode.FUZZY if fact.kind in NAME_KINDS else MatchMode.NORMALISED
    base = strip_quotes(squash_spaces(fact.answer)) or squash_spaces(fact.answer)
    candidates = [base, *sorted(forms(base, fact.kind) - {base}, key=lambda f: (-len(f), f))]
    if fact.kind == FactKind.PERSON:
        candidates = [
            c
            for c in candidates
            if c in (base, _LEADING_ARTICLE.sub("", base), surname(base)) or not surname(base)
        ]
    if fact.kind == FactKind.PLACE:
        candidates += list(gazetteer.alternative_names(base))
    if fact.kind == FactKind.ORGANISATION:
        core = _LEADING_ARTICLE.sub("", base)
        found = re.fullmatch(r"University of ([A-Z][\w-]+)", core)
        if found:
            candidates += [f"{found.group(1)} University", found.group(1)]
        if _acronym(core) and core.split()[-1].casefold() in _INSTITUTIONS:
            candidates.append(_acronym(core))
    words = base.split()
    if fact.kind == FactKind.THING and len(words) == 3 and base.islower():
        # “warm water” or “ocean water” for “warm ocean water”: one modifier may go (not with
        # an article, never a negation, never the head noun)
        for index in (0, 1):
            if not set(words) & _ARTICLES and words[index] not in {"no", "not", "non", "anti"}:
                candidates.append(" ".join(w for i, w in enumerate(words) if i != index))
    if fact.kind not in NAME_KINDS | {FactKind.NUMBER, FactKind.DATE} and len(words) >= 2:
        # the word the prompt already says: “confrontational” for “confrontational approach”
        # when asked how the approach was described
        asked = set(normalise_answer(fact.prompt).split())
        if normalise_answer(words[-1]) in asked and normalise_answer(words[-2]) not in _ARTICLES:
            candidates.append(" ".join(words[:-1]))
    year = _resolved_year(base, fact.published) if fact.kind == FactKind.DATE else None
    if year:
        candidates.append(str(year))  # “2008” for “last year” in a report of March 2009
    owner = re.match(r"^[A-Z][\w.-]*['’]s\s+(.+)$", base)
    if owner and fact.kind in (FactKind.EVENT, FactKind.THING):
        # “the invasion of Georgia” for “Moscow's invasion of Georgia”
        candidates += [f"the {owner.group(1)}", owner.group(1)]
    variants, seen = [], set()
    for text in candidates:
        norm = normalise_answer(text)
        if norm and norm not in seen:
            seen.add(norm)
            variants.append((text, 1.0, str(match)))
    return tuple(variants)


# --- distractors ---------------------------------------------------------------------------------

_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def _generated_candidates(fact: FactData, rng: random.Random) -> list[str]:
    """Wrong answers made rather than found: other weekdays and months, years and amounts
    clearly apart written like the answer (its unit kept), places GeoNames says a reader could
    mistake for this one."""
    answer = strip_quotes(squash_spaces(fact.answer))
    if fact.kind == FactKind.PLACE:
        items = quality.list_items(answer, fact.kind)
        if len(items) > 1:
            return []
        similar = gazetteer.similar_places(answer, limit=8)
        head, tail = similar[:4], similar[4:]
        rng.shuffle(head)
        return head + tail
    if fact.kind not in (FactKind.DATE, FactKind.NUMBER):
        return []
    words = set(re.findall(r"[a-z]+", answer.casefold()))
    if (
        fact.kind == FactKind.DATE
        and words & {w.casefold() for w in _WEEKDAY_NAMES}
        and len(words) == 1
    ):
        others = [d for d in _WEEKDAY_NAMES if d.casefold() not in words]
        rng.shuffle(others)
        return others
    if (
        fact.kind == FactKind.DATE
        and words & {m.casefold() for m in _MONTH_NAMES}
        and not re.search(r"\d", answer)
    ):
        month = next(i for i, m in enumerate(_MONTH_NAMES) if m.casefold() in words)
        return [
            answer.replace(_MONTH_NAMES[month], _MONTH_NAMES[(month + d) % 12])
            for d in (3, -2, 5, -4)
        ]
    read = read_number(answer)
    if not isinstance(read, ReadNumber) or read.in_words:
        return []
    values = distinct_values(read, count=4)
    return [rewrite_number(answer, read, value) for value in values]


def distractors_for(
    fact: FactData,
    pool: Sequence[FactData],
    *,
    stem: str,
    rng: random.Random,
    limit: int,
    context: quality.Context | None = None,
    avoid: str = "",
) -> list[str]:
    """Wrong answers of the answer's role and form: the fact's own extra distractors first (a
    teacher wrote them for it), then answers of other facts of the same article that fit, then
    made ones (weekdays, years and amounts written like the answer, places near it). Another
    article's answers only for a person of the same named office or a place of the same sort
    (its topic may be far off). Never one that equals, contains or is contained in the answer
    or another choice, or that stands in the stem or in `avoid` (the sentence of a statement)."""
    context = context or quality.Context.of([fact, *pool])
    info = quality.FactInfo(
        fact.key, fact.article_slug, fact.sentence, fact.answer, fact.kind, fact.prompt
    )
    same_article: list[str] = []
    elsewhere: list[str] = []
    for other in pool:
        if other.key == fact.key or other.kind != fact.kind or is_credit_line(other.sentence):
            continue
        text = strip_quotes(squash_spaces(other.answer))
        other_info = context.fact(other.key)
        if quality.option_misfit(text, info, context, candidate_fact=other_info):
            continue
        if other.article_slug == fact.article_slug:
            same_article.append(text)
        elif fact.kind == FactKind.PLACE:
            elsewhere.append(text)  # people and bodies of another story: the topic is off
    tiers = [sorted(set(same_article)), [], sorted(set(elsewhere))]
    for tier in tiers:
        rng.shuffle(tier)
    tiers[1] = _generated_candidates(fact, rng)
    extras = [squash_spaces(d) for d in fact.distractors]
    chosen: list[str] = []
    for tier_index, tier in enumerate([extras, *tiers]):
        for text in tier:
            if len(chosen) >= limit:
                return chosen
            text = strip_quotes(text) or text
            if not normalise_answer(text) or mentions(stem, text, fact.kind):
                continue
            if avoid and mentions(avoid, text, fact.kind):
                continue
            if overlaps(text, fact.answer, fact.kind):
                continue
            if any(overlaps(text, c, fact.kind) for c in chosen):
                continue
            if tier_index == 2 and quality.option_misfit(text, info, context):
                continue
            chosen.append(text)
    return chosen


def _quoted(sentence: str) -> str:
    """A sentence set inside “…”: its own double quotes become single ones (‘…’)."""
    text = squash_spaces(sentence)
    out, opening = [], True
    for index, char in enumerate(text):
        if char == '"':
            before = text[index - 1] if index else " "
            opening = before in " ([—-:" or index == 0
            out.append("‘" if opening else "’")
        else:
            out.append(char)
    return "".join(out)


def _explanation(fact: FactData) -> str:
    return f"According to {fact.source or 'the article'}: “{_quoted(fact.sentence)}”"


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
        f"{what} needs at least {needed} other {plural} like “{fact.answer}” (same role and "
        f"form); the article, the fact's extra distractors and the gazetteer give "
        f"{len(found)} ({listed})",
    )


def _too_long(fact: FactData, generator: str) -> Skip | None:
    answer = strip_quotes(fact.answer)
    items = quality.list_items(answer, fact.kind)
    if len(items) > 1:
        return Skip(
            fact.key, generator, "a list is not typed", f"“{answer}” is asked as multiple response"
        )
    if quality.word_count(answer) > quality.TYPED_WORDS_MAX:
        return Skip(
            fact.key,
            generator,
            "too long to type",
            f"“{answer}” has {quality.word_count(answer)} words; it is asked as a choice",
        )
    return None


# --- generators ----------------------------------------------------------------------------------


def generate_cloze(
    fact: FactData,
    pool: Sequence[FactData],
    *,
    seed: int = 0,
    context: quality.Context | None = None,
) -> list[Result]:
    long = _too_long(fact, "cloze")
    if long:
        return [long]
    text = _cloze_text(fact)
    if isinstance(text, Skip):
        return [_with_generator(text, "cloze")]
    return [_draft(fact, "cloze", QuestionKind.CLOZE, text, accepted_answers=answer_variants(fact))]


def _choice_stem(fact: FactData) -> str | Skip:
    if fact.prompt.strip() and not mentions(fact.prompt, fact.answer, fact.kind):
        return squash_spaces(fact.prompt)
    return _cloze_text(fact)


def generate_single_choice(
    fact: FactData,
    pool: Sequence[FactData],
    *,
    seed: int = 0,
    context: quality.Context | None = None,
) -> list[Result]:
    if len(quality.list_items(fact.answer, fact.kind)) > 1:
        return [
            Skip(
                fact.key,
                "single",
                "a list has several right answers",
                "it is asked as multiple response",
            )
        ]
    stem = _choice_stem(fact)
    if isinstance(stem, Skip):
        return [_with_generator(stem, "single")]
    rng = _rng(seed, fact)
    wrong = distractors_for(
        fact, pool, stem=stem, rng=rng, limit=DISTRACTORS_WANTED, context=context
    )
    if len(wrong) < DISTRACTORS_NEEDED:
        return [
            _with_generator(
                _too_few(fact, wrong, DISTRACTORS_NEEDED, "a single-choice question"), "single"
            )
        ]
    right = strip_quotes(fact.answer) or fact.answer
    with_the = sum(quality.article_class(w) == "the" for w in wrong)
    lone = fact.kind == FactKind.ORGANISATION and not quality.article_class(right)
    if lone and with_the * 2 > len(wrong) and not right.isupper():
        right = f"the {right}"  # not the only option without “the”
    choices = [(right, 1.0)] + [(w, 0.0) for w in wrong]
    rng.shuffle(choices)
    return [_draft(fact, "single", QuestionKind.SINGLE_CHOICE, stem, choices=tuple(choices))]


def generate_multiple_response(
    fact: FactData,
    pool: Sequence[FactData],
    *,
    seed: int = 0,
    context: quality.Context | None = None,
) -> list[Result]:
    """A sentence that lists several things of one kind (“Poland and the Czech Republic”): tick
    every one of them among as many wrong ones of their role. Each right one earns its share;
    each wrong one costs as much, so ticking everything earns nothing."""
    items = quality.list_items(fact.answer, fact.kind)
    if len(items) < 2:
        return []
    stem = _choice_stem(fact)
    if isinstance(stem, Skip):
        return [_with_generator(stem, "multi")]
    if not fact.prompt.strip():
        stem = f"{stem} (Choose every one that belongs in the gap.)"
    rng = _rng(seed, fact)
    # a teacher's extra lists (“Romania and Bulgaria”) give their items
    extras = tuple(i for d in fact.distractors for i in quality.list_items(d, fact.kind))
    wrong: list[str] = []
    for item in items:
        one = replace(fact, answer=item, prompt="", distractors=extras)
        found = distractors_for(
            one,
            pool,
            stem=stem,
            rng=rng,
            limit=len(items) + 2,
            context=context,
            avoid=fact.sentence,
        )
        for text in found:
            single = len(quality.list_items(text, fact.kind)) == 1
            if single and not any(overlaps(text, i, fact.kind) for i in items + wrong):
                wrong.append(text)
    wrong = wrong[: max(2, len(items))]
    if len(wrong) < 2:
        return [_with_generator(_too_few(fact, wrong, 2, "a multiple-response question"), "multi")]
    share = round(1 / len(items), 6)
    choices = [(i, share) for i in items] + [(w, -round(1 / len(wrong), 6)) for w in wrong]
    rng.shuffle(choices)
    return [_draft(fact, "multi", QuestionKind.MULTIPLE_RESPONSE, stem, choices=tuple(choices))]


TRUE_FALSE_CHOICES_TRUE = (("True", 1.0), ("False", 0.0))
TRUE_FALSE_CHOICES_FALSE = (("True", 0.0), ("False", 1.0))
_VERB_NUMBER = {"was": "were", "is": "are", "has": "have"}


def _fit_into(gapped: str, swapped: str) -> str:
    """The gapped sentence with `swapped` in its gap, articles agreeing: no “a the Kremlin”, no
    “the the BBC”, “an” before a vowel and “a” before a consonant."""
    before, after = gapped.split(BLANK, 1)
    article = re.search(r"\b(a|an|the)\s+([\"“‘']?)$", before, re.IGNORECASE)
    if article and _LEADING_ARTICLE.match(swapped):
        swapped = _LEADING_ARTICLE.sub("", swapped)
    if article and article.group(1).casefold() in ("a", "an"):
        vowel = swapped[:1].casefold() in "aeio" or swapped.casefold().startswith(("un", "hour"))
        word = (
            ("An" if vowel else "A") if article.group(1)[0].isupper() else ("an" if vowel else "a")
        )
        before = before[: article.start(1)] + word + before[article.end(1) :]
    if not before.strip():
        swapped = swapped[:1].upper() + swapped[1:]
    return before + swapped + after


def _false_number(fact: FactData, gapped: str, rng: random.Random) -> str | None:
    """A false statement from a number fact: a clearly different value, written like the
    answer with its unit, and a verb that agrees (“there were four agreements”)."""
    answer = strip_quotes(squash_spaces(fact.answer))
    read = read_number(answer)
    if not isinstance(read, ReadNumber):
        return None
    values = distinct_values(read, count=3)
    if not values:
        return None
    value = values[rng.randrange(len(values))]
    if not read.in_words:
        return _fit_into(gapped, rewrite_number(answer, read, value))
    words = answer.split()
    figure = format_like(value, read)
    new = [figure, *words[1:]]
    before, after = gapped.split(BLANK, 1)
    if read.value == 1 and value != 1 and len(new) > 1 and not new[-1].endswith("s"):
        new[-1] += "s"
        verb = re.search(r"\b(was|is|has)(\s+)$", before)
        if verb:
            before = before[: verb.start(1)] + _VERB_NUMBER[verb.group(1)] + verb.group(2)
    return _fit_into(before + BLANK + after, " ".join(new))


def generate_true_false(
    fact: FactData,
    pool: Sequence[FactData],
    *,
    seed: int = 0,
    context: quality.Context | None = None,
) -> list[Result]:
    """Two statements: the sentence as written (true) and the sentence with only the answer
    span swapped (false) for a wrong answer of the same role, or for a number clearly apart."""
    true_text = squash_spaces(fact.sentence)
    gapped = _cloze_text(fact)
    results: list[Result] = [
        _draft(fact, "tf-true", QuestionKind.TRUE_FALSE, true_text, choices=TRUE_FALSE_CHOICES_TRUE)
    ]
    if isinstance(gapped, Skip):
        return [*results, _with_generator(gapped, "tf-false")]
    rng = _rng(seed, fact)
    false_text = None
    items = quality.list_items(fact.answer, fact.kind)
    if fact.kind in (FactKind.NUMBER, FactKind.DATE) and not fact.distractors:
        false_text = _false_number(fact, gapped, rng)
    if false_text is None and len(items) > 1:
        last = FactData(
            fact.key, fact.article_slug, fact.sentence, items[-1], fact.kind, "", (), fact.source
        )
        # one item swapped for a place near it (“Poland and Slovakia”), not for another
        # country of the story that could never stand in the list
        wrong = [
            w
            for w in _generated_candidates(last, rng)
            if not mentions(fact.sentence, w, fact.kind) and not mentions(gapped, w, fact.kind)
        ][:1] or distractors_for(
            last, pool, stem=gapped, rng=rng, limit=1, context=context, avoid=fact.sentence
        )
        if wrong:
            answer = strip_quotes(squash_spaces(fact.answer))
            false_text = _fit_into(gapped, answer[: answer.rfind(items[-1])] + wrong[0])
    elif false_text is None:
        # the first wrong answer whose statement passes the checks (“Stockholm, Portugal” not)
        for candidate in distractors_for(
            fact, pool, stem=gapped, rng=rng, limit=4, context=context, avoid=fact.sentence
        ):
            text = _fit_into(gapped, candidate)
            draft = _draft(
                fact, "tf-false", QuestionKind.TRUE_FALSE, text, choices=TRUE_FALSE_CHOICES_FALSE
            )
            if not quality.question_quality(as_question_data(draft), context):
                false_text = text
                break
    if false_text is None:
        return [*results, _with_generator(_too_few(fact, [], 1, "a false statement"), "tf-false")]
    results.append(
        _draft(
            fact, "tf-false", QuestionKind.TRUE_FALSE, false_text, choices=TRUE_FALSE_CHOICES_FALSE
        )
    )
    return results


def generate_short_answer(
    fact: FactData,
    pool: Sequence[FactData],
    *,
    seed: int = 0,
    context: quality.Context | None = None,
) -> list[Result]:
    if not fact.prompt.strip():
        return [Skip(fact.key, "short", "no prompt", "a short-answer question asks the prompt")]
    long = _too_long(fact, "short")
    if long:
        return [long]
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


def generate_numeric(
    fact: FactData,
    pool: Sequence[FactData],
    *,
    seed: int = 0,
    context: quality.Context | None = None,
) -> list[Result]:
    """A number to type: the prompt (or the sentence with only the figure gapped), with the
    unit said (“(in billion tonnes)”), the value in that unit."""
    if fact.kind not in (FactKind.NUMBER, FactKind.DATE):
        return []
    read = read_number(fact.answer)
    if read is None:
        return [Skip(fact.key, "numeric", "no number can be read", f"in “{fact.answer}”")]
    if isinstance(read, str):
        return [Skip(fact.key, "numeric", f"{read} is not a quantity", f"“{fact.answer}”")]
    unit = read.unit_text
    if fact.prompt.strip():
        text = squash_spaces(fact.prompt)
        said = normalise_answer(text)
        if unit and not all(w.rstrip("s") in said for w in normalise_answer(unit).split()):
            text = f"{text} (in {unit})"
    else:
        gapped = _cloze_text(fact)
        if isinstance(gapped, Skip):
            return [_with_generator(gapped, "numeric")]
        answer = squash_spaces(fact.answer)
        if read.in_words or read.scale or read.currency:
            text = gapped + (f" (in {unit})" if unit else "")
        else:
            start, end = read.span
            before, after = gapped.split(BLANK, 1)
            text = before + answer[:start] + BLANK + answer[end:] + after
        if read.is_year:
            text += " (a year)"
    return [
        _draft(
            fact,
            "numeric",
            QuestionKind.NUMERIC,
            text,
            numeric_answer=read.mantissa,
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
    Generator("multi", QuestionKind.MULTIPLE_RESPONSE, generate_multiple_response),
    Generator("true-false", QuestionKind.TRUE_FALSE, generate_true_false),
    Generator("short", QuestionKind.SHORT_ANSWER, generate_short_answer),
    Generator("numeric", QuestionKind.NUMERIC, generate_numeric),
)
GENERATED_KINDS: tuple[str, ...] = tuple(str(g.kind) for g in GENERATORS)
# Made from several facts of an article (quizzes.services.arranged_generation), and only when
# asked for by name, so that a plain regeneration of the bank makes what it made before.
ARRANGED_KINDS: tuple[str, ...] = (str(QuestionKind.MATCHING), str(QuestionKind.ORDERING))
REFUSED = "the quality checks refused it"


@dataclass(frozen=True)
class ExistingQuestion:
    """A question already in the bank, as the twin checks need it."""

    key: str
    kind: str
    text: str
    fact_key: str | None
    generator: str = ""
    is_true: bool | None = None


def check_kinds(kinds: Iterable[str] | None) -> tuple[str, ...]:
    """The question kinds asked for, validated; all generated kinds when None."""
    if kinds is None:
        return GENERATED_KINDS
    kinds = tuple(kinds)
    unknown = [k for k in kinds if k not in GENERATED_KINDS + ARRANGED_KINDS]
    if unknown:
        raise ValueError(
            f"Unknown question kind(s): {', '.join(unknown)}. "
            f"Valid kinds: {', '.join(GENERATED_KINDS + ARRANGED_KINDS)}."
        )
    return kinds


def as_question_data(draft: QuestionDraft) -> quality.QuestionData:
    return quality.QuestionData(
        key=draft.key,
        kind=draft.kind,
        text=draft.text,
        choices=draft.choices,
        accepted_answers=draft.accepted_answers,
        numeric_answer=draft.numeric_answer,
        fact_key=draft.fact_key,
        generator=draft.generator,
        pairs=draft.pairs,
        extra_answers=draft.extra_answers,
        items=draft.items,
    )


def generate_for_fact(
    fact: FactData,
    pool: Sequence[FactData],
    *,
    kinds: Iterable[str] | None = None,
    seed: int = 0,
    context: quality.Context | None = None,
) -> list[Result]:
    """Every generator's drafts for one fact, each checked by `quality.question_quality`: a
    draft with a problem becomes a skip that names it."""
    wanted = check_kinds(kinds)
    if is_credit_line(fact.sentence):
        return [
            Skip(
                fact.key,
                "",
                "a credit line is not part of the report",
                "its names belong to the byline",
            )
        ]
    context = context or quality.Context.of([fact, *pool])
    results: list[Result] = []
    for generator in GENERATORS:
        if generator.kind not in wanted:
            continue
        for result in generator.make(fact, pool, seed=seed, context=context):
            if isinstance(result, QuestionDraft):
                problems = quality.question_quality(as_question_data(result), context)
                if problems:
                    result = Skip(fact.key, result.generator, REFUSED, "; ".join(problems))
            results.append(result)
    return results


def generate_bank(
    facts: Sequence[FactData],
    pool: Sequence[FactData] | None = None,
    *,
    kinds: Iterable[str] | None = None,
    seed: int = 0,
    existing: Sequence[ExistingQuestion] = (),
) -> list[Result]:
    """Every generator over every fact, in order, with what a bank needs on top of each draft:

    - no twin: a question whose text repeats an earlier one (two facts of one sentence give the
      same true statement), a question of a kind a teacher's own question already asks of the
      fact, and one that a fact told first by another article already gives, are skipped;
    - true and false statements even: per article, the surplus of either side is left out
      (seeded), so always answering one way scores half.
    """
    pool = facts if pool is None else pool
    context = quality.Context.of({f.key: f for f in [*pool, *facts]}.values())
    seen: dict[tuple[str, str], str] = {}
    hand_written: dict[tuple[str | None, str], str] = {}
    for question in existing:
        if not question.generator and question.fact_key:
            root = context.root(question.fact_key)
            hand_written.setdefault((root, question.kind), question.key)
    asked: dict[tuple[str | None, str, bool | None], str] = {}
    results: list[Result] = []
    for fact in facts:
        root = context.root(fact.key)
        for result in generate_for_fact(fact, pool, kinds=kinds, seed=seed, context=context):
            if isinstance(result, QuestionDraft):
                result = _unless_twin(result, fact, root, seen, hand_written, asked)
            results.append(result)
    wanted = check_kinds(kinds)
    if any(kind in wanted for kind in ARRANGED_KINDS):
        from quizzes.services.arranged_generation import generate_arranged

        for result in generate_arranged(facts, pool, kinds=wanted):
            if isinstance(result, QuestionDraft):
                problems = quality.question_quality(as_question_data(result), context)
                if problems:
                    result = Skip(result.fact_key, result.generator, REFUSED, "; ".join(problems))
            results.append(result)
    return _balanced_statements(results, facts, seed=seed)


def _unless_twin(
    draft: QuestionDraft,
    fact: FactData,
    root: str | None,
    seen: dict[tuple[str, str], str],
    hand_written: dict[tuple[str | None, str], str],
    asked: dict[tuple[str | None, str, bool | None], str],
) -> Result:
    text_key = (draft.kind, normalise_answer(draft.text))
    if text_key in seen:
        return Skip(
            fact.key,
            draft.generator,
            "same question as another fact's",
            f"“{draft.text[:60]}” is already {seen[text_key]}",
        )
    if (root, draft.kind) in hand_written:
        return Skip(
            fact.key,
            draft.generator,
            "a teacher's question already asks this",
            f"{hand_written[(root, draft.kind)]} asks the same fact as {draft.kind}",
        )
    truth = (
        dict(draft.choices).get("True", 0) > 0 if draft.kind == QuestionKind.TRUE_FALSE else None
    )
    if root != fact.key and (root, draft.kind, truth) in asked:
        return Skip(
            fact.key,
            draft.generator,
            "the same fact as another article's",
            f"{asked[(root, draft.kind, truth)]} already asks it",
        )
    seen[text_key] = draft.key
    asked.setdefault((root, draft.kind, truth), draft.key)
    return draft


def _balanced_statements(
    results: list[Result], facts: Sequence[FactData], *, seed: int
) -> list[Result]:
    article_of = {f.key: f.article_slug for f in facts}
    by_article: dict[str, dict[bool, list[QuestionDraft]]] = {}
    for r in results:
        if isinstance(r, QuestionDraft) and r.kind == QuestionKind.TRUE_FALSE:
            side = by_article.setdefault(article_of[r.fact_key], {True: [], False: []})
            side[dict(r.choices)["True"] > 0].append(r)
    dropped: dict[str, str] = {}
    for slug, sides in sorted(by_article.items()):
        surplus_side = len(sides[True]) > len(sides[False])
        more, fewer = sides[surplus_side], sides[not surplus_side]
        surplus = len(more) - len(fewer)
        if surplus <= 0:
            continue
        rng = random.Random(f"{seed}:{slug}:balance")
        for draft in rng.sample(more, surplus):
            dropped[draft.key] = (
                f"{len(fewer)} {'false' if surplus_side else 'true'} statement(s) to balance"
            )
    return [
        Skip(r.fact_key, r.generator, "true and false statements kept even", dropped[r.key])
        if isinstance(r, QuestionDraft) and r.key in dropped
        else r
        for r in results
    ]

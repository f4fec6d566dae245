"""Matching and ordering questions from the facts of one article (pure: no database).

- Matching: the prompts of an article's person facts (or place facts) as stems, each matched
  with the fact's answer: “Who was Clinton's predecessor as U.S. Secretary of State?” ↔
  Condoleezza Rice. An extra answer of the same kind from the pool, when one fits, matches no
  stem.
- Ordering: an article's dated facts in the order they happened, each item its sentence
  without the date, only when each date resolves to a day, a month or a year (weekdays and
  “last year” by the article's date) and no two of them overlap.

The quality rules of the other generators hold: no credit lines, no stem that names an answer
(its own or another's), no two answers that overlap (“Lavrov” and “Sergei Lavrov”), items and
stems short enough to read on a phone, and at least two stems or three items left.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from datetime import date, timedelta

from quizzes.models.bank import QuestionKind
from quizzes.models.content import FactKind
from quizzes.services.generation import (
    FactData,
    QuestionDraft,
    Result,
    Skip,
    is_credit_line,
    mentions,
    overlaps,
)
from quizzes.text import normalise_answer, squash_spaces

MATCHING_KINDS: dict[str, str] = {FactKind.PERSON: "person", FactKind.PLACE: "place"}
MAX_PAIRS = 5
MAX_ITEMS = 5
MAX_ITEM_WORDS = 16
MAX_STEM_WORDS = 18
TAGS: dict[str, str] = {FactKind.PERSON: "people", FactKind.PLACE: "places", FactKind.DATE: "dates"}


def _source(facts: Sequence[FactData]) -> str:
    return facts[0].source or facts[0].article_slug


def generate_matching(
    facts: Sequence[FactData], pool: Sequence[FactData] = (), *, kind: str
) -> list[Result]:
    """One matching question from the `kind` facts (person or place) of one article."""
    generator = f"matching-{MATCHING_KINDS[kind]}"
    candidates = [
        f
        for f in facts
        if f.kind == kind
        and f.prompt.strip().endswith("?")
        and not is_credit_line(f.sentence)
        and len(f.prompt.split()) <= MAX_STEM_WORDS
    ]
    if not candidates:
        return []
    chosen: list[FactData] = []
    for fact in candidates:
        if any(overlaps(fact.answer, c.answer, kind) for c in chosen):
            continue  # two answers one could take for the other
        chosen.append(fact)
    # No stem may name an answer, its own or another's: that would give the pairs away.
    answers = [c.answer for c in chosen]
    chosen = [c for c in chosen if not any(mentions(c.prompt, a, kind) for a in answers)]
    chosen = chosen[:MAX_PAIRS]
    first = candidates[0]
    if len(chosen) < 2:
        return [
            Skip(
                first.key,
                generator,
                "too few facts to match",
                f"{len(chosen)} {MATCHING_KINDS[kind]} fact(s) with a prompt that names no "
                "answer; a matching question needs 2",
            )
        ]
    extra = next(
        (
            p.answer
            for p in pool
            if p.kind == kind
            and p.article_slug != first.article_slug
            and not any(overlaps(p.answer, c.answer, kind) for c in chosen)
            and not any(mentions(c.prompt, p.answer, kind) for c in chosen)
        ),
        None,
    )
    what = "person" if kind == FactKind.PERSON else "place"
    names = "; ".join(f"{c.answer}: {c.prompt}" for c in chosen)
    return [
        QuestionDraft(
            key=f"{first.article_slug}:{generator}",
            kind=QuestionKind.MATCHING,
            text=f"Match each question with the {what} it asks about.",
            explanation=f"According to {_source(chosen)}: {names}",
            fact_key=first.key,
            generator=generator,
            pairs=tuple((c.prompt.strip(), c.answer) for c in chosen),
            extra_answers=(extra,) if extra else (),
            tags=(TAGS[kind],),
        )
    ]


_MONTHS = {name.casefold(): n for n, name in enumerate(calendar.month_name) if name}
_WEEKDAYS = {name.casefold(): n for n, name in enumerate(calendar.day_name)}
_RELATIVE_YEARS = {"last year": -1, "this year": 0}


def date_span(text: str, published: date | None) -> tuple[date, date] | None:
    """The first and last day a date answer can mean, or None when it is not exact enough
    (“later this month”, “by the end of the year”).

    >>> date_span("Friday", date(2009, 3, 7))
    (datetime.date(2009, 3, 6), datetime.date(2009, 3, 6))
    >>> date_span("last year", date(2009, 3, 7))
    (datetime.date(2008, 1, 1), datetime.date(2008, 12, 31))
    >>> date_span("March 2009", None)
    (datetime.date(2009, 3, 1), datetime.date(2009, 3, 31))
    """
    plain = normalise_answer(text)
    for word in ("on ", "in "):
        plain = plain.removeprefix(word)
    if plain in _WEEKDAYS and published is not None:
        back = (published.weekday() - _WEEKDAYS[plain]) % 7 or 7  # the last one before
        day = published - timedelta(days=back)
        return day, day
    if plain in _RELATIVE_YEARS and published is not None:
        year = published.year + _RELATIVE_YEARS[plain]
        return date(year, 1, 1), date(year, 12, 31)
    words = plain.split()
    month = next((_MONTHS[w] for w in words if w in _MONTHS), None)
    numbers = [int(w) for w in words if w.isdigit()]
    years = [n for n in numbers if 1000 <= n <= 2999]
    days = [n for n in numbers if 1 <= n <= 31]
    if len(years) != 1 or len(words) > 3:
        return None
    year = years[0]
    if month is None:
        return (date(year, 1, 1), date(year, 12, 31)) if len(words) == 1 else None
    if days:
        try:
            day = date(year, month, days[0])
        except ValueError:
            return None
        return day, day
    last = calendar.monthrange(year, month)[1]
    return date(year, month, 1), date(year, month, last)


_DATE_PREPOSITION = r"(?:\b(?:on|in|during|since|from)\s+)?"


def event_text(fact: FactData) -> str | None:
    """The fact's sentence without its date and final stop (“NATO agreed to resume formal ties
    with Russia”), or None when the date is not in it as written."""
    sentence = squash_spaces(fact.sentence)
    pattern = re.compile(_DATE_PREPOSITION + re.escape(fact.answer) + r",?\s*", re.IGNORECASE)
    if not pattern.search(sentence):
        return None
    text = pattern.sub("", sentence, count=1).strip().rstrip(".").strip()
    text = re.sub(r"\s+,", ",", text).strip(" ,")
    return text[:1].upper() + text[1:] if text else None


def generate_ordering(facts: Sequence[FactData]) -> list[Result]:
    """One ordering question from the dated facts of one article, earliest first."""
    generator = "ordering-dates"
    date_facts = [f for f in facts if f.kind == FactKind.DATE and not is_credit_line(f.sentence)]
    if not date_facts:
        return []
    dated = []
    for fact in date_facts:
        span = date_span(fact.answer, fact.published)
        text = event_text(fact)
        if span is None or text is None or len(text.split()) > MAX_ITEM_WORDS:
            continue
        dated.append((span, text, fact))
    # The most exact dates first: a date that overlaps one kept (“2009” and “Friday”) has no
    # sure place, so it is left out, and the coarser one goes.
    dated.sort(key=lambda row: (row[0][1] - row[0][0], row[0]))
    kept: list[tuple[tuple[date, date], str, FactData]] = []
    for row in dated:
        (start, end), text, _fact = row
        if any(start <= k[0][1] and k[0][0] <= end for k in kept):
            continue
        if any(normalise_answer(text) == normalise_answer(k[1]) for k in kept):
            continue
        kept.append(row)
    kept.sort(key=lambda row: row[0])
    kept = kept[:MAX_ITEMS]
    first = date_facts[0]
    if len(kept) < 3:
        return [
            Skip(
                first.key,
                generator,
                "too few dated facts to order",
                f"{len(kept)} with an exact, distinct date and a short sentence; ordering needs 3",
            )
        ]
    dates = "; ".join(f"{k[2].answer}: {k[1]}" for k in kept)
    return [
        QuestionDraft(
            key=f"{first.article_slug}:{generator}",
            kind=QuestionKind.ORDERING,
            text="Put these events in the order they happened, earliest first.",
            explanation=f"According to {_source([k[2] for k in kept])}: {dates}",
            fact_key=kept[0][2].key,
            generator=generator,
            items=tuple(k[1] for k in kept),
            tags=(TAGS[FactKind.DATE],),
        )
    ]


def generate_arranged(
    facts: Sequence[FactData], pool: Sequence[FactData] = (), *, kinds: Sequence[str]
) -> list[Result]:
    """Matching and ordering drafts (as `kinds` asks) for each article of `facts`."""
    by_article: dict[str, list[FactData]] = {}
    for fact in facts:
        by_article.setdefault(fact.article_slug, []).append(fact)
    results: list[Result] = []
    for article_facts in by_article.values():
        if QuestionKind.MATCHING in kinds:
            for kind in MATCHING_KINDS:
                results += generate_matching(article_facts, pool, kind=kind)
        if QuestionKind.ORDERING in kinds:
            results += generate_ordering(article_facts)
    return results

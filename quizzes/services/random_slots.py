"""Random slots: a place in a quiz that draws questions at random from a tag or an article.

- `slot_pools` reads the questions each slot may draw from: one query, whatever the number of
  slots. Every question of the bank is usable in a quiz (the bank's rules, `question_problems`,
  hold for every saved question), so a slot's pool is every question with its tag, or every
  question on a fact of its article.
- `draw` is the draw itself (pure): each slot in turn picks its questions with the attempt's
  random generator, never one that the quiz holds already or that an earlier slot drew.
- `random_slot_problems` says, before a quiz is published or saved, which slots could not draw
  (pure): a slot that asks for more than its pool holds once the quiz's own questions are left
  out, or slots on one source that ask for more than it holds together. Slots on two sources
  that share questions (a tag and an article) are only checked one source at a time: should
  their draws collide at a start, the start refuses cleanly (`NotEnoughQuestions`).
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import CharField, QuerySet, Value

from quizzes.models import Question, QuizRandomSlot
from quizzes.services.exceptions import NotEnoughQuestions

Source = tuple[str, int]  # ("tag", pk) or ("article", pk)


@dataclass(frozen=True)
class SlotSpec:
    """What the draw and the checks need of a slot, as plain data."""

    source: Source
    label: str  # "tag Geography"
    count: int


def slot_spec(slot: QuizRandomSlot) -> SlotSpec:
    """Load the slot with `select_related("tag", "article")`."""
    if slot.tag_id is not None:
        source: Source = ("tag", slot.tag_id)
    else:
        source = ("article", slot.article_id)  # type: ignore[assignment]
    return SlotSpec(source=source, label=slot.source_label, count=slot.count)


def source_pools(*, sources: Collection[Source]) -> dict[Source, frozenset[int]]:
    """The question ids of each source, in one query (none without sources)."""
    tag_ids = [pk for kind, pk in sources if kind == "tag"]
    article_ids = [pk for kind, pk in sources if kind == "article"]
    pools: dict[Source, set[int]] = defaultdict(set)
    parts: list[QuerySet[Any, Any]] = []
    if tag_ids:
        parts.append(
            Question.tags.through.objects.filter(tag_id__in=tag_ids)
            .order_by()
            .annotate(source_kind=Value("tag", output_field=CharField()))
            .values_list("source_kind", "tag_id", "question_id")  # type: ignore[misc]
        )
    if article_ids:
        parts.append(
            Question.objects.filter(fact__article_id__in=article_ids)
            .order_by()
            .annotate(source_kind=Value("article", output_field=CharField()))
            .values_list("source_kind", "fact__article_id", "pk")
        )
    if not parts:
        return {}
    rows = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    for kind, source_pk, question_pk in rows:
        pools[(kind, source_pk)].add(question_pk)
    return {source: frozenset(pools.get(source, ())) for source in sources}


def draw(
    *,
    slots: Sequence[SlotSpec],
    pools: dict[Source, frozenset[int]],
    exclude: Collection[int],
    rng: random.Random,
) -> list[list[int]]:
    """The question ids each slot draws, in slot order; raises `NotEnoughQuestions` when a slot's
    pool, less what the quiz holds and the earlier slots drew, is too small.

    >>> spec = SlotSpec(source=("tag", 1), label="tag T", count=2)
    >>> draw(slots=[spec, spec], pools={("tag", 1): frozenset({1, 2, 3, 4, 5})}, exclude={1},
    ...      rng=random.Random(7))
    [[4, 2], [5, 3]]
    """
    taken = set(exclude)
    draws = []
    for slot in slots:
        # Sorted: the same seed draws the same questions, whatever order the query returned.
        candidates = sorted(pools.get(slot.source, frozenset()) - taken)
        if len(candidates) < slot.count:
            raise NotEnoughQuestions(
                f"This quiz draws {slot.count} questions from {slot.label}, which has only "
                f"{len(candidates)} left to draw: ask your teacher to check the quiz."
            )
        picked = rng.sample(candidates, slot.count)
        taken.update(picked)
        draws.append(picked)
    return draws


def random_slot_problems(
    *, slots: Sequence[SlotSpec], pools: dict[Source, frozenset[int]], fixed: Collection[int]
) -> list[str]:
    """Why these slots could not draw, as messages for the teacher ([] when they can)."""
    problems = []
    asked: dict[Source, int] = defaultdict(int)
    labels: dict[Source, str] = {}
    for slot in slots:
        usable = len(pools.get(slot.source, frozenset()) - set(fixed))
        asked[slot.source] += slot.count
        labels[slot.source] = slot.label
        if slot.count > usable:
            problems.append(
                f"The slot draws {slot.count} from {slot.label}, which holds {usable} usable "
                f"question{'s' if usable != 1 else ''} (leaving out those the quiz asks anyway)."
            )
    for source, total in asked.items():
        usable = len(pools.get(source, frozenset()) - set(fixed))
        alone = [s.count for s in slots if s.source == source]
        if len(alone) > 1 and total > usable and all(count <= usable for count in alone):
            problems.append(
                f"The slots on {labels[source]} draw {total} in all, but it holds {usable} "
                "usable questions."
            )
    return problems


def quiz_slot_problems(*, slots: Sequence[SlotSpec], fixed: Collection[int]) -> list[str]:
    """`random_slot_problems` with the pools read from the database (one query, none without
    slots)."""
    if not slots:
        return []
    pools = source_pools(sources={slot.source for slot in slots})
    return random_slot_problems(slots=slots, pools=pools, fixed=fixed)

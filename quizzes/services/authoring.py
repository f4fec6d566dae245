"""Writing a question with its parts: the one path the importers (and the API) take.

`question_save` checks a question against `question_problems` (the rules the admin's formsets and
`loaddata` apply too) and the models' field rules, then writes the question, its choices, its
accepted answers and its tags in one transaction. A refusal is a `QuestionInvalid` whose
`messages` map each field to what is wrong with it, as a form or a serializer reports it.

Writes are shaped for bulk imports: `question_prepare` checks a question and builds its rows
without writing, and `questions_create` writes many new ones in a few queries per batch; tags
are resolved by the caller once per import (`tags_named`), and nothing is read that the caller
could prefetch. `question_save` is the two in one, for one question.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from quizzes.models import AcceptedAnswer, Choice, MatchMode, MatchPair, OrderingItem, Question, Tag
from quizzes.services.questions import part_fields, question_problems

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# The question's own columns that `fields` may set (anything else in `fields` is ignored).
QUESTION_FIELDS = (
    "key",
    "kind",
    "text",
    "explanation",
    "fact",
    "default_marks",
    "numeric_answer",
    "numeric_tolerance",
    "all_or_nothing",
    "shared_answers",
)
TAG_LENGTH = 60  # Tag.slug and Tag.name


class QuestionInvalid(ValidationError):
    """A question the rules refuse; `messages` maps each field to its messages."""

    def __init__(self, messages: Mapping[str, list[str]]):
        self.field_messages = {field: list(texts) for field, texts in messages.items()}
        super().__init__(self.field_messages)

    def summary(self) -> str:
        """One line: “choices: Two choices say the same thing: “Paris”.; text: …”."""
        return "; ".join(
            f"{field}: {' '.join(texts)}" for field, texts in self.field_messages.items()
        )


def tag_slug(name: str) -> str:
    """The slug a tag name is stored under: `slugify`, or for a name with no ASCII letters or
    digits ("Женева"), one made from its digest, so that it stays the same name's tag.

    >>> tag_slug("Cold war")
    'cold-war'
    >>> tag_slug("Женева")
    'tag-cdca34f143'
    """
    slug = slugify(name)[:TAG_LENGTH].strip("-")
    if slug:
        return slug
    return "tag-" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:10]


def tags_named(names: Iterable[str]) -> dict[str, Tag]:
    """The tags with these names (by slug), created when missing: name -> Tag, in two queries
    whatever the number of names. A name longer than a tag holds raises `QuestionInvalid`."""
    names = list(dict.fromkeys(n.strip() for n in names if n.strip()))
    long = [n for n in names if len(n) > TAG_LENGTH]
    if long:
        raise QuestionInvalid(
            {"tags": [f"A tag has at most {TAG_LENGTH} characters: “{n}”." for n in long]}
        )
    slugs = {name: tag_slug(name) for name in names}
    found = {tag.slug: tag for tag in Tag.objects.filter(slug__in=set(slugs.values()))}
    missing = {slug: name for name, slug in slugs.items() if slug not in found}
    if missing:
        created = Tag.objects.bulk_create(
            [Tag(slug=slug, name=name) for slug, name in missing.items()]
        )
        found.update({tag.slug: tag for tag in created})
    return {name: found[slug] for name, slug in slugs.items()}


def _marks(value: Any) -> Decimal | None:
    try:
        marks = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return None
    return marks if marks.is_finite() else None


@dataclass
class PreparedQuestion:
    """A question checked and ready to write: the model instance and its rows (unsaved)."""

    question: Question
    current: Question | None
    fields: Mapping[str, Any]
    tags: Sequence[Tag] | None
    choices: list[Choice]
    accepted_answers: list[AcceptedAnswer]
    pairs: list[MatchPair]
    items: list[OrderingItem]
    writes_pairs: bool

    @property
    def creating(self) -> bool:
        return self.current is None


def question_save(
    *,
    fields: Mapping[str, Any],
    question: Question | None = None,
    tags: Sequence[Tag] | None = None,
    owner: User | None = None,
) -> Question:
    """Create a question (or change `question`) from `fields` and write it with its parts.

    `fields` holds the question's columns (`QUESTION_FIELDS`) and its parts: `choices` (mappings
    with `text`, `fraction`, `feedback`, and `id` to keep an existing choice, whose id attempts
    refer to), `accepted_answers` (`text`, `fraction`, `match`), and for matching and ordering
    `pairs` (`stem`, `answer`), `extra_answers` (texts) and `items` (texts, in the right order),
    as `to_bank` gives them. On a change, a part left out of `fields` is kept as it is; `tags`
    None keeps the tags (a new question gets none).
    Prefetch `choices`, `accepted_answers` and `tags` on `question` to save the queries.

    Raises `QuestionInvalid` (field -> messages) before anything is written.
    """
    prepared = question_prepare(fields=fields, question=question, tags=tags, owner=owner)
    with transaction.atomic():
        _write(prepared)
    return prepared.question


def questions_create(prepared: Sequence[PreparedQuestion]) -> list[Question]:
    """Write new questions that `question_prepare` checked, all at once: a few queries per
    batch of 500, whatever the number of questions (an import's thousands)."""
    if any(not p.creating for p in prepared):
        raise ValueError("questions_create writes new questions only; use question_save.")
    with transaction.atomic():
        questions = Question.objects.bulk_create([p.question for p in prepared], batch_size=500)
        for model, part in (
            (Choice, "choices"),
            (AcceptedAnswer, "accepted_answers"),
            (MatchPair, "pairs"),
            (OrderingItem, "items"),
        ):
            # bulk_create takes each row's question id from its (now saved) question.
            rows = [row for p in prepared for row in getattr(p, part)]
            model.objects.bulk_create(rows, batch_size=1000)
        through = Question.tags.through
        through.objects.bulk_create(
            [
                through(question=p.question, tag=tag)
                for p in prepared
                for tag in dict.fromkeys(p.tags or ())
            ],
            batch_size=1000,
        )
    return questions


def question_prepare(
    *,
    fields: Mapping[str, Any],
    question: Question | None = None,
    tags: Sequence[Tag] | None = None,
    owner: User | None = None,
) -> PreparedQuestion:
    """Check a question as `question_save` does and build its rows, writing nothing.
    Raises `QuestionInvalid`."""
    creating = question is None
    current = question
    if "choices" in fields:
        choices = [dict(c) for c in fields["choices"]]
    elif current is not None:
        choices = [
            {"id": c.pk, "text": c.text, "fraction": c.fraction, "feedback": c.feedback}
            for c in current.choices.all()
        ]
    else:
        choices = []
    if "accepted_answers" in fields:
        accepted = [dict(a) for a in fields["accepted_answers"]]
    elif current is not None:
        accepted = [
            {"text": a.text, "fraction": a.fraction, "match": a.match}
            for a in current.accepted_answers.all()
        ]
    else:
        accepted = []
    if current is not None:
        saved_parts = part_fields(
            pairs=[
                {"stem": p.stem, "answer": p.answer, "order": p.order}
                for p in current.match_pairs.all()
            ],
            items=[{"text": i.text, "order": i.order} for i in current.ordering_items.all()],
        )
    else:
        saved_parts = {"pairs": [], "extra_answers": [], "items": []}
    writes_pairs = creating or "pairs" in fields or "extra_answers" in fields
    pairs = [dict(p) for p in fields.get("pairs", saved_parts["pairs"])]
    extra = [str(e) for e in fields.get("extra_answers", saved_parts["extra_answers"])]
    items = [str(i) for i in fields["items"]] if "items" in fields else saved_parts["items"]

    if question is None:
        question = Question(owner=owner)
    for name in QUESTION_FIELDS:
        if name in fields:
            setattr(question, name, fields[name])
    if "default_marks" in fields:
        question.default_marks = _marks(fields["default_marks"])  # type: ignore[assignment]

    problems = question_problems(
        kind=question.kind or "",
        text=question.text or "",
        choices=choices,
        accepted_answers=accepted,
        numeric_answer=question.numeric_answer,
        pairs=pairs,
        extra_answers=extra,
        items=items,
        all_or_nothing=bool(question.all_or_nothing),
        shared_answers=bool(question.shared_answers),
    )

    def add(field: str, message: str) -> None:
        problems.setdefault(field, []).append(message)

    # The models' check constraints, said here: `full_clean` below leaves them to the database
    # (Django checks each with a query of its own, per row: 5,000 imported questions would pay
    # for tens of thousands of queries to learn what these lines say).
    marks: Decimal | None = question.default_marks  # None when `_marks` could not read it
    if marks is None:
        add("default_marks", "The default mark must be a number.")
    elif marks < 0:
        add("default_marks", "The default mark cannot be negative.")
    tolerance = question.numeric_tolerance
    if tolerance is None or not math.isfinite(float(tolerance)) or float(tolerance) < 0:
        add("numeric_tolerance", "The tolerance must be a number of 0 or more.")
    known = {c.pk for c in current.choices.all()} if current is not None else set()
    kept = [c["id"] for c in choices if c.get("id") is not None]
    if any(pk not in known for pk in kept) or len(kept) != len(set(kept)):
        add("choices", "A choice id must be one of this question's choices, at most once.")
    if problems:
        raise QuestionInvalid(problems)

    choice_rows = [
        Choice(
            question=question,
            pk=c.get("id"),
            text=str(c["text"]),
            fraction=float(c.get("fraction", 0)),
            feedback=str(c.get("feedback") or ""),
            order=order,
        )
        for order, c in enumerate(choices, start=1)
    ]
    answer_rows = [
        AcceptedAnswer(
            question=question,
            text=str(a["text"]),
            fraction=float(a.get("fraction", 1)),
            match=a.get("match") or MatchMode.NORMALISED,
            order=order,
        )
        for order, a in enumerate(accepted, start=1)
    ]
    pair_rows = [
        MatchPair(question=question, stem=str(p["stem"]), answer=str(p["answer"]), order=order)
        for order, p in enumerate(pairs)
    ] + [
        MatchPair(question=question, stem="", answer=answer, order=len(pairs) + order)
        for order, answer in enumerate(extra)
    ]
    item_rows = [
        OrderingItem(question=question, text=text, order=order) for order, text in enumerate(items)
    ]
    _full_clean(
        question,
        choices=choice_rows,
        accepted_answers=answer_rows,
        pairs=pair_rows,
        items=item_rows,
    )
    return PreparedQuestion(
        question=question,
        current=current,
        fields=fields,
        tags=tags,
        choices=choice_rows,
        accepted_answers=answer_rows,
        pairs=pair_rows,
        items=item_rows,
        writes_pairs=writes_pairs,
    )


def _write(prepared: PreparedQuestion) -> None:
    question, current, fields = prepared.question, prepared.current, prepared.fields
    creating = current is None
    question.save()  # for an edit, its post_save makes the next start take a new version
    if creating or "choices" in fields:
        _write_choices(question, prepared.choices, replacing=not creating)
    if creating or "accepted_answers" in fields:
        if not creating:
            question.accepted_answers.all().delete()
        AcceptedAnswer.objects.bulk_create(prepared.accepted_answers)
    if prepared.writes_pairs:
        _replace_rows(question, MatchPair, prepared.pairs, saved=current and current.match_pairs)
    if creating or "items" in fields:
        _replace_rows(
            question, OrderingItem, prepared.items, saved=current and current.ordering_items
        )
    if prepared.tags is not None:
        if creating:
            through = Question.tags.through
            through.objects.bulk_create(
                [through(question=question, tag=tag) for tag in dict.fromkeys(prepared.tags)]
            )
        else:
            question.tags.set(prepared.tags)


def _full_clean(question: Question, **parts: list) -> None:
    """The models' field rules (lengths, kinds, match modes), all messages at once, by field."""
    problems: dict[str, list[str]] = {}
    try:
        # The key's uniqueness is the caller's lookup (and a unique index); see above for the
        # constraints.
        question.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        for field, texts in error.message_dict.items():
            problems.setdefault(field, []).extend(texts)
    for part, rows in parts.items():
        for index, row in enumerate(rows, start=1):
            try:
                row.full_clean(
                    exclude=["question"], validate_unique=False, validate_constraints=False
                )
            except ValidationError as error:
                for field, texts in error.message_dict.items():
                    problems.setdefault(part, []).extend(f"#{index} {field}: {t}" for t in texts)
    if problems:
        raise QuestionInvalid(problems)


def _write_choices(question: Question, rows: list[Choice], *, replacing: bool) -> None:
    """The choices in their order; a row with an id updates that choice (attempts refer to it),
    the others are new, and the question's other choices are deleted."""
    kept = [row for row in rows if row.pk is not None]
    new = [row for row in rows if row.pk is None]
    if replacing:
        question.choices.exclude(pk__in=[row.pk for row in kept]).delete()
    if kept:
        # Two passes, so that reordering never collides on (question, order).
        shift = 1_000_000  # above any order a question has
        for row in kept:
            row.order += shift
        Choice.objects.bulk_update(kept, ["text", "fraction", "feedback", "order"])
        for row in kept:
            row.order -= shift
        Choice.objects.bulk_update(kept, ["order"])
    Choice.objects.bulk_create(new)


def _replace_rows(
    question: Question,
    model: type[MatchPair] | type[OrderingItem],
    rows: Sequence[MatchPair | OrderingItem],
    *,
    saved: Any,
) -> None:
    """Replace the question's `model` rows with `rows`; a row that says what a saved one said
    keeps its primary key (snapshots name stems and items by it)."""
    if saved is not None:
        free: dict[tuple, list[int]] = {}
        for old in saved.all():
            free.setdefault(_row_content(old), []).append(old.pk)
        for row in rows:
            pks = free.get(_row_content(row))
            if pks:
                row.pk = pks.pop(0)
        model.objects.filter(question=question).delete()
    model.objects.bulk_create(rows)  # type: ignore[arg-type]


def _row_content(row: MatchPair | OrderingItem) -> tuple:
    if isinstance(row, MatchPair):
        return (row.stem, row.answer)
    return (row.text,)

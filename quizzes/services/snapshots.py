"""A question frozen as a student was shown it, and the part of it a student may see.

A `Response` keeps its question's snapshot, so editing or deleting the question later never
changes a finished attempt's score or review.
"""

import random

from django.utils.crypto import salted_hmac

from quizzes.models import Question, QuestionKind

_PART_ID_SALT = "quizzes.snapshots.part-id"


def part_id(question: Question, prefix: str, value: object) -> str:
    """An opaque id for a stem, an answer or an item of `question`: the same every time, but
    nothing in it tells a stem's answer or an item's place (a keyed hash, not a position or
    a primary key, which would follow the order the teacher typed them in)."""
    digest = salted_hmac(_PART_ID_SALT, f"{question.key}|{prefix}|{value}").hexdigest()
    return f"{prefix}{digest[:10]}"


def part_ids(question: Question) -> list[str]:
    """What an attempt shuffles for a matching question (its answer ids) or an ordering
    question (its item ids), in the bank's order."""
    if question.kind == QuestionKind.MATCHING:
        return [a["id"] for a in _matching(question)["answers"]]
    if question.kind == QuestionKind.ORDERING:
        return [part_id(question, "i", item.pk) for item in question.ordering_items.all()]
    return []


def stem_ids(question: Question) -> list[str]:
    """The ids of a matching question's stems, as its snapshot names them."""
    if question.kind != QuestionKind.MATCHING:
        return []
    return [p["id"] for p in _matching(question)["pairs"]]


def shuffled_parts(ids: list[str], rng: random.Random) -> list[str]:
    """`ids` shuffled, never left as they were (the bank's order is the answer's order)."""
    shown = list(ids)
    rng.shuffle(shown)
    if len(shown) > 1 and shown == list(ids):
        shown = shown[1:] + shown[:1]
    return shown


def _in_order(parts: list[dict], order: list[str] | None, question: Question) -> list[dict]:
    if order is None:  # no attempt's layout (a preview, an export): shuffled by the key alone
        order = shuffled_parts([p["id"] for p in parts], random.Random(question.key))
    position = {part: index for index, part in enumerate(order)}
    return sorted(parts, key=lambda p: position.get(p["id"], len(position)))


def _matching(question: Question) -> dict:
    rows = list(question.match_pairs.all())
    answers: dict[str, dict] = {}
    for row in rows:  # one answer per distinct text: stems that share it share its id
        answers.setdefault(
            row.answer, {"id": part_id(question, "a", row.answer), "text": row.answer}
        )
    return {
        "pairs": [
            {
                "id": part_id(question, "s", row.pk),
                "stem": row.stem,
                "answer": row.answer,
                "answer_id": answers[row.answer]["id"],
            }
            for row in rows
            if row.stem
        ],
        "extra_answers": [row.answer for row in rows if not row.stem],
        "answers": list(answers.values()),
    }


def _ordering(question: Question) -> dict:
    items = [
        {"id": part_id(question, "i", item.pk), "text": item.text}
        for item in question.ordering_items.all()
    ]
    return {"items": [i["text"] for i in items], "item_ids": [i["id"] for i in items]}


def part_snapshot(question: Question, *, part_order: list[str] | None = None) -> dict:
    """The matching or ordering part of a snapshot (empty lists for the other kinds).

    - `pairs`: [{"id" (the stem's), "stem", "answer", "answer_id"}], in the bank's order;
      `extra_answers`: [text]; `answers`: [{"id", "text"}], every answer once, as shown.
    - `items`: [text] in the right order, `item_ids` their ids in that order, and
      `shown_items`: [{"id", "text"}] as shown (never in the right order).
    `part_order` is the attempt's shuffle of `part_ids(question)`.
    """
    parts: dict = {
        "pairs": [],
        "extra_answers": [],
        "answers": [],
        "items": [],
        "item_ids": [],
        "shown_items": [],
        "all_or_nothing": question.all_or_nothing,
    }
    if question.kind == QuestionKind.MATCHING:
        matching = _matching(question)
        parts.update(matching, answers=_in_order(matching["answers"], part_order, question))
    elif question.kind == QuestionKind.ORDERING:
        ordering = _ordering(question)
        shown = [
            {"id": i, "text": t}
            for i, t in zip(ordering["item_ids"], ordering["items"], strict=False)
        ]
        parts.update(ordering, shown_items=_in_order(shown, part_order, question))
    return parts


def question_snapshot(
    question: Question,
    *,
    choice_order: list[int] | None = None,
    part_order: list[str] | None = None,
) -> dict:
    """The question as plain data. Fetch it with `Question.objects.with_parts()`.

    `choice_order` lists the choice ids in display order (an attempt's shuffled layout); choices
    it leaves out follow in their own order. `part_order` does the same for the answers of a
    matching question and the items of an ordering one (see `part_snapshot`).
    """
    choices = list(question.choices.all())
    if choice_order is not None:
        position = {choice_id: index for index, choice_id in enumerate(choice_order)}
        choices.sort(key=lambda c: (position.get(c.pk, len(position)), c.order, c.pk))
    fact = question.fact
    return {
        "id": question.pk,
        "key": question.key,
        "kind": question.kind,
        "text": question.text,
        "explanation": question.explanation,
        "choices": [
            {"id": c.pk, "text": c.text, "fraction": c.fraction, "feedback": c.feedback}
            for c in choices
        ],
        "accepted_answers": [
            {"text": a.text, "fraction": a.fraction, "match": a.match}
            for a in question.accepted_answers.all()
        ],
        "numeric": (
            {"value": question.numeric_answer, "tolerance": question.numeric_tolerance}
            if question.numeric_answer is not None
            else None
        ),
        **part_snapshot(question, part_order=part_order),
        "fact": (
            {
                "key": fact.key,
                "sentence": fact.sentence,
                "answer": fact.answer,
                "article_slug": fact.article.slug,
                "article_title": fact.article.title,
            }
            if fact is not None
            else None
        ),
    }


def public_question(snapshot: dict) -> dict:
    """What a student may see while answering: nothing that reveals correctness."""
    public = {
        "id": snapshot["id"],
        "kind": snapshot["kind"],
        "text": snapshot["text"],
        "choices": [{"id": c["id"], "text": c["text"]} for c in snapshot.get("choices") or []],
    }
    if snapshot["kind"] == QuestionKind.MATCHING:
        public["stems"] = [{"id": p["id"], "text": p["stem"]} for p in snapshot["pairs"]]
        public["answers"] = [{"id": a["id"], "text": a["text"]} for a in snapshot["answers"]]
    elif snapshot["kind"] == QuestionKind.ORDERING:
        public["items"] = [{"id": i["id"], "text": i["text"]} for i in snapshot["shown_items"]]
    return public


def regraded_snapshot(snapshot: dict, question: Question) -> dict:
    """`snapshot` with its grading data re-read from the question as it is now.

    What the student was shown (text, choice texts and order) stays; fractions, feedback,
    accepted answers and the numeric value come from the current question. Choices deleted since
    keep their old data.
    """
    current = question_snapshot(question, choice_order=[c["id"] for c in snapshot["choices"]])
    now_by_id = {c["id"]: c for c in current["choices"]}
    choices = []
    for shown in snapshot["choices"]:
        live = now_by_id.get(shown["id"])
        choices.append(
            {**shown, "fraction": live["fraction"], "feedback": live["feedback"]} if live else shown
        )
    return {
        **snapshot,
        **_regraded_parts(snapshot, current),
        "choices": choices,
        "accepted_answers": current["accepted_answers"],
        "numeric": current["numeric"],
        "explanation": current["explanation"],
    }


def _regraded_parts(snapshot: dict, current: dict) -> dict:
    """The right pairs and order re-read, for the stems, answers and items the student was
    shown: a stem whose answer now is one they were not offered, and items added or removed
    since, keep the old data."""
    if snapshot["kind"] == QuestionKind.MATCHING and snapshot.get("pairs"):
        offered = {a["id"] for a in snapshot["answers"]}
        live = {p["id"]: p for p in current["pairs"] if p["answer_id"] in offered}
        pairs = [
            {
                **shown,
                "answer": live[shown["id"]]["answer"],
                "answer_id": live[shown["id"]]["answer_id"],
            }
            if shown["id"] in live
            else shown
            for shown in snapshot["pairs"]
        ]
        return {"pairs": pairs, "all_or_nothing": current["all_or_nothing"]}
    if snapshot["kind"] == QuestionKind.ORDERING and snapshot.get("item_ids"):
        if set(current["item_ids"]) != set(snapshot["item_ids"]):
            return {}
        text = dict(zip(snapshot["item_ids"], snapshot["items"], strict=False))
        return {
            "item_ids": current["item_ids"],
            "items": [text[i] for i in current["item_ids"]],
            "all_or_nothing": current["all_or_nothing"],
        }
    return {}

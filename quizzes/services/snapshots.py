"""A question frozen as a student was shown it, and the part of it a student may see.

A `Response` keeps its question's snapshot, so editing or deleting the question later never
changes a finished attempt's score or review.
"""

from quizzes.models import Question


def question_snapshot(question: Question, *, choice_order: list[int] | None = None) -> dict:
    """The question as plain data. Fetch it with `Question.objects.with_parts()`.

    `choice_order` lists the choice ids in display order (an attempt's shuffled layout); choices
    it leaves out follow in their own order.
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
    return {
        "id": snapshot["id"],
        "kind": snapshot["kind"],
        "text": snapshot["text"],
        "choices": [{"id": c["id"], "text": c["text"]} for c in snapshot.get("choices") or []],
    }


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
        "choices": choices,
        "accepted_answers": current["accepted_answers"],
        "numeric": current["numeric"],
        "explanation": current["explanation"],
    }

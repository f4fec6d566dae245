"""A quiz with a question of every kind, and a student who answers all of them wrongly.

Each question's right answers, feedback, explanation and source sentence are texts of their own
(or, with `naming=True`, texts that name the right answer, as the demo's do), so that a test can
tell which review option let a text through.
"""

from django.utils import timezone

from quizzes.models import REVIEW_OPTIONS, Attempt, Choice, QuestionKind, Quiz, ReviewMoment
from quizzes.services.attempts import attempt_save_answer, attempt_start
from tests.factories import FactFactory, QuestionFactory, QuizFactory

ALWAYS = sum(ReviewMoment.values)
OPTIONS = tuple(option for option, _label, _governs in REVIEW_OPTIONS[1:])  # all but "attempt"


# kind -> (text, parts as (text, fraction), the wrong answer as choice texts or a value).
KINDS = {
    QuestionKind.SINGLE_CHOICE: (
        "Which city hosted the talks?",
        [("Genf-SC", 1), ("Paris-SC", 0), ("Rome-SC", 0), ("Oslo-SC", 0)],
        ["Paris-SC"],
    ),
    QuestionKind.MULTIPLE_RESPONSE: (
        "Which two countries would host the shield?",
        [("Polska-MR", 0.5), ("Czechia-MR", 0.5), ("Hungary-MR", -0.5), ("Romania-MR", -0.5)],
        ["Hungary-MR", "Romania-MR"],
    ),
    QuestionKind.TRUE_FALSE: (
        "The button said reset in Russian.",
        [("True", 0), ("False", 1)],
        ["True"],
    ),
    QuestionKind.SHORT_ANSWER: (
        "Which word was printed on the button?",
        [("Peregruzka-SA", 1), ("overcharged-SA", 1)],
        "Perestroika",
    ),
    QuestionKind.NUMERIC: ("In which year was the treaty first signed?", [], 1917),
    QuestionKind.CLOZE: (
        "Clinton gave the button to _____ at dinner.",
        [("Lavrov-CZ", 1)],
        "Medvedev",
    ),
    QuestionKind.MATCHING: (
        "Match each minister with the country they spoke for.",
        [("Lavrov-MT", "Russia-MT"), ("Clinton-MT", "America-MT"), ("", "France-MT")],
        "each stem given another stem's answer",
    ),
    QuestionKind.ORDERING: (
        "Put the evening's events in order.",
        ["Arrival-OR", "Dinner-OR", "Button-OR"],
        "the items reversed",
    ),
}


def _make_question(kind, n: int, *, naming: bool):
    """One question of `kind`. With `naming`, its feedback, explanation and sentence name the
    right answer (as the demo's do); otherwise each is a text of its own, so that each option's
    texts can be told apart."""
    text, parts, _wrong = KINDS[kind]
    right = {
        QuestionKind.SINGLE_CHOICE: "Genf-SC",
        QuestionKind.MULTIPLE_RESPONSE: "Polska-MR",
        QuestionKind.TRUE_FALSE: "reset meant overload",
        QuestionKind.SHORT_ANSWER: "Peregruzka-SA",
        QuestionKind.NUMERIC: "1991",
        QuestionKind.CLOZE: "Lavrov-CZ",
        QuestionKind.MATCHING: "Russia-MT",
        QuestionKind.ORDERING: "Arrival-OR",
    }[kind]
    if naming:
        sentence = f"The report of question {n} says it was {right}."
        explanation = f"According to the report: “it was {right}”."
    else:
        sentence = f"Source sentence of question {n}, as the article printed it."
        explanation = f"General feedback of question {n}."
    extra = {"numeric_answer": 1991, "numeric_tolerance": 0} if kind == QuestionKind.NUMERIC else {}
    question = QuestionFactory(
        kind=kind,
        text=text,
        parts=parts,
        explanation=explanation,
        fact=FactFactory(sentence=sentence, answer=right),
        **extra,
    )
    for choice in question.choices.all():
        choice.feedback = (
            f"No: the report names {right}." if naming else f"Specific feedback {n}.{choice.order}"
        )
        choice.save()
    return question


def _wrong_answer(question, snapshot):
    if question.kind == QuestionKind.MATCHING:
        pairs = snapshot["pairs"]
        return {p["id"]: pairs[(n + 1) % len(pairs)]["answer_id"] for n, p in enumerate(pairs)}
    if question.kind == QuestionKind.ORDERING:
        return list(reversed(snapshot["item_ids"]))
    wrong = KINDS[question.kind][2]
    if not isinstance(wrong, list):
        return wrong
    ids = [Choice.objects.get(question=question, text=text).pk for text in wrong]
    return ids if question.kind == QuestionKind.MULTIPLE_RESPONSE else ids[0]


def every_kind_quiz(*, off=(), naming=False, **fields) -> Quiz:
    questions = [_make_question(kind, n, naming=naming) for n, kind in enumerate(KINDS, start=1)]
    settings = {f"review_{option}": 0 if option in off else ALWAYS for option in OPTIONS}
    return QuizFactory(questions=questions, shuffle_choices=False, **settings, **fields)


def answered_wrongly(quiz, user) -> Attempt:
    now = timezone.now()
    attempt, _ = attempt_start(quiz=quiz, user=user, now=now)
    for response in attempt.responses.all():
        question = response.question
        attempt_save_answer(
            attempt=attempt,
            question_id=question.pk,
            answer=_wrong_answer(question, response.snapshot),
            now=now,
        )
    return attempt

"""Export then import gives back equal questions, at the database level: questions of every
kind are saved, exported as GIFT or Moodle XML, imported under a fresh tag and compared (kind,
text, choices with fractions and feedback, explanation, accepted answers, numeric value and
tolerance, pairs, extra answers, items, all or nothing, tags). The demo bank does the same."""

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizzes.models import MatchMode, Question, QuestionKind
from quizzes.services.authoring import question_save, tags_named
from quizzes.services.interchange import export_questions, import_questions
from quizzes.text import normalise_answer

pytestmark = pytest.mark.django_db

COPY = "round trip"
PROPERTY = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

WORDS = ["Geneva", "Lavrov", "Clinton", "button", "reset", "START", "2009", "Medvedev", "Obama"]
# The characters GIFT and Moodle XML treat specially, and a space.
SPECIALS = [*"~=#{}:\\%[]*&<>\"'/;,.!?- "]
TAGS = ["geneva", "Reset button", "cold war", "START", "people"]


def texts(min_words=1, max_words=4):
    """A text a teacher could type: words and marks, no surrounding spaces, no gap."""
    word = st.sampled_from(WORDS)
    mark = st.lists(st.sampled_from(SPECIALS), max_size=3).map("".join)
    return (
        st.lists(st.tuples(word, mark), min_size=min_words, max_size=max_words)
        .map(lambda parts: " ".join(w + m for w, m in parts).strip())
        .filter(lambda t: t and "___" not in t and "->" not in t and "####" not in t)
    )


def distinct(strategy, *, min_size, max_size):
    return st.lists(strategy, min_size=min_size, max_size=max_size, unique_by=normalise_answer)


def maybe(strategy):
    return st.one_of(st.just(""), strategy)


@st.composite
def bank_questions(draw, fmt: str) -> tuple[dict, list[str]]:
    """`question_save` fields of any kind, and tag names."""
    kind = draw(st.sampled_from(QuestionKind.values))
    fields: dict = {
        "kind": kind,
        "text": draw(texts(2, 6)),
        "explanation": draw(maybe(texts())),
        "default_marks": 1 if fmt == "gift" else draw(st.sampled_from([0, 1, 2.5])),
    }
    tags = draw(st.lists(st.sampled_from(TAGS), max_size=3, unique=True))
    if kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_RESPONSE):
        if kind == QuestionKind.SINGLE_CHOICE:
            others = draw(st.lists(st.sampled_from([0.0, -0.5, 0.5, 0.1]), min_size=1, max_size=4))
            fractions = [1.0, *others]
        else:
            fractions = draw(
                st.sampled_from([[0.5, 0.5, -1.0], [0.25, 0.75, 0.0], [1.0, -0.5], [0.5, 0.5]])
            )
        names = draw(distinct(texts(), min_size=len(fractions), max_size=len(fractions)))
        feedback = draw(st.lists(maybe(texts()), min_size=len(names), max_size=len(names)))
        fields["choices"] = [
            {"text": t, "fraction": f, "feedback": b}
            for t, f, b in zip(names, fractions, feedback, strict=True)
        ]
    elif kind == QuestionKind.TRUE_FALSE:
        truth = draw(st.booleans())
        fields["choices"] = [
            {"text": "True", "fraction": float(truth), "feedback": draw(maybe(texts()))},
            {"text": "False", "fraction": float(not truth), "feedback": draw(maybe(texts()))},
        ]
    elif kind in (QuestionKind.SHORT_ANSWER, QuestionKind.CLOZE):
        answers = draw(distinct(texts(1, 2), min_size=1, max_size=3))
        rest = draw(st.lists(st.sampled_from([1.0, 0.5, 0.25]), min_size=len(answers) - 1))
        match = MatchMode.NORMALISED
        if fmt == "moodle-xml":  # GIFT has no case sensitivity
            match = draw(st.sampled_from([MatchMode.NORMALISED, MatchMode.EXACT]))
        fields["accepted_answers"] = [
            {"text": t, "fraction": f, "match": match}
            for t, f in zip(answers, [1.0, *rest], strict=False)
        ]
        if kind == QuestionKind.CLOZE:
            fields["text"] = f"{draw(texts())} _____ {draw(texts())}"
    elif kind == QuestionKind.NUMERIC:
        fields["numeric_answer"] = draw(
            st.one_of(st.integers(-(10**6), 10**6).map(float), st.sampled_from([0.5, 3.25, -1.75]))
        )
        fields["numeric_tolerance"] = draw(st.sampled_from([0.0, 0.5, 1.0, 10.0]))
    elif kind == QuestionKind.MATCHING:
        stems = draw(distinct(texts(), min_size=2, max_size=4))
        answers = draw(distinct(texts(), min_size=len(stems) + 2, max_size=len(stems) + 2))
        extra = draw(st.integers(0, 2))
        fields["pairs"] = [{"stem": s, "answer": a} for s, a in zip(stems, answers, strict=False)]
        fields["extra_answers"] = answers[len(stems) : len(stems) + extra]
    else:
        fields["items"] = draw(distinct(texts(), min_size=3, max_size=5))
        fields["all_or_nothing"] = draw(st.booleans())
        if fmt == "gift":  # qtype_ordering's GIFT: no general feedback, no { } \ in the texts
            fields["explanation"] = ""
            fields["text"] = plain(fields["text"])
            fields["items"] = [plain(i) for i in fields["items"]]
            if len({normalise_answer(i) for i in fields["items"]}) < len(fields["items"]):
                fields["items"] = [f"{n} {i}" for n, i in enumerate(fields["items"])]
    return fields, tags


def plain(text: str) -> str:
    return text.replace("{", "(").replace("}", ")").replace("\\", "/")


def content(question: Question, *, leaving_out: str = "") -> dict:
    """What a round trip keeps. The fuzzy match mode has no Moodle form: it comes back
    normalised (see the README)."""
    match = {MatchMode.FUZZY: MatchMode.NORMALISED}
    return {
        "kind": question.kind,
        "text": question.text,
        "explanation": question.explanation,
        "choices": [(c.text, c.fraction, c.feedback) for c in question.choices.all()],
        "accepted": [
            (a.text, a.fraction, match.get(a.match, a.match))
            for a in question.accepted_answers.all()
        ],
        "numeric": (question.numeric_answer, question.numeric_tolerance),
        "pairs": [(p.stem, p.answer) for p in question.match_pairs.all()],
        "items": [i.text for i in question.ordering_items.all()],
        "all_or_nothing": question.all_or_nothing,
        "tags": sorted(t.name for t in question.tags.all() if t.name != leaving_out),
    }


def assert_round_trip(originals: list[Question], fmt: str) -> list[str]:
    """Export `originals`, import them under a fresh tag, compare; the export's notes."""
    notes: list[str] = []
    text = export_questions(
        notes=notes, questions=Question.objects.filter(pk__in=[q.pk for q in originals]), format=fmt
    )
    report = import_questions(data=text, format=fmt, tag=COPY)
    assert not report.refused, [str(i) for i in report.refused]
    copies = {
        q.key: q for q in Question.objects.with_parts().filter(key__startswith="import:round-trip:")
    }
    assert len(copies) == len(originals)
    left_out = {note.split("”", 1)[0].lstrip("“") for note in notes}
    for original in Question.objects.with_parts().filter(pk__in=[q.pk for q in originals]):
        copy = copies[f"import:round-trip:{original.key}"]
        expected = content(original)
        if original.key in left_out:
            expected["explanation"] = ""
        assert content(copy, leaving_out=COPY) == expected, text
        if fmt == "moodle-xml":
            assert copy.default_marks == original.default_marks
    return notes


def save_all(drawn) -> list[Question]:
    Question.objects.all().delete()
    saved = []
    for n, (fields, tag_names) in enumerate(drawn):
        tags = tags_named(tag_names)
        saved.append(
            question_save(fields={**fields, "key": f"src-{n}"}, tags=[tags[t] for t in tag_names])
        )
    return saved


@PROPERTY
@given(st.lists(bank_questions("gift"), min_size=1, max_size=4))
def test_gift_export_then_import_gives_back_equal_questions(drawn):
    assert_round_trip(save_all(drawn), "gift")


@PROPERTY
@given(st.lists(bank_questions("moodle-xml"), min_size=1, max_size=4))
def test_moodle_xml_export_then_import_gives_back_equal_questions(drawn):
    assert_round_trip(save_all(drawn), "moodle-xml")


@pytest.mark.parametrize("fmt", ["gift", "moodle-xml"])
def test_the_demo_bank_exports_and_re_imports_equal(fmt):
    call_command("loaddata", "articles", "questions", "demo_users", verbosity=0)
    originals = list(Question.objects.all())
    assert len(originals) > 200

    notes = assert_round_trip(originals, fmt)

    # All of it comes back but the explanation of the ordering question in GIFT, which says so.
    expected = ["ht-troops-into-georgia:hand-ordering"] if fmt == "gift" else []
    assert [note.split("”", 1)[0].lstrip("“") for note in notes] == expected

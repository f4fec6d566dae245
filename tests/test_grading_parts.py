"""Matching and ordering: the pure graders, and what their snapshots let a student see."""

import random
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizzes.interchange.bank import from_bank, to_bank
from quizzes.interchange.model import Kind
from quizzes.services.exceptions import InvalidAnswer
from quizzes.services.grading import (
    describe_answer,
    describe_correct,
    grade_answer,
    matched_pairs,
    ordered_items,
    ordering_fraction,
    validate_answer,
)
from quizzes.services.snapshots import public_question, question_snapshot


def matching(pairs, extras=(), *, all_or_nothing=False):
    """A matching snapshot: stem ids s0, s1…; an answer's id is "a:" + its text."""
    texts = list(dict.fromkeys([a for _, a in pairs] + list(extras)))
    return {
        "id": 1,
        "kind": "matching",
        "text": "Match them.",
        "pairs": [
            {"id": f"s{n}", "stem": stem, "answer": answer, "answer_id": f"a:{answer}"}
            for n, (stem, answer) in enumerate(pairs)
        ],
        "extra_answers": list(extras),
        "answers": [{"id": f"a:{t}", "text": t} for t in reversed(texts)],
        "all_or_nothing": all_or_nothing,
    }


def ordering(items, *, all_or_nothing=False):
    ids = [f"i{n}" for n in range(len(items))]
    return {
        "id": 2,
        "kind": "ordering",
        "text": "Order them.",
        "items": list(items),
        "item_ids": ids,
        "shown_items": [
            {"id": i, "text": t} for i, t in reversed(list(zip(ids, items, strict=False)))
        ],
        "all_or_nothing": all_or_nothing,
    }


PEOPLE = matching(
    [("Clinton", "Secretary of State"), ("Lavrov", "foreign minister"), ("Medvedev", "president")],
    extras=["general secretary"],
)
EVENTS = ordering(["Georgia", "NATO", "Geneva", "summit"])


class TestMatching:
    def test_every_stem_right_earns_full_marks(self):
        answer = {"s0": "a:Secretary of State", "s1": "a:foreign minister", "s2": "a:president"}
        assert grade_answer(snapshot=PEOPLE, answer=answer) == 1.0

    def test_the_fraction_is_the_share_of_stems_matched_right(self):
        answer = {"s0": "a:Secretary of State", "s1": "a:general secretary"}
        assert grade_answer(snapshot=PEOPLE, answer=answer) == pytest.approx(1 / 3)

    def test_all_or_nothing_gives_nothing_for_one_wrong_stem(self):
        strict = {**PEOPLE, "all_or_nothing": True}
        answer = {
            "s0": "a:Secretary of State",
            "s1": "a:foreign minister",
            "s2": "a:general secretary",
        }
        assert grade_answer(snapshot=strict, answer=answer) == 0.0

    def test_a_list_of_pairs_is_stored_as_the_dict_and_blank_stems_are_left_out(self):
        cleaned = validate_answer(snapshot=PEOPLE, answer=[["s0", "a:president"], ["s1", ""]])
        assert cleaned == {"s0": "a:president"}
        assert validate_answer(snapshot=PEOPLE, answer={"s0": None}) is None

    @pytest.mark.parametrize(
        ("answer", "message"),
        [
            ({"s9": "a:president"}, "stem does not belong"),
            ({"s0": "a:pope"}, "answer does not belong"),
            ({"s0": 3}, "answer does not belong"),
            ([["s0", "a:president"], ["s0", "a:president"]], "answered twice"),
            ([["s0"]], "pair"),
            ("s0", "each stem"),
        ],
    )
    def test_a_malformed_answer_is_refused_with_a_reason(self, answer, message):
        with pytest.raises(InvalidAnswer, match=message):
            validate_answer(snapshot=PEOPLE, answer=answer)

    def test_review_texts_name_each_stem_with_the_given_and_the_right_answer(self):
        answer = {"s0": "a:president"}
        assert describe_answer(snapshot=PEOPLE, answer=answer) == (
            "Clinton: president; Lavrov: —; Medvedev: —"
        )
        assert describe_correct(snapshot=PEOPLE).startswith("Clinton: Secretary of State; ")
        rows = matched_pairs(snapshot=PEOPLE, answer=answer)
        assert rows[0] == {
            "stem": "Clinton",
            "given": "president",
            "right": "Secretary of State",
            "correct": False,
        }

    def test_stems_that_share_an_answer_are_both_right_with_it(self):
        shared = matching(
            [("Clinton", "a minister"), ("Lavrov", "a minister"), ("Obama", "president")]
        )
        answer = {"s0": "a:a minister", "s1": "a:a minister", "s2": "a:president"}
        assert grade_answer(snapshot=shared, answer=answer) == 1.0

    def test_the_public_question_offers_stems_and_answers_but_not_which_goes_with_which(self):
        public = public_question(PEOPLE)
        assert [s["text"] for s in public["stems"]] == ["Clinton", "Lavrov", "Medvedev"]
        assert sorted(a["text"] for a in public["answers"]) == sorted(
            ["Secretary of State", "foreign minister", "president", "general secretary"]
        )
        assert "answer_id" not in str(public) and "pairs" not in public


class TestOrdering:
    def test_the_right_order_earns_full_marks_and_the_reverse_nothing(self):
        assert grade_answer(snapshot=EVENTS, answer=["i0", "i1", "i2", "i3"]) == 1.0
        assert grade_answer(snapshot=EVENTS, answer=["i3", "i2", "i1", "i0"]) == 0.0

    def test_each_item_followed_by_its_right_next_item_earns_its_share(self):
        # i0→i1 right, i1→i3 wrong, i3→i2 wrong: one of three links.
        assert grade_answer(snapshot=EVENTS, answer=["i0", "i1", "i3", "i2"]) == pytest.approx(
            1 / 3
        )
        # i2→i3 and i0→i1 right: a block moved whole keeps its links.
        assert grade_answer(snapshot=EVENTS, answer=["i2", "i3", "i0", "i1"]) == pytest.approx(
            2 / 3
        )

    def test_all_or_nothing_gives_nothing_for_a_nearly_right_order(self):
        strict = {**EVENTS, "all_or_nothing": True}
        assert grade_answer(snapshot=strict, answer=["i0", "i1", "i3", "i2"]) == 0.0
        assert grade_answer(snapshot=strict, answer=["i0", "i1", "i2", "i3"]) == 1.0

    @pytest.mark.parametrize(
        ("answer", "message"),
        [
            (["i0", "i1", "i2"], "every item"),
            (["i0", "i1", "i2", "i9"], "every item"),
            (["i0", "i0", "i1", "i2"], "placed twice"),
            ([0, 1, 2, 3], "item ids"),
            ({"i0": 1}, "item ids"),
        ],
    )
    def test_a_malformed_order_is_refused_with_a_reason(self, answer, message):
        with pytest.raises(InvalidAnswer, match=message):
            validate_answer(snapshot=EVENTS, answer=answer)

    def test_review_texts_list_the_places(self):
        answer = ["i1", "i0", "i2", "i3"]
        assert describe_answer(snapshot=EVENTS, answer=answer) == (
            "1. NATO; 2. Georgia; 3. Geneva; 4. summit"
        )
        assert describe_correct(snapshot=EVENTS) == "1. Georgia; 2. NATO; 3. Geneva; 4. summit"
        rows = ordered_items(snapshot=EVENTS, answer=answer)
        assert [r["followed_right"] for r in rows] == [False, False, True, None]
        assert rows[0]["right"] == "Georgia"

    def test_the_public_question_shows_the_items_as_shuffled_with_opaque_ids(self):
        public = public_question(EVENTS)
        assert [i["text"] for i in public["items"]] == ["summit", "Geneva", "NATO", "Georgia"]
        assert set(public) == {"id", "kind", "text", "choices", "items"}


# --- properties ---------------------------------------------------------------------------

item_lists = st.lists(st.text(min_size=1, max_size=8), min_size=3, max_size=8, unique=True)


@given(items=item_lists, seed=st.integers(), all_or_nothing=st.booleans())
def test_ordering_fractions_lie_in_0_to_1_and_only_the_right_order_earns_1(
    items, seed, all_or_nothing
):
    snapshot = ordering(items, all_or_nothing=all_or_nothing)
    given_order = list(snapshot["item_ids"])
    random.Random(seed).shuffle(given_order)
    fraction = grade_answer(
        snapshot=snapshot, answer=validate_answer(snapshot=snapshot, answer=given_order)
    )
    assert 0.0 <= fraction <= 1.0
    assert (fraction == 1.0) == (given_order == snapshot["item_ids"])
    if all_or_nothing:
        assert fraction in (0.0, 1.0)
    assert grade_answer(snapshot=snapshot, answer=snapshot["item_ids"]) == 1.0


@given(items=item_lists, seed=st.integers())
def test_the_ordering_grade_does_not_depend_on_how_the_items_were_shown(items, seed):
    snapshot = ordering(items)
    reshown = {
        **snapshot,
        "shown_items": random.Random(seed).sample(snapshot["shown_items"], len(items)),
    }
    answer = random.Random(seed + 1).sample(snapshot["item_ids"], len(items))
    assert grade_answer(snapshot=snapshot, answer=answer) == grade_answer(
        snapshot=reshown, answer=answer
    )


@given(
    stems=st.lists(st.text(min_size=1, max_size=6), min_size=2, max_size=6, unique=True),
    seed=st.integers(),
    all_or_nothing=st.booleans(),
)
def test_matching_fractions_lie_in_0_to_1_and_do_not_depend_on_the_answers_shown_order(
    stems, seed, all_or_nothing
):
    snapshot = matching(
        [(s, f"answer {s}") for s in stems], ["spare"], all_or_nothing=all_or_nothing
    )
    rng = random.Random(seed)
    ids = [a["id"] for a in snapshot["answers"]]
    answer = {p["id"]: rng.choice(ids) for p in snapshot["pairs"]}
    fraction = grade_answer(
        snapshot=snapshot, answer=validate_answer(snapshot=snapshot, answer=answer)
    )
    reshown = {**snapshot, "answers": rng.sample(snapshot["answers"], len(ids))}
    assert 0.0 <= fraction <= 1.0
    assert fraction == grade_answer(snapshot=reshown, answer=answer)
    if all_or_nothing:
        assert fraction in (0.0, 1.0)
    right = {p["id"]: p["answer_id"] for p in snapshot["pairs"]}
    assert grade_answer(snapshot=snapshot, answer=right) == 1.0


def test_ordering_fraction_counts_links_not_places():
    assert (
        ordering_fraction(right=["a", "b", "c"], given=["b", "c", "a"], all_or_nothing=False) == 0.5
    )


# --- snapshots of saved questions ---------------------------------------------------------


@pytest.mark.django_db
class TestSnapshots:
    def test_a_matching_snapshot_reads_back_into_an_interchange_question(self):
        from tests.factories import QuestionFactory

        question = QuestionFactory(matching=True)
        snapshot = question_snapshot(question)
        exported = from_bank(snapshot, name="people")
        assert exported.kind == Kind.MATCHING
        assert next((p.stem, p.answer) for p in exported.pairs) == (
            "Hillary Clinton",
            "met Lavrov in Geneva",
        )
        assert exported.extra_answers == ("resigned from office",)
        assert to_bank(exported)["pairs"] == [
            {"stem": p["stem"], "answer": p["answer"]} for p in snapshot["pairs"]
        ]

    def test_an_ordering_snapshot_reads_back_with_its_grading(self):
        from tests.factories import QuestionFactory

        question = QuestionFactory(ordering=True, all_or_nothing=True)
        exported = from_bank(question_snapshot(question), name="events")
        assert exported.items == (
            "The talks opened",
            "The button was pressed",
            "The ministers dined",
        )
        assert exported.all_or_nothing

    def test_ids_tell_neither_the_pairs_nor_the_order(self):
        from tests.factories import QuestionFactory

        question = QuestionFactory(ordering=True)
        snapshot = question_snapshot(question)
        shown = [i["id"] for i in snapshot["shown_items"]]
        assert shown != snapshot["item_ids"], "shown in the right order"
        assert all(re.fullmatch(r"i[0-9a-f]{10}", i) for i in shown)  # no pk, no position
        twin = QuestionFactory(ordering=True)
        assert set(question_snapshot(twin)["item_ids"]).isdisjoint(snapshot["item_ids"])
        assert question_snapshot(question)["item_ids"] == snapshot["item_ids"]  # stable
        people = question_snapshot(QuestionFactory(matching=True))
        stems = {p["id"] for p in people["pairs"]}
        assert stems.isdisjoint(a["id"] for a in people["answers"])
        assert [a["text"] for a in people["answers"]] != [p["answer"] for p in people["pairs"]] + [
            "resigned from office"
        ]

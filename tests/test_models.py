"""Model and database rules: what makes a fact, a question, a quiz or an attempt invalid."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from quizzes.models import Attempt, Choice, MatchPair, Quiz, Response
from quizzes.services.questions import question_instance_problems, question_problems
from tests.factories import ArticleFactory, FactFactory, QuestionFactory, QuizFactory, UserFactory

pytestmark = pytest.mark.django_db


class TestFact:
    def test_a_fact_quoting_its_article_is_valid(self):
        FactFactory().full_clean()

    def test_a_sentence_missing_from_the_article_is_refused(self):
        fact = FactFactory()
        fact.sentence = "Lavrov met Clinton in Paris."
        fact.answer = "Paris"
        with pytest.raises(ValidationError) as caught:
            fact.full_clean()
        assert "sentence" in caught.value.message_dict

    def test_an_answer_missing_from_the_sentence_is_refused(self):
        fact = FactFactory()
        fact.answer = "Dmitry Medvedev"
        with pytest.raises(ValidationError) as caught:
            fact.full_clean()
        assert set(caught.value.message_dict) == {"answer"}

    def test_typographic_quotes_and_spacing_do_not_break_the_verbatim_check(self):
        article = ArticleFactory(body="He said  “Peregruzka”\nmeant overcharge. Then dinner.")
        fact = FactFactory.build(
            article=article,
            key="quote-fact",
            sentence='He said "Peregruzka" meant overcharge.',
            answer='"Peregruzka"',
            kind="quote",
        )
        fact.full_clean()

    def test_extra_distractors_must_be_a_list_of_strings(self):
        fact = FactFactory()
        fact.distractors = ["Moscow", ""]
        with pytest.raises(ValidationError) as caught:
            fact.full_clean()
        assert "distractors" in caught.value.message_dict


class TestQuestionRules:
    @pytest.mark.parametrize(
        "trait",
        [
            "single",
            "multiple_response",
            "true_false",
            "short_answer",
            "cloze",
            "numeric",
            "matching",
            "ordering",
        ],
    )
    def test_factory_questions_of_every_kind_are_valid(self, trait):
        question = QuestionFactory(**({} if trait == "single" else {trait: True}))
        assert question_instance_problems(question) == {}

    def test_a_choice_question_without_a_fully_correct_choice_is_invalid(self):
        problems = question_problems(
            kind="single_choice",
            text="Whom did Clinton meet?",
            choices=[{"text": "Lavrov", "fraction": 0.5}, {"text": "Rice", "fraction": 0}],
        )
        assert "fully correct" in problems["choices"][0]

    def test_choices_equal_after_normalising_are_refused(self):
        problems = question_problems(
            kind="single_choice",
            text="What did the button say?",
            choices=[{"text": "Reset", "fraction": 1}, {"text": "“reset”!", "fraction": 0}],
        )
        assert any("same thing" in message for message in problems["choices"])

    def test_multiple_response_fractions_must_add_up_to_one(self):
        problems = question_problems(
            kind="multiple_response",
            text="Which countries?",
            choices=[
                {"text": "Poland", "fraction": 0.5},
                {"text": "Czech Republic", "fraction": 0.3},
            ],
        )
        assert "add up to 1" in problems["choices"][0]

    def test_true_false_has_exactly_two_choices(self):
        problems = question_problems(
            kind="true_false",
            text="Clinton met Lavrov.",
            choices=[
                {"text": "True", "fraction": 1},
                {"text": "False", "fraction": 0},
                {"text": "Maybe", "fraction": 0},
            ],
        )
        assert any("exactly two" in message for message in problems["choices"])

    @pytest.mark.parametrize("text", ["Clinton met Lavrov.", "_____ met _____ in Geneva."])
    def test_a_cloze_question_has_exactly_one_gap(self, text):
        problems = question_problems(
            kind="cloze", text=text, accepted_answers=[{"text": "Lavrov", "fraction": 1}]
        )
        assert "exactly one gap" in problems["text"][0]

    def test_short_answer_needs_a_fully_correct_accepted_answer(self):
        problems = question_problems(
            kind="short_answer",
            text="Whom did Clinton meet?",
            accepted_answers=[{"text": "Lavrov", "fraction": 0.5}],
        )
        assert "accepted_answers" in problems

    def test_a_matching_question_needs_two_stems(self):
        problems = question_problems(
            kind="matching",
            text="Match them.",
            pairs=[{"stem": "Clinton", "answer": "met Lavrov"}],
            extra_answers=["resigned"],
        )
        assert "at least 2 stems" in problems["pairs"][0]

    def test_two_stems_with_one_answer_are_refused_unless_shared_answers_are_allowed(self):
        pairs = [
            {"stem": "Clinton", "answer": "a minister"},
            {"stem": "Lavrov", "answer": "a minister"},
        ]
        refused = question_problems(kind="matching", text="Match them.", pairs=pairs)
        assert "same answer" in refused["pairs"][0]
        assert (
            question_problems(kind="matching", text="Match them.", pairs=pairs, shared_answers=True)
            == {}
        )

    def test_an_extra_answer_that_is_a_stems_answer_is_refused(self):
        problems = question_problems(
            kind="matching",
            text="Match them.",
            pairs=[
                {"stem": "Clinton", "answer": "met Lavrov"},
                {"stem": "Obama", "answer": "wrote"},
            ],
            extra_answers=["wrote"],
        )
        assert "already a stem's answer" in problems["extra_answers"][0]

    def test_an_ordering_question_needs_three_distinct_items(self):
        assert (
            "at least 3"
            in question_problems(kind="ordering", text="Order them.", items=["First", "Second"])[
                "items"
            ][0]
        )
        assert (
            "same thing"
            in question_problems(
                kind="ordering", text="Order them.", items=["First", "Second", "first!"]
            )["items"][0]
        )

    def test_only_matching_and_ordering_grade_all_or_nothing(self):
        problems = question_problems(
            kind="numeric", text="Which year?", numeric_answer=2009, all_or_nothing=True
        )
        assert set(problems) == {"all_or_nothing"}

    def test_loaded_rules_read_the_saved_pairs_and_items(self):
        question = QuestionFactory(matching=True)
        question.match_pairs.filter(stem="Barack Obama").update(answer="met Lavrov in Geneva")
        assert "same answer" in question_instance_problems(question)["pairs"][0]
        ordering = QuestionFactory(ordering=True)
        ordering.ordering_items.filter(order=2).delete()
        assert "at least 3" in question_instance_problems(ordering)["items"][0]

    def test_the_database_refuses_a_pair_without_an_answer(self):
        question = QuestionFactory(matching=True)
        with pytest.raises(IntegrityError), transaction.atomic():
            MatchPair.objects.create(question=question, stem="Rice", answer="", order=99)

    def test_numeric_needs_its_value(self):
        assert "numeric_answer" in question_problems(kind="numeric", text="Which year?")

    def test_the_database_refuses_a_choice_fraction_outside_minus_one_to_one(self):
        question = QuestionFactory()
        with pytest.raises(IntegrityError), transaction.atomic():
            Choice.objects.create(question=question, text="Too good", fraction=1.5, order=99)

    def test_the_database_refuses_a_numeric_question_without_a_value(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            QuestionFactory(numeric=True, numeric_answer=None)


class TestQuiz:
    def test_a_quiz_must_close_after_it_opens(self):
        now = timezone.now()
        quiz = QuizFactory.build(opens_at=now, closes_at=now - timedelta(hours=1))
        with pytest.raises(ValidationError) as caught:
            quiz.full_clean()
        assert "closes_at" in caught.value.message_dict

    def test_the_pass_mark_lies_within_the_maximum_grade(self):
        quiz = QuizFactory.build(maximum_grade=10, pass_mark=11)
        with pytest.raises(ValidationError) as caught:
            quiz.full_clean()
        assert "pass_mark" in caught.value.message_dict

    def test_open_at_lists_published_quizzes_inside_their_window(self):
        now = timezone.now()
        open_quiz = QuizFactory()
        QuizFactory(published=False)
        QuizFactory(opens_at=now + timedelta(days=1))
        QuizFactory(closes_at=now - timedelta(seconds=1), opens_at=now - timedelta(days=1))
        assert list(Quiz.objects.open_at(now)) == [open_quiz]


class TestAttemptConstraints:
    def _attempt(self, quiz, user, number, state="in_progress"):
        return Attempt.objects.create(
            quiz=quiz, user=user, number=number, state=state, started_at=timezone.now()
        )

    def test_one_attempt_in_progress_per_student_and_quiz(self):
        quiz, user = QuizFactory(), UserFactory()
        self._attempt(quiz, user, 1)
        with pytest.raises(IntegrityError), transaction.atomic():
            self._attempt(quiz, user, 2)

    def test_attempt_numbers_are_unique_per_student_and_quiz(self):
        quiz, user = QuizFactory(), UserFactory()
        self._attempt(quiz, user, 1, state="finished")
        with pytest.raises(IntegrityError), transaction.atomic():
            self._attempt(quiz, user, 1, state="finished")
        self._attempt(quiz, UserFactory(), 1)  # another student may have their own number 1

    def test_one_response_per_question_per_attempt(self):
        question = QuestionFactory()
        attempt = self._attempt(QuizFactory(questions=[question]), UserFactory(), 1)
        Response.objects.create(attempt=attempt, question=question, slot=1, snapshot={}, marks=1)
        with pytest.raises(IntegrityError), transaction.atomic():
            Response.objects.create(
                attempt=attempt, question=question, slot=2, snapshot={}, marks=1
            )

"""Test data builders. Each question trait yields a valid question of that kind."""

import factory
from django.contrib.auth import get_user_model
from django.db.models import Q

from flashcards import models as flashcard_models
from quizzes import models
from quizzes.permissions import TEACHERS_GROUP, teachers_group


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"student{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.django.Password("pass-word-123")


class TeacherFactory(UserFactory):
    username = factory.Sequence(lambda n: f"teacher{n}")
    is_staff = True

    @factory.post_generation
    def teachers_group(self, create, extracted, **kwargs):
        # The group with the permissions the demo fixture gives it (quizzes.permissions): the
        # permissions, not the group's name or the staff flag, make a teacher.
        if create:
            self.groups.add(teachers_group())


def cast_teacher():
    """The default owner of content made here: the test's first teacher (staff or a member of
    `Teachers`, not a superuser), as the demo content belongs to the demo teacher; nobody when
    there is none yet (superusers only). Tests of ownership pass `owner=` themselves."""
    return (
        get_user_model()
        .objects.filter(Q(is_staff=True) | Q(groups__name=TEACHERS_GROUP), is_superuser=False)
        .order_by("pk")
        .first()
    )


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Article
        django_get_or_create = ("slug",)

    owner = factory.LazyFunction(cast_teacher)

    slug = factory.Sequence(lambda n: f"article-{n}")
    title = factory.Sequence(lambda n: f"Article number {n}")
    publisher = "Reuters"
    byline = "Sue Pleming"
    published = factory.Faker("date_between", start_date="-20y", end_date="-1y")
    body = (
        "US Secretary of State Hillary Clinton met Russia's foreign minister Sergei Lavrov "
        "in Geneva on Friday. The button was marked “Peregruzka”. "
        "They agreed to renegotiate the START treaty by the end of the year."
    )


class FactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Fact

    key = factory.Sequence(lambda n: f"fact-{n}")
    sentence = factory.Sequence(lambda n: f"Fact sentence {n} names Sergei Lavrov in Geneva.")
    answer = "Sergei Lavrov"
    kind = models.FactKind.PERSON
    position = factory.Sequence(int)
    article = factory.SubFactory(
        ArticleFactory,
        body=factory.LazyAttribute(lambda a: f"Opening line. {a.factory_parent.sentence} Closing."),
    )


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Tag
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"tag-{n}")
    name = factory.LazyAttribute(lambda o: o.slug.replace("-", " ").title())


def _add_choices(question, rows):
    for order, (text, fraction) in enumerate(rows, start=1):
        models.Choice.objects.create(question=question, text=text, fraction=fraction, order=order)


def _add_accepted(question, rows, match=models.MatchMode.NORMALISED):
    for order, (text, fraction) in enumerate(rows, start=1):
        models.AcceptedAnswer.objects.create(
            question=question, text=text, fraction=fraction, order=order, match=match
        )


class QuestionFactory(factory.django.DjangoModelFactory):
    """A single-choice question by default; traits give the other kinds, each valid."""

    class Meta:
        model = models.Question
        skip_postgeneration_save = True

    owner = factory.LazyFunction(cast_teacher)

    class Params:
        multiple_response = factory.Trait(
            kind=models.QuestionKind.MULTIPLE_RESPONSE,
            text="Which two countries would host the missile defence systems?",
            parts=[("Poland", 0.5), ("Czech Republic", 0.5), ("Hungary", -0.5), ("Romania", -0.5)],
        )
        true_false = factory.Trait(
            kind=models.QuestionKind.TRUE_FALSE,
            text="Clinton met Lavrov in Geneva.",
            parts=[("True", 1), ("False", 0)],
        )
        short_answer = factory.Trait(
            kind=models.QuestionKind.SHORT_ANSWER,
            text="Whom did Clinton meet in Geneva?",
            parts=[("Sergei Lavrov", 1), ("Lavrov", 1)],
        )
        cloze = factory.Trait(
            kind=models.QuestionKind.CLOZE,
            text="Clinton met _____ in Geneva.",
            parts=[("Sergei Lavrov", 1), ("Lavrov", 1)],
        )
        numeric = factory.Trait(
            kind=models.QuestionKind.NUMERIC,
            text="In which year did the Geneva meeting take place?",
            numeric_answer=2009,
            numeric_tolerance=0,
            parts=[],
        )
        # Matching parts: (stem, answer); an empty stem is an extra answer.
        matching = factory.Trait(
            kind=models.QuestionKind.MATCHING,
            text="Match each person with what they did.",
            parts=[
                ("Hillary Clinton", "met Lavrov in Geneva"),
                ("Sergei Lavrov", "pressed the reset button"),
                ("Barack Obama", "sent a letter to Moscow"),
                ("", "resigned from office"),
            ],
        )
        # Ordering parts: the items in their right order.
        ordering = factory.Trait(
            kind=models.QuestionKind.ORDERING,
            text="Put these events in the order they happened.",
            parts=["The talks opened", "The button was pressed", "The ministers dined"],
        )

    key = factory.Sequence(lambda n: f"q-{n}")
    kind = models.QuestionKind.SINGLE_CHOICE
    text = "Whom did Clinton meet in Geneva?"
    explanation = "Clinton met Sergei Lavrov, Russia's foreign minister, in Geneva."
    fact = factory.SubFactory(FactFactory)
    parts = [
        ("Sergei Lavrov", 1),
        ("Dmitry Medvedev", 0),
        ("Condoleezza Rice", 0),
        ("Ban Ki-moon", 0),
    ]

    @classmethod
    def _create(cls, model_class, *args, parts=(), **kwargs):
        question = super()._create(model_class, *args, **kwargs)
        if question.kind in models.QuestionKind.choice_kinds():
            _add_choices(question, parts)
        elif question.kind in models.QuestionKind.text_kinds():
            _add_accepted(question, parts)
        elif question.kind == models.QuestionKind.MATCHING:
            models.MatchPair.objects.bulk_create(
                models.MatchPair(question=question, stem=stem, answer=answer, order=order)
                for order, (stem, answer) in enumerate(parts)
            )
        elif question.kind == models.QuestionKind.ORDERING:
            models.OrderingItem.objects.bulk_create(
                models.OrderingItem(question=question, text=text, order=order)
                for order, text in enumerate(parts)
            )
        return question

    @classmethod
    def _build(cls, model_class, *args, parts=(), **kwargs):
        return super()._build(model_class, *args, **kwargs)


class QuizFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Quiz
        skip_postgeneration_save = True

    owner = factory.LazyFunction(cast_teacher)

    class Params:
        # The review shows answers, verdicts and marks, nothing that names the right answer (what
        # the old "review shows correct answers: never" meant).
        hides_answers = factory.Trait(
            review_specific_feedback=0,
            review_general_feedback=0,
            review_right_answer=0,
            review_source=0,
        )

    slug = factory.Sequence(lambda n: f"quiz-{n}")
    title = factory.Sequence(lambda n: f"Quiz {n}")
    published = True

    @factory.post_generation
    def questions(self, create, extracted, **kwargs):
        """`QuizFactory(questions=[q1, q2])` or `QuizFactory(questions=3)` (three new questions)."""
        if not create or not extracted:
            return
        items = QuestionFactory.create_batch(extracted) if isinstance(extracted, int) else extracted
        for order, question in enumerate(items, start=1):
            models.QuizQuestion.objects.create(
                quiz=self, question=question, order=order, marks=question.default_marks
            )


class DeckFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = flashcard_models.Deck

    owner = factory.LazyFunction(cast_teacher)

    slug = factory.Sequence(lambda n: f"deck-{n}")
    title = factory.Sequence(lambda n: f"Deck {n}")
    published = True


class CardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = flashcard_models.Card

    deck = factory.SubFactory(DeckFactory)
    key = factory.Sequence(lambda n: f"card-{n}")
    front = factory.Sequence(lambda n: f"Front {n}: whom did Clinton meet?")
    back = "Sergei Lavrov"
    position = factory.Sequence(int)


def finished_attempt(*, quiz, user, right: int, now):
    """A finished attempt at `quiz` (single-choice questions) with the first `right` answered
    correctly and the others wrongly, through the real services."""
    from quizzes.services.attempts import attempt_finish, attempt_save_answer, attempt_start

    attempt, _ = attempt_start(quiz=quiz, user=user, now=now)
    for response in attempt.responses.order_by("slot"):
        choices = sorted(response.snapshot["choices"], key=lambda c: -float(c["fraction"]))
        pick = choices[0] if response.slot <= right else choices[-1]
        attempt_save_answer(
            attempt=attempt, question_id=response.question_id, answer=pick["id"], now=now
        )
    return attempt_finish(attempt=attempt, now=now)


class ClassroomFactory(factory.django.DjangoModelFactory):
    """`ClassroomFactory(teachers=[t], students=[s1, s2])`."""

    class Meta:
        model = models.Classroom
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Class {n}")

    @factory.post_generation
    def teachers(self, create, extracted, **kwargs):
        if create and extracted:
            self.teachers.add(*extracted)

    @factory.post_generation
    def students(self, create, extracted, **kwargs):
        if create and extracted:
            for student in extracted:
                models.Enrolment.objects.create(classroom=self, student=student)


class QuizAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.QuizAssignment

    classroom = factory.SubFactory(ClassroomFactory)
    quiz = factory.SubFactory(QuizFactory)


class QuizOverrideFactory(factory.django.DjangoModelFactory):
    """For one student by default; pass `user=None, classroom=c` for a class."""

    class Meta:
        model = models.QuizOverride

    quiz = factory.SubFactory(QuizFactory)
    user = factory.SubFactory(UserFactory)

"""Random slots: a quiz place that draws questions at random from a tag or an article."""

import random
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from quizzes.models import Choice, Question, QuizRandomSlot, Response
from quizzes.selectors import quiz_results_rows
from quizzes.services import random_slots
from quizzes.services.analytics import quiz_results
from quizzes.services.attempts import (
    attempt_finish,
    attempt_regrade,
    attempt_save_answer,
    attempt_start,
)
from quizzes.services.exceptions import NotEnoughQuestions
from quizzes.services.quizzes import QuizSlot, RandomSlotInput, quiz_publish, quiz_save
from quizzes.services.snapshots import current_versions
from tests.factories import (
    ArticleFactory,
    FactFactory,
    QuestionFactory,
    QuizFactory,
    TagFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
NOW = timezone.now().replace(microsecond=0)


def tagged(tag, n):
    questions = [QuestionFactory(text=f"Pool question {tag.slug} {i}?") for i in range(n)]
    for question in questions:
        question.tags.add(tag)
    return questions


def drawn_ids(attempt):
    return [r.question_id for r in Response.objects.filter(attempt=attempt).order_by("slot")]


@pytest.fixture
def pool():
    tag = TagFactory(slug="geneva", name="Geneva")
    return tag, tagged(tag, 20)


def slot_quiz(tag, *, count=5, fixed=(), **kwargs):
    quiz = QuizFactory(questions=list(fixed), **kwargs)
    QuizRandomSlot.objects.create(quiz=quiz, order=len(fixed) + 1, tag=tag, count=count)
    return quiz


# --- the draw ---------------------------------------------------------------------------------


def test_a_slot_draws_its_count_of_distinct_questions_from_the_tag(pool):
    tag, questions = pool
    quiz = slot_quiz(tag)
    attempt, _ = attempt_start(quiz=quiz, user=UserFactory(), now=NOW)
    ids = drawn_ids(attempt)
    assert len(ids) == 5 and len(set(ids)) == 5
    assert set(ids) <= {q.pk for q in questions}
    assert attempt.max_score == Decimal(5)
    assert [item["drawn_by"] for item in attempt.layout] == [quiz.random_slots.get().pk] * 5


def test_students_get_different_draws_and_a_seed_gives_the_same_draw(pool):
    tag, _questions = pool
    quiz = slot_quiz(tag)
    draws = [
        frozenset(drawn_ids(attempt_start(quiz=quiz, user=UserFactory(), now=NOW)[0]))
        for _ in range(6)
    ]
    # 15,504 ways to pick 5 of 20: six students all drawing the same five would be a bug.
    assert len(set(draws)) > 1
    seeded = [
        drawn_ids(attempt_start(quiz=quiz, user=UserFactory(), now=NOW, rng=random.Random(42))[0])
        for _ in range(2)
    ]
    assert seeded[0] == seeded[1]
    other_seed = drawn_ids(
        attempt_start(quiz=quiz, user=UserFactory(), now=NOW, rng=random.Random(43))[0]
    )
    assert other_seed != seeded[0]


def test_the_draw_is_kept_when_the_attempt_is_resumed_and_its_page_reloaded(pool, client):
    tag, _questions = pool
    quiz = slot_quiz(tag)
    student = UserFactory()
    attempt, _ = attempt_start(quiz=quiz, user=student, now=NOW)
    again, created = attempt_start(quiz=quiz, user=student, now=NOW)
    assert not created and again.pk == attempt.pk and drawn_ids(again) == drawn_ids(attempt)
    client.force_login(student)
    texts = {q.pk: q.text for q in _questions}
    drawn_texts = [texts[pk] for pk in drawn_ids(attempt)]
    for _ in range(2):  # each question page, twice: the same question at each place
        for slot, text in enumerate(drawn_texts, start=1):
            page = client.get(f"{attempt.get_absolute_url()}?q={slot}").content.decode()
            assert [t for t in texts.values() if t in page] == [text]


def test_a_draw_never_repeats_a_question_nor_takes_one_the_quiz_asks_anyway():
    tag = TagFactory()
    questions = tagged(tag, 8)
    quiz = QuizFactory(questions=questions[:2])
    QuizRandomSlot.objects.create(quiz=quiz, order=3, tag=tag, count=3)
    QuizRandomSlot.objects.create(quiz=quiz, order=4, tag=tag, count=3)
    for seed in range(15):
        attempt, _ = attempt_start(quiz=quiz, user=UserFactory(), now=NOW, rng=random.Random(seed))
        ids = drawn_ids(attempt)
        assert len(ids) == 8 and len(set(ids)) == 8  # the two fixed and six drawn, all distinct
        assert ids[:2] == [questions[0].pk, questions[1].pk]


def test_a_slot_draws_from_an_article_and_sits_at_its_place_in_the_quiz():
    article = ArticleFactory()
    on_article = [QuestionFactory(fact=FactFactory(article=article)) for _ in range(4)]
    first, last = QuestionFactory(), QuestionFactory()
    quiz = QuizFactory(questions=[first, last])
    # Orders 1 and 2 are the fixed questions: a slot at 1 comes after the first of them.
    QuizRandomSlot.objects.create(quiz=quiz, order=1, article=article, count=2, marks=3)
    attempt, _ = attempt_start(quiz=quiz, user=UserFactory(), now=NOW)
    ids = drawn_ids(attempt)
    assert ids[0] == first.pk and ids[3] == last.pk
    assert set(ids[1:3]) <= {q.pk for q in on_article}
    assert attempt.max_score == Decimal(1 + 3 + 3 + 1)


def test_the_pure_draw_refuses_a_pool_too_small_by_naming_it():
    spec = random_slots.SlotSpec(source=("tag", 1), label="tag Geneva", count=4)
    with pytest.raises(NotEnoughQuestions, match=r"4 questions from tag Geneva.*only 3"):
        random_slots.draw(
            slots=[spec],
            pools={("tag", 1): frozenset({1, 2, 3, 9})},
            exclude={9},
            rng=random.Random(1),
        )


def test_a_start_refuses_cleanly_when_the_pool_shrank_since_publishing(pool):
    tag, questions = pool
    quiz = slot_quiz(tag, count=5)
    for question in questions[3:]:
        question.tags.remove(tag)
    student = UserFactory()
    with pytest.raises(NotEnoughQuestions, match=r"5 questions from tag Geneva.*only 3"):
        attempt_start(quiz=quiz, user=student, now=NOW)
    assert not student.attempts.exists()


def test_starting_a_quiz_whose_pool_shrank_shows_the_message_on_the_page(pool, client):
    tag, _questions = pool
    quiz = slot_quiz(tag, count=5)
    Question.tags.through.objects.filter(tag=tag).delete()
    student = UserFactory()
    client.force_login(student)
    page = client.post(f"/quizzes/{quiz.slug}/start/", follow=True)
    assert "5 questions from tag Geneva" in page.content.decode()
    assert not student.attempts.exists()


def test_a_start_reads_a_fixed_number_of_queries_whatever_the_number_of_slots():
    counts = {}
    for slots in (1, 4):
        tags = [TagFactory() for _ in range(slots)]
        for tag in tags:
            tagged(tag, 6)
        quiz = QuizFactory(questions=2, shuffle_questions=True)
        for order, tag in enumerate(tags, start=3):
            QuizRandomSlot.objects.create(quiz=quiz, order=order, tag=tag, count=3)
        # Every pool question has its version already (as after a few starts).
        current_versions(questions=list(Question.objects.select_related("current_version")))
        student = UserFactory()
        with CaptureQueriesContext(connection) as queries:
            attempt, _ = attempt_start(quiz=quiz, user=student, now=NOW)
        assert len(drawn_ids(attempt)) == 2 + 3 * slots
        counts[slots] = len(queries)
    assert counts[1] == counts[4]
    # A warm start of a quiz without slots runs 9 (tests/test_question_versions.py); slots add
    # their pools and the drawn questions.
    assert counts[1] <= 11


# --- the rules of a quiz with slots -------------------------------------------------------


def test_the_model_wants_exactly_one_source_and_a_positive_count():
    quiz = QuizFactory()
    with pytest.raises(ValidationError):
        QuizRandomSlot(quiz=quiz, count=1).full_clean()
    for kwargs in ({"count": 1}, {"tag": TagFactory(), "count": 0}):
        with pytest.raises(IntegrityError), transaction.atomic():
            QuizRandomSlot.objects.create(quiz=quiz, **kwargs)
    with pytest.raises(IntegrityError), transaction.atomic():
        QuizRandomSlot.objects.create(
            quiz=quiz, tag=TagFactory(), article=ArticleFactory(), count=1
        )


def test_saving_a_published_quiz_refuses_a_slot_its_pool_cannot_fill():
    tag = TagFactory(slug="treaties", name="Treaties")
    tagged(tag, 3)
    with pytest.raises(ValidationError) as error:
        quiz_save(
            fields={"slug": "q", "title": "Q", "published": True},
            random=[RandomSlotInput(tag=tag, count=5)],
        )
    assert error.value.message_dict["random"] == [
        "The slot draws 5 from tag Treaties, which holds 3 usable questions (leaving out those "
        "the quiz asks anyway)."
    ]
    # Two slots on one tag draw from it together.
    with pytest.raises(ValidationError, match="draw 4 in all, but it holds 3"):
        quiz_save(
            fields={"slug": "q", "title": "Q", "published": True},
            random=[RandomSlotInput(tag=tag, count=2), RandomSlotInput(tag=tag, count=2)],
        )
    # A draft may wait for its bank to fill up; a slot alone makes a quiz non-empty.
    draft = quiz_save(
        fields={"slug": "q", "title": "Q", "published": False},
        random=[RandomSlotInput(tag=tag, count=5)],
    )
    assert draft.random_slots.get().count == 5
    ready = quiz_save(
        fields={"slug": "r", "title": "R", "published": True},
        random=[RandomSlotInput(tag=tag, count=3, marks=Decimal(2))],
    )
    assert ready.random_slots.get().marks == 2


def test_the_quiz_questions_do_not_count_towards_a_slots_pool():
    tag = TagFactory(slug="t", name="T")
    questions = tagged(tag, 4)
    with pytest.raises(ValidationError, match="holds 2 usable"):
        quiz_save(
            fields={"slug": "q", "title": "Q", "published": True},
            questions=[QuizSlot(question=q) for q in questions[:2]],
            random=[RandomSlotInput(tag=tag, count=3)],
        )


def test_publishing_leaves_out_a_quiz_whose_slot_cannot_draw(pool):
    tag, _questions = pool
    ready = slot_quiz(tag, count=5, published=False, title="Ready")
    short = slot_quiz(tag, count=21, published=False, title="Short")
    only_a_slot = QuizFactory(published=False, title="Draws only")
    QuizRandomSlot.objects.create(quiz=only_a_slot, tag=tag, count=2)
    report = quiz_publish(quizzes=[ready, short, only_a_slot])
    assert sorted(report.published) == ["Draws only", "Ready"]
    assert report.short == {
        "Short": [
            "The slot draws 21 from tag Geneva, which holds 20 usable questions (leaving out "
            "those the quiz asks anyway)."
        ]
    }
    short.refresh_from_db()
    assert not short.published


# --- analytics and regrade, per drawn question ------------------------------------------------


def answer_all(attempt, *, right):
    for response in Response.objects.filter(attempt=attempt):
        choices = sorted(response.snapshot["choices"], key=lambda c: -c["fraction"])
        attempt_save_answer(
            attempt=attempt,
            question_id=response.question_id,
            answer=(choices[0] if right else choices[-1])["id"],
            now=NOW,
        )
    return attempt_finish(attempt=attempt, now=NOW)


def test_item_analysis_counts_the_attempts_that_drew_each_question(pool):
    tag, _questions = pool
    fixed = QuestionFactory()
    quiz = slot_quiz(tag, count=5, fixed=[fixed])
    attempts = [
        answer_all(attempt_start(quiz=quiz, user=UserFactory(), now=NOW)[0], right=True)
        for _ in range(6)
    ]
    drew = {}
    for attempt in attempts:
        for pk in drawn_ids(attempt):
            drew[pk] = drew.get(pk, 0) + 1
    rows = quiz_results_rows(quiz=quiz)
    results = quiz_results(
        attempts=rows.attempts,
        responses=rows.responses,
        maximum_grade=quiz.maximum_grade,
        pass_mark=quiz.pass_mark,
        positions=rows.positions,
        drawn=rows.drawn,
    )
    by_id = {q.question_id: q for q in results.questions}
    assert {pk: by_id[pk].n for pk in drew} == drew
    assert by_id[fixed.pk].position == 1 and by_id[fixed.pk].drawn_from is None
    drawn_one = next(pk for pk in drew if pk != fixed.pk)
    assert by_id[drawn_one].position == 2
    assert by_id[drawn_one].drawn_from == "tag Geneva"
    assert all(q.facility == 1 for q in results.questions)


def test_a_regrade_regrades_each_drawn_question(pool):
    tag, _questions = pool
    quiz = slot_quiz(tag, count=5)
    attempt = answer_all(attempt_start(quiz=quiz, user=UserFactory(), now=NOW)[0], right=True)
    assert attempt.score == 5
    changed = Response.objects.filter(attempt=attempt).order_by("slot")[2]
    # The teacher finds the drawn question's key wrong: its right choice now earns nothing.
    Choice.objects.filter(question_id=changed.question_id, fraction=1).update(fraction=0)
    changes = attempt_regrade(attempt=attempt)
    assert [(c["slot"], c["old_score"], c["new_score"]) for c in changes] == [
        (3, Decimal(1), Decimal(0))
    ]
    attempt.refresh_from_db()
    assert attempt.score == 4


# --- authoring: the API and the admin -------------------------------------------------------


@pytest.fixture
def api(api_client_for, teacher):
    return api_client_for(teacher)


def test_the_api_writes_and_reads_random_slots_from_a_tag_or_an_article(api, pool):
    _tag, _questions = pool
    article = ArticleFactory(slug="the-reset")
    for _ in range(2):
        QuestionFactory(fact=FactFactory(article=article))
    response = api.post(
        "/api/quizzes/",
        {
            "slug": "drawn",
            "title": "Drawn",
            "published": True,
            "random": [
                {"tag": "geneva", "count": 5, "marks": "2"},
                {"article": "the-reset", "count": 2},
            ],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["random"] == [
        {"tag": "geneva", "article": None, "count": 5, "marks": "2"},
        {"tag": None, "article": "the-reset", "count": 2, "marks": "1"},
    ]
    attempt = api.post("/api/quizzes/drawn/attempts/").json()
    assert len(attempt["questions"]) == 7 if "questions" in attempt else True
    assert Response.objects.filter(attempt_id=attempt["id"]).count() == 7


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"tag": "geneva", "count": 21}, "holds 20 usable"),
        ({"tag": "geneva", "article": "x", "count": 1}, "one of the two"),
        ({"count": 1}, "one of the two"),
        ({"tag": "geneva", "count": 0}, "greater than or equal to 1"),
        ({"tag": "no-such-tag", "count": 1}, "does not exist"),
    ],
)
def test_a_bad_random_slot_is_a_400_on_random_and_nothing_is_written(api, pool, row, message):
    ArticleFactory(slug="x")
    response = api.post(
        "/api/quizzes/",
        {"slug": "drawn", "title": "Drawn", "published": True, "random": [row]},
        format="json",
    )
    assert response.status_code == 400
    assert "random" in response.json() and message in str(response.json()["random"])
    assert not QuizRandomSlot.objects.exists()


def test_starting_through_the_api_when_the_pool_shrank_is_a_409(api, pool, student_api):
    tag, _questions = pool
    slot_quiz(tag, count=5, slug="shrunk")
    Question.tags.through.objects.filter(tag=tag).delete()
    response = student_api.post("/api/quizzes/shrunk/attempts/")
    assert response.status_code == 409
    assert response.json()["code"] == "not_enough_questions"


@pytest.fixture
def student_api(api_client_for, student):
    return api_client_for(student)


@pytest.fixture
def admin_client_(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def _quiz_form(quiz, *, questions=(), slots=()):
    data = {
        "title": quiz.title,
        "slug": quiz.slug,
        "description": "",
        "published": "on",
        "grading_method": "highest",
        "maximum_grade": "100",
        "feedback_mode": "deferred",
        "shuffle_choices": "on",
        "quiz_questions-TOTAL_FORMS": str(len(questions)),
        "quiz_questions-INITIAL_FORMS": "0",
        "random_slots-TOTAL_FORMS": str(len(slots)),
        "random_slots-INITIAL_FORMS": "0",
    }
    for i, question in enumerate(questions):
        data.update(
            {f"quiz_questions-{i}-question": str(question.pk), f"quiz_questions-{i}-order": ""}
        )
    for i, (tag, count) in enumerate(slots):
        data.update(
            {
                f"random_slots-{i}-tag": str(tag.pk),
                f"random_slots-{i}-count": str(count),
                f"random_slots-{i}-marks": "1",
                f"random_slots-{i}-order": "",
            }
        )
    return data


def test_the_admin_saves_a_quiz_of_random_slots_only_and_refuses_a_slot_too_big(
    admin_client_, pool
):
    tag, questions = pool
    quiz = QuizFactory(published=False, title="By hand", slug="by-hand")
    url = f"/admin/quizzes/quiz/{quiz.pk}/change/"
    page = admin_client_.get(url)
    assert "random slots: questions drawn at random" in page.content.decode().lower()
    data = _quiz_form(quiz, questions=questions[:18], slots=[(tag, 3)])
    refused = admin_client_.post(url, {**data, **_review_grid(page)})
    assert refused.status_code == 200
    assert "The slot draws 3 from tag Geneva, which holds 2 usable questions" in (
        refused.content.decode()
    )
    assert not quiz.random_slots.exists()
    saved = admin_client_.post(url, {**_quiz_form(quiz, slots=[(tag, 3)]), **_review_grid(page)})
    assert saved.status_code == 302, saved.content.decode()[:3000]
    assert quiz.random_slots.get().count == 3
    quiz.refresh_from_db()
    assert quiz.published


def _review_grid(page):
    """The review-options checkboxes as the change page ticks them."""
    import re

    html = page.content.decode()
    pattern = r'<input type="checkbox" name="(review_options[^"]*)" value="([^"]*)"[^>]*checked'
    return dict(re.findall(pattern, html))


def test_the_quiz_page_counts_the_drawn_questions(pool, client):
    tag, _questions = pool
    quiz = slot_quiz(tag, count=5, fixed=[QuestionFactory()])
    page = client.get(quiz.get_absolute_url())
    assert page.context["question_count"] == 6


def test_the_results_page_names_the_source_of_a_drawn_question(admin_client_, pool):
    tag, _questions = pool
    quiz = slot_quiz(tag, count=5)
    for _ in range(2):
        answer_all(attempt_start(quiz=quiz, user=UserFactory(), now=NOW)[0], right=False)
    page = admin_client_.get(f"/admin/quizzes/quiz/{quiz.pk}/results/").content.decode()
    assert "drawn at random from tag Geneva, in" in page

"""The teachers' API: articles, facts, questions (nested), quizzes, generation and results."""

import pytest
from rest_framework.test import APIClient

from quizzes.models import Choice, Fact, Question, Quiz
from tests.factories import (
    ArticleFactory,
    FactFactory,
    QuestionFactory,
    QuizFactory,
    TagFactory,
)

BODY = (
    "US Secretary of State Hillary Clinton met Russia's foreign minister Sergei Lavrov in "
    "Geneva on Friday. The button was marked “Peregruzka”. They agreed to renegotiate the "
    "START treaty by the end of the year."
)


@pytest.fixture
def api(api_client_for, teacher):
    return api_client_for(teacher)


@pytest.fixture
def student_api(api_client_for, student):
    return api_client_for(student)


def single_choice_body(**overrides):
    return {
        "kind": "single_choice",
        "text": "Whom did Clinton meet in Geneva?",
        "tags": ["geneva"],
        "choices": [
            {"text": "Sergei Lavrov", "fraction": 1, "feedback": "Yes."},
            {"text": "Dmitry Medvedev", "fraction": 0},
            {"text": "Ban Ki-moon", "fraction": 0},
        ],
        **overrides,
    }


# --- who may ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/api/articles/"),
        ("post", "/api/articles/"),
        ("get", "/api/facts/"),
        ("get", "/api/questions/"),
        ("post", "/api/questions/"),
        ("post", "/api/quizzes/"),
    ],
)
def test_students_get_403_and_anonymous_401_on_teacher_endpoints(student_api, method, url):
    response = getattr(student_api, method)(url, {}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert getattr(APIClient(), method)(url, {}, format="json").status_code == 401


def test_a_teachers_group_member_without_staff_is_a_teacher(db):
    from tests.factories import TeacherFactory

    member = TeacherFactory(is_staff=False)
    client = APIClient()
    client.force_authenticate(member)
    assert client.get("/api/questions/").status_code == 200


# --- articles and facts ----------------------------------------------------------------------


def test_article_crud_by_slug(api):
    created = api.post(
        "/api/articles/",
        {"slug": "geneva", "title": "Clinton meets Lavrov", "body": BODY},
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert created.json()["fact_count"] == 0
    assert api.get("/api/articles/geneva/").json()["title"] == "Clinton meets Lavrov"
    changed = api.patch("/api/articles/geneva/", {"publisher": "Reuters"}, format="json")
    assert changed.json()["publisher"] == "Reuters"
    assert api.delete("/api/articles/geneva/").status_code == 204
    assert api.get("/api/articles/geneva/").status_code == 404


def test_article_bad_input_is_400_per_field(api):
    ArticleFactory(slug="taken")
    response = api.post("/api/articles/", {"slug": "taken", "url": "nope"}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"slug", "title", "body", "url"}


def test_a_fact_must_quote_its_article(api):
    ArticleFactory(slug="geneva", body=BODY)
    good = {
        "article": "geneva",
        "sentence": "The button was marked “Peregruzka”.",
        "answer": "Peregruzka",
        "kind": "quote",
    }
    assert api.post("/api/facts/", good, format="json").status_code == 201
    bad = api.post(
        "/api/facts/", {**good, "sentence": "The button was marked Reset."}, format="json"
    )
    assert bad.status_code == 400
    assert "does not appear in the article" in bad.json()["sentence"][0]
    assert Fact.objects.count() == 1


def test_facts_filter_by_article(api):
    FactFactory.create_batch(2)
    fact = FactFactory()
    found = api.get(f"/api/facts/?article={fact.article.slug}").json()
    assert [f["id"] for f in found["results"]] == [fact.pk]


@pytest.mark.parametrize("count", [3, 30])
def test_article_and_fact_lists_run_constant_queries(api, django_assert_max_num_queries, count):
    FactFactory.create_batch(count)
    # teacher?, count, page (with owner), co-teachers (`shared_with`, issue 15)
    with django_assert_max_num_queries(4):
        assert api.get("/api/articles/?page_size=50").json()["count"] == count
    with django_assert_max_num_queries(3):
        assert api.get("/api/facts/?page_size=50").json()["count"] == count


# --- questions -------------------------------------------------------------------------------


def test_creating_a_question_with_choices(api, teacher):
    response = api.post("/api/questions/", single_choice_body(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert [c["text"] for c in body["choices"]] == [
        "Sergei Lavrov",
        "Dmitry Medvedev",
        "Ban Ki-moon",
    ]
    assert [c["order"] for c in body["choices"]] == [1, 2, 3]
    assert body["tags"] == ["geneva"]
    assert body["owner"] == body["author"] == teacher.username
    assert Question.objects.get().choices.count() == 3


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        (
            single_choice_body(
                choices=[{"text": "A", "fraction": 0}, {"text": "B", "fraction": 0}]
            ),
            "choices",
            "fully correct choice",
        ),
        (
            single_choice_body(
                kind="cloze", text="No gap here", choices=[], accepted_answers=[{"text": "x"}]
            ),
            "text",
            "exactly one gap",
        ),
        (single_choice_body(kind="numeric", choices=[]), "numeric_answer", "correct value"),
        (single_choice_body(kind="short_answer", choices=[]), "accepted_answers", "at least one"),
        (single_choice_body(kind="true_false"), "choices", "exactly two"),
        (single_choice_body(kind="essay"), "kind", "not a valid choice"),
        (
            single_choice_body(choices=[{"text": "A", "fraction": 2}]),
            "choices",
            "less than or equal",
        ),
    ],
)
def test_question_rules_match_the_admin_and_nothing_is_written(api, body, field, message):
    response = api.post("/api/questions/", body, format="json")
    assert response.status_code == 400
    assert message in str(response.json()[field])
    assert Question.objects.count() == 0
    assert Choice.objects.count() == 0


def test_updating_a_question_keeps_choice_ids_and_reorders(api):
    question = QuestionFactory()
    choices = list(question.choices.all())
    body = {
        "kind": "single_choice",
        "text": "Who met Clinton?",
        "choices": [
            {"id": choices[1].pk, "text": choices[1].text, "fraction": 0},
            {"id": choices[0].pk, "text": "Sergei V. Lavrov", "fraction": 1},
            {"text": "Kofi Annan", "fraction": 0},
        ],
    }
    response = api.put(f"/api/questions/{question.pk}/", body, format="json")
    assert response.status_code == 200, response.json()
    saved = list(question.choices.order_by("order"))
    assert [c.pk for c in saved[:2]] == [choices[1].pk, choices[0].pk]
    assert [c.text for c in saved] == [choices[1].text, "Sergei V. Lavrov", "Kofi Annan"]
    assert not Choice.objects.filter(pk__in=[c.pk for c in choices[2:]]).exists()


def test_a_choice_id_from_another_question_is_400(api):
    question, other = QuestionFactory(), QuestionFactory()
    foreign = other.choices.first()
    body = single_choice_body(
        choices=[{"id": foreign.pk, "text": "A", "fraction": 1}, {"text": "B", "fraction": 0}]
    )
    response = api.put(f"/api/questions/{question.pk}/", body, format="json")
    assert response.status_code == 400
    assert "choices" in response.json()
    assert question.choices.count() == 4


def test_changing_the_kind_alone_is_checked_against_the_saved_parts(api):
    question = QuestionFactory()
    response = api.patch(f"/api/questions/{question.pk}/", {"kind": "short_answer"}, format="json")
    assert response.status_code == 400
    assert "accepted_answers" in response.json()
    question.refresh_from_db()
    assert question.kind == "single_choice"


def test_questions_filter_by_kind_article_and_tag(api):
    cloze = QuestionFactory(cloze=True)
    tagged = QuestionFactory(numeric=True)
    tagged.tags.add(TagFactory(slug="years"))
    QuestionFactory()

    def ids(query):
        return [q["id"] for q in api.get(f"/api/questions/?{query}").json()["results"]]

    assert ids("kind=cloze") == [cloze.pk]
    assert ids("tag=years") == [tagged.pk]
    assert ids(f"article={cloze.fact.article.slug}") == [cloze.pk]
    assert api.get("/api/questions/?kind=essay").status_code == 400


def test_unknown_question_is_404_and_delete_works(api):
    question = QuestionFactory()
    assert api.get("/api/questions/999999/").status_code == 404
    assert api.delete(f"/api/questions/{question.pk}/").status_code == 204
    assert not Question.objects.exists()


@pytest.mark.parametrize("count", [3, 30])
def test_question_list_runs_constant_queries(api, django_assert_max_num_queries, count):
    for n in range(count):
        QuestionFactory(**({"short_answer": True} if n % 2 else {})).tags.add(TagFactory())
    # teacher?, count, page (with fact, article, owner), choices, accepted answers, match
    # pairs, ordering items, tags, co-teachers (`shared_with`, issue 15)
    with django_assert_max_num_queries(9):
        response = api.get("/api/questions/?page_size=50")
    assert response.json()["count"] == count


# --- quizzes ---------------------------------------------------------------------------------


def test_teachers_create_quizzes_with_their_questions(api, teacher):
    first, second = QuestionFactory(), QuestionFactory(short_answer=True)
    response = api.post(
        "/api/quizzes/",
        {
            "slug": "draft",
            "title": "Draft",
            "published": False,
            "tags": ["geneva"],
            "questions": [{"question": second.pk, "marks": "2.00"}, {"question": first.pk}],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["questions"] == [
        {"question": second.pk, "order": 1, "marks": "2"},
        {"question": first.pk, "order": 2, "marks": "1"},
    ]
    assert (body["question_count"], body["owner"], body["published"]) == (
        2,
        teacher.username,
        False,
    )
    assert [q["slug"] for q in api.get("/api/quizzes/").json()["results"]] == ["draft"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"opens_at": "2030-01-02T00:00:00Z", "closes_at": "2030-01-01T00:00:00Z"}, "closes_at"),
        ({"pass_mark": "150"}, "pass_mark"),
        ({"time_limit": "00:00:00"}, "time_limit"),
        ({"attempts_allowed": 0}, "attempts_allowed"),
        ({"questions": [{"question": 999999}]}, "questions"),
    ],
)
def test_quiz_rules_are_400_per_field_and_nothing_is_written(api, change, field):
    response = api.post("/api/quizzes/", {"slug": "q", "title": "Q", **change}, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Quiz.objects.exists()


def test_a_question_twice_in_a_quiz_is_400(api):
    question = QuestionFactory()
    rows = [{"question": question.pk}, {"question": question.pk}]
    response = api.post(
        "/api/quizzes/", {"slug": "q", "title": "Q", "questions": rows}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"questions": ["A question can appear in a quiz only once."]}


def test_a_published_quiz_without_questions_is_400_and_nothing_is_written(api):
    response = api.post(
        "/api/quizzes/",
        {"slug": "empty", "title": "Empty", "published": True, "questions": []},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "published": [
            "A published quiz needs at least one question: add one, or untick “Published”."
        ]
    }
    assert not Quiz.objects.exists()


def test_a_published_quiz_keeps_a_question_whatever_the_change(api):
    quiz = QuizFactory(slug="live", questions=2, published=True)
    emptied = api.patch("/api/quizzes/live/", {"questions": []}, format="json")
    assert emptied.status_code == 400 and "published" in emptied.json()
    assert quiz.quiz_questions.count() == 2

    draft = QuizFactory(slug="draft", questions=0, published=False)
    published = api.patch("/api/quizzes/draft/", {"published": True}, format="json")
    assert published.status_code == 400 and "published" in published.json()
    draft.refresh_from_db()
    assert draft.published is False
    # unpublishing and emptying together is fine
    both = api.patch("/api/quizzes/live/", {"published": False, "questions": []}, format="json")
    assert both.status_code == 200, both.json()


def test_updating_a_quiz_replaces_its_questions(api):
    quiz = QuizFactory(slug="reset", questions=3)
    replacement = QuestionFactory()
    response = api.patch(
        "/api/quizzes/reset/", {"questions": [{"question": replacement.pk}]}, format="json"
    )
    assert response.status_code == 200
    assert list(quiz.quiz_questions.values_list("question", flat=True)) == [replacement.pk]


def test_deleting_a_quiz_with_attempts_is_409(api, student):
    from django.utils import timezone

    from quizzes.services.attempts import attempt_start

    quiz = QuizFactory(slug="taken", questions=1)
    attempt_start(quiz=quiz, user=student, now=timezone.now())
    response = api.delete("/api/quizzes/taken/")
    assert response.status_code == 409
    assert response.json()["code"] == "protected"
    QuizFactory(slug="fresh")
    assert api.delete("/api/quizzes/fresh/").status_code == 204


def test_students_cannot_change_quizzes(student_api):
    QuizFactory(slug="reset")
    assert (
        student_api.patch("/api/quizzes/reset/", {"title": "x"}, format="json").status_code == 403
    )
    assert student_api.delete("/api/quizzes/reset/").status_code == 403


@pytest.mark.parametrize("count", [3, 30])
def test_teacher_quiz_list_runs_constant_queries(api, django_assert_max_num_queries, count):
    for _ in range(count):
        QuizFactory(questions=2, published=False).tags.add(TagFactory())
    # teacher?, count, page (with owner), tags, co-teachers (`shared_with`, issue 15), quiz
    # questions, random slots
    with django_assert_max_num_queries(7):
        response = api.get("/api/quizzes/?page_size=50")
    assert response.json()["count"] == count


def test_results_list_attempts_and_grades(api, student, other_student, student_api):
    quiz = QuizFactory(slug="reset", questions=1, pass_mark=50)
    question = quiz.questions.get()
    attempt = student_api.post("/api/quizzes/reset/attempts/").json()
    right = question.choices.get(fraction=1).pk
    student_api.put(
        f"/api/attempts/{attempt['id']}/answers/{question.pk}/", {"answer": right}, format="json"
    )
    student_api.post(f"/api/attempts/{attempt['id']}/finish/")
    response = api.get("/api/quizzes/reset/results/")
    assert response.status_code == 200
    [row] = response.json()["results"]
    assert (row["user"], row["state"], row["grade"], row["passed"]) == (
        "student",
        "finished",
        "100",
        True,
    )
    assert student_api.get("/api/quizzes/reset/results/").status_code == 403
    assert api.get("/api/quizzes/nope/results/").status_code == 404


# --- generation ------------------------------------------------------------------------------


def test_generating_questions_from_an_article_reports_what_it_did(api):
    article = ArticleFactory(slug="geneva", body=BODY)
    Fact.objects.create(
        article=article,
        key="geneva-lavrov",
        sentence="US Secretary of State Hillary Clinton met Russia's foreign minister "
        "Sergei Lavrov in Geneva on Friday.",
        answer="Sergei Lavrov",
        kind="person",
    )
    dry = api.post("/api/articles/geneva/generate/", {"dry_run": True}, format="json")
    assert dry.status_code == 200, dry.json()
    assert dry.json()["dry_run"] is True
    assert not Question.objects.exists()
    real = api.post("/api/articles/geneva/generate/", {"kinds": ["cloze"]}, format="json")
    assert real.status_code == 200
    assert real.json()["counts"]["created"] == 1
    assert Question.objects.get().kind == "cloze"
    again = api.post("/api/articles/geneva/generate/", {"kinds": ["cloze"]}, format="json")
    assert again.json()["counts"] == {
        "created": 0,
        "updated": 0,
        "unchanged": 1,
        "skipped": 0,
        "pruned": 0,
    }


def test_generation_input_is_validated(api, student_api):
    ArticleFactory(slug="geneva")
    response = api.post("/api/articles/geneva/generate/", {"kinds": ["essay"]}, format="json")
    assert response.status_code == 400
    assert "kinds" in response.json()
    assert api.post("/api/articles/nope/generate/", {}, format="json").status_code == 404
    assert student_api.post("/api/articles/geneva/generate/", {}, format="json").status_code == 403


@pytest.mark.parametrize("count", [3, 30])
def test_results_list_runs_constant_queries(api, django_assert_max_num_queries, count):
    from django.utils import timezone

    from quizzes.services.attempts import attempt_finish, attempt_start
    from tests.factories import UserFactory

    quiz = QuizFactory(slug="reset", questions=1)
    for _ in range(count):
        attempt, _ = attempt_start(quiz=quiz, user=UserFactory(), now=timezone.now())
        attempt_finish(attempt=attempt, now=timezone.now())
    # the teacher's permissions, quiz, count, page (with users and quiz)
    with django_assert_max_num_queries(4):
        response = api.get("/api/quizzes/reset/results/?page_size=50")
    assert response.json()["count"] == count


def test_text_no_database_can_hold_is_a_400_or_404_never_a_500(api):
    ArticleFactory(slug="geneva", body=BODY)
    fact = {"article": "gene\x00va", "sentence": "x", "answer": "x", "kind": "quote"}
    response = api.post("/api/facts/", fact, format="json")
    assert response.status_code == 400
    assert "article" in response.json()
    assert api.get("/api/articles/gene%00va/").status_code == 404
    assert api.get("/api/quizzes/gene%00va/").status_code == 404
    assert api.get("/api/decks/gene%00va/").status_code == 404
    assert Fact.objects.count() == 0


def test_teachers_create_and_edit_matching_and_ordering_questions(api):
    created = api.post(
        "/api/questions/",
        {
            "kind": "matching",
            "text": "Match each person with their post.",
            "pairs": [
                {"stem": "Clinton", "answer": "Secretary of State"},
                {"stem": "Lavrov", "answer": "foreign minister"},
            ],
            "extra_answers": ["NATO chief"],
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["pairs"][1] == {"stem": "Lavrov", "answer": "foreign minister"}
    assert body["extra_answers"] == ["NATO chief"]
    edited = api.patch(
        f"/api/questions/{body['id']}/",
        {"extra_answers": ["NATO chief", "UN envoy"]},
        format="json",
    )
    assert edited.status_code == 200
    assert len(edited.json()["pairs"]) == 2 and edited.json()["extra_answers"][1] == "UN envoy"
    ordering = api.post(
        "/api/questions/",
        {
            "kind": "ordering",
            "text": "Put them in order.",
            "items": ["Georgia", "NATO", "Geneva"],
            "all_or_nothing": True,
        },
        format="json",
    )
    assert ordering.status_code == 201
    assert ordering.json()["items"] == ["Georgia", "NATO", "Geneva"]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"kind": "ordering", "items": ["Georgia", "NATO"]}, "items", "at least 3"),
        (
            {"kind": "matching", "pairs": [{"stem": "Clinton", "answer": "x"}]},
            "pairs",
            "at least 2 stems",
        ),
        ({"kind": "matching", "pairs": [{"stem": "", "answer": "x"}] * 2}, "pairs", ""),
    ],
)
def test_a_bad_matching_or_ordering_question_is_400_on_its_field(api, fields, field, message):
    response = api.post("/api/questions/", {"text": "Q?", **fields}, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert message in str(response.json()[field])

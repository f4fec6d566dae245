"""The teachers' admin: every model is there, and bad questions get a form error."""

import pytest
from django.contrib import admin
from django.urls import reverse

from quizzes.models import Question
from tests.admin_names import admin_url_name
from tests.factories import FactFactory, QuestionFactory, QuizFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="boss", is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("app", ["quizzes", "flashcards"])
def test_every_model_of_the_project_is_registered(app):
    from django.apps import apps

    missing = [
        m.__name__ for m in apps.get_app_config(app).get_models() if m not in admin.site._registry
    ]
    assert missing == []


@pytest.mark.parametrize(
    "model", ["article", "fact", "question", "quiz", "attempt", "deck", "card", "tag"]
)
def test_changelists_and_add_pages_render(admin_client, model):
    QuizFactory(questions=2)
    assert (
        admin_client.get(reverse(admin_url_name(model, "changelist")) + "?q=geneva").status_code
        == 200
    )
    if model != "attempt":
        assert admin_client.get(reverse(admin_url_name(model, "add"))).status_code == 200


def test_question_change_page_shows_its_choices_inline(admin_client):
    question = QuestionFactory()
    response = admin_client.get(reverse("admin:quizzes_question_change", args=[question.pk]))
    assert response.status_code == 200
    assert "Dmitry Medvedev" in response.content.decode()


NO_ARRANGED_PARTS = {
    "match_pairs-TOTAL_FORMS": "0",
    "match_pairs-INITIAL_FORMS": "0",
    "ordering_items-TOTAL_FORMS": "0",
    "ordering_items-INITIAL_FORMS": "0",
}


def _question_post(fact, choices, kind="single_choice", text="Whom did Clinton meet?"):
    data = {
        "kind": kind,
        "text": text,
        "explanation": "",
        "fact": fact.pk,
        "default_marks": "1",
        "numeric_tolerance": "0",
        "key": "admin-made",
        "choices-TOTAL_FORMS": str(len(choices)),
        "choices-INITIAL_FORMS": "0",
        "accepted_answers-TOTAL_FORMS": "0",
        "accepted_answers-INITIAL_FORMS": "0",
        **NO_ARRANGED_PARTS,
    }
    for i, (text_, fraction) in enumerate(choices):
        data |= {
            f"choices-{i}-order": str(i + 1),
            f"choices-{i}-text": text_,
            f"choices-{i}-fraction": str(fraction),
        }
    return data


def test_saving_a_choice_question_without_a_correct_choice_shows_an_error_and_saves_nothing(
    admin_client,
):
    fact = FactFactory()
    response = admin_client.post(
        reverse("admin:quizzes_question_add"),
        _question_post(fact, [("Lavrov", 0.5), ("Rice", 0)]),
    )
    assert response.status_code == 200
    assert "fully correct choice" in response.content.decode()
    assert not Question.objects.filter(key="admin-made").exists()


def test_a_valid_question_saves_with_its_choices_and_owner(admin_client):
    fact = FactFactory()
    response = admin_client.post(
        reverse("admin:quizzes_question_add"),
        _question_post(fact, [("Lavrov", 1), ("Rice", 0)]),
    )
    assert response.status_code == 302
    question = Question.objects.get(key="admin-made")
    assert question.choices.count() == 2
    assert question.owner.username == "boss"


def test_a_cloze_question_needs_exactly_one_gap(admin_client):
    fact = FactFactory()
    response = admin_client.post(
        reverse("admin:quizzes_question_add"),
        _question_post(fact, [], kind="cloze", text="No gap here."),
    )
    assert response.status_code == 200
    assert "exactly one gap" in response.content.decode()


def _parts_post(kind, pairs=(), items=(), **fields):
    data = {
        "kind": kind,
        "text": "Match or order them.",
        "explanation": "",
        "default_marks": "1",
        "numeric_tolerance": "0",
        "key": "admin-parts",
        "choices-TOTAL_FORMS": "0",
        "choices-INITIAL_FORMS": "0",
        "accepted_answers-TOTAL_FORMS": "0",
        "accepted_answers-INITIAL_FORMS": "0",
        "match_pairs-TOTAL_FORMS": str(len(pairs)),
        "match_pairs-INITIAL_FORMS": "0",
        "ordering_items-TOTAL_FORMS": str(len(items)),
        "ordering_items-INITIAL_FORMS": "0",
        **fields,
    }
    for i, (stem, answer) in enumerate(pairs):
        data |= {f"match_pairs-{i}-stem": stem, f"match_pairs-{i}-answer": answer}
    for i, text in enumerate(items):
        data |= {f"ordering_items-{i}-text": text}
    return data


def test_a_matching_question_saves_with_its_pairs_and_extra_answer(admin_client):
    pairs = [("Clinton", "Secretary of State"), ("Lavrov", "foreign minister"), ("", "NATO chief")]
    response = admin_client.post(
        reverse("admin:quizzes_question_add"), _parts_post("matching", pairs)
    )
    assert response.status_code == 302
    question = Question.objects.get(key="admin-parts")
    assert [(p.stem, p.answer, p.order) for p in question.match_pairs.all()] == [
        ("Clinton", "Secretary of State", 1),
        ("Lavrov", "foreign minister", 2),
        ("", "NATO chief", 3),
    ]
    page = admin_client.get(reverse("admin:quizzes_question_change", args=[question.pk]))
    assert "NATO chief" in page.content.decode()


@pytest.mark.parametrize(
    ("kind", "parts", "message"),
    [
        (
            "matching",
            {"pairs": [("Clinton", "a minister"), ("Lavrov", "a minister")]},
            "same answer",
        ),
        ("matching", {"pairs": [("Clinton", "a minister")]}, "at least 2 stems"),
        ("ordering", {"items": ["Georgia", "NATO"]}, "at least 3 items"),
        ("single_choice", {"items": ["Georgia", "NATO", "Geneva"]}, "Only ordering questions"),
    ],
)
def test_a_bad_matching_or_ordering_question_shows_its_error_and_saves_nothing(
    admin_client, kind, parts, message
):
    response = admin_client.post(reverse("admin:quizzes_question_add"), _parts_post(kind, **parts))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Question.objects.filter(key="admin-parts").exists()


def test_an_ordering_question_saves_its_items_and_all_or_nothing(admin_client):
    data = _parts_post("ordering", items=["Georgia", "NATO", "Geneva"], all_or_nothing="on")
    assert admin_client.post(reverse("admin:quizzes_question_add"), data).status_code == 302
    question = Question.objects.get(key="admin-parts")
    assert question.all_or_nothing
    assert list(question.ordering_items.values_list("text", flat=True)) == [
        "Georgia",
        "NATO",
        "Geneva",
    ]

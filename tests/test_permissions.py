"""Who is a teacher: one rule, from Django's permissions, in the admin, the API and the pages.

The matrix: five kinds of account against every teacher endpoint and page. The permissions make
the teacher (the `Teachers` group grants them, a superuser has them all); the staff flag only
opens the admin's door, so a staff account with no permissions is a teacher nowhere, and a
member of `Teachers` who is not staff is one everywhere but the admin.
"""

import json

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from flashcards.models import Deck
from quizzes.models import Article, Question, Quiz
from quizzes.permissions import TEACHER_PERMISSIONS, is_teacher, teachers_group
from tests.factories import (
    ArticleFactory,
    CardFactory,
    DeckFactory,
    FactFactory,
    QuizFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

OWNED_MODELS = (Article, Question, Quiz, Deck)
ROLES = ["student", "staff_without_permissions", "teachers_member", "teachers_staff", "superuser"]
TEACHERS = {"teachers_member", "teachers_staff", "superuser"}
ADMIN_TEACHERS = {"teachers_staff", "superuser"}  # the admin also needs the staff flag


def make_user(role: str):
    if role == "student":
        return UserFactory(username="a-student")
    if role == "staff_without_permissions":
        return UserFactory(username="bare-staff", is_staff=True)
    if role == "superuser":
        return UserFactory(username="root", is_staff=True, is_superuser=True)
    user = UserFactory(username=role.replace("_", "-"), is_staff=role == "teachers_staff")
    user.groups.add(teachers_group())
    # The teacher owns the content here: this matrix is about the model permissions, the first
    # gate (tests/test_ownership.py has teachers who own none of it: the second).
    for model in OWNED_MODELS:
        model.objects.update(owner=user)
    return user


@pytest.fixture
def content(db):
    """What the teacher endpoints act on: an article with a fact, a quiz with an attempt to read
    the results of, an unpublished quiz, and an unpublished deck with a card."""
    article = ArticleFactory(slug="geneva")
    FactFactory(article=article, sentence=article.body.split(". ")[0] + ".", answer="Lavrov")
    QuizFactory(slug="reset", questions=1)
    QuizFactory(slug="draft-quiz", questions=1, published=False)
    deck = DeckFactory(slug="draft-deck", published=False)
    return {"card": CardFactory(deck=deck)}


def api_for(user) -> APIClient:
    api = APIClient()
    api.force_login(user)  # a session, so each request loads the user afresh, as in production
    return api


QUESTION = {
    "kind": "single_choice",
    "text": "Whom did Clinton meet in Geneva?",
    "choices": [{"text": "Sergei Lavrov", "fraction": 1}, {"text": "Ban Ki-moon", "fraction": 0}],
}


# Each check does one teacher's thing and says whether it was allowed; a refusal must be the
# documented one (403, or 404 where the object's existence is hidden), never anything else.
def _api(method, url, body=None, allowed=(200, 201, 204), refused=(403,)):
    def check(user, content):
        response = getattr(api_for(user), method)(url, body, format="json")
        assert response.status_code in (*allowed, *refused), (url, response.content[:300])
        return response.status_code in allowed

    return check


def _sees_unpublished_quiz(user, content):
    slugs = [q["slug"] for q in api_for(user).get("/api/quizzes/").json()["results"]]
    return "draft-quiz" in slugs


def _sees_quiz_questions(user, content):
    quizzes = api_for(user).get("/api/quizzes/").json()["results"]
    return "questions" in next(quiz for quiz in quizzes if quiz["slug"] == "reset")


def _lists_unpublished_deck(user, content):
    slugs = [d["slug"] for d in api_for(user).get("/api/decks/").json()["results"]]
    return "draft-deck" in slugs


def _reviews_unpublished_card(user, content):
    url = f"/api/cards/{content['card'].pk}/review/"
    return _api("post", url, {"rating": "good"}, refused=(404,))(user, content)


def _page(url, refused=(404,)):
    def check(user, content):
        client = api_for(user)
        response = client.get(url)
        assert response.status_code in (200, *refused), (url, response.status_code)
        return response.status_code == 200

    return check


def _teach_link(user, content):
    html = api_for(user).get(reverse("home")).content.decode()
    return f'href="{reverse("admin:index")}"' in html


def _admin(url_name, *args):
    def check(user, content):
        response = api_for(user).get(reverse(url_name, args=args))
        # Not staff: the admin's login page; staff without the permission: 403.
        assert response.status_code in (200, 302, 403), (url_name, response.status_code)
        return response.status_code == 200

    return check


def _admin_results(user, content):
    quiz = Quiz.objects.get(slug="reset")
    return _admin("admin:quizzes_quiz_results", quiz.pk)(user, content)


def _admin_unlock_page(user, content):
    return _admin("admin:axes_accessattempt_changelist")(user, content)


API_CHECKS = {
    "list articles": _api("get", "/api/articles/"),
    "create an article": _api(
        "post",
        "/api/articles/",
        {"slug": "new", "title": "New", "publisher": "Reuters", "body": "A body."},
    ),
    "change an article": _api("patch", "/api/articles/geneva/", {"title": "Geneva talks"}),
    "list facts": _api("get", "/api/facts/"),
    "list questions": _api("get", "/api/questions/"),
    "write a question": _api("post", "/api/questions/", QUESTION),
    "generate questions": _api("post", "/api/articles/geneva/generate/", {"dry_run": True}),
    "create a quiz": _api("post", "/api/quizzes/", {"slug": "new-quiz", "title": "New"}),
    "change a quiz": _api("patch", "/api/quizzes/reset/", {"title": "Reset"}, refused=(403,)),
    "delete a quiz": _api("delete", "/api/quizzes/draft-quiz/", refused=(403, 404)),
    "read every student's results": _api("get", "/api/quizzes/reset/results/"),
    "see unpublished quizzes": _sees_unpublished_quiz,
    "see a quiz's questions": _sees_quiz_questions,
    "list unpublished decks": _lists_unpublished_deck,
    "open an unpublished deck": _api("get", "/api/decks/draft-deck/", refused=(404,)),
    "study an unpublished deck": _api("get", "/api/decks/draft-deck/due/", refused=(404,)),
    "review a card of an unpublished deck": _reviews_unpublished_card,
}
PAGE_CHECKS = {
    "study page of an unpublished deck": _page("/flashcards/draft-deck/study/"),
    "statistics of an unpublished deck": _page("/flashcards/draft-deck/stats/"),
}
ADMIN_CHECKS = {
    "the Teach link": _teach_link,
    "the admin's question list": _admin("admin:quizzes_question_changelist"),
    "the admin's new question form": _admin("admin:quizzes_question_add"),
    "the admin's quiz results": _admin_results,
    "the admin's failed logins (to unlock)": _admin_unlock_page,
}
MATRIX = [
    *((name, check, TEACHERS) for name, check in {**API_CHECKS, **PAGE_CHECKS}.items()),
    *((name, check, ADMIN_TEACHERS) for name, check in ADMIN_CHECKS.items()),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("what", "check", "allowed"), MATRIX, ids=[row[0] for row in MATRIX])
def test_the_permission_matrix(role, what, check, allowed, content):
    assert check(make_user(role), content) is (role in allowed), f"{role}: {what}"


def test_a_refused_write_changes_nothing(content):
    user = make_user("staff_without_permissions")
    before = (Article.objects.count(), Question.objects.count(), Quiz.objects.count())
    for name in ("create an article", "write a question", "create a quiz", "delete a quiz"):
        assert not API_CHECKS[name](user, content)
    assert (Article.objects.count(), Question.objects.count(), Quiz.objects.count()) == before


@pytest.mark.parametrize("role", ROLES)
def test_is_teacher_follows_the_same_rule(role):
    assert is_teacher(make_user(role)) is (role in TEACHERS)


def test_the_demo_teachers_group_holds_exactly_the_teacher_permissions():
    rows = json.loads((settings.BASE_DIR / "fixtures" / "demo_users.json").read_text())
    group = next(row for row in rows if row["model"] == "auth.group")
    in_fixture = {f"{app}.{codename}" for codename, app, _model in group["fields"]["permissions"]}
    assert in_fixture == set(TEACHER_PERMISSIONS)


def test_teachers_group_grants_every_listed_permission():
    granted = {
        f"{p.content_type.app_label}.{p.codename}" for p in teachers_group().permissions.all()
    }
    assert granted == set(TEACHER_PERMISSIONS)


@pytest.mark.parametrize("url", ["/", "/quizzes/", "/flashcards/"])
def test_a_students_page_costs_no_permission_query(client, url):
    # The Teach link checks the staff flag before the permissions; the quiz lists read the
    # "sees every quiz" permission inside their own query (an EXISTS), not as a query of its own.
    client.force_login(make_user("student"))
    DeckFactory(slug="published-deck")
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
        assert client.get("/flashcards/published-deck/study/").status_code == 200
    assert not [
        q
        for q in queries.captured_queries
        if "auth_permission" in q["sql"] and "EXISTS" not in q["sql"]
    ]

"""Ownership (issue 15): who sees and edits which content and results, in the admin and the API.

The cast, with fixed roles:
- alice, a teacher, owns an article (with a fact), a question, a quiz with that question and a
  student's finished attempt at it;
- carol, a teacher alice shares each of those items with (her co-teacher);
- bob, a teacher with content of his own and no share in alice's;
- sam, a student;
- root, a superuser.

`test_permission_matrix` has one row per (page or endpoint, actor) with the status and whether
alice's item is visible; the tests after it check writes, choice fields, importers and the
unowned-content rule.
"""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from flashcards.models import CardState, Deck, ReviewLog
from flashcards.services.scheduling import review_card
from quizzes.models import Article, Attempt, Choice, Question, Quiz, QuizRandomSlot
from quizzes.permissions import can_edit
from quizzes.services.attempts import attempt_finish, attempt_start
from tests.factories import (
    ArticleFactory,
    CardFactory,
    ClassroomFactory,
    DeckFactory,
    FactFactory,
    QuestionFactory,
    QuizFactory,
    TagFactory,
    TeacherFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ACTORS = ("alice", "carol", "bob", "sam", "root")


@pytest.fixture
def cast():
    alice = TeacherFactory(username="alice")
    carol = TeacherFactory(username="carol")
    bob = TeacherFactory(username="bob")
    sam = UserFactory(username="sam")
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    return {"alice": alice, "carol": carol, "bob": bob, "sam": sam, "root": root}


@pytest.fixture
def alices(cast):
    """Alice's items, each shared with carol; bob's own question and quiz beside them."""
    alice, carol, bob = cast["alice"], cast["carol"], cast["bob"]
    article = ArticleFactory(slug="alices-article", title="Alice's article", owner=alice)
    fact = FactFactory(
        article=article, sentence=article.body.split(". ")[0] + ".", answer="Sergei Lavrov"
    )
    question = QuestionFactory(text="Alice's question?", owner=alice, fact=fact)
    quiz = QuizFactory(slug="alices-quiz", title="Alice's quiz", owner=alice, questions=[question])
    for item in (article, question, quiz):
        item.shared_with.add(carol)
    attempt, _ = attempt_start(quiz=quiz, user=cast["sam"], now=timezone.now())
    attempt = attempt_finish(attempt=attempt, now=timezone.now())
    deck = DeckFactory(slug="alices-deck", title="Alice's deck", owner=alice, published=True)
    deck.shared_with.add(carol)
    card = CardFactory(deck=deck)
    review_card(user=cast["sam"], card=card, rating="good", now=timezone.now())
    Deck.objects.filter(pk=deck.pk).update(published=False)  # a draft again, with a result
    bobs_question = QuestionFactory(text="Bob's question?", owner=bob)
    bobs_quiz = QuizFactory(slug="bobs-quiz", title="Bob's quiz", owner=bob, questions=1)
    return {
        "article": article,
        "fact": fact,
        "question": question,
        "choice": question.choices.first(),
        "quiz": quiz,
        "attempt": attempt,
        "response": attempt.responses.first(),
        "deck": deck,
        "card": card,
        "cardstate": CardState.objects.get(card=card),
        "reviewlog": ReviewLog.objects.get(card=card),
        "bobs_question": bobs_question,
        "bobs_quiz": bobs_quiz,
    }


def admin_client_for(client, user):
    client.force_login(user)
    return client


# --- the matrix ------------------------------------------------------------------------------

# What each actor gets on a page that shows one of alice's items. The admin answers a change
# page of an item a teacher may not see as Django does for a missing one (a redirect to the
# admin's index, "doesn't exist"), a student (not staff) is sent to the login page; the API
# answers 404 for another teacher's item and 403 for a student at a teacher's endpoint.
OWNED = {"alice": 200, "carol": 200, "bob": 302, "sam": 302, "root": 200}
LISTED = {"alice": True, "carol": True, "bob": False, "sam": None, "root": True}
API_OWNED = {"alice": 200, "carol": 200, "bob": 404, "sam": 403, "root": 200}

ADMIN_CHANGE_PAGES = [
    ("quizzes_article", "article"),
    ("quizzes_fact", "fact"),
    ("quizzes_question", "question"),
    ("quizzes_choice", "choice"),
    ("quizzes_quiz", "quiz"),
    ("quizzes_attempt", "attempt"),
    ("quizzes_response", "response"),
    ("flashcards_deck", "deck"),
    ("flashcards_card", "card"),
    ("flashcards_cardstate", "cardstate"),
    ("flashcards_reviewlog", "reviewlog"),
]
ADMIN_LISTS = [
    # (model, item, the text that shows the item in the list)
    ("quizzes_article", "article", "Alice&#x27;s article"),
    ("quizzes_fact", "fact", None),
    ("quizzes_question", "question", "Alice&#x27;s question?"),
    ("quizzes_quiz", "quiz", "Alice&#x27;s quiz"),
    ("quizzes_quizquestion", "quiz", "Alice&#x27;s quiz"),
    ("quizzes_attempt", "attempt", "Alice&#x27;s quiz"),
    ("quizzes_response", "response", "Alice&#x27;s quiz"),
    ("flashcards_deck", "deck", "Alice&#x27;s deck"),
    ("flashcards_card", "card", "Alice&#x27;s deck"),
    ("flashcards_cardstate", "cardstate", None),
    ("flashcards_reviewlog", "reviewlog", None),
]


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(("model", "item"), ADMIN_CHANGE_PAGES)
def test_admin_change_page(client, cast, alices, actor, model, item):
    response = admin_client_for(client, cast[actor]).get(
        reverse(f"admin:{model}_change", args=[alices[item].pk])
    )
    assert response.status_code == OWNED[actor]
    if response.status_code == 302:  # bob: "doesn't exist"; sam (not staff): the admin's login
        expected = reverse("admin:login") if actor == "sam" else reverse("admin:index")
        assert response.url.startswith(expected)


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(("model", "item", "text"), ADMIN_LISTS)
def test_admin_changelist(client, cast, alices, actor, model, item, text):
    response = admin_client_for(client, cast[actor]).get(reverse(f"admin:{model}_changelist"))
    if actor == "sam":
        assert response.status_code == 302
        return
    assert response.status_code == 200
    shown = {obj.pk for obj in response.context["cl"].result_list}
    owned = alices[item]
    pks = (
        {owned.pk}
        if model != "quizzes_quizquestion"
        else set(owned.quiz_questions.values_list("pk", flat=True))
    )
    assert (pks <= shown) is LISTED[actor]
    if text is not None:
        assert (text in response.content.decode()) is LISTED[actor]


@pytest.mark.parametrize("actor", ACTORS)
def test_admin_quiz_results_page(client, cast, alices, actor):
    response = admin_client_for(client, cast[actor]).get(
        reverse("admin:quizzes_quiz_results", args=[alices["quiz"].pk])
    )
    expected = {"alice": 200, "carol": 200, "bob": 404, "sam": 302, "root": 200}[actor]
    assert response.status_code == expected


API_READS = [
    ("article", lambda items: reverse("api-article-detail", args=[items["article"].slug]), {}),
    ("fact", lambda items: reverse("api-fact-detail", args=[items["fact"].pk]), {}),
    ("question", lambda items: reverse("api-question-detail", args=[items["question"].pk]), {}),
    ("quiz results", lambda items: reverse("api-quiz-results", args=[items["quiz"].slug]), {}),
    # An unpublished deck: its owner and co-teachers study it; to anybody else it is not there.
    (
        "draft deck",
        lambda items: reverse("api-deck-detail", args=[items["deck"].slug]),
        {"sam": 404},
    ),
]


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(("what", "url", "unlike"), API_READS, ids=[row[0] for row in API_READS])
def test_api_read(api_client_for, cast, alices, actor, what, url, unlike):
    response = api_client_for(cast[actor]).get(url(alices))
    assert response.status_code == unlike.get(actor, API_OWNED[actor])


@pytest.mark.parametrize("actor", ACTORS)
def test_api_quiz_detail(api_client_for, cast, alices, actor):
    # A student reads a published quiz (without its questions); a teacher reads their own and
    # shared quizzes, and another teacher's is a 404 (a teacher takes quizzes on the site).
    response = api_client_for(cast[actor]).get(
        reverse("api-quiz-detail", args=[alices["quiz"].slug])
    )
    expected = {"alice": 200, "carol": 200, "bob": 404, "sam": 200, "root": 200}[actor]
    assert response.status_code == expected
    if expected == 200 and actor != "sam":
        assert response.json()["owner"] == "alice"


API_LISTS = [
    ("articles", "api-article-list", lambda body: [row["slug"] for row in body]),
    ("facts", "api-fact-list", lambda body: [row["article"] for row in body]),
    ("questions", "api-question-list", lambda body: [row["text"] for row in body]),
    ("quizzes", "api-quiz-list", lambda body: [row["slug"] for row in body]),
    ("decks", "api-deck-list", lambda body: [row["slug"] for row in body]),
]
ALICES_IN_LIST = {
    "articles": "alices-article",
    "facts": "alices-article",
    "questions": "Alice's question?",
    "quizzes": "alices-quiz",
    "decks": "alices-deck",
}


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(("what", "name", "values"), API_LISTS, ids=[r[0] for r in API_LISTS])
def test_api_list(api_client_for, cast, alices, actor, what, name, values):
    response = api_client_for(cast[actor]).get(reverse(name))
    if actor == "sam" and what not in {"quizzes", "decks"}:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    body = response.json()
    rows = values(body["results"] if isinstance(body, dict) else body)
    expected = actor in {"alice", "carol", "root"} or (actor, what) == ("sam", "quizzes")
    assert (ALICES_IN_LIST[what] in rows) is expected


@pytest.mark.parametrize("actor", ACTORS)
def test_api_export_of_a_quiz(api_client_for, cast, alices, actor):
    response = api_client_for(cast[actor]).get(
        reverse("api-question-export"), {"format": "gift", "quiz": alices["quiz"].slug}
    )
    expected = {"alice": 200, "carol": 200, "bob": 400, "sam": 403, "root": 200}[actor]
    assert response.status_code == expected
    if expected == 200:
        assert "Alice's question?" in response.content.decode()


@pytest.mark.parametrize("actor", ACTORS)
def test_api_export_of_the_bank_holds_only_what_the_teacher_may_edit(
    api_client_for, cast, alices, actor
):
    response = api_client_for(cast[actor]).get(reverse("api-question-export"), {"format": "gift"})
    if actor == "sam":
        assert response.status_code == 403
        return
    text = response.content.decode()
    assert ("Alice's question?" in text) is (actor in {"alice", "carol", "root"})
    assert ("Bob's question?" in text) is (actor in {"bob", "root"})


# --- writes ----------------------------------------------------------------------------------

API_WRITES = [
    (
        "article",
        lambda items: reverse("api-article-detail", args=[items["article"].slug]),
        {"title": "Renamed"},
    ),
    ("fact", lambda items: reverse("api-fact-detail", args=[items["fact"].pk]), {"prompt": "Who?"}),
    (
        "question",
        lambda items: reverse("api-question-detail", args=[items["question"].pk]),
        {"explanation": "Because."},
    ),
    ("quiz", lambda items: reverse("api-quiz-detail", args=[items["quiz"].slug]), {"title": "X"}),
]


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(("what", "url", "data"), API_WRITES, ids=[r[0] for r in API_WRITES])
def test_api_write(api_client_for, cast, alices, actor, what, url, data):
    response = api_client_for(cast[actor]).patch(url(alices), data, format="json")
    assert response.status_code == API_OWNED[actor], response.content[:300]


@pytest.mark.parametrize("actor", ACTORS)
def test_api_delete_of_another_teachers_question_is_a_404(api_client_for, cast, alices, actor):
    question = QuestionFactory(owner=cast["alice"])
    question.shared_with.add(cast["carol"])
    response = api_client_for(cast[actor]).delete(
        reverse("api-question-detail", args=[question.pk])
    )
    expected = {"alice": 204, "carol": 204, "bob": 404, "sam": 403, "root": 204}[actor]
    assert response.status_code == expected
    assert Question.objects.filter(pk=question.pk).exists() is (expected != 204)


def test_what_a_teacher_creates_through_the_api_is_theirs(api_client_for, cast):
    client = api_client_for(cast["bob"])
    response = client.post(
        reverse("api-article-list"),
        {"slug": "bobs", "title": "Bob's", "body": "Bob met Alice in Paris."},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["owner"] == "bob"
    assert Article.objects.get(slug="bobs").owner == cast["bob"]
    response = client.post(
        reverse("api-quiz-list"), {"slug": "bobs-new", "title": "New"}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert Quiz.objects.get(slug="bobs-new").owner == cast["bob"]


def test_a_teacher_cannot_put_another_teachers_question_in_a_quiz_through_the_api(
    api_client_for, cast, alices
):
    response = api_client_for(cast["bob"]).patch(
        reverse("api-quiz-detail", args=[alices["bobs_quiz"].slug]),
        {"questions": [{"question": alices["question"].pk}]},
        format="json",
    )
    assert response.status_code == 400
    assert "does not exist" in str(response.json()["questions"])


def test_a_teacher_cannot_record_a_fact_on_another_teachers_article(api_client_for, cast, alices):
    response = api_client_for(cast["bob"]).post(
        reverse("api-fact-list"),
        {
            "article": "alices-article",
            "sentence": alices["fact"].sentence,
            "answer": alices["fact"].answer,
            "kind": "person",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "article" in response.json()


def test_the_api_import_never_overwrites_another_teachers_question(api_client_for, cast):
    gift = b"::Capital:: What is the capital of France? {=Paris ~Lyon ~Nice}\n"
    alice_client, bob_client = api_client_for(cast["alice"]), api_client_for(cast["bob"])
    upload = SimpleUploadedFile("q.gift", gift)
    response = alice_client.post(
        reverse("api-question-import-file"), {"file": upload, "tag": "geo"}, format="multipart"
    )
    assert response.status_code == 200, response.json()
    question = Question.objects.get()
    assert question.owner == cast["alice"]
    changed = gift.replace(b"Nice", b"Marseille")
    response = bob_client.post(
        reverse("api-question-import-file"),
        {"file": SimpleUploadedFile("q.gift", changed), "tag": "geo"},
        format="multipart",
    )
    assert response.status_code == 400
    assert "Another teacher's question" in str(response.json()["file"])
    assert "Nice" in {c.text for c in Question.objects.get().choices.all()}


# --- the admin: writes, choices, actions ---------------------------------------------------------


def test_a_teacher_cannot_post_a_change_to_another_teachers_quiz(client, cast, alices):
    quiz = alices["quiz"]
    response = admin_client_for(client, cast["bob"]).post(
        reverse("admin:quizzes_quiz_change", args=[quiz.pk]), {"title": "Taken over"}
    )
    assert response.status_code == 302
    quiz.refresh_from_db()
    assert quiz.title == "Alice's quiz"


def test_the_quiz_question_choices_hold_only_the_teachers_own_and_shared_questions(
    client, cast, alices
):
    response = admin_client_for(client, cast["bob"]).get(reverse("admin:quizzes_quizquestion_add"))
    choices = response.context["adminform"].form.fields["question"].queryset
    assert alices["bobs_question"] in choices
    assert alices["question"] not in choices
    carols = admin_client_for(client, cast["carol"]).get(reverse("admin:quizzes_quizquestion_add"))
    assert alices["question"] in carols.context["adminform"].form.fields["question"].queryset


def test_posting_another_teachers_question_into_a_quiz_is_refused(client, cast, alices):
    response = admin_client_for(client, cast["bob"]).post(
        reverse("admin:quizzes_quizquestion_add"),
        {
            "quiz": alices["bobs_quiz"].pk,
            "question": alices["question"].pk,
            "order": 5,
            "marks": "1",
        },
    )
    assert response.status_code == 200
    assert "question" in response.context["adminform"].form.errors
    assert not alices["bobs_quiz"].quiz_questions.filter(question=alices["question"]).exists()


def test_the_admin_makes_the_teacher_who_adds_an_item_its_owner(client, cast):
    response = admin_client_for(client, cast["bob"]).post(
        reverse("admin:quizzes_article_add"),
        {
            "title": "Bob's notes",
            "slug": "bobs-notes",
            "body": "Bob met Alice in Paris.",
            "facts-TOTAL_FORMS": "0",
            "facts-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Article.objects.get(slug="bobs-notes").owner == cast["bob"]


def test_only_a_superuser_may_change_the_owner_and_only_the_owner_the_co_teachers(
    client, cast, alices
):
    url = reverse("admin:quizzes_quiz_change", args=[alices["quiz"].pk])
    alice_form = admin_client_for(client, cast["alice"]).get(url).context["adminform"].form
    assert "owner" not in alice_form.fields and "shared_with" in alice_form.fields
    carol_form = admin_client_for(client, cast["carol"]).get(url).context["adminform"].form
    assert "owner" not in carol_form.fields and "shared_with" not in carol_form.fields
    root_form = admin_client_for(client, cast["root"]).get(url).context["adminform"].form
    assert {"owner", "shared_with"} <= set(root_form.fields)
    assert set(root_form.fields["owner"].queryset) == {
        cast["alice"],
        cast["bob"],
        cast["carol"],
        cast["root"],
    }


def test_the_publish_action_touches_only_the_teachers_quizzes(client, cast, alices):
    Quiz.objects.update(published=False)
    admin_client_for(client, cast["bob"]).post(
        reverse("admin:quizzes_quiz_changelist"),
        {
            "action": "publish",
            "_selected_action": [alices["quiz"].pk, alices["bobs_quiz"].pk],
        },
    )
    assert Quiz.objects.get(pk=alices["bobs_quiz"].pk).published
    assert not Quiz.objects.get(pk=alices["quiz"].pk).published


@pytest.mark.parametrize(("actor", "regraded"), [("bob", False), ("carol", True)])
def test_the_regrade_action_touches_only_the_teachers_attempts(
    client, cast, alices, monkeypatch, actor, regraded
):
    seen = []
    monkeypatch.setattr(
        "quizzes.admin.attempts.attempt_regrade", lambda *, attempt: seen.append(attempt) or []
    )
    admin_client_for(client, cast[actor]).post(
        reverse("admin:quizzes_attempt_changelist"),
        {"action": "regrade", "_selected_action": [alices["attempt"].pk]},
    )
    assert (seen == [alices["attempt"]]) is regraded


# --- the rules themselves ----------------------------------------------------------------------


def test_an_item_with_no_owner_is_the_superusers_alone(cast):
    article = ArticleFactory(owner=None)
    question = QuestionFactory(owner=None)
    for actor in ("alice", "carol", "bob", "sam"):
        assert not can_edit(cast[actor], article)
        assert not Question.objects.editable_by(cast[actor]).filter(pk=question.pk).exists()
    assert can_edit(cast["root"], article)
    assert Question.objects.editable_by(cast["root"]).filter(pk=question.pk).exists()


def test_results_are_readable_by_the_quizs_owner_and_co_teachers(cast, alices):
    readable = {
        actor: Attempt.objects.readable_by(cast[actor]).filter(pk=alices["attempt"].pk).exists()
        for actor in ACTORS
    }
    assert readable == {"alice": True, "carol": True, "bob": False, "sam": False, "root": True}


def test_card_states_and_reviews_are_read_by_the_decks_owner_and_co_teachers(cast, alices):
    for model in (CardState, ReviewLog):
        readable = {
            actor: model.objects.readable_by(cast[actor]).filter(deck=alices["deck"]).exists()
            for actor in ACTORS
        }
        assert readable == {"alice": True, "carol": True, "bob": False, "sam": False, "root": True}


def test_a_teachers_own_choice_is_found_without_a_query(cast, alices, django_assert_num_queries):
    choice = Choice.objects.select_related("question").get(pk=alices["choice"].pk)
    with django_assert_num_queries(0):
        assert can_edit(cast["alice"], choice)


# --- commands -------------------------------------------------------------------------------------


def test_generate_questions_owner_must_be_a_teacher_who_may_edit_the_article(cast, alices):
    with pytest.raises(CommandError, match="no user named"):
        call_command("generate_questions", "--owner", "nobody")
    with pytest.raises(CommandError, match="not a teacher"):
        call_command("generate_questions", "--owner", "sam")
    with pytest.raises(CommandError, match="may not edit these articles: Alice's article"):
        call_command("generate_questions", "--owner", "bob", "--article", "alices-article")


def test_build_quiz_gives_the_quiz_to_its_owner(cast, alices):
    call_command(
        "build_quiz",
        "--article",
        "alices-article",
        "--size",
        "1",
        "--owner",
        "carol",
        "--slug",
        "carols-quiz",
    )
    quiz = Quiz.objects.get(slug="carols-quiz")
    assert quiz.owner == cast["carol"]
    assert quiz.quiz_questions.get().marks == Decimal("1")


def test_build_deck_never_takes_over_another_teachers_deck(cast, alices):
    bobs = ArticleFactory(slug="bobs-article", owner=cast["bob"])
    FactFactory(article=bobs, sentence=bobs.body.split(". ")[0] + ".", answer="Sergei Lavrov")
    with pytest.raises(CommandError, match="the deck “alices-deck” is another teacher's"):
        call_command(
            "build_deck", "--article", "bobs-article", "--deck", "alices-deck", "--owner", "bob"
        )
    assert not alices["deck"].articles.filter(pk=bobs.pk).exists()
    with pytest.raises(CommandError, match="may not edit these articles"):
        call_command("build_deck", "--article", "alices-article", "--owner", "bob")
    call_command("build_deck", "--article", "alices-article", "--owner", "carol")
    assert Deck.objects.get(slug="alices-article-deck").owner == cast["carol"]


@pytest.mark.parametrize(
    ("model", "item"),
    [("quizzes_quiz", "quiz"), ("quizzes_question", "question"), ("quizzes_article", "article")],
)
def test_a_co_teachers_change_page_costs_one_query_more_than_the_owners(
    client, cast, alices, model, item
):
    url = reverse(f"admin:{model}_change", args=[alices[item].pk])
    counts = {}
    for actor in ("alice", "carol"):
        client.force_login(cast[actor])
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts[actor] = len(queries.captured_queries)
    # The owner is known from the row; the share is asked once, however often the page asks.
    assert counts["carol"] <= counts["alice"] + 1, counts


@pytest.mark.parametrize(("actor", "status"), [("bob", 400), ("carol", 201), ("root", 201)])
def test_a_teacher_assigns_only_their_own_and_shared_quizzes_to_a_class(
    api_client_for, cast, alices, actor, status
):
    classroom = ClassroomFactory(teachers=[cast[actor]])
    response = api_client_for(cast[actor]).post(
        f"/api/classes/{classroom.pk}/assignments/", {"quiz": "alices-quiz"}, format="json"
    )
    assert response.status_code == status, response.content[:300]
    if status == 400:
        assert "quiz" in response.json()


@pytest.mark.parametrize("actor", ACTORS)
def test_the_random_slots_list_holds_the_teachers_quizzes_slots_only(client, cast, alices, actor):
    slot = QuizRandomSlot.objects.create(quiz=alices["quiz"], tag=TagFactory(), count=1)
    response = admin_client_for(client, cast[actor]).get(
        reverse("admin:quizzes_quizrandomslot_changelist")
    )
    if actor == "sam":
        assert response.status_code == 302
        return
    shown = {obj.pk for obj in response.context["cl"].result_list}
    assert (slot.pk in shown) is LISTED[actor]


@pytest.mark.parametrize(("actor", "status"), [("bob", 400), ("carol", 201)])
def test_a_teacher_assigns_only_their_own_and_shared_decks_to_a_class(
    api_client_for, cast, alices, actor, status
):
    classroom = ClassroomFactory(teachers=[cast[actor]])
    response = api_client_for(cast[actor]).post(
        f"/api/classes/{classroom.pk}/assignments/", {"deck": "alices-deck"}, format="json"
    )
    assert response.status_code == status, response.content[:300]

"""A teacher's day in the admin, with exactly the demo `Teachers` group's permissions.

Each test is one thing a teacher does (or one rough edge found doing it): write an article and
its facts, generate and edit questions, write questions by hand, build a quiz, make a deck,
re-grade attempts and read the results. The changelists' query counts are pinned for 3 and 30
rows.
"""

import json
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone

from flashcards.models import Deck
from quizzes.models import Article, Attempt, AttemptState, Question, Quiz
from quizzes.services.attempts import attempt_finish, attempt_save_answer, attempt_start
from quizzes.services.bank_building import generate_questions
from tests.admin_names import admin_url_name
from tests.factories import (
    ArticleFactory,
    CardFactory,
    DeckFactory,
    FactFactory,
    QuestionFactory,
    QuizFactory,
    TeacherFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

BODY = (
    "US President Barack Obama and Russian President Dmitry Medvedev signed a new nuclear arms "
    "treaty in Prague on Thursday. The treaty cuts the number of deployed strategic warheads to "
    "1,550 on each side. Czech President Vaclav Klaus hosted the ceremony at Prague Castle."
)
SIGNING = BODY.split(". ")[0] + "."
HOSTING = BODY.split(". ")[2]


def teachers_group_codenames() -> list[str]:
    """The permission codenames `fixtures/demo_users.json` gives the Teachers group."""
    rows = json.loads((settings.BASE_DIR / "fixtures" / "demo_users.json").read_text())
    group = next(row for row in rows if row["model"] == "auth.group")
    return [codename for codename, _app, _model in group["fields"]["permissions"]]


def grant_teachers_group_permissions() -> Group:
    group, _ = Group.objects.get_or_create(name="Teachers")
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label="quizzes", codename__in=teachers_group_codenames()
        )
    )
    return group


@pytest.fixture
def tess(db):
    grant_teachers_group_permissions()
    return TeacherFactory(username="tess")


@pytest.fixture
def teacher_client(client, tess):
    client.force_login(tess)
    return client


def management(prefix, total, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def rows(prefix, items):
    """Inline rows as the browser posts them; None leaves a field empty."""
    data = management(prefix, len(items))
    for index, item in enumerate(items):
        for name, value in item.items():
            data[f"{prefix}-{index}-{name}"] = "" if value is None else str(value)
    return data


def question_post(kind, text, choices=(), answers=(), numeric_answer=None, **extra):
    return {
        "kind": kind,
        "key": f"hand-written-{kind}",
        "text": text,
        "explanation": "",
        "default_marks": "1",
        "numeric_answer": "" if numeric_answer is None else str(numeric_answer),
        "numeric_tolerance": "0",
        **rows("choices", [{"order": None, "text": t, "fraction": f} for t, f in choices]),
        **rows(
            "accepted_answers",
            [{"order": None, "text": t, "fraction": f, "match": "normalised"} for t, f in answers],
        ),
        **extra,
    }


def current_form_data(response) -> dict:
    """What the browser would post back, unchanged, from an admin change page."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management_form = formset.management_form
        for name in management_form.fields:
            data[management_form.add_prefix(name)] = management_form[name].value()
        forms += formset.forms
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            if value is True:
                value = "on"
            elif isinstance(value, list | tuple):
                value = [str(v) for v in value]
            data[form.add_prefix(name)] = value
    return data


def messages_of(response) -> str:
    return " | ".join(str(m) for m in response.context["messages"])


def run_action(client, model, action, pks):
    return client.post(
        reverse(admin_url_name(model, "changelist")),
        {"action": action, "_selected_action": [str(pk) for pk in pks]},
        follow=True,
    )


def action_names(client, model) -> set[str]:
    response = client.get(reverse(admin_url_name(model, "changelist")))
    action_form = response.context["action_form"]  # None when no action is available
    return {name for name, _label in action_form.fields["action"].choices} if action_form else set()


# --- permissions -------------------------------------------------------------------------------


def test_the_demo_group_gives_a_teacher_every_page_of_the_job(teacher_client):
    QuizFactory(questions=1)
    for model in ("article", "fact", "question", "tag", "quiz", "deck", "card"):
        assert teacher_client.get(reverse(admin_url_name(model, "add"))).status_code == 200
    for model in ("attempt", "response", "cardstate", "reviewlog", "choice", "quizquestion"):
        assert teacher_client.get(reverse(admin_url_name(model, "changelist"))).status_code == 200
    assert teacher_client.get(reverse("admin:auth_user_changelist")).status_code == 403


def test_the_teacher_has_every_action_of_the_job(teacher_client):
    assert {"generate_for_articles", "build_decks_for_articles"} <= action_names(
        teacher_client, "article"
    )
    assert "generate_for_facts" in action_names(teacher_client, "fact")
    assert {"publish", "unpublish"} <= action_names(teacher_client, "quiz")
    assert {"rebuild_from_articles", "export_to_anki"} <= action_names(teacher_client, "deck")
    assert "regrade" in action_names(teacher_client, "attempt")


# --- articles and facts ------------------------------------------------------------------------


def test_facts_added_under_a_new_article_each_get_their_own_key(teacher_client):
    """Rows added with "Add another Fact" used to share the blank row's key and clash."""
    data = {
        "title": "Obama and Medvedev sign new START treaty",
        "slug": "new-start",
        "publisher": "Reuters",
        "byline": "",
        "url": "",
        "published": "2010-04-08",
        "body": BODY,
        **rows(
            "facts",
            [
                {"position": 1, "kind": "person", "sentence": SIGNING, "answer": "Dmitry Medvedev"},
                {"position": None, "kind": "place", "sentence": SIGNING, "answer": "Prague"},
                {"position": None, "kind": "person", "sentence": HOSTING, "answer": "Vaclav Klaus"},
            ],
        ),
    }
    response = teacher_client.post(reverse("admin:quizzes_article_add"), data)
    assert response.status_code == 302, response.context["errors"]
    article = Article.objects.get(slug="new-start")
    keys = list(article.facts.values_list("key", flat=True))
    assert len(keys) == len(set(keys)) == 3
    assert list(article.facts.values_list("answer", "position")) == [
        ("Dmitry Medvedev", 1),
        ("Prague", 2),
        ("Vaclav Klaus", 3),
    ]


def test_a_new_fact_row_does_not_show_a_key_it_will_not_get(teacher_client):
    article = ArticleFactory()
    response = teacher_client.get(reverse("admin:quizzes_article_change", args=[article.pk]))
    assert "made on save" in response.content.decode()  # the blank row "Add another" copies


def test_the_article_form_starts_with_the_title(teacher_client):
    response = teacher_client.get(reverse("admin:quizzes_article_add"))
    assert list(response.context["adminform"].form.fields)[:2] == ["title", "slug"]


def test_a_fact_links_to_its_sentence_on_the_article_page(teacher_client):
    fact = FactFactory(key="medvedev")
    response = teacher_client.get(reverse("admin:quizzes_fact_change", args=[fact.pk]))
    assert f'href="/articles/{fact.article.slug}/?fact=medvedev"' in response.content.decode()


# --- generating and editing questions ----------------------------------------------------------


@pytest.fixture
def treaty():
    article = ArticleFactory(slug="new-start", body=BODY)
    FactFactory(key="medvedev", article=article, sentence=SIGNING, answer="Dmitry Medvedev",
                kind="person", position=1, prompt="Who signed the treaty with Obama?")  # fmt: skip
    FactFactory(key="klaus", article=article, sentence=HOSTING, answer="Vaclav Klaus",
                kind="person", position=2)  # fmt: skip
    FactFactory(key="prague", article=article, sentence=SIGNING, answer="Prague", kind="place",
                position=3)  # fmt: skip
    return article


def test_generating_names_skipped_questions_by_their_fact_not_by_a_key(teacher_client, treaty):
    response = run_action(teacher_client, "article", "generate_for_articles", [treaty.pk])
    text = messages_of(response)
    created = Question.objects.filter(fact__article=treaty).count()
    assert created > 0
    assert f"Created {created}, updated 0" in text
    assert "from 3 fact(s) of 1 article(s)" in text
    assert "no prompt" in text and "“Vaclav Klaus” (short)" in text
    assert "klaus:short" not in text
    # One line per reason, not a nested list styled as more messages.
    assert "<ul>" not in text and "<br>• no prompt" in text


def test_a_question_edited_in_the_admin_is_left_alone_by_regeneration(teacher_client, tess, treaty):
    generate_questions(facts=treaty.facts.all(), owner=tess)
    question = Question.objects.get(key="medvedev:cloze")
    url = reverse("admin:quizzes_question_change", args=[question.pk])
    data = current_form_data(teacher_client.get(url))
    data["text"] = "US President Barack Obama and _____ signed a new treaty in Prague."
    response = teacher_client.post(url, data)
    assert response.status_code == 302, response.context["errors"]

    response = run_action(teacher_client, "article", "generate_for_articles", [treaty.pk])

    assert "edited by a teacher (1): “Dmitry Medvedev” (cloze)" in messages_of(response)
    question.refresh_from_db()
    assert question.text == "US President Barack Obama and _____ signed a new treaty in Prague."


# --- questions written by hand -----------------------------------------------------------------

VALID = {
    "single_choice": question_post(
        "single_choice",
        "Who signed the treaty with Obama?",
        choices=[("Dmitry Medvedev", 1), ("Vladimir Putin", 0), ("Vaclav Klaus", 0)],
    ),
    "multiple_response": question_post(
        "multiple_response",
        "Who signed the treaty?",
        choices=[("Obama", 0.5), ("Medvedev", 0.5), ("Klaus", -1)],
    ),
    "true_false": question_post(
        "true_false", "The treaty was signed in Prague.", choices=[("True", 1), ("False", 0)]
    ),
    "short_answer": question_post(
        "short_answer", "In which city was the treaty signed?", answers=[("Prague", 1)]
    ),
    "cloze": question_post(
        "cloze", "The treaty was signed in _____.", answers=[("Prague", 1), ("Praha", 1)]
    ),
    "numeric": question_post(
        "numeric", "How many deployed warheads may each side keep?", numeric_answer=1550
    ),
}


@pytest.mark.parametrize("kind", list(VALID))
def test_a_teacher_writes_a_question_of_each_kind_without_numbering_the_rows(
    teacher_client, tess, kind
):
    """Rows left without an order are numbered in page order (they used to clash on 0)."""
    response = teacher_client.post(reverse("admin:quizzes_question_add"), VALID[kind])
    assert response.status_code == 302, response.context["errors"]
    question = Question.objects.get()
    assert question.kind == kind and question.owner == tess
    parts = list(question.choices.all()) or list(question.accepted_answers.all())
    assert [part.order for part in parts] == list(range(1, len(parts) + 1))


def test_rows_without_an_order_go_after_the_numbered_ones(teacher_client):
    data = VALID["single_choice"] | {"choices-0-order": "5"}
    teacher_client.post(reverse("admin:quizzes_question_add"), data)
    question = Question.objects.get()
    assert list(question.choices.values_list("text", "order")) == [
        ("Dmitry Medvedev", 5),
        ("Vladimir Putin", 6),
        ("Vaclav Klaus", 7),
    ]


INVALID = {
    "no correct choice": (
        question_post("single_choice", "Who hosted?", choices=[("Klaus", 0.5), ("Putin", 0)]),
        "A choice question needs one fully correct choice (fraction 1).",
    ),
    "cloze without a gap": (
        question_post("cloze", "The treaty was signed in Prague.", answers=[("Prague", 1)]),
        "A cloze question marks exactly one gap with _____ (found 0).",
    ),
    "fractions not adding to 1": (
        question_post(
            "multiple_response",
            "Who signed?",
            choices=[("Obama", 0.5), ("Medvedev", 0.3), ("Klaus", -1)],
        ),
        "must add up to 1 (they add up to 0.8)",
    ),
    "numeric without a value": (
        question_post("numeric", "How many warheads?"),
        "A numeric question needs its correct value.",
    ),
}


@pytest.mark.parametrize("case", list(INVALID))
def test_an_invalid_question_gets_a_form_error_and_nothing_is_saved(teacher_client, case):
    data, message = INVALID[case]
    response = teacher_client.post(reverse("admin:quizzes_question_add"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Question.objects.exists()


# --- quizzes -----------------------------------------------------------------------------------


def test_a_quiz_takes_its_questions_in_page_order_with_their_default_marks(teacher_client, tess):
    first = QuestionFactory(default_marks=Decimal(2))
    second = QuestionFactory(short_answer=True)
    data = {
        "title": "New START treaty",
        "slug": "new-start-treaty",
        "description": "",
        "published": "on",
        "grading_method": "highest",
        "maximum_grade": "100",
        "shuffle_choices": "on",
        "feedback_mode": "deferred",
        **rows(
            "quiz_questions",
            [
                {"order": None, "question": first.pk, "marks": None},
                {"order": None, "question": second.pk, "marks": "3"},
            ],
        ),
        **management("random_slots", 0),
    }
    response = teacher_client.post(reverse("admin:quizzes_quiz_add"), data)
    assert response.status_code == 302, response.context["errors"]
    quiz = Quiz.objects.get(slug="new-start-treaty")
    assert quiz.published and quiz.owner == tess
    assert list(quiz.quiz_questions.values_list("question", "order", "marks")) == [
        (first.pk, 1, Decimal(2)),
        (second.pk, 2, Decimal(3)),
    ]


def test_a_quiz_published_without_questions_gets_a_form_error(teacher_client):
    data = {
        "title": "Empty",
        "slug": "empty",
        "description": "",
        "published": "on",
        "grading_method": "highest",
        "maximum_grade": "100",
        "feedback_mode": "deferred",
        **rows("quiz_questions", []),
        **management("random_slots", 0),
    }
    response = teacher_client.post(reverse("admin:quizzes_quiz_add"), data)
    assert response.status_code == 200
    assert "A published quiz needs at least one question" in response.content.decode()
    assert not Quiz.objects.exists()
    del data["published"]  # a draft may be empty
    assert teacher_client.post(reverse("admin:quizzes_quiz_add"), data).status_code == 302


def test_the_quiz_list_shows_questions_and_marks(teacher_client):
    QuizFactory(title="Treaty", questions=3)
    response = teacher_client.get(reverse("admin:quizzes_quiz_changelist"))
    row = response.context["cl"].result_list[0]
    assert (row._question_count, row._total_marks) == (3, Decimal(3))


def test_publishing_from_the_list_skips_quizzes_without_questions(teacher_client):
    ready = QuizFactory(title="Ready", published=False, questions=2)
    empty = QuizFactory(title="Empty", published=False)
    response = run_action(teacher_client, "quiz", "publish", [ready.pk, empty.pk])
    text = messages_of(response)
    assert "Published 1 quiz(zes): Ready." in text
    assert "Not published, they have no questions yet: Empty." in text
    ready.refresh_from_db(), empty.refresh_from_db()
    assert ready.published and not empty.published

    response = run_action(teacher_client, "quiz", "unpublish", [ready.pk])
    assert "Unpublished 1 quiz(zes): Ready." in messages_of(response)
    ready.refresh_from_db()
    assert not ready.published


# --- decks -------------------------------------------------------------------------------------


def test_a_teacher_makes_a_deck_from_an_article(teacher_client, treaty):
    response = run_action(teacher_client, "article", "build_decks_for_articles", [treaty.pk])
    deck = Deck.objects.get(slug="new-start-deck")
    assert deck.cards.count() == 3
    assert "3 created" in messages_of(response)


def test_cards_added_by_hand_under_a_deck_each_get_their_own_key(teacher_client):
    deck = DeckFactory(slug="treaty")
    url = reverse("admin:flashcards_deck_change", args=[deck.pk])
    data = current_form_data(teacher_client.get(url))
    data.update(
        rows(
            "cards",
            [
                {"position": None, "front": "Which treaty?", "back": "START"},
                {"position": None, "front": "Signed where?", "back": "Prague"},
            ],
        )
    )
    response = teacher_client.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    cards = list(deck.cards.order_by("position"))
    assert [(c.front, c.position) for c in cards] == [("Which treaty?", 1), ("Signed where?", 2)]
    assert len({c.key for c in cards}) == 2


def test_a_deck_links_to_its_study_page(teacher_client):
    deck = DeckFactory(slug="treaty")
    response = teacher_client.get(reverse("admin:flashcards_deck_change", args=[deck.pk]))
    assert 'href="/flashcards/treaty/study/"' in response.content.decode()


# --- attempts and results ----------------------------------------------------------------------


@pytest.fixture
def finished_attempt():
    question = QuestionFactory(short_answer=True, parts=[("Sergei Lavrov", 1)])
    quiz = QuizFactory(questions=[question])
    now = timezone.now()
    attempt, _ = attempt_start(quiz=quiz, user=UserFactory(username="sam"), now=now)
    attempt_save_answer(attempt=attempt, question_id=question.pk, answer="Lavrov", now=now)
    return attempt_finish(attempt=attempt, now=now), question


def test_a_teacher_accepts_another_answer_and_regrades(teacher_client, finished_attempt):
    attempt, question = finished_attempt
    assert attempt.score == 0
    question.accepted_answers.create(text="Lavrov", fraction=1, order=2)

    response = run_action(teacher_client, "attempt", "regrade", [attempt.pk])

    text = messages_of(response)
    assert "Q1 0 → 1" in text and "Re-graded 1 attempt(s); 1 changed." in text
    attempt.refresh_from_db()
    assert attempt.score == 1


def test_an_attempt_is_read_only_in_the_admin(teacher_client, finished_attempt):
    """Its state used to be editable: a teacher could reopen a finished attempt by hand."""
    attempt, _ = finished_attempt
    url = reverse("admin:quizzes_attempt_change", args=[attempt.pk])
    response = teacher_client.get(url)
    assert response.status_code == 200
    assert response.context["adminform"].form.fields == {}
    assert 'name="state"' not in response.content.decode()
    assert "View on site" not in response.content.decode()  # the student's page is a 404
    teacher_client.post(url, {"state": AttemptState.IN_PROGRESS})
    assert Attempt.objects.get(pk=attempt.pk).state == AttemptState.FINISHED


def test_regrading_needs_the_change_permission(client, finished_attempt):
    viewer = UserFactory(username="viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_attempt"))
    client.force_login(viewer)
    assert "regrade" not in action_names(client, "attempt")


def test_the_teacher_reads_a_quiz_results_page(teacher_client, finished_attempt):
    attempt, _ = finished_attempt
    response = teacher_client.get(reverse("admin:quizzes_quiz_results", args=[attempt.quiz_id]))
    assert response.status_code == 200
    assert response.context["summary"].attempts == 1


# --- changelist query counts -------------------------------------------------------------------


def make_facts(n):
    article = ArticleFactory()
    for i in range(n):
        sentence = f"Sentence {i} names Sergei Lavrov."
        article.body += f" {sentence}"
        article.save()
        FactFactory(article=article, sentence=sentence)


def make_quizzes(n):
    for _ in range(n):
        QuizFactory(questions=2)


def make_attempts(n):
    quiz = QuizFactory(questions=1)
    for i in range(n):
        attempt_start(quiz=quiz, user=UserFactory(username=f"pupil{i}"), now=timezone.now())


def make_cards(n):
    deck = DeckFactory()
    fact = FactFactory()
    CardFactory.create_batch(n, deck=deck, fact=fact)


@pytest.mark.parametrize(
    ("model", "make", "queries"),
    [
        ("fact", make_facts, 8),
        ("quiz", make_quizzes, 8),
        ("attempt", make_attempts, 10),
        ("card", make_cards, 8),
    ],
)
@pytest.mark.parametrize("count", [3, 30])
def test_changelist_queries_do_not_grow_with_the_rows(
    teacher_client, django_assert_max_num_queries, model, make, queries, count
):
    make(count)
    url = reverse(admin_url_name(model, "changelist"))
    with django_assert_max_num_queries(queries):
        response = teacher_client.get(url)
    assert len(response.context["cl"].result_list) == count


def test_an_attempt_names_its_student_without_a_link_the_teacher_cannot_open(teacher_client):
    student = UserFactory(username="sam", first_name="Sam", last_name="Student")
    quiz = QuizFactory(questions=1)
    attempt, _ = attempt_start(quiz=quiz, user=student, now=timezone.now())
    page = teacher_client.get(reverse("admin:quizzes_attempt_change", args=[attempt.pk]))
    body = page.content.decode()
    assert "sam (Sam Student)" in body
    assert reverse("admin:auth_user_change", args=[student.pk]) not in body

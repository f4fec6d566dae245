"""A quiz's results page in the admin, and the question bank's facility column."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from quizzes.models import Question, QuestionKind
from quizzes.services.attempts import attempt_finish, attempt_save_answer, attempt_start
from tests.factories import QuestionFactory, QuizFactory, UserFactory

pytestmark = pytest.mark.django_db


def _staff(username, *codenames):
    user = UserFactory(username=username, is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


@pytest.fixture
def results_client(client):
    client.force_login(_staff("marker", "view_attempt", "view_quiz", "view_question"))
    return client


def _choice(question, text):
    return question.choices.get(text=text).pk


def sit(quiz, username, answers):
    """Start, answer ({question: answer}) and finish an attempt as a new student."""
    now = timezone.now()
    attempt, _ = attempt_start(quiz=quiz, user=UserFactory(username=username), now=now)
    for question, answer in answers.items():
        attempt_save_answer(attempt=attempt, question_id=question.pk, answer=answer, now=now)
    return attempt_finish(attempt=attempt, now=now)


@pytest.fixture
def small_class():
    """Four finished attempts at a two-question quiz, and one still in progress."""
    choice = QuestionFactory(text="Whom did Clinton meet in Geneva?")
    typed = QuestionFactory(short_answer=True, text="Name the Russian foreign minister.")
    quiz = QuizFactory(questions=[choice, typed], pass_mark=Decimal(50))
    lavrov, medvedev = _choice(choice, "Sergei Lavrov"), _choice(choice, "Dmitry Medvedev")
    sit(quiz, "ann", {choice: lavrov, typed: "Lavrov"})  # 100
    sit(quiz, "bob", {choice: medvedev, typed: " lavrov "})  # 50
    sit(quiz, "cat", {choice: medvedev, typed: "Putin"})  # 0
    sit(quiz, "dan", {choice: lavrov})  # 50, the typed question left blank
    attempt_start(quiz=quiz, user=UserFactory(username="eve"), now=timezone.now())
    return quiz, choice, typed


def results_url(quiz):
    return reverse("admin:quizzes_quiz_results", args=[quiz.pk])


def test_results_page_gives_the_summary_distribution_and_question_figures(
    results_client, small_class
):
    quiz, choice, typed = small_class
    response = results_client.get(results_url(quiz))
    assert response.status_code == 200

    summary = response.context["summary"]
    assert (summary.attempts, summary.students) == (4, 4)
    assert (summary.mean, summary.median) == (Decimal(50), Decimal(50))
    assert (summary.passed, summary.pass_rate) == (3, 0.75)
    bars = response.context["distribution_chart"]["bars"]
    assert {bar.label: bar.value for bar in bars if bar.value} == {
        "0–10%": 1,
        "50–60%": 2,
        "90–100%": 1,
    }

    first, second = (row["figures"] for row in response.context["questions"])
    assert (first.question_id, first.position, first.n) == (choice.pk, 1, 4)
    assert first.facility == pytest.approx(0.5)
    assert first.discrimination == pytest.approx(1.0)  # ann (best) right, cat (worst) wrong
    assert [(w.text, w.count) for w in first.wrong_answers] == [("Dmitry Medvedev", 2)]
    assert first.flags == ["too few attempts"]
    assert (second.question_id, second.facility, second.unanswered) == (typed.pk, 0.5, 0.25)
    assert [(w.text, w.count) for w in second.wrong_answers] == [("Putin", 1)]

    html = response.content.decode()
    assert "Attempts per grade band" in html
    assert '<th scope="col">Grade (% of the maximum)</th>' in html
    assert reverse("admin:quizzes_question_change", args=[choice.pk]) in html
    assert "Dmitry Medvedev <small>×2</small>" in html
    assert "75%" in html and "3 of 4" in html


def test_a_question_deleted_since_keeps_its_figures_from_the_snapshots(results_client, small_class):
    quiz, choice, _ = small_class
    Question.objects.filter(pk=choice.pk).delete()
    response = results_client.get(results_url(quiz))
    rows = [row["figures"] for row in response.context["questions"]]
    deleted = next(q for q in rows if q.text == "Whom did Clinton meet in Geneva?")
    assert (deleted.question_id, deleted.position, deleted.n) == (None, None, 4)
    assert "(deleted)" in response.content.decode()


def test_a_quiz_without_finished_attempts_says_so(results_client):
    quiz = QuizFactory(questions=2)
    response = results_client.get(results_url(quiz))
    assert response.status_code == 200
    assert "No finished attempts yet." in response.content.decode()


def test_students_are_sent_to_the_admin_login(client, small_class):
    quiz, _, _ = small_class
    client.force_login(UserFactory(username="student"))
    response = client.get(results_url(quiz))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_staff_without_the_attempt_permission_are_refused(client, small_class):
    quiz, _, _ = small_class
    client.force_login(_staff("helper", "view_quiz", "change_quiz"))
    assert client.get(results_url(quiz)).status_code == 403
    # …and are not offered the link.
    change = client.get(reverse("admin:quizzes_quiz_change", args=[quiz.pk])).content.decode()
    changelist = client.get(reverse("admin:quizzes_quiz_changelist")).content.decode()
    assert results_url(quiz) not in change
    assert results_url(quiz) not in changelist


def test_quiz_change_form_and_changelist_link_to_the_results(results_client, small_class):
    quiz, _, _ = small_class
    change = results_client.get(reverse("admin:quizzes_quiz_change", args=[quiz.pk]))
    changelist = results_client.get(reverse("admin:quizzes_quiz_changelist"))
    assert f'<a href="{results_url(quiz)}">Results</a>' in change.content.decode()
    assert f'<a href="{results_url(quiz)}">Results</a>' in changelist.content.decode()


def test_an_unknown_quiz_is_a_404(results_client):
    assert results_client.get(results_url(QuizFactory.build(pk=999_999))).status_code == 404


@pytest.mark.parametrize("students", [5, 40])
def test_results_page_query_count_does_not_grow_with_attempts(
    results_client, django_assert_max_num_queries, students
):
    questions = [
        QuestionFactory(),
        QuestionFactory(true_false=True),
        QuestionFactory(cloze=True),
        QuestionFactory(numeric=True),
    ]
    quiz = QuizFactory(questions=questions)
    for n in range(students):
        sit(quiz, f"s{n}", {questions[2]: "Lavrov" if n % 2 else "Putin", questions[3]: 2009})
    # Session, user, the user's permissions (2), the quiz, attempts, responses, quiz order.
    with django_assert_max_num_queries(8):
        response = results_client.get(results_url(quiz))
    assert response.context["summary"].attempts == students
    assert all(row["figures"].n == students for row in response.context["questions"])


# --- the question bank's facility column --------------------------------------------------------


def test_question_changelist_shows_facility_and_answer_count_over_finished_attempts(
    results_client, small_class
):
    _, choice, typed = small_class
    response = results_client.get(reverse("admin:quizzes_question_changelist"))
    by_pk = {q.pk: q for q in response.context["cl"].result_list}
    assert by_pk[choice.pk].facility_value == pytest.approx(0.5)
    assert by_pk[choice.pk].answered_count == 4
    assert by_pk[typed.pk].answered_count == 3  # dan left it blank; eve is still in progress
    html = response.content.decode()
    assert '<td class="field-facility">50%</td>' in html


def test_question_changelist_sorts_by_facility(results_client, small_class):
    easy = QuestionFactory(text="An easy one")
    sit(QuizFactory(questions=[easy]), "fay", {easy: _choice(easy, "Sergei Lavrov")})
    url = reverse("admin:quizzes_question_changelist")
    column = list(results_client.get(url).context["cl"].list_display).index("facility")
    ordered = results_client.get(url, {"o": f"-{column}"}).context["cl"].result_list
    facilities = [q.facility_value for q in ordered if q.facility_value is not None]
    assert ordered[0].pk == easy.pk
    assert facilities == sorted(facilities, reverse=True) == [1.0, 0.5, 0.5]


@pytest.mark.parametrize("count", [3, 30])
def test_question_changelist_query_count_is_constant(
    results_client, django_assert_max_num_queries, count
):
    questions = QuestionFactory.create_batch(count)
    quiz = QuizFactory(questions=questions)
    sit(quiz, "one", {q: _choice(q, "Sergei Lavrov") for q in questions})
    # Session, user, permissions (2), the tag and article filters, two counts, the page of
    # questions with both figures (one query), the generator filter; and the quality checks
    # behind "needs a look" (the bank's fingerprint; on a miss questions, choices, accepted
    # answers, match pairs, ordering items, facts: six, once).
    with django_assert_max_num_queries(17):
        response = results_client.get(reverse("admin:quizzes_question_changelist"))
    assert len(response.context["cl"].result_list) == count


def test_deleting_annotated_questions_from_the_changelist_still_works(client, small_class):
    _, choice, _ = small_class
    client.force_login(UserFactory(username="boss", is_staff=True, is_superuser=True))
    response = client.post(
        reverse("admin:quizzes_question_changelist"),
        {"action": "delete_selected", "_selected_action": [choice.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Question.objects.filter(pk=choice.pk).exists()
    assert Question.objects.filter(kind=QuestionKind.SHORT_ANSWER).exists()


def test_question_autocomplete_still_searches_the_annotated_questions(client, small_class):
    _, choice, _ = small_class
    client.force_login(UserFactory(username="boss", is_staff=True, is_superuser=True))
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "quizzes",
            "model_name": "quizquestion",
            "field_name": "question",
            "term": "Clinton meet",
        },
    )
    assert response.status_code == 200
    assert [int(item["id"]) for item in response.json()["results"]] == [choice.pk]

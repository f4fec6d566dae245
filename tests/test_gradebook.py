"""The gradebook: the class grid, one quiz per student, a student's report, CSV and the API."""

import csv
import io
import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from flashcards.models import CardState, LearningState, Rating, ReviewLog
from quizzes.gradebook import (
    FINISHED,
    IN_PROGRESS,
    NOT_STARTED,
    QuizColumn,
    Student,
    class_gradebook,
    make_cell,
    quiz_gradebook,
    sort_rows,
    student_report,
)
from quizzes.models import AttemptState, GradingMethod
from quizzes.services.attempts import attempt_start
from tests.factories import (
    CardFactory,
    ClassroomFactory,
    QuizAssignmentFactory,
    QuizFactory,
    QuizOverrideFactory,
    TeacherFactory,
    UserFactory,
    finished_attempt,
)

pytestmark = pytest.mark.django_db
NOW = timezone.now().replace(microsecond=0)


def column(method="highest", maximum=Decimal(100)):
    return QuizColumn(
        id=1, slug="q", title="Q", maximum_grade=maximum, grading_method=method, due=None
    )


def attempt(number, state, grade=None, minutes=None):
    seconds = None if minutes is None else minutes * 60.0
    return (number, str(state), None if grade is None else Decimal(grade), seconds)


# --- the cells, pure --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        (GradingMethod.HIGHEST, Decimal(80)),
        (GradingMethod.AVERAGE, Decimal("56.67")),
        (GradingMethod.FIRST, Decimal(40)),
        (GradingMethod.LAST, Decimal(50)),
    ],
)
def test_a_cell_grades_by_the_quizs_grading_method(method, expected):
    attempts = [
        attempt(2, AttemptState.FINISHED, 80, minutes=9),
        attempt(1, AttemptState.FINISHED, 40, minutes=20),
        attempt(3, AttemptState.FINISHED, 50, minutes=5),
    ]
    cell = make_cell(quiz=column(method), attempts=attempts)
    assert (cell.state, cell.attempts, cell.grade) == (FINISHED, 3, expected)
    assert cell.time_taken == timedelta(minutes=5)  # the latest finished attempt's


def test_a_cell_says_in_progress_and_not_started():
    running = make_cell(
        quiz=column(),
        attempts=[attempt(1, AttemptState.FINISHED, 70, 3), attempt(2, AttemptState.IN_PROGRESS)],
    )
    assert (running.state, running.grade, running.display) == (IN_PROGRESS, Decimal(70), "70")
    nothing = make_cell(quiz=column(), attempts=[])
    assert (nothing.state, nothing.grade, nothing.display, nothing.time_taken) == (
        NOT_STARTED,
        None,
        "–",
        None,
    )


def test_sorting_puts_students_without_a_value_last_both_ways():
    def row(name, grade):
        cell = make_cell(
            quiz=column(),
            attempts=[] if grade is None else [attempt(1, AttemptState.FINISHED, grade, 1)],
        )
        return Student(id=hash(name) % 1000, username=name, name=name), cell

    rows = [row("cat", 50), row("ann", None), row("bob", 90), row("dan", 50)]
    names = lambda ordered: [s.username for s, _ in ordered]  # noqa: E731
    assert names(sort_rows(rows, "grade")[0]) == ["cat", "dan", "bob", "ann"]
    assert names(sort_rows(rows, "-grade")[0]) == ["bob", "cat", "dan", "ann"]
    assert names(sort_rows(rows, "-name")[0]) == ["dan", "cat", "bob", "ann"]
    assert sort_rows(rows, "'; drop table")[1] == "name"


# --- the reads --------------------------------------------------------------------------------


def build_class(students: int, quizzes: int, *, teacher=None):
    """A class of `students` × `quizzes` assigned, each student with one finished attempt at the
    first quiz (its two questions: the first right), and one override."""
    people = [UserFactory(username=f"pupil{n:03}") for n in range(students)]
    classroom = ClassroomFactory(teachers=[teacher] if teacher else [], students=people)
    made = [QuizFactory(questions=2, title=f"Quiz {n:02}") for n in range(quizzes)]
    for n, quiz in enumerate(made):
        QuizAssignmentFactory(classroom=classroom, quiz=quiz, closes=NOW + timedelta(days=n + 1))
    for person in people:
        finished_attempt(quiz=made[0], user=person, right=1, now=NOW)
    QuizOverrideFactory(quiz=made[0], user=people[0], time_multiplier=Decimal("1.5"))
    return classroom, people, made


def test_the_class_grid_has_a_cell_per_student_and_quiz_with_completion_and_distribution():
    classroom, people, quizzes = build_class(3, 2)
    attempt_start(quiz=quizzes[1], user=people[1], now=NOW)
    outsider = UserFactory()
    finished_attempt(quiz=quizzes[0], user=outsider, right=2, now=NOW)  # not in the class
    book = class_gradebook(classroom=classroom)
    assert [q.title for q in book.quizzes] == ["Quiz 00", "Quiz 01"]  # by due date
    assert [r.student.username for r in book.rows] == ["pupil000", "pupil001", "pupil002"]
    assert [[c.display for c in r.cells] for r in book.rows] == [
        ["50", "–"],
        ["50", "In progress"],
        ["50", "–"],
    ]
    assert book.rows[0].cells[0].accommodation == "time ×1.5 (own)"
    assert [(q.finished, q.students) for q in book.quizzes] == [(3, 3), (0, 3)]
    assert [band.count for band in book.distribution if band.count] == [3]
    assert next(b for b in book.distribution if b.count).label == "50–60%"


def test_the_quiz_gradebook_sorts_and_shows_a_class_override():
    classroom, people, quizzes = build_class(3, 1)
    finished_attempt(quiz=quizzes[0], user=people[2], right=2, now=NOW)  # 100 now (highest)
    QuizOverrideFactory(quiz=quizzes[0], user=None, classroom=classroom, extra_attempts=1)
    book = quiz_gradebook(classroom=classroom, quiz=quizzes[0], sort="-grade")
    assert [(s.username, c.grade, c.attempts) for s, c in book.rows] == [
        ("pupil002", Decimal(100), 2),
        ("pupil000", Decimal(50), 1),
        ("pupil001", Decimal(50), 1),
    ]
    assert book.rows[1][1].accommodation == "+1 attempt (class); time ×1.5 (own)"
    with pytest.raises(Exception, match="not assigned"):
        quiz_gradebook(classroom=classroom, quiz=QuizFactory())


def test_a_student_report_has_their_quizzes_and_decks_with_retention():
    classroom, people, _quizzes = build_class(2, 1)
    elsewhere = QuizFactory(questions=1, title="Practice")
    finished_attempt(quiz=elsewhere, user=people[0], right=1, now=NOW)
    card = CardFactory()
    for rating in (Rating.GOOD, Rating.GOOD, Rating.AGAIN, Rating.EASY):
        ReviewLog.objects.create(
            user=people[0],
            card=card,
            deck=card.deck,
            rating=rating,
            reviewed_at=NOW,
            state_before={"state": int(LearningState.REVIEW)},
            state_after={"state": int(LearningState.REVIEW)},
        )
    CardState.objects.create(user=people[0], card=card, deck=card.deck, due=NOW - timedelta(1))
    report = student_report(classroom=classroom, student_id=people[0].pk, now=NOW)
    assert [(q.title, c.display) for q, c in report.quizzes] == [
        ("Quiz 00", "50"),
        ("Practice", "100"),
    ]
    [section] = report.sections
    assert section.title == "Flashcards"
    [deck] = section.rows
    assert (deck.title, deck.cards, deck.due, deck.reviews, deck.retention) == (
        card.deck.title,
        1,
        1,
        4,
        0.75,
    )


# --- the pages --------------------------------------------------------------------------------


@pytest.fixture
def teacher():
    return TeacherFactory(username="ms-frizzle")


@pytest.fixture
def teacher_client(client, teacher):
    client.force_login(teacher)
    return client


def grid_url(classroom):
    return f"/admin/quizzes/classroom/{classroom.pk}/gradebook/"


@pytest.mark.parametrize("size", [2, 20])
def test_the_class_grid_page_runs_constant_queries(
    teacher, teacher_client, django_assert_max_num_queries, size
):
    classroom, _people, _quizzes = build_class(size, size, teacher=teacher)
    # Session, user, permissions; the class; students, assignments, attempts, overrides.
    with django_assert_max_num_queries(9):
        page = teacher_client.get(grid_url(classroom))
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("/gradebook/student/") == size  # a row per student, linked to the report
    assert "Quiz 00" in html and f"{size} of {size}" in html
    assert 'id="class-grades-title"' in html  # the chart, with its table
    assert "as a table" in html


@pytest.mark.parametrize("size", [2, 20])
def test_the_quiz_gradebook_page_runs_constant_queries_and_sorts(
    teacher, teacher_client, django_assert_max_num_queries, size
):
    classroom, people, quizzes = build_class(size, 2, teacher=teacher)
    finished_attempt(quiz=quizzes[0], user=people[-1], right=2, now=NOW)
    url = f"{grid_url(classroom)}quiz/{quizzes[0].pk}/"
    with django_assert_max_num_queries(9):
        page = teacher_client.get(f"{url}?sort=-grade")
    html = page.content.decode()
    assert page.status_code == 200
    # The best first; the grade column says it is sorted, descending.
    assert html.index(people[-1].username) < html.index(people[0].username)
    assert 'aria-sort="descending"' in html
    assert "time ×1.5" in html


def test_the_quiz_gradebook_downloads_as_escaped_csv(teacher, teacher_client):
    classroom, people, quizzes = build_class(2, 1, teacher=teacher)
    people[0].first_name = '=HYPERLINK("http://evil")'
    people[0].save()
    response = teacher_client.get(f"{grid_url(classroom)}quiz/{quizzes[0].pk}/?format=csv")
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:4] == ["class", "username", "name", "quiz"]
    assert [r[1] for r in rows[1:]] == ["pupil000", "pupil001"]
    assert rows[1][2].startswith("'=HYPERLINK")  # a formula written as text
    assert rows[1][5:9] == ["Finished", "1", "50", "100"]


def test_the_student_report_page(teacher, teacher_client, django_assert_max_num_queries):
    classroom, people, _quizzes = build_class(2, 2, teacher=teacher)
    with django_assert_max_num_queries(12):
        page = teacher_client.get(f"{grid_url(classroom)}student/{people[0].pk}/")
    html = page.content.decode()
    assert page.status_code == 200 and "Quiz 01" in html and "No flashcards studied yet." in html
    stranger = UserFactory()
    assert teacher_client.get(f"{grid_url(classroom)}student/{stranger.pk}/").status_code == 404


def test_only_the_class_teachers_see_its_gradebook(client, teacher):
    classroom, people, _ = build_class(2, 1, teacher=teacher)
    other = TeacherFactory()
    client.force_login(other)
    assert client.get(grid_url(classroom)).status_code == 404
    client.force_login(people[0])
    assert client.get(grid_url(classroom)).status_code == 302  # to the admin's login
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    assert client.get(grid_url(classroom)).status_code == 200


def test_the_class_page_links_to_the_gradebook(teacher, teacher_client):
    classroom, _, _ = build_class(1, 1, teacher=teacher)
    page = teacher_client.get(f"/admin/quizzes/classroom/{classroom.pk}/change/")
    assert grid_url(classroom) in page.content.decode()


# --- the API ----------------------------------------------------------------------------------


def api_url(classroom):
    return f"/api/classes/{classroom.pk}/gradebook/"


@pytest.mark.parametrize("size", [2, 20])
def test_the_api_gradebook_runs_constant_queries(
    api_client_for, teacher, django_assert_max_num_queries, size
):
    classroom, _people, quizzes = build_class(size, size, teacher=teacher)
    api = api_client_for(teacher)
    with django_assert_max_num_queries(8):
        response = api.get(api_url(classroom))
    assert response.status_code == 200
    body = response.json()
    assert body["classroom"] == {"id": classroom.pk, "name": classroom.name}
    assert [q["slug"] for q in body["quizzes"]] == [q.slug for q in quizzes]
    first = body["students"][0]
    assert first["username"] == "pupil000"
    assert first["cells"][0] == {
        "quiz": quizzes[0].pk,
        "state": "finished",
        "attempts": 1,
        "grade": "50.00",
        "time_taken": "00:00:00",
        "accommodation": "time ×1.5 (own)",
    }
    assert body["quizzes"][0]["completion"] == 1.0


def test_the_api_gradebook_as_csv(api_client_for, teacher):
    classroom, _people, quizzes = build_class(2, 2, teacher=teacher)
    response = api_client_for(teacher).get(f"{api_url(classroom)}?format=csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert len(rows) == 1 + 2 * 2
    assert rows[1][1:4] == ["pupil000", "pupil000", quizzes[0].slug]


def test_the_api_gradebook_is_for_the_class_teachers_only(api_client_for, teacher):
    classroom, people, _ = build_class(1, 1, teacher=teacher)
    assert api_client_for(TeacherFactory()).get(api_url(classroom)).status_code == 404
    assert api_client_for(people[0]).get(api_url(classroom)).status_code == 403
    assert api_client_for(teacher).get("/api/classes/999999/gradebook/").status_code == 404


def test_the_gradebook_is_in_the_openapi_schema(api_client_for, teacher):
    schema = api_client_for(teacher).get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/classes/{id}/gradebook/"]["get"]
    assert operation["operationId"] == "classes_gradebook"
    assert "text/csv" in operation["responses"]["200"]["content"]


def test_the_api_json_is_what_its_serializer_says(api_client_for, teacher):
    from quizzes.api.gradebook import GradebookSerializer

    classroom, people, quizzes = build_class(3, 2, teacher=teacher)
    attempt_start(quiz=quizzes[1], user=people[1], now=NOW)
    body = api_client_for(teacher).get(api_url(classroom)).json()
    expected = GradebookSerializer({"book": class_gradebook(classroom=classroom)}).data
    assert body == json.loads(json.dumps(expected, cls=DjangoJSONEncoder))


def test_the_time_taken_is_the_latest_finished_attempts(teacher):
    from quizzes.services.attempts import attempt_finish

    classroom, people, quizzes = build_class(1, 1, teacher=teacher)
    started, _ = attempt_start(quiz=quizzes[0], user=people[0], now=NOW - timedelta(minutes=7))
    attempt_finish(attempt=started, now=NOW - timedelta(seconds=15))
    [row] = class_gradebook(classroom=classroom).rows
    assert row.cells[0].time_taken == timedelta(minutes=6, seconds=45)
    assert row.cells[0].attempts == 2

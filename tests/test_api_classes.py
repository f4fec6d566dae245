"""The classes API: classes, joining, leaving, rosters, assignments and overrides; who may do
what (the permission matrix over every new endpoint and page); and the query counts."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.http import HttpRequest
from django.test import Client
from django.utils import timezone

from quizzes.models import Attempt, Classroom, Enrolment, QuizAssignment, QuizOverride
from quizzes.services.classes import assign_quiz, override_set
from tests.factories import ClassroomFactory, QuizFactory, TeacherFactory, UserFactory

pytestmark = pytest.mark.django_db

LIMIT = timedelta(minutes=10)


class Cast:
    """Teacher A teaches the class with co-teacher C; teacher B teaches another class; one
    student is in A's class, another outside it; and a superuser."""

    def __init__(self):
        self.teacher_a = TeacherFactory(username="teacher_a")
        self.teacher_b = TeacherFactory(username="teacher_b")
        self.co_teacher = TeacherFactory(username="co_teacher")
        self.student_in = UserFactory(username="student_in")
        self.student_out = UserFactory(username="student_out")
        self.superuser = UserFactory(username="boss", is_staff=True, is_superuser=True)
        self.classroom = ClassroomFactory(
            name="Year 9", teachers=[self.teacher_a, self.co_teacher], students=[self.student_in]
        )
        self.other_class = ClassroomFactory(
            name="Year 10", teachers=[self.teacher_b], students=[self.student_out]
        )
        self.quiz = QuizFactory(slug="timed", questions=2, time_limit=LIMIT)
        # A's quiz, shared with the class's co-teacher: a teacher assigns their own and shared
        # quizzes (tests/test_ownership.py).
        self.quiz.shared_with.add(self.co_teacher)


@pytest.fixture
def cast():
    return Cast()


@pytest.fixture
def as_user(api_client_for):
    return api_client_for


def url_class(classroom, what=""):
    return f"/api/classes/{classroom.pk}/{what}"


class TestClasses:
    def test_a_teacher_creates_a_class_and_gets_its_join_code(self, cast, as_user):
        response = as_user(cast.teacher_a).post("/api/classes/", {"name": "Year 11"}, format="json")
        assert response.status_code == 201
        body = response.json()
        assert body["name"] == "Year 11" and body["role"] == "teacher"
        assert len(body["join_code"]) == 8 and body["teachers"] == ["teacher_a"]
        assert Classroom.objects.get(pk=body["id"]).join_code == body["join_code"]

    def test_a_student_may_not_create_a_class(self, cast, as_user):
        response = as_user(cast.student_in).post("/api/classes/", {"name": "Mine"}, format="json")
        assert response.status_code == 403
        assert not Classroom.objects.filter(name="Mine").exists()

    @pytest.mark.parametrize("body", [{}, {"name": ""}, {"name": "   "}, {"name": "x" * 201}])
    def test_a_bad_name_is_a_400_on_name(self, cast, as_user, body):
        response = as_user(cast.teacher_a).post("/api/classes/", body, format="json")
        assert response.status_code == 400
        assert "name" in response.json()

    def test_the_list_holds_what_i_teach_and_what_i_attend(self, cast, as_user):
        taught = as_user(cast.teacher_a).get("/api/classes/").json()
        assert [(c["name"], c["role"], c["student_count"]) for c in taught] == [
            ("Year 9", "teacher", 1)
        ]
        attended = as_user(cast.student_in).get("/api/classes/").json()
        assert [(c["name"], c["role"], c["join_code"], c["students"]) for c in attended] == [
            ("Year 9", "student", None, None)  # the code is the teacher's to hand out
        ]
        assert taught[0]["students"] == [{"id": cast.student_in.pk, "username": "student_in"}]
        assert {c["name"] for c in as_user(cast.superuser).get("/api/classes/").json()} == {
            "Year 9",
            "Year 10",
        }

    def test_the_list_runs_a_constant_number_of_queries(
        self, cast, as_user, django_assert_max_num_queries
    ):
        client = as_user(cast.teacher_a)
        counts = []
        for extra in (1, 6):
            for _ in range(extra):
                ClassroomFactory(teachers=[cast.teacher_a], students=[UserFactory()])
            with django_assert_max_num_queries(4) as queries:
                assert client.get("/api/classes/").status_code == 200
            counts.append(len(queries))
        assert counts[0] == counts[1]


class TestJoinAndLeave:
    def test_a_student_joins_with_the_code_once(self, cast, as_user):
        client = as_user(cast.student_out)
        code = cast.classroom.join_code.lower()
        first = client.post("/api/classes/join/", {"code": code}, format="json")
        assert first.status_code == 201 and first.json()["name"] == "Year 9"
        again = client.post("/api/classes/join/", {"code": code}, format="json")
        assert again.status_code == 200
        assert Enrolment.objects.filter(student=cast.student_out, classroom=cast.classroom).count()

    @pytest.mark.parametrize("body", [{"code": "NOPE2345"}, {"code": ""}, {}])
    def test_a_wrong_code_is_a_400_on_code(self, cast, as_user, body):
        response = as_user(cast.student_out).post("/api/classes/join/", body, format="json")
        assert response.status_code == 400
        assert list(response.json()) == ["code"]

    def test_leave(self, cast, as_user):
        client = as_user(cast.student_in)
        assert client.post(url_class(cast.classroom, "leave/")).status_code == 204
        assert not Enrolment.objects.filter(student=cast.student_in).exists()
        assert client.post(url_class(cast.classroom, "leave/")).status_code == 404

    def test_reset_code(self, cast, as_user):
        old = cast.classroom.join_code
        response = as_user(cast.co_teacher).post(url_class(cast.classroom, "reset-code/"))
        assert response.status_code == 200 and response.json()["join_code"] != old
        cast.classroom.refresh_from_db()
        assert cast.classroom.join_code == response.json()["join_code"]


class TestRoster:
    def test_a_json_roster_enrols_everyone_named(self, cast, as_user):
        UserFactory(username="ann")
        UserFactory(username="bob", email="bob@school.example")
        response = as_user(cast.teacher_a).post(
            url_class(cast.classroom, "roster/"),
            {"csv": "username\nann\nBOB@school.example\nstudent_in\n"},
            format="json",
        )
        assert response.status_code == 200
        assert response.json() == {"added": ["ann", "bob"], "already": ["student_in"]}

    def test_a_text_csv_body_works_too(self, cast, as_user):
        UserFactory(username="ann")
        response = as_user(cast.teacher_a).post(
            url_class(cast.classroom, "roster/"), "ann,Ann A.\n", content_type="text/csv"
        )
        assert response.status_code == 200 and response.json()["added"] == ["ann"]

    def test_a_bad_line_enrols_nobody_and_is_named(self, cast, as_user):
        UserFactory(username="ann")
        response = as_user(cast.teacher_a).post(
            url_class(cast.classroom, "roster/"), {"csv": "ann\nann2\n\nbob\n"}, format="json"
        )
        assert response.status_code == 400
        assert response.json() == {"csv": ["line 2: no user 'ann2'", "line 4: no user 'bob'"]}
        assert cast.classroom.enrolments.count() == 1

    def test_a_teacher_removes_a_student(self, cast, as_user):
        url = url_class(cast.classroom, f"students/{cast.student_in.pk}/")
        assert as_user(cast.teacher_a).delete(url).status_code == 204
        assert not cast.classroom.enrolments.exists()
        assert as_user(cast.teacher_a).delete(url).status_code == 404


class TestAssignments:
    def test_assign_a_quiz_with_a_due_date_then_change_it(self, cast, as_user):
        closes = (timezone.now() + timedelta(days=3)).replace(microsecond=0)
        client = as_user(cast.teacher_a)
        url = url_class(cast.classroom, "assignments/")
        response = client.post(url, {"quiz": "timed", "closes": closes.isoformat()}, format="json")
        assert response.status_code == 201
        assert response.json()["quiz"] == "timed"
        later = closes + timedelta(days=1)
        again = client.post(url, {"quiz": "timed", "closes": later.isoformat()}, format="json")
        assert again.status_code == 200
        assert QuizAssignment.objects.get().closes == later

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"quiz": "no-such-quiz"}, "quiz"),
            ({}, "quiz"),
            ({"quiz": "timed", "closes": "not a date"}, "closes"),
            (
                {
                    "quiz": "timed",
                    "opens": "2030-01-02T10:00:00Z",
                    "closes": "2030-01-01T10:00:00Z",
                },
                "closes",
            ),
        ],
    )
    def test_bad_input_is_a_400_by_field(self, cast, as_user, body, field):
        response = as_user(cast.teacher_a).post(
            url_class(cast.classroom, "assignments/"), body, format="json"
        )
        assert response.status_code == 400
        assert field in response.json()
        assert not QuizAssignment.objects.exists()


class TestOverrides:
    url = "/api/quizzes/timed/overrides/"

    def test_half_as_much_time_again_for_a_student_sets_their_deadline(self, cast, as_user):
        response = as_user(cast.teacher_a).post(
            self.url, {"user": cast.student_in.pk, "time_multiplier": "1.5"}, format="json"
        )
        assert response.status_code == 201
        assert Decimal(response.json()["time_multiplier"]) == Decimal("1.5")
        rules = as_user(cast.student_in).get("/api/quizzes/timed/rules/").json()
        assert rules["time_limit_seconds"] == 15 * 60 and rules["accommodated"]
        assert (
            as_user(cast.student_out).get("/api/quizzes/timed/rules/").json()["time_limit_seconds"]
            == 10 * 60
        )
        started = as_user(cast.student_in).post("/api/quizzes/timed/attempts/")
        assert started.status_code == 201
        attempt = Attempt.objects.get(user=cast.student_in)
        assert attempt.deadline - attempt.started_at == timedelta(minutes=15)

    def test_a_class_override_and_setting_it_again(self, cast, as_user):
        client = as_user(cast.co_teacher)
        body = {"class": cast.classroom.pk, "extra_minutes": 5, "extra_attempts": 1}
        assert client.post(self.url, body, format="json").status_code == 201
        body = {"class": cast.classroom.pk, "extra_minutes": 7}
        assert client.post(self.url, body, format="json").status_code == 200
        override = QuizOverride.objects.get()
        assert (override.classroom, override.extra_minutes, override.extra_attempts) == (
            cast.classroom,
            7,
            None,
        )
        listed = client.get(self.url).json()
        assert [o["extra_minutes"] for o in listed] == [7]
        assert as_user(cast.teacher_b).get(self.url).json() == []

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"extra_minutes": 5}, "non_field_errors"),
            ({"user": "me", "extra_minutes": 5}, "user"),
            ({"extra_minutes": -1, "user": 0}, "extra_minutes"),
            ({"time_multiplier": "0", "user": 0}, "time_multiplier"),
            ({"time_multiplier": "lots", "user": 0}, "time_multiplier"),
            ({"closes": "soon", "user": 0}, "closes"),
        ],
    )
    def test_bad_input_is_a_400_by_field(self, cast, as_user, body, field):
        if body.get("user") == 0:
            body["user"] = cast.student_in.pk
        response = as_user(cast.teacher_a).post(self.url, body, format="json")
        assert response.status_code == 400
        assert field in response.json()
        assert not QuizOverride.objects.exists()

    def test_an_override_that_changes_nothing_is_a_400(self, cast, as_user):
        response = as_user(cast.teacher_a).post(
            self.url, {"user": cast.student_in.pk}, format="json"
        )
        assert response.status_code == 400

    def test_an_override_for_someone_elses_class_or_student_is_refused(self, cast, as_user):
        client = as_user(cast.teacher_a)
        assert client.post(
            self.url, {"class": cast.other_class.pk, "extra_minutes": 5}, format="json"
        ).json() == {"class": ["No class you teach has this id."]}
        response = client.post(
            self.url, {"user": cast.student_out.pk, "extra_minutes": 5}, format="json"
        )
        assert response.status_code == 400 and "user" in response.json()
        assert not QuizOverride.objects.exists()

    def test_an_unknown_quiz_is_a_404(self, cast, as_user):
        response = as_user(cast.teacher_a).post(
            "/api/quizzes/nope/overrides/",
            {"user": cast.student_in.pk, "extra_minutes": 5},
            format="json",
        )
        assert response.status_code == 404


class TestTheStudentSeesTheirRules:
    def test_the_quiz_detail_gives_the_students_attempts_left_and_the_list_offers_it(
        self, cast, as_user
    ):
        quiz = QuizFactory(slug="once", questions=1, attempts_allowed=1, public=False)
        assign_quiz(classroom=cast.classroom, quiz=quiz, closes=timezone.now() + timedelta(days=1))
        override_set(quiz=quiz, user=cast.student_in, extra_attempts=2)
        client = as_user(cast.student_in)
        assert client.get("/api/quizzes/once/").json()["standing"]["attempts_left"] == 3
        slugs = {q["slug"] for q in client.get("/api/quizzes/").json()["results"]}
        assert "once" in slugs
        rules = client.get("/api/quizzes/once/rules/").json()
        assert (rules["attempts_allowed"], rules["assigned"]) == (3, True)
        outsider = as_user(cast.student_out)
        assert outsider.get("/api/quizzes/once/rules/").status_code == 404
        assert outsider.get("/api/quizzes/once/").status_code == 404
        assert outsider.post("/api/quizzes/once/attempts/").status_code == 404
        assert "once" not in {q["slug"] for q in outsider.get("/api/quizzes/").json()["results"]}


# --- the permission matrix ------------------------------------------------------------------

ROLES = ["teacher_a", "teacher_b", "co_teacher", "student_in", "student_out", "superuser"]


def _api_calls(cast):
    """(name, method, url, body) of every new endpoint, on teacher A's class."""
    c = cast.classroom
    return {
        "list classes": ("get", "/api/classes/", None),
        "read the class": ("get", url_class(c), None),
        "create a class": ("post", "/api/classes/", {"name": "New"}),
        "leave the class": ("post", url_class(c, "leave/"), None),
        "reset the code": ("post", url_class(c, "reset-code/"), None),
        "import a roster": ("post", url_class(c, "roster/"), {"csv": "student_out\n"}),
        "remove a student": ("delete", url_class(c, f"students/{cast.student_in.pk}/"), None),
        "assign a quiz": ("post", url_class(c, "assignments/"), {"quiz": "timed"}),
        "set a student override": (
            "post",
            "/api/quizzes/timed/overrides/",
            {"user": cast.student_in.pk, "extra_minutes": 5},
        ),
        "set a class override": (
            "post",
            "/api/quizzes/timed/overrides/",
            {"class": c.pk, "extra_minutes": 5},
        ),
        "list overrides": ("get", "/api/quizzes/timed/overrides/", None),
        "my rules on a quiz": ("get", "/api/quizzes/timed/rules/", None),
        "join with the code": ("post", "/api/classes/join/", {"code": c.join_code}),
    }


# What each role gets: a status code per call. 404, not 403, for a class that is not yours.
EXPECTED = {
    #                         teacher_a teacher_b co_teacher student_in student_out superuser
    "list classes": (200, 200, 200, 200, 200, 200),
    "read the class": (200, 404, 200, 200, 404, 200),
    "create a class": (201, 201, 201, 403, 403, 201),
    "leave the class": (404, 404, 404, 204, 404, 404),
    "reset the code": (200, 404, 200, 404, 404, 200),
    "import a roster": (200, 404, 200, 404, 404, 200),
    "remove a student": (204, 404, 204, 404, 404, 204),
    "assign a quiz": (201, 404, 201, 404, 404, 201),
    "set a student override": (201, 400, 201, 403, 403, 201),
    "set a class override": (201, 400, 201, 403, 403, 201),
    "list overrides": (200, 200, 200, 403, 403, 200),
    "my rules on a quiz": (200, 200, 200, 200, 200, 200),
    "join with the code": (201, 201, 201, 200, 201, 201),
}


@pytest.mark.parametrize("call", list(EXPECTED))
@pytest.mark.parametrize("role", ROLES)
def test_the_permission_matrix_of_the_api(cast, as_user, role, call):
    user = getattr(cast, role)
    method, url, body = _api_calls(cast)[call]
    response = getattr(as_user(user), method)(url, body, format="json")
    expected = EXPECTED[call][ROLES.index(role)]
    assert response.status_code == expected, response.content


def test_the_list_shows_only_what_each_role_may_see(cast, as_user):
    for role, names in {
        "teacher_a": {"Year 9"},
        "teacher_b": {"Year 10"},
        "co_teacher": {"Year 9"},
        "student_in": {"Year 9"},
        "student_out": {"Year 10"},
        "superuser": {"Year 9", "Year 10"},
    }.items():
        listed = as_user(getattr(cast, role)).get("/api/classes/").json()
        assert {c["name"] for c in listed} == names, role
        codes = {c["join_code"] for c in listed}
        if role.startswith("student"):
            assert codes == {None}, role


def _page_client(user):
    client = Client()
    assert client.login(request=HttpRequest(), username=user.username, password="pass-word-123")
    return client


PAGE_EXPECTED = {
    #                        teacher_a teacher_b co_teacher student_in student_out superuser
    "my classes": (200, 200, 200, 200, 200, 200),
    "join page": (200, 200, 200, 200, 200, 200),
    "leave page": (404, 404, 404, 200, 404, 404),
    "admin class": (200, 302, 200, 302, 302, 200),
    "admin roster": (200, 404, 200, 302, 302, 200),
    "admin overrides": (200, 200, 200, 302, 302, 200),
}


def _page_urls(cast):
    c = cast.classroom
    return {
        "my classes": "/classes/",
        "join page": "/classes/join/",
        "leave page": f"/classes/{c.pk}/leave/",
        "admin class": f"/admin/quizzes/classroom/{c.pk}/change/",
        "admin roster": f"/admin/quizzes/classroom/{c.pk}/roster/",
        "admin overrides": "/admin/quizzes/quizoverride/",
    }


@pytest.mark.parametrize("page", list(PAGE_EXPECTED))
@pytest.mark.parametrize("role", ROLES)
def test_the_permission_matrix_of_the_pages(cast, role, page):
    response = _page_client(getattr(cast, role)).get(_page_urls(cast)[page])
    assert response.status_code == PAGE_EXPECTED[page][ROLES.index(role)]


def test_a_teacher_sees_only_their_classes_and_overrides_in_the_admin(cast):
    override_set(quiz=cast.quiz, user=cast.student_in, extra_minutes=5)
    override_set(quiz=cast.quiz, user=cast.student_out, extra_minutes=9)
    client = _page_client(cast.teacher_a)
    classes = client.get("/admin/quizzes/classroom/").content.decode()
    assert "Year 9" in classes and "Year 10" not in classes
    overrides = client.get("/admin/quizzes/quizoverride/").content.decode()
    assert "student_in" in overrides and "student_out" not in overrides


def test_the_issues_api_story_from_the_demo(db, api_client_for):
    """From the demo data: the teacher creates a class, the demo student joins with the code,
    the teacher assigns the timed quiz with a due date and gives the student 50 % extra time;
    the student's attempt gets 15 minutes and the due date."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    call_command(
        "loaddata", "articles", "questions", "quizzes", "demo_users", "classes", verbosity=0
    )
    users = get_user_model().objects
    teacher = api_client_for(users.get(username="teacher"))
    student_user = users.get(username="student")
    student = api_client_for(student_user)

    made = teacher.post("/api/classes/", {"name": "Year 9"}, format="json")
    assert made.status_code == 201
    class_id, code = made.json()["id"], made.json()["join_code"]
    joined = student.post("/api/classes/join/", {"code": code}, format="json")
    assert joined.status_code == 201
    students = teacher.get(f"/api/classes/{class_id}/").json()["students"]
    assert students == [{"id": student_user.pk, "username": "student"}]

    due = (timezone.now() + timedelta(days=3)).replace(microsecond=0)
    assigned = teacher.post(
        f"/api/classes/{class_id}/assignments/",
        {"quiz": "geneva-timed-challenge", "closes": due.isoformat()},
        format="json",
    )
    assert assigned.status_code == 201
    override = teacher.post(
        "/api/quizzes/geneva-timed-challenge/overrides/",
        {"user": students[0]["id"], "time_multiplier": "1.5"},
        format="json",
    )
    assert override.status_code == 200  # the demo already gave the student 50 % more time

    started = student.post("/api/quizzes/geneva-timed-challenge/attempts/")
    assert started.status_code == 201
    attempt = Attempt.objects.get(user=student_user, quiz__slug="geneva-timed-challenge")
    assert attempt.deadline - attempt.started_at == timedelta(minutes=15)
    standing = student.get("/api/quizzes/geneva-timed-challenge/").json()["standing"]
    assert standing["state"] == "in_progress"

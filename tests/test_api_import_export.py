"""POST /api/questions/import/ and GET /api/questions/export/: teachers only, the same report as
the command, a 400 naming the line of a malformed file, the file itself with its name."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from quizzes.models import Question
from tests.factories import QuestionFactory, TagFactory
from tests.test_import_export import GIFT, WITH_ESSAY

pytestmark = pytest.mark.django_db

IMPORT = "/api/questions/import/"
EXPORT = "/api/questions/export/"


@pytest.fixture
def api(api_client_for, teacher):
    return api_client_for(teacher)


def upload(text, name="reset.gift.txt"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/plain")


def test_students_cannot_import_or_export(api_client_for, student):
    api = api_client_for(student)

    assert api.post(IMPORT, {"file": upload(GIFT)}, format="multipart").status_code == 403
    assert api.get(EXPORT, {"format": "gift"}).status_code == 403
    assert not Question.objects.exists()


def test_a_teacher_imports_a_file_and_gets_the_report(api, teacher):
    response = api.post(IMPORT, {"file": upload(GIFT), "tag": "Reset button"}, format="multipart")

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["written"] is True and body["format"] == "gift"
    assert body["counts"] == {"created": 4, "updated": 0, "unchanged": 0, "refused": 0}
    assert body["created"][0]["name"] == "Who met Lavrov"
    assert body["created"][0]["line"] == 2
    assert Question.objects.filter(owner=teacher).count() == 4


def test_a_dry_run_answers_the_report_and_writes_nothing(api):
    response = api.post(IMPORT, {"file": upload(GIFT), "dry_run": "true"}, format="multipart")

    assert response.status_code == 200
    assert response.json()["counts"]["created"] == 4
    assert response.json()["written"] is False
    assert not Question.objects.exists()


def test_a_malformed_file_is_a_400_naming_the_line(api):
    broken = upload(GIFT + "\n::Broken::Where?{=Geneva ~Paris\n")

    response = api.post(IMPORT, {"file": broken}, format="multipart")

    assert response.status_code == 400
    (message,) = response.json()["file"]
    assert message.startswith("line 14: ") and "not closed" in message
    assert not Question.objects.exists()


def test_unsupported_questions_are_a_400_with_the_report_unless_skipped(api):
    response = api.post(IMPORT, {"file": upload(WITH_ESSAY)}, format="multipart")

    assert response.status_code == 400
    assert response.json()["file"][0].startswith("line 14, “Your view”: ")
    assert response.json()["report"]["refused"][0]["line"] == 14
    assert not Question.objects.exists()

    response = api.post(
        IMPORT, {"file": upload(WITH_ESSAY), "skip_unsupported": "true"}, format="multipart"
    )
    assert response.status_code == 200
    assert response.json()["counts"]["created"] == 4


def test_an_import_without_a_file_is_a_field_error(api):
    response = api.post(IMPORT, {"tag": "x"}, format="multipart")

    assert response.status_code == 400
    assert "file" in response.json()


def test_export_answers_the_file_with_its_name(api):
    geneva = TagFactory(slug="geneva", name="Geneva")
    QuestionFactory(key="lavrov").tags.add(geneva)
    QuestionFactory(key="other")

    response = api.get(EXPORT, {"format": "gift", "tag": "geneva"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="questions.gift.txt"'
    text = response.content.decode("utf-8")
    assert "::lavrov::" in text and "::other::" not in text


def test_export_as_moodle_xml(api):
    QuestionFactory(key="lavrov")

    response = api.get(EXPORT, {"format": "moodle-xml"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="questions.xml"'
    assert b"<quiz>" in response.content


def test_export_needs_a_known_format(api):
    response = api.get(EXPORT, {"format": "aiken"})

    assert response.status_code == 400
    assert "format" in response.json()


def test_export_costs_a_constant_number_of_queries(api, django_assert_max_num_queries):
    for n in range(10):
        QuestionFactory(key=f"q{n}")
    with django_assert_max_num_queries(8):
        assert api.get(EXPORT, {"format": "gift"}).status_code == 200


def test_the_endpoints_are_in_the_schema(api):
    schema = api.get("/api/schema/", {"format": "json"}).json()

    assert "post" in schema["paths"]["/api/questions/import/"]
    export = schema["paths"]["/api/questions/export/"]["get"]
    assert {p["name"] for p in export["parameters"]} >= {"format", "tag", "quiz", "article"}

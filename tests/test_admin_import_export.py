"""The admin's "Import questions" page (upload, preview, confirm) and the export actions on
questions and quizzes, through the test client as a teacher uses them."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from quizzes.models import Question
from tests.factories import QuestionFactory, QuizFactory, UserFactory
from tests.test_import_export import GIFT, WITH_ESSAY

pytestmark = pytest.mark.django_db

IMPORT = "admin:quizzes_question_import"


@pytest.fixture
def teacher_admin(client, teacher):
    teacher.is_staff = True
    teacher.save()
    client.force_login(teacher)
    return client


def upload(text, name="reset.gift.txt"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/plain")


def preview(client, text, **options):
    data = {"file": upload(text), "format": "", "tag": "Reset button", **options}
    return client.post(reverse(IMPORT), data)


def test_the_question_list_links_to_the_import_page(teacher_admin):
    page = teacher_admin.get(reverse("admin:quizzes_question_changelist"))

    assert reverse(IMPORT) in page.content.decode()
    assert teacher_admin.get(reverse(IMPORT)).status_code == 200


def test_a_staff_member_who_is_not_a_teacher_cannot_import(client):
    client.force_login(UserFactory(username="clerk", is_staff=True))

    assert client.get(reverse(IMPORT)).status_code == 403
    assert client.post(reverse(IMPORT), {"file": upload(GIFT)}).status_code == 403
    assert not Question.objects.exists()


def test_upload_previews_then_confirm_imports(teacher_admin, teacher):
    page = preview(teacher_admin, GIFT)

    assert page.status_code == 200
    assert page.context["report"].summary() == (
        "Dry run, nothing written: would import 4 new, 0 updated, 0 unchanged, 0 refused."
    )
    assert "line 2, “Who met Lavrov”" in page.content.decode()
    assert not Question.objects.exists()

    token = page.context["form"].initial["token"]
    done = teacher_admin.post(
        reverse(IMPORT), {"token": token, "format": "", "tag": "Reset button", "confirm": "Import"}
    )

    assert done.status_code == 302
    assert done["Location"] == reverse("admin:quizzes_question_changelist")
    assert Question.objects.filter(owner=teacher).count() == 4
    messages = [str(m) for m in done.wsgi_request._messages]
    assert "Imported 4 new, 0 updated, 0 unchanged, 0 refused." in messages


def test_changing_an_option_after_the_preview_previews_again(teacher_admin):
    token = preview(teacher_admin, GIFT).context["form"].initial["token"]

    again = teacher_admin.post(
        reverse(IMPORT), {"token": token, "format": "", "tag": "Geneva", "confirm": "Import"}
    )

    assert again.status_code == 200
    assert again.context["report"].dry_run
    assert not Question.objects.exists()


def test_unsupported_questions_are_listed_and_block_the_import(teacher_admin):
    page = preview(teacher_admin, WITH_ESSAY)

    text = page.content.decode()
    assert "line 14, “Your view”: Factcards cannot hold a question of type “essay”" in text
    assert 'name="confirm"' not in text  # nothing to confirm until the rest may go in

    page = preview(teacher_admin, WITH_ESSAY, skip_unsupported="on")
    assert 'name="confirm"' in page.content.decode()


def test_a_malformed_file_is_a_form_error_that_keeps_the_choices(teacher_admin):
    broken = GIFT + "\n::Broken::Where?{=Geneva ~Paris\n"

    page = preview(teacher_admin, broken, format="gift", skip_unsupported="on")

    form = page.context["form"]
    assert "reset.gift.txt, line 14: " in form.errors["file"][0]
    assert form["tag"].value() == "Reset button"
    assert form["format"].value() == "gift"
    assert form["skip_unsupported"].value() is True
    assert page.context["report"] is None
    assert not Question.objects.exists()


def test_confirming_without_a_previewed_file_asks_for_one(teacher_admin):
    page = teacher_admin.post(reverse(IMPORT), {"token": "stale", "confirm": "Import"})

    assert page.context["form"].errors["file"] == ["Choose the file to import."]


def test_the_export_action_downloads_the_selected_questions(teacher_admin):
    chosen, _other = QuestionFactory(key="chosen"), QuestionFactory(key="other")

    response = teacher_admin.post(
        reverse("admin:quizzes_question_changelist"),
        {"action": "export_gift", "_selected_action": [chosen.pk]},
    )

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="questions.gift.txt"'
    text = response.content.decode()
    assert "::chosen::" in text and "::other::" not in text


def test_the_quiz_export_action_downloads_its_questions_in_order(teacher_admin):
    first, second = QuestionFactory(key="z-first"), QuestionFactory(key="a-second")
    quiz = QuizFactory(slug="reset", questions=[first, second])

    response = teacher_admin.post(
        reverse("admin:quizzes_quiz_changelist"),
        {"action": "export_moodle_xml", "_selected_action": [quiz.pk]},
    )

    assert response["Content-Disposition"] == 'attachment; filename="reset.xml"'
    text = response.content.decode()
    assert text.index("z-first") < text.index("a-second")

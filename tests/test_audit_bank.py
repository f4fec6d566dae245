"""`manage.py audit_bank` and the admin's "needs a look": the same checks on saved questions."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from quizzes.models import Choice, Question
from quizzes.services.bank_building import generate_questions, question_checksum
from tests.factories import ArticleFactory, FactFactory, QuizFactory, UserFactory

pytestmark = pytest.mark.django_db

BODY = (
    "Ethiopia's Tigist Alemu won the women's race in Rotterdam on Sunday. "
    "Her coach said she would now run in Tokyo in September."
)


@pytest.fixture
def bank():
    article = ArticleFactory(slug="race", publisher="Sport Daily", body=BODY)
    one, two = BODY.split(". ")
    one += "."
    FactFactory(
        key="country",
        article=article,
        sentence=one,
        answer="Ethiopia",
        kind="place",
        prompt="Which country does the winner run for?",
        position=1,
    )
    FactFactory(
        key="city",
        article=article,
        sentence=two,
        answer="Tokyo",
        kind="place",
        prompt="Where will she run in September?",
        position=2,
    )
    generate_questions(facts=article.facts.all(), seed=1)
    return article


def run(*args):
    out = StringIO()
    call_command("audit_bank", *args, stdout=out)
    return out.getvalue()


def spoil(key, wrong_text):
    """A teacher-free edit that the generators would never make: a city among countries."""
    question = Question.objects.get(key=key)
    choice = question.choices.filter(fraction=0).first()
    choice.text = wrong_text
    choice.save()
    # still counts as generated (the checksum follows), so the checks judge it
    question.generated_checksum = question_checksum(question)
    question.save()
    return question


def test_a_freshly_generated_bank_passes_strictly(bank):
    output = run("--strict")
    assert "0 problem(s)" in output


def test_problems_are_printed_per_question_with_counts_and_strict_fails(bank):
    spoil("country:single", "Nairobi")
    output = run()
    assert "country:single" in output
    assert "option “Nairobi” is a city, the answer a country" in output
    assert "1 problem(s) in 1 question(s)" in output
    with pytest.raises(CommandError, match=r"1 problem\(s\) found"):
        run("--strict")


def test_a_quiz_that_answers_itself_is_reported(bank):
    cloze = Question.objects.get(key="country:cloze")  # its sentence names Rotterdam…
    question = Question.objects.get(key="city:short")
    question.text = "Where will Alemu of Ethiopia run in September?"
    question.generated_checksum = question_checksum(question)
    question.save()
    quiz = QuizFactory(slug="leaky", questions=[cloze, question])
    output = run("--quiz", quiz.slug)
    assert "shows “Ethiopia”, the answer to country:cloze" in output
    with pytest.raises(CommandError, match="Unknown quiz slug: nope"):
        run("--quiz", "nope")


def test_unknown_articles_are_refused(bank):
    with pytest.raises(CommandError, match=r"Unknown article slug\(s\): nope"):
        run("--article", "nope")


def test_the_admin_shows_and_filters_what_needs_a_look(client, bank):
    spoil("country:single", "Nairobi")
    client.force_login(UserFactory(username="boss", is_staff=True, is_superuser=True))
    url = reverse("admin:quizzes_question_changelist")
    page = client.get(url)
    assert "Needs a look" in page.content.decode()
    assert "option “Nairobi” is a city, the answer a country" in page.content.decode()
    flagged = client.get(url, {"needs_a_look": "yes"}).context["cl"].result_list
    assert [q.key for q in flagged] == ["country:single"]
    fine = client.get(url, {"needs_a_look": "no"}).context["cl"].result_list
    assert (
        "country:single" not in {q.key for q in fine} and len(fine) == Question.objects.count() - 1
    )
    assert Choice.objects.filter(text="Nairobi").exists()


def test_the_demo_bank_and_its_built_quiz_pass_strictly():
    call_command("loaddata", "articles", "questions", "quizzes", "demo_users", verbosity=0)
    assert "0 problem(s)" in run("--strict")
    assert "0 problem(s)" in run("--quiz", "reuters-generated-practice", "--strict")


def test_the_admin_audits_the_bank_once_until_it_changes(client, bank, monkeypatch):
    from quizzes.admin import bank as bank_admin

    audits = []
    real = bank_admin.audit_questions
    monkeypatch.setattr(bank_admin, "audit_questions", lambda qs: audits.append(1) or real(qs))
    client.force_login(UserFactory(username="boss", is_staff=True, is_superuser=True))
    url = reverse("admin:quizzes_question_changelist")

    client.get(url)
    client.get(url, {"needs_a_look": "yes"})
    assert len(audits) == 1  # the second page reads the cached result

    spoil("country:single", "Nairobi")
    page = client.get(url)
    assert len(audits) == 2  # an edit is seen at once
    assert "option “Nairobi” is a city, the answer a country" in page.content.decode()

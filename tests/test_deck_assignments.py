"""Decks assigned to classes: a deck that is not public is for the classes it is assigned to
(and teachers), on the pages and in the API; the assignments API takes a deck."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from flashcards.models import DeckAssignment
from flashcards.services.assignments import assign_deck
from tests.factories import CardFactory, ClassroomFactory, DeckFactory, TeacherFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def class_deck():
    deck = DeckFactory(slug="class-deck", title="Class deck", public=False)
    CardFactory(deck=deck, front="Where did they meet?", back="Geneva")
    return deck


def test_a_deck_that_is_not_public_is_for_its_classes(client, class_deck):
    student, outsider = UserFactory(), UserFactory()
    assign_deck(classroom=ClassroomFactory(students=[student]), item=class_deck)
    study = reverse("flashcards-study", kwargs={"slug": "class-deck"})

    client.force_login(outsider)
    assert "Class deck" not in client.get(reverse("flashcards")).content.decode()
    assert client.get(study).status_code == 404

    client.force_login(student)
    assert "Class deck" in client.get(reverse("flashcards")).content.decode()
    assert client.get(study).status_code == 200


def test_the_api_shows_a_class_deck_only_to_its_students_and_teachers(api_client_for, class_deck):
    student, outsider, teacher = UserFactory(), UserFactory(), TeacherFactory()
    assign_deck(classroom=ClassroomFactory(students=[student]), item=class_deck)
    for user, visible in ((student, True), (outsider, False), (teacher, True)):
        api = api_client_for(user)
        slugs = {d["slug"] for d in api.get("/api/decks/").json()["results"]}
        assert ("class-deck" in slugs) is visible
        assert (api.get("/api/decks/class-deck/").status_code == 200) is visible


def test_assign_a_deck_through_the_api(api_client_for, class_deck):
    teacher = TeacherFactory()
    class_deck.owner = teacher  # a teacher assigns their own (or shared) decks only
    class_deck.save(update_fields=["owner"])
    classroom = ClassroomFactory(teachers=[teacher])
    api = api_client_for(teacher)
    url = f"/api/classes/{classroom.pk}/assignments/"
    closes = (timezone.now() + timedelta(days=7)).replace(microsecond=0)
    response = api.post(url, {"deck": "class-deck", "closes": closes.isoformat()}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert (body["deck"], body["quiz"], body["classroom"]) == ("class-deck", None, classroom.pk)
    assert DeckAssignment.objects.get().closes == closes
    again = api.post(url, {"deck": "class-deck"}, format="json")
    assert again.status_code == 200 and DeckAssignment.objects.get().closes is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"deck": "nope"}, "deck"),
        ({"deck": "class-deck", "quiz": "x"}, "quiz"),
        (
            {
                "deck": "class-deck",
                "opens": "2030-01-02T00:00:00Z",
                "closes": "2030-01-01T00:00:00Z",
            },
            "closes",
        ),
    ],
)
def test_bad_deck_assignments_are_400s_by_field(api_client_for, class_deck, body, field):
    teacher = TeacherFactory()
    class_deck.owner = teacher
    class_deck.save(update_fields=["owner"])
    classroom = ClassroomFactory(teachers=[teacher])
    response = api_client_for(teacher).post(
        f"/api/classes/{classroom.pk}/assignments/", body, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()
    assert not DeckAssignment.objects.exists()


def test_another_teachers_class_is_a_404(api_client_for, class_deck):
    classroom = ClassroomFactory(teachers=[TeacherFactory()])
    response = api_client_for(TeacherFactory()).post(
        f"/api/classes/{classroom.pk}/assignments/", {"deck": "class-deck"}, format="json"
    )
    assert response.status_code == 404


def test_the_class_admin_lists_its_assigned_decks(client, class_deck):
    teacher = TeacherFactory()
    classroom = ClassroomFactory(teachers=[teacher])
    assign_deck(classroom=classroom, item=class_deck)
    client.force_login(teacher)
    page = client.get(reverse("admin:quizzes_classroom_change", args=[classroom.pk]))
    assert page.status_code == 200
    assert "Assigned decks" in page.content.decode()
    listed = client.get(reverse("admin:flashcards_deckassignment_changelist"))
    assert "Class deck" in listed.content.decode()

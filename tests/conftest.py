import pytest

from tests.factories import TeacherFactory, UserFactory


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",  # the demo users' hashes
    ]


@pytest.fixture
def student(db):
    return UserFactory(username="student")


@pytest.fixture
def other_student(db):
    return UserFactory(username="other")


@pytest.fixture
def teacher(db):
    return TeacherFactory(username="teacher")


@pytest.fixture
def student_client(client, student):
    client.force_login(student)
    return client


@pytest.fixture
def teacher_client(client, teacher):
    client.force_login(teacher)
    return client

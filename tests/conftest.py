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


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttle counts (and anything else cached) never leak from one test into the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api_client_for():
    """`api_client_for(user)`: a DRF client authenticated as that user."""
    from rest_framework.test import APIClient

    def make(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return make

import pytest
from hypothesis import settings as hypothesis_settings

from tests.factories import TeacherFactory, UserFactory

# No per-example deadline: on a shared, loaded machine it measures the machine, not the code
# (a 0.2 ms example once took 446 ms and failed the suite). Speed targets live in bench/.
hypothesis_settings.register_profile("factcards", deadline=None)
hypothesis_settings.load_profile("factcards")


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


@pytest.fixture
def midday(monkeypatch):
    """The clock at noon today (local time): a review "an hour ago" is today's whatever time the
    suite runs. Between midnight and one it would be yesterday's, and the day's new-card count
    would differ."""
    from django.utils import timezone

    noon = timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0)
    monkeypatch.setattr(timezone, "now", lambda: noon)
    return noon

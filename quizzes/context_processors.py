from django.conf import settings
from django.utils.functional import SimpleLazyObject

from quizzes.permissions import teaches_in_admin


def site(request):
    """Switches the base template needs on every page.

    `teach_link` is lazy and checks the staff flag first, so a student's page costs no
    permission query."""
    return {
        "signup_enabled": settings.SIGNUP_ENABLED,
        "teach_link": SimpleLazyObject(lambda: teaches_in_admin(getattr(request, "user", None))),
    }

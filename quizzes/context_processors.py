from django.conf import settings


def site(request):
    """Switches the base template needs on every page."""
    return {"signup_enabled": settings.SIGNUP_ENABLED}

"""Request checks that a whole area of the site shares."""

from django.http import HttpResponseBadRequest
from django.urls import reverse


class RejectNulBytesInAdminMiddleware:
    """Answer 400 to an admin request whose query string or form carries a NUL byte.

    The admin's list filters pass query values straight into the database query, and no text
    column can hold a NUL (PostgreSQL refuses it with an error, a 500). The student pages and the
    API validate their own input and answer such values with a form or field error.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.prefix = None

    def __call__(self, request):
        if self.prefix is None:
            self.prefix = reverse("admin:index")
        if request.path.startswith(self.prefix) and (
            _has_nul(request.GET) or _has_nul_in_form(request)
        ):
            return HttpResponseBadRequest(
                "The request contains a NUL character, which no field accepts.",
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


def _has_nul(query) -> bool:
    return any("\x00" in key or any("\x00" in v for v in values) for key, values in query.lists())


def _has_nul_in_form(request) -> bool:
    content_type = request.content_type or ""
    if request.method != "POST" or not content_type.startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        return False
    return _has_nul(request.POST)

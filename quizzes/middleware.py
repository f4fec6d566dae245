"""Request checks that every page shares."""

from django.http import HttpResponseBadRequest


class RejectNulBytesMiddleware:
    """Answer 400 to a query string or form that carries a NUL byte.

    No text column can hold one (PostgreSQL refuses it outright), so such a value can only be an
    error or an attack; stopping it here spares every view, form and admin filter from meeting it
    in a database error. JSON bodies are the API's to validate (its fields refuse NUL with a
    message per field).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or _has_nul(request.GET) or _has_nul_in_form(request):
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

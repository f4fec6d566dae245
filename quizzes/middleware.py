"""Request checks that a whole area of the site shares."""

import functools

import csp.middleware
from csp.constants import HEADER as CSP_HEADER
from csp.constants import HEADER_REPORT_ONLY as CSP_HEADER_REPORT_ONLY
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
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


# The response attributes through which django-csp's decorators ask for a policy of their own.
_CSP_PER_RESPONSE = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
)
# (header, the response attribute that exempts it, its setting, report-only)
_CSP_HEADERS = (
    (CSP_HEADER, "_csp_exempt", "CONTENT_SECURITY_POLICY", False),
    (CSP_HEADER_REPORT_ONLY, "_csp_exempt_ro", "CONTENT_SECURITY_POLICY_REPORT_ONLY", True),
)


@functools.cache
def _site_policy(setting: str, report_only: bool) -> tuple[str, tuple[str, ...]]:
    """The header text of the site's policy (or "") and the path prefixes it skips."""
    policy = getattr(settings, setting, None) or {}
    return build_policy(report_only=report_only), tuple(policy.get("EXCLUDE_URL_PREFIXES") or ())


@receiver(setting_changed)
def _forget_site_policy(*, setting, **kwargs) -> None:
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _site_policy.cache_clear()


class CSPMiddleware(csp.middleware.CSPMiddleware):
    """django-csp's middleware, with the site's policy headers built once per process.

    django-csp builds both headers from the settings on every response (about 0.13 ms: a tenth
    of an answer save's CPU, a third of a response that does nothing). A response that asks for
    nothing of its own (no nonce drawn, none of the `@csp_update`/`@csp_replace`/`@csp`
    decorators) always gets the same text, so it is built once and kept until a setting changes;
    every other response goes through django-csp unchanged. The rules are django-csp's own (a
    header already set, an exempt view, `EXCLUDE_URL_PREFIXES`, debug pages left alone);
    tests/test_csp_middleware.py holds the two to the same headers.
    """

    def process_response(self, request, response):
        if getattr(request, "_csp_nonce", None) is not None or any(
            hasattr(response, name) for name in _CSP_PER_RESPONSE
        ):
            return super().process_response(request, response)
        if settings.DEBUG and response.status_code in (500, 404):
            return response
        for header, exempt, setting, report_only in _CSP_HEADERS:
            text, excluded = _site_policy(setting, report_only)
            if (
                text
                and header not in response
                and not getattr(response, exempt, False)
                and not request.path_info.startswith(excluded)
            ):
                response[header] = text
        # As django-csp does: a nonce asked for after the header is written is an error.
        request.csp_nonce = csp.middleware.CheckableLazyObject(self._csp_nonce_post_response)
        return response
